"""Former addresses of stories, so an old link keeps leading to the story after its slug (or
publication day) changes. Filled from the revisions: every address a story had in a published or
withdrawn revision, other than its current one, was (or may have been) public."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def from_revisions(apps, schema_editor):
    Revision = apps.get_model("articles", "Revision")
    Story = apps.get_model("articles", "Story")
    FormerAddress = apps.get_model("articles", "FormerAddress")
    now = timezone.now()
    current = {
        pk: (timezone.localtime(published_at).date(), slug)
        for pk, published_at, slug in Story.objects.filter(published_at__isnull=False)
        .values_list("pk", "published_at", "slug")
        .iterator()
    }
    owners = {}  # address -> story; the latest revision to have it wins
    revisions = (
        Revision.objects.filter(
            status__in=("published", "withdrawn"), published_at__isnull=False, published_at__lte=now
        )
        .order_by("created", "pk")
        .values_list("story_id", "published_at", "slug")
    )
    for story_id, published_at, slug in revisions.iterator():
        address = (timezone.localtime(published_at).date(), slug)
        if current.get(story_id) != address:
            owners[address] = story_id
    taken = set(current.values())  # a story's current address is its own, not a former one
    FormerAddress.objects.using(schema_editor.connection.alias).bulk_create(
        [
            FormerAddress(story_id=story_id, published_on=day, slug=slug)
            for (day, slug), story_id in owners.items()
            if (day, slug) not in taken
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0020_transition_shown_to_readers'),
    ]

    operations = [
        migrations.CreateModel(
            name='FormerAddress',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('published_on', models.DateField(help_text="The day in the address (the newsroom's time zone).")),
                ('slug', models.SlugField(db_index=False, max_length=200)),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='left')),
                ('story', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='former_addresses', to='articles.story')),
            ],
            options={
                'verbose_name_plural': 'former addresses',
                'ordering': ('-created', '-pk'),
                'constraints': [models.UniqueConstraint(fields=('published_on', 'slug'), name='former_address_unique')],
            },
        ),
        migrations.RunPython(from_revisions, migrations.RunPython.noop),
    ]
