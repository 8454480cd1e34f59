"""Quotes checked against the record when they are confirmed.

A confirmed quote is compared with the confirmed quotes of other stories that share three
words in a row with it (``QuoteShingle`` finds them by index, however large the archive):

* the same source said almost the same before: reuse, common and fine, but editors should
  know ("said almost the same on 3 March in <story>");
* someone else was given these words: a warning ("these words were attributed to <other
  source> in <story>"). Only words in quote marks count: a paraphrase is the reporter's.

Findings are kept as ``QuoteMatch`` rows, shown on the quote in the admin.
"""

import hashlib
import re
from dataclasses import dataclass

from django.db.models import Count
from rapidfuzz import fuzz

from ..models import Quote, QuoteMatch, QuoteShingle

SIMILAR = 85  # rapidfuzz score from which two quotes are "almost the same"
MIN_WORDS = 4  # shorter quotes ("open to talks") are too common to say anything
VERBATIM_KINDS = (Quote.Kind.DIRECT, Quote.Kind.PARTIAL, Quote.Kind.ACCORDING_TO)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def normalise(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _WORD.findall(text.casefold())]


def shingles(text: str) -> set[int]:
    """Hashes of every three words in a row (of the whole quote when it is shorter)."""
    tokens = normalise(text)
    grams = [" ".join(tokens[i : i + 3]) for i in range(max(1, len(tokens) - 2))]
    return {_hash(gram) for gram in grams if gram}


def _hash(gram: str) -> int:
    digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def index(quote: Quote) -> None:
    """Make a confirmed quote findable by later checks (again after an edit)."""
    QuoteShingle.objects.filter(quote=quote).delete()
    QuoteShingle.objects.bulk_create(
        [QuoteShingle(quote=quote, hash=h) for h in shingles(quote.text)], ignore_conflicts=True
    )


def unindex(quote: Quote) -> None:
    QuoteShingle.objects.filter(quote=quote).delete()
    QuoteMatch.objects.filter(quote=quote).delete()


@dataclass(frozen=True)
class Finding:
    earlier: Quote
    kind: str  # a QuoteMatch.Kind
    similarity: int

    @property
    def is_warning(self) -> bool:
        return self.kind == QuoteMatch.Kind.MISATTRIBUTION


def check(quote: Quote, source=None, unnamed: bool | None = None) -> list[Finding]:
    """What the record says about ``quote`` if it is confirmed to ``source`` (default: its
    own), warnings first. Nothing is written."""
    source = quote.source if source is None else source
    unnamed = quote.unnamed if unnamed is None else unnamed
    if len(normalise(quote.text)) < MIN_WORDS:
        return []
    hashes = shingles(quote.text)
    needed = 1 if len(hashes) < 3 else 2  # share at least two word triples when they can
    candidates = (
        QuoteShingle.objects.filter(hash__in=hashes)
        .exclude(quote__story_id=quote.story_id)
        .filter(quote__status=Quote.Status.CONFIRMED)
        .values("quote")
        .annotate(shared=Count("pk"))
        .filter(shared__gte=needed)
        .order_by("-shared")[:50]
    )
    earlier = (
        Quote.objects.filter(pk__in=[row["quote"] for row in candidates])
        .select_related("source", "story")
        .order_by("pk")
    )
    words = " ".join(normalise(quote.text))
    findings = []
    for other in earlier:
        score = _score(words, " ".join(normalise(other.text)))
        if score < SIMILAR:
            continue
        same = (not unnamed and source is not None and other.source_id == source.pk) or (
            unnamed and other.unnamed
        )
        if same:
            findings.append(Finding(other, QuoteMatch.Kind.REUSE, score))
        elif quote.kind in VERBATIM_KINDS and other.kind in VERBATIM_KINDS and other.source_id:
            findings.append(Finding(other, QuoteMatch.Kind.MISATTRIBUTION, score))
    return sorted(findings, key=lambda f: (not f.is_warning, -f.similarity, f.earlier.pk))


def _score(a: str, b: str) -> int:
    """Alike as wholes, or one contained in the other (a partial quote of a longer one)."""
    whole = fuzz.ratio(a, b)
    shorter = min(len(a.split()), len(b.split()))
    part = fuzz.partial_ratio(a, b) if shorter >= MIN_WORDS + 2 else 0
    return round(max(whole, part))


def record(quote: Quote) -> list[QuoteMatch]:
    """Check a quote that was just confirmed, keep what was found, and index it."""
    QuoteMatch.objects.filter(quote=quote).delete()
    matches = QuoteMatch.objects.bulk_create(
        [
            QuoteMatch(quote=quote, earlier=f.earlier, kind=f.kind, similarity=f.similarity)
            for f in check(quote)
        ]
    )
    index(quote)
    return matches
