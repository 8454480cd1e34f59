"""The media library: images uploaded once and used as lead images and in story bodies."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse

from ..images import (
    Picture,
    delete_after_commit,
    rendition_files,
    rendition_key,
    validate_image,
)


class ImageQuerySet(models.QuerySet):
    def with_usage(self):
        """Each image with the number of stories using it (lead image or body)."""
        return self.annotate(
            lead_count=models.Count("lead_stories", distinct=True),
            body_count=models.Count("uses", distinct=True),
        )


class Image(models.Model):
    file = models.ImageField(
        upload_to="images/%Y/%m/",
        max_length=255,
        validators=[validate_image],
        help_text="JPEG, PNG or WebP, at most 10 MB; 1600 pixels wide or more looks sharp "
        "everywhere.",
    )
    # Filled in by save() from a new upload, not by the field's width_field: that would open
    # the file whenever an image without a recorded size is loaded, and fail if it is gone.
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    title = models.CharField(
        max_length=200, help_text="For finding it in the library; readers do not see it."
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text="What the image shows, for readers who cannot see it.",
    )
    caption = models.CharField(max_length=300, blank=True, help_text="Shown under the image.")
    credit = models.CharField(
        max_length=120, blank=True, help_text="Shown with the caption, e.g. “Photo: Reuters”."
    )
    licence = models.CharField(
        "source and licence",
        max_length=300,
        blank=True,
        help_text="Where it came from and what we may do with it (staff only), e.g. “Reuters "
        "subscription; web use only”.",
    )
    focal_x = models.FloatField(
        "focal point (across)",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the left edge, 1 the right: crops for cards keep this point in view.",
    )
    focal_y = models.FloatField(
        "focal point (down)",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the top edge, 1 the bottom.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="images_uploaded",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text='Resized copies readers are served, per shape: {"of": key, "free": [{"width", '
        '"height", "jpeg", "webp", "jpeg_bytes", "webp_bytes"}, …], "16:9": […], …}, built by '
        "a task (articles/images.py).",
    )

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ("-uploaded_at", "-pk")
        indexes = [models.Index(fields=["uploaded_by", "-uploaded_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from ..images import build_image_renditions

        if not self.title and self.file:
            self.title = self.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:200]
        if self.file and (not self.file._committed or self.width is None):
            try:
                self.width, self.height = self.file.width, self.file.height
            except (OSError, TypeError):
                self.width = self.height = None  # unreadable: its renditions task says so
        with transaction.atomic():
            stored = self.stored_row()
            stale = self.renditions.get("of") != rendition_key(self)
            if stale:
                # A new file or focal point: readers get the original until the task has
                # built the new copies; the old ones go once this is committed.
                self.discard_after_commit(stored)
                self.renditions = {}
            super().save(*args, **kwargs)
            if stale:
                transaction.on_commit(lambda: build_image_renditions.enqueue(self.pk))

    def get_absolute_url(self):
        return reverse("admin:articles_image_change", args=[self.pk])

    def picture(self, shape="free"):
        """What a page shows of this image in `shape` (see images.Picture)."""
        return Picture(self, shape)

    def stored_row(self):
        """The stored file and renditions, locked until the save or delete commits.

        The renditions task is the one writer of `renditions`, so a save starts from what it
        has recorded (this copy may be older), and it records nothing more meanwhile.
        """
        if self.pk is None:
            return None
        stored = (
            Image.objects.select_for_update()
            .filter(pk=self.pk)
            .values("file", "renditions")
            .first()
        )
        if stored is not None:
            self.renditions = stored["renditions"]
        return stored

    def discard_after_commit(self, stored, *, original=False):
        """After the commit, remove the stored row's renditions, and its original when this
        image no longer shows it (`original`, or a new file)."""
        if stored is None:
            return
        names = rendition_files(stored["renditions"])
        old = stored["file"]
        if old and (original or old != self.file.name):
            names.append(old)

        def shown_elsewhere(name):
            # Lead images moved into the library may share a file: it stays while one shows it.
            return name == old and Image.objects.filter(file=name).exists()

        delete_after_commit(names, keep=shown_elsewhere)


class ImageUse(models.Model):
    """An image in a story's body: kept in step with the body on every save (Story.save), so
    the library can say where each image is used and refuse to delete one in use."""

    story = models.ForeignKey("Story", on_delete=models.CASCADE, related_name="image_uses")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="uses")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "image"], name="image_use_once_per_story")
        ]

    def __str__(self):
        return f"{self.image} in {self.story}"
