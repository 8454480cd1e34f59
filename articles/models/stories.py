"""Stories and the things they are filed under: sections, tags and authors."""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django_prose_editor.fields import ProseEditorField

from .. import body, embeds, links
from ..html import html_to_text, sanitize_html

# What the body editor offers; `sanitize_html` is the matching server-side rule. No Underline:
# readers take underlined words for a link. Links do not grow as one types after them (the
# Link mark is inclusive only with autolink), so a full stop typed after a link stays outside
# it; a URL typed into the text stays text (paste a URL on words, or use the link button).
BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Link": {"protocols": ["http", "https", "mailto"], "autolink": False},
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "History": True,
    # The body's own nodes (static/articles/body_editor.js; html.py allows their markup).
    "LibraryImage": {
        "pickerUrl": reverse_lazy("admin:articles_image_picker"),
        "aboutUrl": reverse_lazy("admin:articles_image_about", args=[0]),
        "uploadUrl": reverse_lazy("admin:articles_image_upload"),
    },
    "Embed": {
        "lookupUrl": reverse_lazy("admin:articles_image_embed"),
        "providers": {key: [p.name, p.kind] for key, p in embeds.PROVIDERS.items()},
    },
    "RelatedStory": {"lookupUrl": reverse_lazy("admin:articles_image_related")},
    "PullQuote": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "TableFigure": True,
    "Caption": True,
}


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, help_text="Shown at the top of the section page.")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the site navigation and on the front page (lowest first)."
    )

    class Meta:
        ordering = ("position", "name")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.url("articles:section-detail", self.slug)


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.url("articles:tag-detail", self.slug)


