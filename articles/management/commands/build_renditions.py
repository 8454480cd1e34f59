"""Build renditions for library images that lack them (after upgrading, or changing widths)."""

from django.core.management.base import BaseCommand

from articles.caching.invalidation import image_changed
from articles.images import (
    SHAPES,
    build_image_renditions,
    delete_after_commit,
    progress,
    rendition_files,
)
from articles.models import Image


class Command(BaseCommand):
    help = (
        "Build the resized copies of library images that lack some (images moved into the "
        "library from older lead images, say), through the task queue; with --now, here."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            dest="rebuild_all",
            action="store_true",
            help="Rebuild every image's renditions (after changing the widths or quality).",
        )
        parser.add_argument(
            "--now", action="store_true", help="Build here rather than queue a task per image."
        )

    def handle(self, *args, rebuild_all=False, now=False, **options):
        queued = current = 0
        for image in Image.objects.order_by("pk").iterator(chunk_size=200):
            if not rebuild_all and progress(image)[0] == len(SHAPES):
                current += 1
                continue
            if rebuild_all:
                # Pages show the original until the new copies exist; the old ones go now.
                Image.objects.filter(pk=image.pk).update(renditions={})
                image_changed(image.pk)
                delete_after_commit(rendition_files(image.renditions))
            if now:
                result = build_image_renditions.call(image.pk)
                self.stdout.write(f"Image {image.pk} “{image.title}”: {result}")
            else:
                build_image_renditions.enqueue(image.pk)
            queued += 1
        verb = "Built" if now else "Queued"
        self.stdout.write(f"{verb} renditions for {queued} images; {current} already had them.")
