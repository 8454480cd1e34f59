"""Lead image renditions on stories and in revisions (articles/images.py builds them).

Existing stories get an empty list; `manage.py build_renditions` fills it. On SQLite the new
column rebuilds the story table, so any source listing triggers there go first (see 0010).
"""

from django.db import migrations, models

SQLITE_DROP = ['DROP TRIGGER IF EXISTS articles_source_listing_quote_insert', 'DROP TRIGGER IF EXISTS articles_source_listing_quote_update', 'DROP TRIGGER IF EXISTS articles_source_listing_quote_delete', 'DROP TRIGGER IF EXISTS articles_source_listing_story_update']


def drop_sqlite_triggers(apps, schema_editor):
    """SQLite refuses to rebuild a table that triggers name; the source listing's triggers on
    SQLite are gone for good from 0012 (the listing reads stories there)."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_story_lead_image'),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, migrations.RunPython.noop, elidable=False),
        migrations.AddField(
            model_name='revision',
            name='image_renditions',
            field=models.JSONField(blank=True, default=list, help_text="The lead image's renditions (names, not copies)."),
        ),
        migrations.AddField(
            model_name='story',
            name='image_renditions',
            field=models.JSONField(blank=True, default=list, editable=False, help_text='Resized JPEG copies readers are served: [{"width", "height", "name", "bytes"}, …], built when a new image is saved (articles/images.py).', verbose_name='lead image renditions'),
        ),
    ]
