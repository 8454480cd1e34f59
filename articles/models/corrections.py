"""Corrections and clarifications: what a published story got wrong, and when it was put right."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .revisions import Revision
from .stories import Story


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Corrections readers may see: those on public stories, through the one public rule."""
        return self.filter(story__in=Story.objects.published().values("pk"))


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(
        max_length=13,
        choices=Kind,
        default=Kind.CORRECTION,
        help_text="Corrections (something was wrong) show at the top of the story, "
        "clarifications (something was unclear) at the bottom.",
    )
    text = models.TextField(
        help_text="What was wrong and what is right, in plain words. Readers see it as written."
    )
    published_at = models.DateTimeField(
        "time", default=timezone.now, help_text="When the story was corrected."
    )
    revision = models.ForeignKey(
        Revision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The saved version that made this change. Leave empty to use the "
        "version this save creates.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ("-published_at", "-pk")
        indexes = [models.Index(fields=["-published_at"], name="correction_time_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} to “{self.story}”"

    def get_absolute_url(self):
        return f"{self.story.get_absolute_url()}#correction-{self.pk}"

    @property
    def is_correction(self):
        return self.kind == self.Kind.CORRECTION
