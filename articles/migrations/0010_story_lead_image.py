"""Lead images for stories, and their words in revisions.

On SQLite, adding a NOT NULL column rebuilds the story table, which SQLite refuses while the
source listing's triggers (0009) name it; they are set aside for the rebuild and put back.
"""

from django.db import migrations, models

import articles.images
from articles.source_listing_sql import sqlite_put_back, sqlite_set_aside


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_source_listing'),
    ]

    operations = [
        migrations.RunPython(sqlite_set_aside, sqlite_put_back, elidable=False),
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
        migrations.RunPython(sqlite_put_back, sqlite_set_aside, elidable=False),
    ]
