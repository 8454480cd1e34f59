"""The review workflow: every change of a story's status, who made it and why."""

from django.conf import settings
from django.db import models

from .stories import Story


class Transition(models.Model):
    """One move of a story between draft, review, published and withdrawn."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="transitions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField("when", auto_now_add=True, db_index=True)
    from_status = models.CharField("from", max_length=10, choices=Story.Status, blank=True)
    to_status = models.CharField("to", max_length=10, choices=Story.Status)
    note = models.TextField(blank=True, help_text="For example what to fix before publication.")
    shown_to_readers = models.BooleanField(
        default=False,
        help_text="A withdrawal's note that readers see at the story's address.",
    )

    class Meta:
        ordering = ("-created", "-pk")
        indexes = [models.Index(fields=["story", "-created"], name="transition_story_idx")]

    def __str__(self):
        return f"{self.get_from_status_display() or 'New'} → {self.get_to_status_display()}"

    @property
    def by(self):
        return (self.user.get_full_name() or self.user.get_username()) if self.user else ""
