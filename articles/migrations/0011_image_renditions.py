"""Lead image renditions on stories and in revisions (articles/images.py builds them).

Existing stories get an empty list; `manage.py build_renditions` fills it. On SQLite the new
column rebuilds the story table, so the source listing's triggers are set aside meanwhile.
"""

from django.db import migrations, models

from articles.source_listing_sql import sqlite_put_back, sqlite_set_aside


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_story_lead_image'),
    ]

    operations = [
        migrations.RunPython(sqlite_set_aside, sqlite_put_back, elidable=False),
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
        migrations.RunPython(sqlite_put_back, sqlite_set_aside, elidable=False),
    ]
