"""Lead images for stories, and their words in revisions.

On SQLite, adding a NOT NULL column rebuilds the story table, which SQLite refuses while
triggers name it: the source listing's, which an earlier version of 0009 put there, go first.
"""

from django.db import migrations, models

import articles.images

SQLITE_DROP = ['DROP TRIGGER IF EXISTS articles_source_listing_quote_insert', 'DROP TRIGGER IF EXISTS articles_source_listing_quote_update', 'DROP TRIGGER IF EXISTS articles_source_listing_quote_delete', 'DROP TRIGGER IF EXISTS articles_source_listing_story_update']


def drop_sqlite_triggers(apps, schema_editor):
    """SQLite refuses to rebuild a table that triggers name; the source listing's triggers on
    SQLite are gone for good from 0012 (the listing reads stories there)."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_source_listing'),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, migrations.RunPython.noop, elidable=False),
        migrations.AddField(
            model_name='revision',
            name='image',
            field=models.CharField(blank=True, help_text="The lead image's name in storage (not a copy).", max_length=255),
        ),
        migrations.AddField(
            model_name='revision',
            name='image_alt',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='revision',
            name='image_caption',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='revision',
            name='image_credit',
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddField(
            model_name='story',
            name='image',
            field=models.ImageField(blank=True, height_field='image_height', help_text='Shown under the headline and on social cards. JPEG, PNG or WebP, at most 10 MB; 1200 pixels wide or more looks sharp everywhere.', max_length=255, upload_to='stories/%Y/%m/', validators=[articles.images.validate_lead_image], verbose_name='lead image', width_field='image_width'),
        ),
        migrations.AddField(
            model_name='story',
            name='image_alt',
            field=models.CharField(blank=True, help_text='What the image shows, for readers who cannot see it. Required with an image.', max_length=300, verbose_name='alt text'),
        ),
        migrations.AddField(
            model_name='story',
            name='image_caption',
            field=models.CharField(blank=True, help_text='Shown under the image.', max_length=300, verbose_name='caption'),
        ),
        migrations.AddField(
            model_name='story',
            name='image_credit',
            field=models.CharField(blank=True, help_text='For example “Photo: Reuters”.', max_length=120, verbose_name='credit'),
        ),
        migrations.AddField(
            model_name='story',
            name='image_height',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='story',
            name='image_width',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
    ]
