"""What editors arrange: the front page's picks, section pins, related stories and the
breaking-news strip.

A pick names a story for a slot. A pick whose story is not public (yet, or any more) or whose
expiry time has passed is skipped, and the slot falls back to the newest story, so nothing
needs a job to run when a pick expires (articles/front.py reads them; pages never outlive the
next expiry, articles/caching/pages.py).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .stories import Section, Story


def active_q(now=None):
    """Picks still in force: no expiry time, or one still to come."""
    now = now or timezone.now()
    return models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)


EXPIRY_HELP = "Optional: after this time the slot shows the newest story again."


class FrontPage(models.Model):
    """One row: the arrangement of the front page (its picks are inlines in the admin)."""

    class Meta:
        verbose_name = "front page"
        verbose_name_plural = "front page"

    def __str__(self):
        return "Front page"

    @classmethod
    def get(cls):
        return cls.objects.order_by("pk").first() or cls.objects.create()


class FrontPick(models.Model):
    class Place(models.TextChoices):
        LEAD = "lead", "Lead story"
        TOP = "top", "Top stories"
        SECTION = "section", "Section block"

    front = models.ForeignKey(FrontPage, on_delete=models.CASCADE, related_name="picks")
    place = models.CharField(max_length=10, choices=Place)
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="front_picks",
        help_text="The front page block the story leads.",
    )
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="front_picks")
    position = models.PositiveIntegerField("order", default=0)
    expires_at = models.DateTimeField("until", null=True, blank=True, help_text=EXPIRY_HELP)

    class Meta:
        ordering = ("position", "pk")
        verbose_name = "front page pick"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(place="section", section__isnull=False)
                | (~models.Q(place="section") & models.Q(section__isnull=True)),
                name="front_pick_section_block_has_section",
            )
        ]

    def __str__(self):
        return f"{self.get_place_display()}: {self.story}"

    def clean(self):
        if self.place == self.Place.SECTION and self.section_id is None:
            raise ValidationError({"section": "Choose the section whose block this story leads."})


class PlaceManager(models.Manager):
    def __init__(self, place):
        super().__init__()
        self.place = place

    def get_queryset(self):
        return super().get_queryset().filter(place=self.place)


class LeadPick(FrontPick):
    objects = PlaceManager(FrontPick.Place.LEAD)

    class Meta:
        proxy = True
        verbose_name = "lead story"
        verbose_name_plural = "lead story"

    def save(self, *args, **kwargs):
        self.place, self.section = self.Place.LEAD, None
        super().save(*args, **kwargs)


class TopPick(FrontPick):
    objects = PlaceManager(FrontPick.Place.TOP)

    class Meta:
        proxy = True
        verbose_name = "top story"
        verbose_name_plural = "top stories"

    def save(self, *args, **kwargs):
        self.place, self.section = self.Place.TOP, None
        super().save(*args, **kwargs)


class SectionBlockPick(FrontPick):
    objects = PlaceManager(FrontPick.Place.SECTION)

    class Meta:
        proxy = True
        verbose_name = "section block story"
        verbose_name_plural = "section blocks"

    def save(self, *args, **kwargs):
        self.place = self.Place.SECTION
        super().save(*args, **kwargs)


class SectionPin(models.Model):
    """A story pinned at the top of its section's page."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="pins")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="section_pins")
    position = models.PositiveIntegerField("order", default=0)
    expires_at = models.DateTimeField(
        "until", null=True, blank=True, help_text="Optional: the pin comes off at this time."
    )

    class Meta:
        ordering = ("position", "pk")
        verbose_name = "pinned story"
        constraints = [
            models.UniqueConstraint(fields=["section", "story"], name="section_pin_once")
        ]

    def __str__(self):
        return f"{self.story} pinned in {self.section}"


class RelatedStory(models.Model):
    """An editor's choice of what to read next under a story, before the automatic ones."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="+", verbose_name="related story"
    )
    position = models.PositiveIntegerField("order", default=0)

    class Meta:
        ordering = ("position", "pk")
        verbose_name = "related story"
        verbose_name_plural = "related stories"
        constraints = [
            models.UniqueConstraint(fields=["story", "related"], name="related_story_once"),
            models.CheckConstraint(
                condition=~models.Q(story=models.F("related")), name="related_story_not_itself"
            ),
        ]

    def __str__(self):
        return f"{self.related} (under {self.story})"

    def clean(self):
        if self.story_id is not None and self.story_id == self.related_id:
            raise ValidationError({"related": "A story cannot be related to itself."})


class BreakingNewsQuerySet(models.QuerySet):
    def not_ended(self, now=None):
        now = now or timezone.now()
        return self.filter(models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now))


class BreakingNews(models.Model):
    """The site-wide strip: one at a time, shown from `starts_at` until `ends_at`."""

    text = models.CharField(max_length=160, help_text="One line, e.g. “Polls close at 9 pm”.")
    url = models.URLField(
        "link", blank=True, help_text="Where the strip leads: the story or live page."
    )
    starts_at = models.DateTimeField("shown from", default=timezone.now)
    ends_at = models.DateTimeField(
        "shown until", null=True, blank=True, help_text="Empty: until you end it."
    )

    objects = BreakingNewsQuerySet.as_manager()

    class Meta:
        ordering = ("-starts_at", "-pk")
        verbose_name = "breaking news"
        verbose_name_plural = "breaking news"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="breaking_news_ends_after_start",
            )
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The strip must end after it starts."})
        if self.starts_at is None:
            return
        overlapping = BreakingNews.objects.exclude(pk=self.pk).filter(
            models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=self.starts_at)
        )
        if self.ends_at is not None:
            overlapping = overlapping.filter(starts_at__lt=self.ends_at)
        other = overlapping.order_by("starts_at").first()
        if other is not None:
            until = (
                f"until {timezone.localtime(other.ends_at):%-d %b %Y %H:%M}"
                if other.ends_at
                else "with no end"
            )
            raise ValidationError(
                f"Only one strip shows at a time: “{other}” is set from "
                f"{timezone.localtime(other.starts_at):%-d %b %Y %H:%M} {until}. "
                "End it first, or choose times that do not overlap."
            )

    @property
    def is_showing(self):
        now = timezone.now()
        return self.starts_at <= now and (self.ends_at is None or self.ends_at > now)
