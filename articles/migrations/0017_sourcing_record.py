"""Sourcing that holds (issue 17): a source is created only when an editor confirms a quote to a
new name (Source.created_by_confirmation), quotes may be from an unnamed source (never with a
source record), what extraction took the speaker for, how a source is referred to, sound keys
for near-duplicate names, and the record check's findings and index."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0016_appeal_counter_shards'),
    ]

    operations = [
        migrations.CreateModel(
            name='QuoteMatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('reuse', 'Said almost the same before'), ('misattribution', 'Attributed to someone else before')], max_length=14)),
                ('similarity', models.PositiveSmallIntegerField(help_text='0–100: how alike the words are.')),
                ('checked', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ('-kind', '-similarity', 'pk'),
            },
        ),
        migrations.CreateModel(
            name='QuoteShingle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('hash', models.BigIntegerField()),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='quote',
            name='quote_confirmed_has_source',
        ),
        migrations.AddField(
            model_name='quote',
            name='speaker_kind',
            field=models.CharField(blank=True, help_text='What extraction took the speaker for (person, organisation or group): the kind a new source gets when this quote is confirmed to a new name.', max_length=12),
        ),
        migrations.AddField(
            model_name='quote',
            name='unnamed',
            field=models.BooleanField(default=False, help_text='The story does not name who said this: readers see only that an unnamed source was used, never a name or a page.', verbose_name='unnamed source'),
        ),
        migrations.AddField(
            model_name='source',
            name='created_by_confirmation',
            field=models.BooleanField(default=False, editable=False, help_text='Created when an editor confirmed a quote to a new name, and not edited since: rejecting that quote removes it again.'),
        ),
        migrations.AddField(
            model_name='source',
            name='pronoun',
            field=models.CharField(blank=True, choices=[('he', 'he'), ('she', 'she'), ('they', 'they')], help_text='How stories refer to them, as they asked; helps quote extraction follow “she said” after their name. Leave empty if you do not know: it is never guessed.', max_length=4, verbose_name='referred to as'),
        ),
        migrations.AddField(
            model_name='source',
            name='sound_keys',
            field=models.TextField(default='', editable=False, help_text='Name and aliases as they sound (transliterations folded), one per line, for duplicate suggestions.'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'confirmed'), _negated=True), ('source__isnull', False), ('unnamed', True), _connector='OR'), name='quote_confirmed_has_source', violation_error_message='A confirmed quote needs a source (or to be marked as from an unnamed source).'),
        ),
        migrations.AddConstraint(
            model_name='quote',
            constraint=models.CheckConstraint(condition=models.Q(('unnamed', False), ('source__isnull', True), _connector='OR'), name='quote_unnamed_has_no_source', violation_error_message="A quote from an unnamed source cannot name a source: readers could find it through the source's page."),
        ),
        migrations.AddField(
            model_name='quotematch',
            name='earlier',
            field=models.ForeignKey(help_text='The earlier quote.', on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.quote'),
        ),
        migrations.AddField(
            model_name='quotematch',
            name='quote',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='record_matches', to='articles.quote'),
        ),
        migrations.AddField(
            model_name='quoteshingle',
            name='quote',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shingles', to='articles.quote'),
        ),
        migrations.AddConstraint(
            model_name='quotematch',
            constraint=models.UniqueConstraint(fields=('quote', 'earlier'), name='quote_match_once'),
        ),
        migrations.AddIndex(
            model_name='quoteshingle',
            index=models.Index(fields=['hash'], name='quote_shingle_hash_idx'),
        ),
        migrations.AddConstraint(
            model_name='quoteshingle',
            constraint=models.UniqueConstraint(fields=('quote', 'hash'), name='quote_shingle_once'),
        ),
    ]
