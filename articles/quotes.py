"""Rule-based quote extraction for news stories (standard library only).

``extract_quotes(text)`` finds who said what in a story body given as plain text with
paragraphs separated by newlines. The rules follow the ideas of the Gender Gap Tracker's
quote extractor (sfu-discourse-lab/GenderGapTracker, ``nlp/english/quote_extractor.py``):
syntactic quotes around a speech verb, "according to" clauses, floating quotes that inherit
the previous speaker, and quoted spans attributed to a nearby speech verb. GGT gets subjects
from a spaCy dependency parse; we have no parser, so subjects come from comma-delimited
chunks next to the speech verb plus a per-story registry of names.

Conventions:

* ``text`` excludes the quote marks and one trailing ``,`` ``;`` ``:`` or ``.`` inside them
  (``"…century,”`` gives ``…century``); ``?`` and ``!`` are kept. Paraphrases exclude the
  sentence-final full stop. ``input[start:end] == text`` always holds.
* Only double quotes (straight or curly) delimit quotes. Single quotes and apostrophes
  (``‘belt’``, ``Putin's``, ``Xi’s``) never do.
* ``speaker`` is the fullest name the story gives a person ("Yury Ushakov" for "Ushakov"
  or "he"), or the organisation/group as written ("The Kremlin", "Police").
* A quote without an attributable speaker is dropped, as are titles of works, slogans on
  signs and quoted terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from articles.quote_rules import (
    BARE_CLAUSE_VERBS,
    CLAUSE_VERBS,
    CUE_RE,
    DETERMINERS,
    GROUP_PRONOUNS,
    NON_NAME_WORDS,
    ORG_NAME_RE,
    ORG_WORDS,
    PERSON_PRONOUNS,
    TELL_VERBS,
    TITLES,
    ends_with_abbreviation,
    is_non_speech_quote,
    looks_like_np,
    strip_np,
    words,
)

MASK = "\x00"  # replaces quoted material so rules only look at the reporter's own words


class QuoteKind(StrEnum):
    DIRECT = "direct"  # a whole sentence or clause in quote marks
    PARTIAL = "partial"  # a quoted fragment inside the reporter's sentence
    PARAPHRASE = "paraphrase"  # indirect speech, "X said (that) ..."
    ACCORDING_TO = "according_to"  # "According to X, ..."


@dataclass(frozen=True)
class ExtractedQuote:
    text: str
    speaker: str
    described_as: str
    kind: QuoteKind
    cue: str
    start: int
    end: int


@dataclass(frozen=True)
class _Speaker:
    name: str
    described_as: str = ""
    is_person: bool = False


@dataclass
class _Span:
    """A double-quoted stretch; ``close`` is the closing mark, or the paragraph end."""

    open: int
    close: int
    closed: bool
    kept: bool = True


@dataclass
class _Cue:
    start: int
    end: int
    word: str
    speaker: _Speaker | None = None
    inverted: bool = False  # '"...," said X'
    subject_start: int = -1  # where the explicit subject starts (-1: inherited)
    comma_before: int = -1  # comma in front of a post-posed subject ("..., X said.")


# --------------------------------------------------------------------------- segmentation


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line.rstrip())))
        pos += len(line) + 1
    return spans


def _find_spans(text: str) -> list[_Span]:
    """Pair double quote marks per paragraph; an unclosed quote runs to the paragraph end
    (news style for quotes that continue into the next paragraph)."""
    spans = []
    for lo, hi in _paragraphs(text):
        opened = None
        for i in range(lo, hi):
            if opened is None and text[i] in '"“':
                opened = i
            elif opened is not None and text[i] in '"”':
                spans.append(_Span(opened, i, True))
                opened = None
        if opened is not None:
            spans.append(_Span(opened, hi, False))
    return spans


def _mask(text: str, spans: list[_Span]) -> str:
    chars = list(text)
    for span in spans:
        chars[span.open : span.close + 1] = MASK * (min(span.close + 1, len(text)) - span.open)
    return "".join(chars)


def _sentences(text: str, spans: list[_Span]) -> list[tuple[int, int]]:
    """Split paragraphs into sentences, never inside a quote unless the quote ends the
    sentence, and not before an attribution ('"Is it fair?" Tan asked')."""
    out = []
    for lo, hi in _paragraphs(text):
        start = lo
        for m in re.finditer(r"[.!?]+([\"”’)]*)(?=\s+[A-Z0-9\"“])", text[lo:hi]):
            p, end = lo + m.start(), lo + m.end()
            inside = next((s for s in spans if s.open < p < s.close), None)
            if inside and not (inside.closed and inside.close < end):
                continue
            if text[p] == "." and ends_with_abbreviation(text[start:p]):
                continue
            if m.group(1) and CUE_RE.match(text, end) is None and _attribution_follows(text, end):
                continue
            out.append((start, end))
            start = end + len(text[end:hi]) - len(text[end:hi].lstrip())
        if start < hi:
            out.append((start, hi))
    return out


def _attribution_follows(text: str, pos: int) -> bool:
    return bool(re.match(r"\s+(?:[A-Z][\w’'.-]*\s+){1,3}(?=\S)", text[pos:])) and bool(
        CUE_RE.match(text, pos + len(re.match(r"\s+(?:[A-Z][\w’'.-]*\s+){1,3}", text[pos:])[0]))
    )


# --------------------------------------------------------------------------- names


class _Registry:
    """Names seen in one story: surname -> fullest name, org head word -> org name, and
    the last person / group mentioned as a subject, for resolving pronouns."""

    def __init__(self, masked: str) -> None:
        self.people: dict[str, str] = {}
        self.orgs: dict[str, str] = {}
        self.last_person: _Speaker | None = None
        self.last_group: _Speaker | None = None
        for run in _cap_runs(masked, 0, len(masked)):
            name = _name_from_run(run)
            if name and len(name.split()) >= 2:
                key = name.split()[-1]
                if len(name) > len(self.people.get(key, "")):
                    self.people[key] = name
        for m in ORG_NAME_RE.finditer(masked):
            self.add_org(m.group().strip())

    def add_org(self, name: str) -> None:
        toks = [t for t in name.split() if t.lower() not in DETERMINERS]
        if not toks:
            return
        for tok in toks:
            if tok.lower() in ORG_WORDS:
                self.orgs.setdefault(tok.lower(), name)
        if len(toks) > 1:
            self.orgs.setdefault(toks[0].lower().rstrip("’'s"), name)

    def person(self, tokens: list[str]) -> str | None:
        full = self.people.get(tokens[-1])
        if full and set(tokens) <= set(full.split()):
            return full
        return " ".join(tokens) if len(tokens) >= 2 else None


def _cap_runs(text: str, lo: int, hi: int) -> list[list[str]]:
    """Runs of adjacent capitalised words; a possessive ("Putin's") is never part of a name."""
    runs: list[list[str]] = []
    cur: list[str] = []
    prev_end = lo
    for m in re.finditer(r"[^\s,;:()\x00\"“”]+", text[lo:hi]):
        tok, gap = m.group(), text[lo + prev_end - lo : lo + m.start()]
        prev_end = lo + m.end()
        if gap.strip() or not tok[0].isupper() or re.search(r"['’]s?$", tok):
            if cur:
                runs.append(cur)
            cur = []
            if not tok[0].isupper() or re.search(r"['’]s?$", tok):
                continue
        bare = tok.rstrip(".!?") if not ends_with_abbreviation(tok) else tok
        cur.append(bare)
        if bare != tok:  # sentence punctuation ends the run
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def _name_from_run(run: list[str]) -> str | None:
    """'Russian President Vladimir Putin' -> 'Vladimir Putin'; None for orgs and places."""
    titles = [i for i, t in enumerate(run) if t.lower().rstrip(".") in TITLES]
    toks = run[titles[-1] + 1 :] if titles else list(run)
    while toks and toks[0].lower() in DETERMINERS | NON_NAME_WORDS:
        toks = toks[1:]
    if not toks or any(t.lower() in ORG_WORDS | NON_NAME_WORDS for t in toks):
        return None
    return " ".join(toks)


def _resolve(np: str, reg: _Registry) -> _Speaker | None:
    """Turn a subject noun phrase into a speaker, using the registry for names/pronouns."""
    np = strip_np(np)
    if not np or not looks_like_np(np):
        return None
    low = np.lower()
    if low in PERSON_PRONOUNS:
        return reg.last_person
    if low in GROUP_PRONOUNS:
        return reg.last_group
    if low in {"i", "we", "you"}:
        return None
    head, _, tail = re.split(r"\s+\b(of|at|from|with)\b\s+", np, maxsplit=1) + ["", ""][:0] or [np]
    head = re.split(r"\s+\b(?:of|at|from|with)\b\s+", np, maxsplit=1)[0]
    for run in reversed(_cap_runs(head, 0, len(head))):
        name = _name_from_run(run)
        full = name and reg.person(name.split())
        if full:
            role = np.replace(" ".join(run), " ".join(run[: len(run) - len(name.split())]), 1)
            described = re.sub(r"\s+", " ", role).strip(" ,")
            return _Speaker(full, described, is_person=True)
    m = re.match(r"(?:(?:data|figures|estimates|a report|a statement) (?:from|by) )(.+)", np)
    if m:
        np, low = m.group(1), m.group(1).lower()
    m = re.match(r"(.+?)['’]s\s+\S", np)
    if m:  # "the bank's latest forecasts" speak for the bank
        np, low = m.group(1), m.group(1).lower()
    key = low.split()[-1] if low.startswith("the ") and len(low.split()) == 2 else low
    org = reg.orgs.get(key) if key == low.split()[-1] else None
    name = org or np
    return _Speaker(name[0].upper() + name[1:])
