"""Build lead image renditions for stories that lack them (older stories, restored images)."""

from django.core.management.base import BaseCommand

from articles.images import UNREADABLE, build_renditions, renditions_belong_to
from articles.models import Story


class Command(BaseCommand):
    help = (
        "Build the resized copies of lead images for stories that have an image but no "
        "renditions, or renditions of another image. A missing original is reported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            dest="rebuild_all",
            action="store_true",
            help="Rebuild every story's renditions (after changing the widths or quality).",
        )

    def handle(self, *args, rebuild_all=False, **options):
        built = current = missing = 0
        for story in Story.objects.exclude(image="").order_by("pk").iterator(chunk_size=200):
            name = story.image.name
            if not rebuild_all and renditions_belong_to(name, story.image_renditions):
                current += 1
                continue
            try:
                renditions = build_renditions(name)
            except UNREADABLE as error:
                missing += 1
                self.stderr.write(
                    f"Story {story.pk} “{story.headline}”: cannot read {name} ({error})"
                )
                continue
            # An update, not save(): no new version or revision for a derived file.
            Story.objects.filter(pk=story.pk).update(image_renditions=renditions)
            built += 1
            widths = ", ".join(str(r["width"]) for r in renditions)
            self.stdout.write(f"Story {story.pk} “{story.headline}”: built {widths} px from {name}")
        self.stdout.write(
            f"Built renditions for {built} stories; {current} already had them; "
            f"{missing} originals could not be read."
        )
