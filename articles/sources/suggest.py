"""From what extraction finds in a story to quote suggestions an editor can confirm.

`suggest_quotes(story)` can run any number of times: a quote already recorded (whatever its
status) is updated in place, never added twice, and a rejected suggestion stays rejected.
Speakers are matched against the source registry by name, alias or surname. Suggesting never
creates a source: a speaker the registry does not know stays a name on the suggestion, and
becomes a source only when an editor confirms the quote to it (`confirm.confirm`).
"""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q

from ..models import Quote, Source
from ..models.sources import name_key
from .extract import KnownName, extract_quotes
from .extract_rules import ORG_WORDS

KNOWN_NAMES_MAX = 300  # registry sources handed to extraction for one story

# Unnamed groups the extractor may report as speakers: they are not sources.
GENERIC_SPEAKERS = {
    "analysts", "authorities", "critics", "diplomats", "doctors", "economists", "experts",
    "investigators", "lawyers", "observers", "officials", "police", "prosecutors", "protesters",
    "researchers", "residents", "scientists", "sources", "witnesses", "activists",
}  # fmt: skip
QUOTE_MARKS = '"“”„«»'
_NAME_PARTICLES = {"of", "the", "and", "for", "de", "del", "der", "van", "von", "bin", "al", "la"}


@dataclass
class SourcingResult:
    """What one run did, for the admin message and the importer's printout."""

    created: list[Quote] = field(default_factory=list)
    updated: list[Quote] = field(default_factory=list)
    removed: int = 0
    new_names: list[str] = field(default_factory=list)  # sources once an editor confirms
    unmatched_speakers: list[str] = field(default_factory=list)

    def summary(self):
        parts = [f"{len(self.created)} new suggestion{'' if len(self.created) == 1 else 's'}"]
        if self.updated:
            parts.append(f"{len(self.updated)} already recorded")
        if self.removed:
            parts.append(
                f"{self.removed} outdated suggestion{'' if self.removed == 1 else 's'} removed"
            )
        if self.new_names:
            parts.append(
                "not in the registry yet (a source is created when you confirm): "
                + ", ".join(self.new_names)
            )
        if self.unmatched_speakers:
            parts.append("choose a source for: " + ", ".join(self.unmatched_speakers))
        return "; ".join(parts)


def is_named(speaker: str) -> bool:
    """A proper name ("Yury Ushakov", "The Kremlin"), not a group ("officials", "Researchers")."""
    words = speaker.split()
    if not words or speaker.casefold() in GENERIC_SPEAKERS:
        return False
    return all(word[0].isupper() or word.casefold() in _NAME_PARTICLES for word in words)


def is_verbatim(text: str, found) -> bool:
    """Whether the story puts the words in quote marks (a paraphrase never does)."""
    return found.start > 0 and text[found.start - 1] in QUOTE_MARKS


def guess_kind(speaker: str) -> str:
    words = [word.strip(".,’'").casefold() for word in speaker.split()]
    if words and (words[0] == "the" or any(word in ORG_WORDS for word in words)):
        return Source.Kind.ORGANISATION
    return Source.Kind.PERSON


def source_for_speaker(speaker: str, result: SourcingResult):
    """The registry's source for `speaker`, or None: nobody matches (the name is noted as a
    source-to-be) or several could (the editor chooses)."""
    candidates = Source.objects.candidates(speaker)
    if len(candidates) == 1:
        return candidates[0]
    names = result.unmatched_speakers if candidates or not is_named(speaker) else result.new_names
    if speaker not in names:
        names.append(speaker)
    return None


def known_names(text: str) -> list[KnownName]:
    """Registry sources whose name or alias shares a capitalised word with `text`, as the
    extractor reads them (kinds, aliases and pronouns help it tell who speaks)."""
    words = {w.casefold() for w in re.findall(r"\b[A-Z][\w’'-]{2,}", text)} - {"the"}
    if not words:
        return []
    shares = reduce(or_, (Q(match_names__contains=w) for w in sorted(words)[:200]))
    sources = Source.objects.filter(shares).only("name", "kind", "aliases", "pronoun")
    return [
        KnownName(s.name, s.kind, tuple(s.alias_list()), s.pronoun)
        for s in sources[:KNOWN_NAMES_MAX]
    ]


@transaction.atomic
def suggest_quotes(story, text: str | None = None) -> SourcingResult:
    """Record the quotes extraction finds in `story` as suggestions, without duplicates."""
    text = story.text if text is None else text
    result = SourcingResult()
    recorded = {}
    for quote in story.quotes.select_for_update().order_by("pk"):
        recorded.setdefault(quote.text.strip(), []).append(quote)
    for position, found in enumerate(extract_quotes(text, known_names(text))):
        same_text = recorded.get(found.text.strip(), [])
        if same_text:
            # The same words again: refresh where they are, keep the editor's decisions.
            quote = min(same_text, key=lambda q: abs((q.start or 0) - found.start))
            same_text.remove(quote)
            quote.start, quote.end, quote.position = found.start, found.end, position
            fields = ["start", "end", "position", "modified"]
            if quote.status == Quote.Status.SUGGESTED and quote.source_id is None:
                quote.source = source_for_speaker(found.speaker, result)
                fields.append("source")
            quote.save(update_fields=fields)
            result.updated.append(quote)
            continue
        result.created.append(
            Quote.objects.create(
                story=story,
                source=source_for_speaker(found.speaker, result),
                text=found.text,
                speaker=found.speaker[:200],
                speaker_kind=found.speaker_kind,
                described_as=found.described_as[:300],
                kind=str(found.kind),
                verbatim=is_verbatim(text, found),
                cue=found.cue[:40],
                start=found.start,
                end=found.end,
                position=position,
            )
        )
    # Machine suggestions whose words are no longer in the story go; anything an editor
    # decided on (confirmed, rejected) or typed in by hand (no offsets) stays.
    stale = [
        quote.pk
        for quotes in recorded.values()
        for quote in quotes
        if quote.status == Quote.Status.SUGGESTED and quote.start is not None
    ]
    if stale:
        result.removed = Quote.objects.filter(pk__in=stale).delete()[0]
    return result


@transaction.atomic
def merge_sources(keep: Source, sources) -> int:
    """Fold duplicate `sources` into `keep`: quotes move, names become aliases. Returns the
    number of quotes moved. Nothing is lost: empty public fields are filled from the
    duplicates and their private notes are appended to the kept source's."""
    duplicates = [source for source in sources if source.pk != keep.pk]
    if not duplicates:
        return 0
    moved = Quote.objects.filter(source__in=duplicates).update(source=keep)
    known = {name_key(keep.name)} | {name_key(alias) for alias in keep.alias_list()}
    aliases = keep.alias_list()
    for duplicate in duplicates:
        for name in [duplicate.name, *duplicate.alias_list()]:
            if name_key(name) not in known:
                known.add(name_key(name))
                aliases.append(name)
        for field_name in ("role", "affiliation", "description"):
            if not getattr(keep, field_name):
                setattr(keep, field_name, getattr(duplicate, field_name))
        if duplicate.contact_notes.strip():
            keep.contact_notes = "\n\n".join(
                part
                for part in (
                    keep.contact_notes.strip(),
                    f"From merged source “{duplicate.name}”:\n{duplicate.contact_notes.strip()}",
                )
                if part
            )
    keep.aliases = "\n".join(aliases)
    Source.objects.filter(pk__in=[d.pk for d in duplicates]).delete()
    keep.save()
    return moved
