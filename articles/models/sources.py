"""Who stories quote: a registry of sources, and the quotes that link stories to them."""

import re

from django.db import models
from django.db.models import Prefetch, Q
from django.template.defaultfilters import pluralize
from django.utils.text import slugify

from .. import links
from ..sources.spelling import sound_key
from .stories import Story

_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """A name as matching compares it: case, spacing, apostrophes and a leading "The" ignored."""
    key = _SPACES.sub(" ", name.replace("’", "'").replace("‘", "'")).strip().casefold()
    return key.removeprefix("the ")


def sound_keys(names) -> str:
    """Names as they sound, one per line between newlines (see sources.spelling)."""
    keys = dict.fromkeys(sound_key(n) for n in names)
    return "\n" + "".join(f"{key}\n" for key in keys if key)


def protect_confirmed_quotes(collector, field, sub_objs, using):
    """`on_delete` for Quote.source: confirmed quotes block the delete, suggestions let go.

    A confirmed quote is an editor's statement that this source said it; deleting the source
    would silently unattribute it. Suggested and rejected quotes just lose their source.
    """
    confirmed = [quote for quote in sub_objs if quote.status == Quote.Status.CONFIRMED]
    if confirmed:
        raise models.ProtectedError(refusal_message(confirmed), confirmed)
    collector.add_field_update(field, None, sub_objs)


def refusal_message(confirmed_quotes):
    count = len(confirmed_quotes)
    names = sorted({quote.source.name for quote in confirmed_quotes})
    return (
        f"Cannot delete {', '.join(names)}: {count} confirmed quote{pluralize(count)} in "
        f"stories {pluralize(count, 'is,are')} attributed to "
        f"{'it' if len(names) == 1 else 'them'}. Reject or reattribute those quotes, or merge "
        "the source into another, first."
    )


def refuse_delete_with_confirmed_quotes(sources):
    """Raise ProtectedError, with a message an editor understands, if `sources` are quoted."""
    confirmed = list(Quote.objects.confirmed().filter(source__in=sources).select_related("source"))
    if confirmed:
        raise models.ProtectedError(refusal_message(confirmed), set(confirmed))


class SourceQuerySet(models.QuerySet):
    def delete(self):
        refuse_delete_with_confirmed_quotes(self)
        return super().delete()

    def match(self, name: str):
        """The one source `name` refers to, by name, alias or surname; None if none or unsure."""
        candidates = self.candidates(name)
        return candidates[0] if len(candidates) == 1 else None

    def candidates(self, name: str) -> list:
        """Sources `name` may refer to: one is a match, several mean the editor must choose.

        A full name or alias wins. A single word ("Ushakov") also matches the last word of a
        person's name or alias.
        """
        key = name_key(name)
        if not key:
            return []
        exact = list(self.filter(match_names__contains=f"\n{key}\n")[:5])
        if exact or " " in key:
            return exact
        people = self.filter(kind=Source.Kind.PERSON, match_names__contains=f" {key}\n")[:5]
        return [
            source
            for source in people
            if any(line.rsplit(" ", 1)[-1] == key for line in source.match_names.split("\n"))
        ]