class Author(models.Model):
    """Anyone who appears in a byline. Guest contributors need no user account."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The staff account of this author, if they have one.",
    )
    job_title = models.CharField(
        max_length=120, blank=True, help_text="For example “Moscow correspondent”."
    )
    bio = models.TextField(blank=True, help_text="Public; shown on the author page.")

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.url("articles:author-detail", self.slug)


def byline_prefetch():
    """Bylines with their authors, in byline order: one query for any number of stories."""
    return Prefetch("bylines", queryset=Byline.objects.select_related("author"))


# Ids per bucket of the sitemap's lastmod indexes; SITEMAP_PAGE_SIZE is a multiple of it.
SITEMAP_BUCKET = 1_000


def public_q(now=None, prefix=""):
    """The one definition of "public": published, its publication time has come, and its
    withdrawal time (if any) has not.

    A future `published_at` means scheduled; it becomes public at query time, no job needed.
    Likewise a past `withdraw_at` takes it off the site with no job to run. SourceListing's
    copies of these columns have the same names, so its rows use this rule too. `prefix`
    applies it through a relation ("story__" for rows that point at a story).
    """
    now = now or timezone.now()
    return models.Q(**{f"{prefix}status": "published", f"{prefix}published_at__lte": now}) & (
        models.Q(**{f"{prefix}withdraw_at__isnull": True})
        | models.Q(**{f"{prefix}withdraw_at__gt": now})
    )


class StoryQuerySet(models.QuerySet):
    def published(self, now=None):
        """Stories readers can see now, or at `now` (see `public_q`)."""
        return self.filter(public_q(now))

    def for_display(self):
        """Everything a story card or page shows, in a fixed number of queries."""
        return self.select_related("section", "lead_image").prefetch_related(byline_prefetch())


class Story(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The last part of the story's URL."
    )
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the headline that sum up the story."
    )
    body = ProseEditorField(extensions=BODY_EDITOR_EXTENSIONS, sanitize=sanitize_html, blank=True)
    dateline = models.CharField(
        max_length=80, blank=True, help_text="Where the story was reported from, e.g. “MOSCOW”."
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="stories")
    tags = models.ManyToManyField(Tag, blank=True, related_name="stories")
    authors = models.ManyToManyField(Author, through="Byline", related_name="stories")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="A future time schedules the story: it goes live then, with no further step.",
    )
    withdraw_at = models.DateTimeField(
        "withdrawal time",
        null=True,
        blank=True,
        help_text="Optional: the story leaves the site at this time, with no further step.",
    )
    updated_at = models.DateTimeField(
        "updated for readers",
        null=True,
        blank=True,
        help_text="Set when the story changes in substance; readers see “Updated” with this time.",
    )
    lead_image = models.ForeignKey(
        "Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_stories",
        help_text="Shown under the headline, on cards and on social cards: choose one from "
        "the media library (its alt text, caption and credit go with it).",
    )
    live_since = models.DateTimeField(
        "live coverage since",
        null=True,
        blank=True,
        help_text="Set by “Start live coverage”: the story is a live blog from then.",
    )
    live_until = models.DateTimeField(
        "live coverage ended",
        null=True,
        blank=True,
        help_text="Set by “End live coverage”: the badge goes, the updates stay.",
    )
    seo_description = models.CharField(
        "search description",
        max_length=300,
        blank=True,
        help_text="For search engines and social cards; the standfirst is used when empty.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories_created",
        help_text="Who started the story; reporters may edit their own drafts.",
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one on every save: a save based on an older version is refused.",
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="PostgreSQL full-text document of the story, kept current by database "
        "triggers (migration 0006, articles/search.py); unused on SQLite.",
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        ordering = ("-published_at", "-pk")
        permissions = [("publish_story", "Can publish, schedule and withdraw stories")]
        indexes = [
            # The listing's order with everything its count and section facets read, so
            # those run as index-only scans (see articles/listing.py).
            models.Index(
                fields=["status", "-published_at", "-id", "section", "withdraw_at"],
                name="story_public_list_idx",
            ),
            # The same for one section's page and the listing's section filter.
            models.Index(
                fields=["section", "status", "-published_at", "-id", "withdraw_at"],
                name="story_section_list_idx",
            ),
            # The sitemap index's latest change: the newest update, without a scan.
            models.Index(fields=["-updated_at"], name="story_updated_idx"),
            # Each SITEMAP_BUCKET of ids' newest publication and update, for the sitemap
            # index's lastmod per page (articles/sitemaps.py): one short walk per bucket.
            models.Index(
                models.F("id") / SITEMAP_BUCKET,
                models.F("published_at").desc(),
                condition=models.Q(published_at__isnull=False),
                name="story_sitemap_published_idx",
            ),
            models.Index(
                models.F("id") / SITEMAP_BUCKET,
                models.F("updated_at").desc(),
                condition=models.Q(updated_at__isnull=False),
                name="story_sitemap_updated_idx",
            ),
            # The stories whose withdrawal time is still to come, for the listing's counts.
            models.Index(
                fields=["withdraw_at"],
                condition=models.Q(withdraw_at__isnull=False),
                name="story_withdrawal_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdraw_at__isnull=True)
                | models.Q(published_at__isnull=True)
                | models.Q(withdraw_at__gt=models.F("published_at")),
                name="story_withdraw_after_publish",
            )
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if not self.slug:
            self.slug = slugify(self.headline)[:200]
        if self.pk is not None and not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            body.record_image_uses(self)

    def get_absolute_url(self):
        if self.published_at is None:
            return reverse("articles:story-preview", args=[self.pk])
        day = timezone.localtime(self.published_at).date()
        return links.url("articles:story-detail", f"{day:%Y}", f"{day:%m}", f"{day:%d}", self.slug)

    @property
    def is_public(self):
        """`public_q` for one story in hand (tests/test_stories.py checks they agree)."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.withdraw_at is None or self.withdraw_at > now)
        )

    @property
    def is_scheduled(self):
        """Published with a publication time still to come."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
            and not self.is_expired
        )

    @property
    def is_live_blog(self):
        return self.live_since is not None

    @property
    def is_live_now(self):
        """Live coverage has started and not ended: the badge and the readers' polling."""
        return self.live_since is not None and self.live_until is None

    @property
    def is_expired(self):
        """Published, but its scheduled withdrawal time has passed."""
        return (
            self.status == self.Status.PUBLISHED
            and self.withdraw_at is not None
            and self.withdraw_at <= timezone.now()
        )

    @property
    def shows_updated(self):
        """ "Updated" is shown only when it differs from the publication time."""
        return bool(
            self.updated_at
            and self.published_at
            and self.updated_at - self.published_at >= timedelta(minutes=1)
        )

    @cached_property
    def reader_body(self):
        """The body as readers get it: library images, embeds and related stories drawn from
        what the body names (one query each kind, whatever their number)."""
        return body.render(self.body)

    @property
    def description(self):
        return self.seo_description or self.standfirst

    @property
    def text(self):
        """The body as plain text, one paragraph per line."""
        return html_to_text(self.body)

    def byline_groups(self):
        """Bylines grouped by role, in order: [("Reported by", [author, …]), …]."""
        groups = {}
        for byline in self.bylines.all():
            groups.setdefault(byline.get_role_display(), []).append(byline.author)
        return list(groups.items())


class Byline(models.Model):
    class Role(models.TextChoices):
        WRITTEN = "written", "By"
        REPORTED = "reported", "Reported by"
        ADDITIONAL = "additional", "Additional reporting by"
        TRANSLATED = "translated", "Translated by"
        EDITED = "edited", "Edited by"
        PHOTOGRAPHS = "photographs", "Photographs by"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(max_length=12, choices=Role, default=Role.WRITTEN)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["story", "author", "role"], name="byline_unique_author_role"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.author}"
