"""Revisions: a copy of a story's editorial content at every save, to compare and restore."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class KeptRevisions(models.Manager):
    """The story's history: every revision but the pending version (`Revision.pending`)."""

    def get_queryset(self):
        return super().get_queryset().filter(pending=False)


class PendingVersions(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(pending=True)

    def due(self, now=None):
        """Pending versions whose go-live time has come: readers see them (editorial/pending)."""
        return self.filter(go_live_at__lte=now or timezone.now())


class Revision(models.Model):
    """What a story said after one save: the words, lead image, filing and bylines.

    Bylines, tags and section are kept by value (names as well as ids) so an old revision
    still reads correctly after an author or tag is renamed or deleted.

    A *pending* revision is the one version of a live story's words that readers do not see
    yet (editorial/pending.py): "Publish changes" makes it live, its go-live time does so at
    query time, "Discard" drops it. `Revision.objects` (and `story.revisions`) leave it out.
    """

    story = models.ForeignKey("Story", on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="The story's version after this save.")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.CharField(max_length=200, blank=True, help_text="What happened, in brief.")
    headline = models.CharField(max_length=200)
    slug = models.CharField(max_length=200)
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True)
    dateline = models.CharField(max_length=80, blank=True)
    seo_description = models.CharField(max_length=300, blank=True)
    lead_image = models.ForeignKey(
        "Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The library image the story led with (a reference, not a copy).",
    )
    lead_image_title = models.CharField(
        max_length=200,
        blank=True,
        help_text="Its title then: what the revision says if the image is deleted later.",
    )
    status = models.CharField(max_length=10)
    published_at = models.DateTimeField(null=True, blank=True)
    withdraw_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    section = models.JSONField(default=dict, help_text='{"id": …, "name": …}')
    tags = models.JSONField(default=list, help_text='[{"id": …, "name": …}, …]')
    bylines = models.JSONField(
        default=list, help_text='[{"author_id": …, "author": …, "role": …, "position": …}, …]'
    )
    pending = models.BooleanField(
        default=False, help_text="Changes to a live story that readers do not see yet."
    )
    go_live_at = models.DateTimeField(
        "changes go live at",
        null=True,
        blank=True,
        help_text="A pending version with this time becomes what readers see then.",
    )
    submitted = models.BooleanField(
        default=False, help_text="A reporter's pending changes, waiting for an editor."
    )

    objects = KeptRevisions()
    pending_versions = PendingVersions()

    class Meta:
        ordering = ("-number",)
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["story", "number"],
                condition=models.Q(pending=False),
                name="revision_unique_number",
            ),
            models.UniqueConstraint(
                fields=["story"], condition=models.Q(pending=True), name="revision_one_pending"
            ),
        ]

    def __str__(self):
        if self.pending:
            return f"Pending changes to “{self.headline}”"
        return f"Revision {self.number} of “{self.headline}”"

    def get_absolute_url(self):
        return reverse("admin:articles_story_revision", args=[self.story_id, self.pk])

    @property
    def by(self):
        """Who saved it, as people know them."""
        return (self.user.get_full_name() or self.user.get_username()) if self.user else ""

    def byline_text(self):
        return ", ".join(f"{b['role_label']} {b['author']}" for b in self.bylines)

    def tag_text(self):
        return ", ".join(tag["name"] for tag in self.tags)