class Source(models.Model):
    """A person, organisation or document that stories quote or cite."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        DOCUMENT = "document", "Document"

    class Pronoun(models.TextChoices):
        HE = "he", "he"
        SHE = "she", "she"
        THEY = "they", "they"

    name = models.CharField(
        max_length=200, help_text="The fullest name, as readers know it: “Yury Ushakov”."
    )
    slug = models.SlugField(
        max_length=200, unique=True, blank=True, help_text="The last part of the source page URL."
    )
    aliases = models.TextField(
        "aliases and transliterations",
        blank=True,
        help_text="One name per line: other spellings (“Yuri Ushakov”), a surname used alone.",
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.PERSON)
    pronoun = models.CharField(
        "referred to as",
        max_length=4,
        choices=Pronoun,
        blank=True,
        help_text="How stories refer to them, as they asked; helps quote extraction follow "
        "“she said” after their name. Leave empty if you do not know: it is never guessed.",
    )
    role = models.CharField(
        "current role",
        max_length=200,
        blank=True,
        help_text="Public. For example “foreign policy aide to the President”.",
    )
    affiliation = models.CharField(
        max_length=200, blank=True, help_text="Public. The organisation they belong to, if any."
    )
    description = models.TextField(
        "public description", blank=True, help_text="Public; shown on the source page."
    )
    contact_notes = models.TextField(
        "private contact notes",
        blank=True,
        help_text="PRIVATE: how to reach them, conditions agreed. Never shown on the public site "
        "or in feeds.",
    )
    match_names = models.TextField(
        editable=False,
        default="",
        help_text="Name and aliases as name matching compares them, one per line.",
    )
    sound_keys = models.TextField(
        editable=False,
        default="",
        help_text="Name and aliases as they sound (transliterations folded), one per line, "
        "for duplicate suggestions.",
    )
    created_by_confirmation = models.BooleanField(
        default=False,
        editable=False,
        help_text="Created when an editor confirmed a quote to a new name, and not edited "
        "since: rejecting that quote removes it again.",
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ("name", "pk")
        indexes = [models.Index(fields=["name"], name="source_name_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        names = [self.name, *self.alias_list()]
        keys = dict.fromkeys(name_key(n) for n in names)
        self.match_names = "\n" + "".join(f"{key}\n" for key in keys if key)
        self.sound_keys = sound_keys(names)
        if not self.slug:
            self.slug = self._free_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return links.url("articles:source-detail", self.slug)

    def delete(self, *args, **kwargs):
        refuse_delete_with_confirmed_quotes([self])
        return super().delete(*args, **kwargs)

    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def _free_slug(self):
        base = slugify(self.name)[:190] or "source"
        taken = set(
            Source.objects.filter(slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug


class QuoteQuerySet(models.QuerySet):
    def confirmed(self):
        """What readers may see: quotes an editor confirmed (each has a source, or is marked
        as from an unnamed source and has none)."""
        return self.filter(status=Quote.Status.CONFIRMED)


class Quote(models.Model):
    """Words a story attributes to a source. Extraction suggests; an editor confirms."""

    class Kind(models.TextChoices):
        DIRECT = "direct", "Direct quote"
        PARTIAL = "partial", "Partial quote"
        PARAPHRASE = "paraphrase", "Paraphrase"
        ACCORDING_TO = "according_to", "“According to”"

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="quotes")
    source = models.ForeignKey(
        Source,
        on_delete=protect_confirmed_quotes,
        null=True,
        blank=True,
        related_name="quotes",
        help_text="Who said it. Required before the quote can be confirmed.",
    )
    text = models.TextField(help_text="The quoted words, without quote marks.")
    speaker = models.CharField(
        "speaker as written",
        max_length=200,
        blank=True,
        help_text="The speaker's name as extraction found it in the story.",
    )
    described_as = models.CharField(
        max_length=300,
        blank=True,
        help_text="How this story describes the source: “Putin's foreign policy aide”.",
    )
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.DIRECT)
    speaker_kind = models.CharField(
        max_length=12,
        blank=True,
        help_text="What extraction took the speaker for (person, organisation or group): the "
        "kind a new source gets when this quote is confirmed to a new name.",
    )
    unnamed = models.BooleanField(
        "unnamed source",
        default=False,
        help_text="The story does not name who said this: readers see only that an unnamed "
        "source was used, never a name or a page.",
    )
    verbatim = models.BooleanField(
        "exact words",
        default=True,
        help_text="The story puts these words in quote marks; off for a paraphrase.",
    )
    cue = models.CharField(
        "cue", max_length=40, blank=True, help_text="The speech verb: said, told, according to."
    )
    start = models.PositiveIntegerField(
        null=True, blank=True, help_text="Character offset of the quote in the story text."
    )
    end = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.SUGGESTED)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within the story.")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ("position", "pk")
        indexes = [
            models.Index(fields=["story", "status", "position"], name="quote_story_status_idx"),
            models.Index(fields=["source", "status"], name="quote_source_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(source__isnull=False) | Q(unnamed=True),
                name="quote_confirmed_has_source",
                violation_error_message="A confirmed quote needs a source (or to be marked as "
                "from an unnamed source).",
            ),
            models.CheckConstraint(
                condition=Q(unnamed=False) | Q(source__isnull=True),
                name="quote_unnamed_has_no_source",
                violation_error_message="A quote from an unnamed source cannot name a source: "
                "readers could find it through the source's page.",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(end__gte=models.F("start")),
                name="quote_offsets_in_order",
                violation_error_message="A quote cannot end before it starts.",
            ),
        ]

    def __str__(self):
        who = self.source or ("unnamed source" if self.unnamed else self.speaker) or "unknown"
        words = self.text if len(self.text) <= 60 else self.text[:57].rstrip() + "…"
        return f"{who}: “{words}”"


def confirmed_quotes_prefetch():
    """A story's confirmed quotes with their sources, in story order: one query."""
    quotes = Quote.objects.confirmed().select_related("source").order_by("position", "pk")
    return Prefetch("quotes", queryset=quotes, to_attr="confirmed_quotes")


def quoted_sources(quotes):
    """[(source, [quote, …]), …] in the order each source is first quoted; quotes from
    unnamed sources are left out (readers only see how many there were)."""
    grouped = {}
    for quote in quotes:
        if quote.source is not None and not quote.unnamed:
            grouped.setdefault(quote.source, []).append(quote)
    return list(grouped.items())


def unnamed_source_count(quotes):
    """How many unnamed sources the quotes come from: one per distinct description."""
    return len({name_key(q.described_as or q.speaker or str(q.pk)) for q in quotes if q.unnamed})
