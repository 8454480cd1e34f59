"""Source diversity by the sources' own consent: the form's questions, the private links and the
answers, kept apart from the source records."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_sourcing_record'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SelfIdCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='For the report: “Gender”.', max_length=80, unique=True)),
                ('question', models.CharField(help_text='As the source reads it: “How do you describe your gender?”', max_length=200)),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('active', models.BooleanField(default=True, help_text='Asked in forms sent from now on.')),
            ],
            options={
                'verbose_name': 'self-identification question',
                'ordering': ('position', 'pk'),
            },
        ),
        migrations.CreateModel(
            name='SelfIdSurvey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('intro', models.TextField(default='We try to quote a range of people. These optional questions help us count who we quote. Answer only what you want to; “Prefer not to say” is always fine.', help_text='Shown at the top of the form.')),
                ('consent_text', models.TextField(default='I agree that the newsroom may keep these answers to count, in groups of at least five people, who it quotes. They are kept apart from my contact details, never published about me, and deleted when I ask.', help_text='What a source agrees to by ticking the box; kept with each set of answers.')),
                ('link_days', models.PositiveSmallIntegerField(default=14, help_text='How long a new link works.', verbose_name='link lifetime (days)')),
            ],
            options={
                'verbose_name': 'self-identification form',
                'verbose_name_plural': 'self-identification form',
            },
        ),
        migrations.CreateModel(
            name='ConsentRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('expires_at', models.DateTimeField()),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('answers_deleted_at', models.DateTimeField(blank=True, help_text='When the answers given through it were deleted.', null=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consent_requests', to='articles.source')),
            ],
            options={
                'verbose_name': 'self-identification link',
                'ordering': ('-created', '-pk'),
            },
        ),
        migrations.CreateModel(
            name='SelfIdentification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('consent_text', models.TextField(help_text='The words the source agreed to.')),
                ('consented_at', models.DateTimeField()),
                ('request', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='answers', to='articles.consentrequest')),
                ('source', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='self_identification', to='articles.source')),
            ],
            options={
                'verbose_name': 'self-identification',
            },
        ),
        migrations.CreateModel(
            name='SelfIdOption',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=100)),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='options', to='articles.selfidcategory')),
            ],
            options={
                'ordering': ('category', 'position', 'pk'),
            },
        ),
        migrations.CreateModel(
            name='SelfIdAnswer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='articles.selfidcategory')),
                ('identification', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='articles.selfidentification')),
                ('option', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='articles.selfidoption')),
            ],
        ),
        migrations.AddConstraint(
            model_name='selfidoption',
            constraint=models.UniqueConstraint(fields=('category', 'label'), name='selfid_option_once'),
        ),
        migrations.AddConstraint(
            model_name='selfidanswer',
            constraint=models.UniqueConstraint(fields=('identification', 'category'), name='selfid_one_answer_per_question'),
        ),
    ]
