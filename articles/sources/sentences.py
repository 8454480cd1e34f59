"""Segmentation for quote extraction (standard library only): paragraphs, quote marks,
sentences, and the state one sentence's rules share."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .extract_rules import CUE_RE, ends_with_abbreviation

if TYPE_CHECKING:
    from .cast import Cast, Speaker

_MARK = re.compile('["“”]')
_STOP = re.compile(r"[.!?]+([\"”’)]*)\s+(?=[A-Z0-9\"“])")
_CLOSING_ABBREVIATIONS = ("a.m", "p.m", " inc", " ltd", " corp", " jr", " sr", " etc")
MASK = "\x00"  # stands in for quoted words, so the rules read only the reporter's own


@dataclass
class Span:
    """A double-quoted stretch; ``close`` is the closing mark, or the paragraph end."""

    open: int
    close: int
    closed: bool
    kept: bool = True  # False for titles, slogans and terms
    quote: object = None  # the ExtractedQuote it gave


@dataclass
class Cue:
    """A speech verb (or "according to") and what we learnt about its subject."""

    start: int
    end: int
    word: str
    speaker: Speaker | None = None
    subject_start: int = -1  # where an explicit subject starts (-1: inherited or none)
    subject_end: int = -1
    comma_before: int = -1  # the comma before a post-posed subject: "…, the union said."
    inverted: bool = False  # '"…," said X'


@dataclass
class Sentence:
    """One sentence, with the story-wide text and state the rules read."""

    text: str  # the whole story
    masked: str  # the story with kept quotes replaced by MASK
    lo: int
    hi: int
    cast: Cast
    para_start: int
    subject: Speaker | None = None  # who the sentence opens with
    cues: list[Cue] = field(default_factory=list)


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line.rstrip())))
        pos += len(line) + 1
    return out


def find_spans(text: str) -> list[Span]:
    """Pair double quote marks within each paragraph."""
    spans = []
    for lo, hi in paragraphs(text):
        opened = None
        for m in _MARK.finditer(text, lo, hi):
            i, mark = m.start(), m.group()
            if opened is None and mark in '"“':
                opened = i
            elif opened is not None and mark in '"”':
                spans.append(Span(opened, i, closed=True))
                opened = None
        if opened is not None:
            spans.append(Span(opened, hi, closed=False))
    return spans


def mask(text: str, spans: list[Span]) -> str:
    chars = list(text)
    for span in spans:
        end = min(span.close + 1, len(text))
        chars[span.open : end] = MASK * (end - span.open)
    return "".join(chars)


def sentences(text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """Sentence bounds. A stop inside quote marks ends a sentence only when the quote
    closes right after it, and '"Is it fair?" Tan asked' stays one sentence."""
    out = []
    opens = [s.open for s in spans]
    for lo, hi in paragraphs(text):
        local = spans[bisect_left(opens, lo) : bisect_left(opens, hi)]
        start = lo
        for m in _STOP.finditer(text[lo:hi]):
            stop, end = lo + m.start(), lo + m.end()
            inside = next((s for s in local if s.open < stop < s.close), None)
            if inside and not (inside.closed and inside.close < end):
                continue
            closing = text[max(start, stop - 4) : stop].lower().endswith(_CLOSING_ABBREVIATIONS)
            if text[stop] == "." and ends_with_abbreviation(text[start:stop]) and not closing:
                continue  # "Dr. Fiona Mackay", "J. Smith"; but "at 2 a.m. He said" ends here
            if m.group(1) and text[stop] in "?!" and cue_follows(text, end):
                continue
            out.append((start, stop + len(m.group().rstrip())))
            start = end
        if start < hi or start == lo:
            out.append((start, hi))
    return out


def cue_follows(text: str, pos: int) -> bool:
    name = re.match(r"(?:[A-Z][\w’'.-]*\s+){1,3}", text[pos:])
    return bool(name and CUE_RE.match(text, pos + name.end()))


def text_paragraph(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def sentence_end(masked: str, start: int, hi: int) -> int:
    end = hi
    while end > start and masked[end - 1].isspace():
        end -= 1
    if end - start > 1 and masked[end - 1] == "." and masked[end - 2] != ".":
        end -= 1
    return end
