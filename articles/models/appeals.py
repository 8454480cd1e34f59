"""Donation appeals: the copy staff write, where and when it shows, and what readers did.

Which appeal a page shows is decided once per page (articles/appeals/selection.py), the same for
every reader, so pages stay cacheable; what *this* reader sees (snoozed? capped? supporter?)
is decided in the browser by `articles/static/articles/appeals.js`.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from ..html import html_to_text, sanitize_html
from .stories import Section, Tag

# The appeal body is short prose: emphasis and links, no headings or lists. Links do not grow
# as one types after them (see BODY_EDITOR_EXTENSIONS).
APPEAL_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Link": {"protocols": ["https", "mailto"], "autolink": False},
    "HardBreak": True,
    "History": True,
}


# How much body text (characters, as readers see it) each placement can hold.
BODY_LIMITS = {"end": 1500, "inline": 800, "banner": 400}
# Copy that still holds one of these was not finished: template tags, wiki-style
# placeholders, printf fields, "TK" (to come) and the usual filler.
PLACEHOLDER = re.compile(
    r"\{\{|\}\}|\{%|\[\[|\]\]|%\(\w+\)s|\[(?:insert|link|url|name|amount|todo)[^\]]*\]"
    r"|\b(?:TODO|TBD|TK|XXX|FIXME)\b|lorem ipsum",
    re.IGNORECASE,
)


def default_heading():
    """The heading an appeal gets when staff leave it empty: it speaks for this site."""
    return f"A Message from {settings.SITE_NAME}"


COPY_FIELDS = ("heading", "greeting", "body", "cta_label", "remind_label", "support_label")


def copy_problems(values, placement):
    """{field: message} for copy that cannot go out: placeholders, or too long a body."""
    problems = {}
    for name, value in values.items():
        text = html_to_text(value) if name == "body" else value
        if text and (match := PLACEHOLDER.search(text)):
            problems[name] = f"Replace the placeholder “{match.group(0)}” before saving."
    body = html_to_text(values.get("body") or "")
    limit = BODY_LIMITS.get(placement)
    if limit and len(body) > limit and "body" not in problems:
        problems["body"] = (
            f"The body has {len(body)} characters; a {placement} appeal holds at most {limit}."
        )
    return problems


class AppealQuerySet(models.QuerySet):
    def live(self, now=None, *, starting_within=timedelta(0)):
        """Live and inside its schedule window at `now`: the one rule for "readers see it".

        `starting_within` also takes appeals that start that soon (for cached selections).
        """
        now = now or timezone.now()
        return self.filter(status=Appeal.Status.LIVE, starts_at__lte=now + starting_within).exclude(
            ends_at__lte=now
        )

    def targeting(self, section_id=None, tag_ids=()):
        """Appeals whose targeting matches a page in `section_id` carrying `tag_ids`.

        Empty include lists mean everywhere; excludes always win. Pages with no section (the
        front page) match only appeals that do not require one; the same goes for tags.
        """
        through = {
            name: getattr(Appeal, name).through.objects.filter(appeal_id=models.OuterRef("pk"))
            for name in ("include_sections", "exclude_sections", "include_tags", "exclude_tags")
        }
        tag_ids = list(tag_ids)
        condition = ~models.Exists(through["include_sections"]) | models.Exists(
            through["include_sections"].filter(section_id=section_id)
        )
        condition &= ~models.Exists(through["exclude_sections"].filter(section_id=section_id))
        condition &= ~models.Exists(through["include_tags"]) | models.Exists(
            through["include_tags"].filter(tag_id__in=tag_ids)
        )
        condition &= ~models.Exists(through["exclude_tags"].filter(tag_id__in=tag_ids))
        return self.filter(condition)


class Appeal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        ARCHIVED = "archived", "Archived"

    class Placement(models.TextChoices):
        END = "end", "End of story"
        INLINE = "inline", "Inline, after paragraph N"
        BANNER = "banner", "Site-wide banner"

    name = models.CharField(
        "internal name", max_length=120, help_text="For staff only, e.g. “Spring monthly drive”."
    )
    heading = models.CharField(
        max_length=200,
        blank=True,
        help_text="Left empty, it is “A Message from” and the site's name.",
    )
    greeting = models.CharField(max_length=200, blank=True, default="Dear readers,")
    body = ProseEditorField(extensions=APPEAL_EDITOR_EXTENSIONS, sanitize=sanitize_html)
    cta_label = models.CharField(
        "call to action", max_length=80, default="Support us", help_text="The donation button."
    )
    donation_url = models.URLField(
        "donation URL", max_length=500, blank=True, help_text="Must be https. Required to go live."
    )
    remind_label = models.CharField(
        "“remind me later” label", max_length=80, default="Remind me later"
    )
    support_label = models.CharField(
        "“already support” label", max_length=80, default="I already support you"
    )
    snooze_duration = models.DurationField(
        default=timedelta(hours=24),
        help_text="How long “Remind me later” hides this appeal, in words: “6 hours”, “1 day”.",
    )
    support_duration = models.DurationField(
        "“already support” duration",
        default=timedelta(days=90),
        help_text="How long “I already support you” hides every appeal, e.g. “12 weeks”.",
    )
    dismiss_duration = models.DurationField(
        default=timedelta(days=7),
        help_text="How long closing the appeal (×) hides it, e.g. “1 week”.",
    )
    placement = models.CharField(max_length=10, choices=Placement, default=Placement.END)
    inline_after = models.PositiveSmallIntegerField(
        "inline after paragraph",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="For inline placement: shown after this paragraph (after the last one if the "
        "story is shorter).",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    starts_at = models.DateTimeField("shows from", default=timezone.now)
    ends_at = models.DateTimeField("shows until", null=True, blank=True, help_text="Empty: open.")
    priority = models.SmallIntegerField(
        default=0,
        help_text="A page shows one appeal per placement (one at the end of a story, one inline, "
        "one banner). Where several live appeals fit the same placement, the highest priority "
        "shows; on a tie, the one that started last.",
    )
    include_sections = models.ManyToManyField(
        Section, blank=True, related_name="+", help_text="Only in these sections (empty: all)."
    )
    exclude_sections = models.ManyToManyField(
        Section, blank=True, related_name="+", help_text="Never in these sections."
    )
    include_tags = models.ManyToManyField(
        Tag, blank=True, related_name="+", help_text="Only on stories with one of these tags."
    )
    exclude_tags = models.ManyToManyField(
        Tag, blank=True, related_name="+", help_text="Never on stories with any of these tags."
    )
    cap_views = models.PositiveSmallIntegerField(
        "at most … views",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Per reader. Empty: no cap.",
    )
    cap_days = models.PositiveSmallIntegerField(
        "… in days", default=7, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    reask_at = models.DateTimeField(
        "re-ask everyone from",
        null=True,
        blank=True,
        help_text="Readers who snoozed or closed the appeal before this time see it again.",
    )
    control_weight = models.PositiveSmallIntegerField(
        "weight of the main copy",
        default=1,
        validators=[MaxValueValidator(1000)],
        help_text="Share of readers who see the copy above rather than a variant's.",
    )
    sample_rate = models.PositiveIntegerField(
        "count 1 in N page views",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="For very high traffic; counts are scaled back up when read.",
    )
    holdback_percent = models.PositiveSmallIntegerField(
        "hold back … % of readers",
        default=0,
        validators=[MaxValueValidator(50)],
        help_text="Never shown this appeal, to measure what it adds (e.g. 5). Assigned in the "
        "browser like variants; their donations come through the site's donate link.",
    )
    bandit = models.BooleanField(
        "let a bandit choose the shares",
        default=False,
        help_text="Thompson sampling: the shares follow each copy's chance of being the best, "
        "recomputed every few minutes. Off: the fixed weights.",
    )
    bandit_metric = models.CharField(
        "the bandit optimises",
        max_length=10,
        choices=[("conversion", "Donations per view"), ("revenue", "Revenue per view")],
        default="conversion",
    )
    bandit_floor_percent = models.PositiveSmallIntegerField(
        "every copy keeps at least … %",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="So that no copy starves and a slow starter can still recover.",
    )
    skip_first_views = models.PositiveSmallIntegerField(
        "skip a new reader's first … page views",
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="Let new readers read before asking. 0: ask from the first page.",
    )
    max_per_day = models.PositiveSmallIntegerField(
        "at most … views a day",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Per reader. Empty: no daily limit.",
    )
    click_pause = models.DurationField(
        "pause after a donation click",
        default=timedelta(days=7),
        help_text="A reader who clicked the donation link is not asked again for this long.",
    )
    offer_reminder = models.BooleanField(
        "offer “Remind me in …” by e-mail",
        default=False,
        help_text="Readers may leave an address to be reminded in a month they choose (double "
        "opt-in; nothing else is ever sent to it).",
    )
    source_story = models.ForeignKey(
        "Story",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The story this appeal was imported from.",
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ("-priority", "-starts_at", "pk")
        indexes = [models.Index(fields=["status", "placement"], name="appeal_status_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if not self.heading.strip():
            self.heading = default_heading()
        if self.placement != self.Placement.INLINE:
            self.inline_after = None
        super().save(*args, **kwargs)

    def clean(self):
        """What the admin (and any `full_clean`) refuses to save."""
        self.body = sanitize_html(self.body)
        errors = copy_problems({f: getattr(self, f) for f in COPY_FIELDS}, self.placement)
        if not html_to_text(self.body):
            errors.setdefault("body", "Write the appeal's body.")
        if not self.cta_label.strip():
            errors["cta_label"] = "Give the donation link a call to action, e.g. “Support us”."
        if self.donation_url:
            problem = donation_url_problem(self.donation_url)
            if problem:
                errors["donation_url"] = problem
        elif self.status == self.Status.LIVE:
            errors["donation_url"] = "A live appeal needs a donation URL."
        if self.placement == self.Placement.INLINE and not self.inline_after:
            errors["inline_after"] = "Say after which paragraph the inline appeal goes."
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end must come after the start."
        if errors:
            raise ValidationError(errors)

    def is_showing_at(self, now):
        """The same rule as `AppealQuerySet.live()`, for an appeal already in memory."""
        return (
            self.status == self.Status.LIVE
            and self.starts_at <= now
            and (self.ends_at is None or self.ends_at > now)
        )


def donation_url_problem(url):
    """Why `url` cannot be a donation link, or None. (Syntax only: models do no network I/O.)"""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return "The donation URL must start with https:// so readers' payments are protected."
    host = parts.hostname or ""
    if "." not in host or host.replace(".", "").isdigit() or host.endswith(".local"):
        return "The donation URL needs a public host name, e.g. https://donate.example.org/."
    if parts.username or parts.password:
        return "The donation URL must not hold a user name or password."
    if PLACEHOLDER.search(url):
        return "The donation URL still holds a placeholder."
    return None


class AppealVariant(models.Model):
    """Alternative copy for an A/B test; blank fields fall back to the appeal's own copy."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=80, help_text="For staff, e.g. “B: shorter body”.")
    heading = models.CharField(max_length=200, blank=True)
    greeting = models.CharField(max_length=200, blank=True)
    body = ProseEditorField(
        extensions=APPEAL_EDITOR_EXTENSIONS,
        sanitize=sanitize_html,
        blank=True,
        help_text="Empty: the appeal's body.",
    )
    cta_label = models.CharField("call to action", max_length=80, blank=True)
    weight = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(1000)], help_text="Relative share of readers."
    )

    class Meta:
        ordering = ("appeal_id", "pk")
        constraints = [
            models.UniqueConstraint(fields=["appeal", "name"], name="appeal_variant_unique_name")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def clean(self):
        self.body = sanitize_html(self.body)
        try:
            placement = self.appeal.placement
        except Appeal.DoesNotExist:
            placement = None
        fields = ("heading", "greeting", "body", "cta_label")
        errors = copy_problems({f: getattr(self, f) for f in fields}, placement)
        if errors:
            raise ValidationError(errors)


class AppealCounterQuerySet(models.QuerySet):
    def totals(self, *by):
        """Raw counts summed over shards (and whatever else is not in `by`): one row per value
        of `by`, or with no `by` one dict for them all."""
        sums = {event: models.Sum(event, default=0) for event in AppealCounter.EVENTS}
        if not by:
            return self.aggregate(**sums)
        return self.order_by(*by).values(*by).annotate(**sums)


class AppealCounter(models.Model):
    """What readers did with one appeal (and variant) on one day, counted by the event endpoint.

    Rows are written only through `articles.appeals.events.count_events` (an atomic upsert),
    each beacon into one of SHARDS rows of its counter chosen at random, so that a busy appeal's
    beacons do not queue for one row's lock; every read sums over the shards. Counts are raw:
    with sampling, multiply by `sample_rate`.
    """

    EVENTS = (
        "rendered", "seen", "clicked", "snoozed", "supporter", "dismissed", "held", "reminded",
    )  # fmt: skip
    # What pages report; "reminded" is counted by the reminder task.
    BEACON_EVENTS = EVENTS[:-1]
    SHARDS = 8

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="counters")
    variant = models.ForeignKey(
        AppealVariant, on_delete=models.CASCADE, null=True, blank=True, related_name="counters"
    )
    day = models.DateField()
    sample_rate = models.PositiveIntegerField(default=1)
    shard = models.PositiveSmallIntegerField(
        default=0, help_text="Which of the counter's rows (0 to SHARDS - 1); reads add them up."
    )
    rendered = models.PositiveBigIntegerField(default=0, help_text="Shown to a reader.")
    seen = models.PositiveBigIntegerField(
        default=0, help_text="At least half in the viewport for a second."
    )
    clicked = models.PositiveBigIntegerField(default=0, help_text="Donation link followed.")
    snoozed = models.PositiveBigIntegerField(default=0, help_text="“Remind me later”.")
    supporter = models.PositiveBigIntegerField(default=0, help_text="“I already support you”.")
    dismissed = models.PositiveBigIntegerField(default=0, help_text="Closed (×).")
    held = models.PositiveBigIntegerField(
        default=0, help_text="Page views of a reader in the holdback group (not shown)."
    )
    reminded = models.PositiveBigIntegerField(default=0, help_text="Reminder e-mails sent.")

    objects = AppealCounterQuerySet.as_manager()

    class Meta:
        ordering = ("day", "appeal_id", "variant_id")
        indexes = [models.Index(fields=["appeal", "day"], name="appeal_counter_day_idx")]
        constraints = [
            # Two partial indexes because NULL never equals NULL in a unique index; the
            # upsert in `articles.appeals.events` names the matching one as its conflict target.
            models.UniqueConstraint(
                fields=["appeal", "day", "sample_rate", "shard"],
                condition=Q(variant__isnull=True),
                name="appeal_counter_unique_main_shard",
            ),
            models.UniqueConstraint(
                fields=["appeal", "variant", "day", "sample_rate", "shard"],
                condition=Q(variant__isnull=False),
                name="appeal_counter_unique_variant_shard",
            ),
        ]

    def __str__(self):
        return f"{self.appeal} {self.variant or ''} {self.day}"


class CounterBatch(models.Model):
    """A batch of beacon counts moved from the Redis buffer into AppealCounter
    (`articles.appeals.tally.flush`): written in the same transaction as the batch's counts, so
    a flush that stopped after its commit, or ran twice at once, never adds a batch twice."""

    batch = models.CharField(max_length=32, unique=True)
    applied_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.batch
