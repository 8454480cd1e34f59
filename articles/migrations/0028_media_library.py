"""The media library: lead images become references to library images.

Every lead image a story or a revision names moves into the library with its alt text,
caption and credit, nothing lost: one library image per distinct file and words (the same
file described differently in an old revision gets its own entry, sharing the file), so
restoring any revision brings back the picture and the words it had. Renditions are built
afterwards by `manage.py build_renditions` (a task per image); until then pages show the
original. On SQLite the story table is rebuilt, so any source listing triggers go first (0010).
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import articles.images

SQLITE_DROP = ['DROP TRIGGER IF EXISTS articles_source_listing_quote_insert', 'DROP TRIGGER IF EXISTS articles_source_listing_quote_update', 'DROP TRIGGER IF EXISTS articles_source_listing_quote_delete', 'DROP TRIGGER IF EXISTS articles_source_listing_story_update']


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


def _title(name):
    return name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:200] or "Image"


def move_into_library(apps, schema_editor):
    Story = apps.get_model("articles", "Story")
    Revision = apps.get_model("articles", "Revision")
    Image = apps.get_model("articles", "Image")
    library = {}

    def image_for(name, alt, caption, credit, width=None, height=None, user_id=None, when=None):
        key = (name, alt, caption, credit)
        if key not in library:
            image = Image.objects.create(
                file=name, title=_title(name), alt_text=alt, caption=caption, credit=credit,
                width=width, height=height, uploaded_by_id=user_id, renditions={},
            )
            if when is not None:
                Image.objects.filter(pk=image.pk).update(uploaded_at=when)
            library[key] = image
        return library[key]

    # Stories first, so each file's entry carries its size and the words readers see now.
    for story in Story.objects.exclude(image="").order_by("pk").iterator():
        image = image_for(story.image.name, story.image_alt, story.image_caption, story.image_credit,
                          story.image_width, story.image_height, story.created_by_id, story.created)
        Story.objects.filter(pk=story.pk).update(lead_image=image)
    sizes = {name: (i.width, i.height) for (name, *_), i in library.items()}
    for revision in Revision.objects.exclude(image="").order_by("pk").iterator():
        width, height = sizes.get(revision.image, (None, None))
        image = image_for(revision.image, revision.image_alt, revision.image_caption,
                          revision.image_credit, width, height, None, revision.created)
        Revision.objects.filter(pk=revision.pk).update(lead_image=image,
                                                       lead_image_title=image.title)


def move_out_of_library(apps, schema_editor):
    Story = apps.get_model("articles", "Story")
    Revision = apps.get_model("articles", "Revision")
    for story in Story.objects.exclude(lead_image=None).select_related("lead_image"):
        image = story.lead_image
        Story.objects.filter(pk=story.pk).update(
            image=image.file.name, image_alt=image.alt_text, image_caption=image.caption,
            image_credit=image.credit, image_width=image.width, image_height=image.height,
        )
    for revision in Revision.objects.exclude(lead_image=None).select_related("lead_image"):
        image = revision.lead_image
        Revision.objects.filter(pk=revision.pk).update(
            image=image.file.name, image_alt=image.alt_text, image_caption=image.caption,
            image_credit=image.credit,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0027_story_updated_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, migrations.RunPython.noop, elidable=False),
        migrations.AddField(
            model_name='revision',
            name='lead_image_title',
            field=models.CharField(blank=True, help_text='Its title then: what the revision says if the image is deleted later.', max_length=200),
        ),
        migrations.CreateModel(
            name='Image',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.ImageField(help_text='JPEG, PNG or WebP, at most 10 MB; 1600 pixels wide or more looks sharp everywhere.', max_length=255, upload_to='images/%Y/%m/', validators=[articles.images.validate_image])),
                ('width', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ('height', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ('title', models.CharField(help_text='For finding it in the library; readers do not see it.', max_length=200)),
                ('alt_text', models.CharField(help_text='What the image shows, for readers who cannot see it.', max_length=300, verbose_name='alt text')),
                ('caption', models.CharField(blank=True, help_text='Shown under the image.', max_length=300)),
                ('credit', models.CharField(blank=True, help_text='Shown with the caption, e.g. “Photo: Reuters”.', max_length=120)),
                ('licence', models.CharField(blank=True, help_text='Where it came from and what we may do with it (staff only), e.g. “Reuters subscription; web use only”.', max_length=300, verbose_name='source and licence')),
                ('focal_x', models.FloatField(default=0.5, help_text='0 is the left edge, 1 the right: crops for cards keep this point in view.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)], verbose_name='focal point (across)')),
                ('focal_y', models.FloatField(default=0.5, help_text='0 is the top edge, 1 the bottom.', validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)], verbose_name='focal point (down)')),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('renditions', models.JSONField(blank=True, default=dict, editable=False, help_text='Resized copies readers are served, per shape: {"of": key, "free": [{"width", "height", "jpeg", "webp", "jpeg_bytes", "webp_bytes"}, …], "16:9": […], …}, built by a task (articles/images.py).')),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='images_uploaded', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ('-uploaded_at', '-pk'),
            },
        ),
        migrations.AddField(
            model_name='revision',
            name='lead_image',
            field=models.ForeignKey(blank=True, help_text='The library image the story led with (a reference, not a copy).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='articles.image'),
        ),
        migrations.AddField(
            model_name='story',
            name='lead_image',
            field=models.ForeignKey(blank=True, help_text='Shown under the headline, on cards and on social cards: choose one from the media library (its alt text, caption and credit go with it).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lead_stories', to='articles.image'),
        ),
        migrations.CreateModel(
            name='ImageUse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('image', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='uses', to='articles.image')),
                ('story', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='image_uses', to='articles.story')),
            ],
        ),
        migrations.AddIndex(
            model_name='image',
            index=models.Index(fields=['uploaded_by', '-uploaded_at'], name='articles_im_uploade_efad63_idx'),
        ),
        migrations.AddConstraint(
            model_name='imageuse',
            constraint=models.UniqueConstraint(fields=('story', 'image'), name='image_use_once_per_story'),
        ),
            migrations.RunPython(move_into_library, move_out_of_library, elidable=False),
        migrations.RemoveField(
            model_name='revision',
            name='image',
        ),
        migrations.RemoveField(
            model_name='revision',
            name='image_alt',
        ),
        migrations.RemoveField(
            model_name='revision',
            name='image_caption',
        ),
        migrations.RemoveField(
            model_name='revision',
            name='image_credit',
        ),
        migrations.RemoveField(
            model_name='revision',
            name='image_renditions',
        ),
        migrations.RemoveField(
            model_name='story',
            name='image',
        ),
        migrations.RemoveField(
            model_name='story',
            name='image_alt',
        ),
        migrations.RemoveField(
            model_name='story',
            name='image_caption',
        ),
        migrations.RemoveField(
            model_name='story',
            name='image_credit',
        ),
        migrations.RemoveField(
            model_name='story',
            name='image_height',
        ),
        migrations.RemoveField(
            model_name='story',
            name='image_renditions',
        ),
        migrations.RemoveField(
            model_name='story',
            name='image_width',
        ),
    ]
