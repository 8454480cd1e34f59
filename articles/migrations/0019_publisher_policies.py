"""The publisher's policy links (the Trust Project fields of the JSON-LD)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0018_source_consent'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublisherPolicies',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('publishing_principles', models.URLField(blank=True, help_text='Standards and ethics: how we work (schema.org publishingPrinciples).')),
                ('corrections_policy', models.URLField(blank=True, help_text='How we correct mistakes.')),
                ('unnamed_sources_policy', models.URLField(blank=True, help_text='When we quote people without naming them, and why.')),
                ('diversity_policy', models.URLField(blank=True, help_text='How we try to hear from a range of people.')),
                ('ethics_policy', models.URLField(blank=True, help_text='Our code of ethics.')),
            ],
            options={
                'verbose_name': 'publisher policies',
                'verbose_name_plural': 'publisher policies',
            },
        ),
    ]
