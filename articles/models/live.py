"""Live stories: a live blog's timestamped updates, and autosaved form text."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from ..html import html_to_text, sanitize_html
from .stories import BODY_EDITOR_EXTENSIONS


class LiveUpdateQuerySet(models.QuerySet):
    def shown(self):
        """In the order readers see them: pinned first, then newest first."""
        return self.select_related("author").order_by("-pinned", "-published_at", "-pk")


class LiveUpdate(models.Model):
    """One timestamped update of a live story (a live blog), shown under its standfirst."""

    story = models.ForeignKey("Story", on_delete=models.CASCADE, related_name="live_updates")
    title = models.CharField(
        max_length=200, blank=True, help_text="Optional: a few words, shown in bold above it."
    )
    body = ProseEditorField(extensions=BODY_EDITOR_EXTENSIONS, sanitize=sanitize_html)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    key_event = models.BooleanField(
        "key event", default=False, help_text="Listed in the summary at the top of the story."
    )
    pinned = models.BooleanField(default=False, help_text="Kept at the top of the updates.")
    modified = models.DateTimeField(auto_now=True)

    objects = LiveUpdateQuerySet.as_manager()

    class Meta:
        ordering = ("-published_at", "-pk")
        indexes = [models.Index(fields=["story", "-published_at"], name="liveupdate_story_idx")]

    def __str__(self):
        return self.title or f"Update at {timezone.localtime(self.published_at):%H:%M}"

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    @property
    def summary(self):
        """The first words of the update, for the key events list when it has no title."""
        words = html_to_text(self.body).split()
        return " ".join(words[:12]) + ("…" if len(words) > 12 else "")

    @property
    def by(self):
        if self.author is None:
            return ""
        return self.author.get_full_name() or self.author.get_username()


class Autosave(models.Model):
    """What someone typed in a story's form and has not saved: one private slot per person
    and story (story empty: a new story), overwritten every few seconds, cleared on save."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey(
        "Story", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    headline = models.CharField(max_length=200, blank=True)
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True)
    dateline = models.CharField(max_length=80, blank=True)
    version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The story's version the text was typed on."
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "story"], name="autosave_one_per_story"),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(story__isnull=True), name="autosave_one_new"
            ),
        ]

    def __str__(self):
        return f"Autosave of {self.headline or 'a new story'}"

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)
