"""Rule-based quote extraction for news stories (standard library only).

``extract_quotes(text)`` finds who said what in a story body given as plain text with
paragraphs separated by newlines. The rules follow the ideas of the Gender Gap Tracker's
quote extractor (sfu-discourse-lab/GenderGapTracker, ``nlp/english/quote_extractor.py``):
quotes around a speech verb, "according to" clauses, floating quotes that keep the previous
speaker, and indirect speech ("X said that ..."). GGT finds subjects with a spaCy dependency
parse; we have no parser, so a subject is the comma-delimited chunk next to the speech verb,
resolved through a per-story registry of names (``articles.sources.extract_rules``).

Conventions:

* ``text`` excludes the quote marks and one trailing ``,`` ``;`` ``:`` or ``.`` inside them
  (``“…century,”`` gives ``…century``); ``?`` and ``!`` are kept. Paraphrases exclude the
  sentence's final full stop. ``input[start:end] == text`` always holds.
* Only double quotes (straight or curly) delimit quotes; single quotes and apostrophes
  (``‘belt’``, ``Putin's``, ``Xi’s``) never do. A quote left open at the end of a paragraph
  runs to the paragraph's end (news style for quotes that continue in the next paragraph).
* ``speaker`` is the fullest name the story gives a person ("Yury Ushakov" for "Ushakov"
  or "he"), or the organisation or group as the story names it ("The Kremlin", "Police").
* A floating quote (a fully quoted sentence after one that yielded a quote) keeps that
  quote's speaker, description and cue.
* When a reported clause contains quote marks, only the quoted words are returned (as a
  partial quote); clauses without quote marks are returned as paraphrases.
* Quotes without an attributable speaker are dropped, as are titles of works, slogans on
  signs and quoted terms ("so-called", "the word").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .extract_rules import (
    BARE_CLAUSE_VERBS,
    CLAUSE_VERBS,
    CUE_RE,
    DETERMINERS,
    INVERTIBLE,
    NOT_A_CLAUSE,
    PREPOSITIONS,
    SUBJECT_PRONOUNS,
    SUBORDINATORS,
    TELL_VERBS,
    NameRegistry,
    Speaker,
    ends_with_abbreviation,
    has_finite_verb,
    is_non_speech_quote,
    looks_like_np,
    resolve_speaker,
    sentence_subject,
    strip_np,
    words,
)

MASK = "\x00"  # stands in for quoted words, so the rules read only the reporter's own


class QuoteKind(StrEnum):
    DIRECT = "direct"  # a whole sentence or clause in quote marks
    PARTIAL = "partial"  # a quoted fragment inside the reporter's own sentence
    PARAPHRASE = "paraphrase"  # indirect speech: "X said (that) ..."
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


@dataclass
class _Span:
    """A double-quoted stretch; ``close`` is the closing mark, or the paragraph end."""

    open: int
    close: int
    closed: bool
    kept: bool = True  # False for titles, slogans and terms


@dataclass
class _Cue:
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
class _Sentence:
    """One sentence, with the story-wide text and state the rules read."""

    text: str  # the whole story
    masked: str  # the story with kept quotes replaced by MASK
    lo: int
    hi: int
    reg: NameRegistry
    subject: Speaker | None = None  # who the sentence opens with
    cues: list[_Cue] = field(default_factory=list)


def extract_quotes(text: str) -> list[ExtractedQuote]:
    """All attributed quotes in ``text``, in text order."""
    spans = _find_spans(text)
    for span in spans:
        para_start = text.rfind("\n", 0, span.open) + 1
        after = text[span.close + 1 : span.close + 80].split("\n")[0]
        inner = text[span.open + 1 : span.close]
        span.kept = not is_non_speech_quote(inner, text[para_start : span.open], after)
    registry = NameRegistry(_mask(text, spans))
    masked = _mask(text, [s for s in spans if s.kept])
    found: list[ExtractedQuote] = []
    previous: list[ExtractedQuote] = []
    for lo, hi in _sentences(text, spans):
        sentence = _Sentence(text, masked, lo, hi, registry)
        in_sentence = [s for s in spans if lo <= s.open < hi and s.kept]
        previous = _sentence_quotes(sentence, in_sentence, previous)
        found += previous
    found.sort(key=lambda q: q.start)
    # A description given once ("Putin's foreign policy aide Yury Ushakov") holds for the story.
    known: dict[str, str] = {}
    for quote in found:
        if quote.described_as:
            known.setdefault(quote.speaker, quote.described_as)
    return [replace(q, described_as=q.described_as or known.get(q.speaker, "")) for q in found]


# --------------------------------------------------------------------------- segmentation


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line.rstrip())))
        pos += len(line) + 1
    return out


def _find_spans(text: str) -> list[_Span]:
    """Pair double quote marks within each paragraph."""
    spans = []
    for lo, hi in _paragraphs(text):
        opened = None
        for i in range(lo, hi):
            if opened is None and text[i] in '"“':
                opened = i
            elif opened is not None and text[i] in '"”':
                spans.append(_Span(opened, i, closed=True))
                opened = None
        if opened is not None:
            spans.append(_Span(opened, hi, closed=False))
    return spans


def _mask(text: str, spans: list[_Span]) -> str:
    chars = list(text)
    for span in spans:
        end = min(span.close + 1, len(text))
        chars[span.open : end] = MASK * (end - span.open)
    return "".join(chars)


def _sentences(text: str, spans: list[_Span]) -> list[tuple[int, int]]:
    """Sentence bounds. A stop inside quote marks ends a sentence only when the quote
    closes right after it, and '"Is it fair?" Tan asked' stays one sentence."""
    out = []
    for lo, hi in _paragraphs(text):
        local = [s for s in spans if lo <= s.open < hi]
        start = lo
        for m in re.finditer(r"[.!?]+([\"”’)]*)\s+(?=[A-Z0-9\"“])", text[lo:hi]):
            stop, end = lo + m.start(), lo + m.end()
            inside = next((s for s in local if s.open < stop < s.close), None)
            if inside and not (inside.closed and inside.close < end):
                continue
            if text[stop] == "." and ends_with_abbreviation(text[start:stop]):
                continue
            if m.group(1) and text[stop] in "?!" and _cue_follows(text, end):
                continue
            out.append((start, stop + len(m.group().rstrip())))
            start = end
        if start < hi:
            out.append((start, hi))
    return out


def _cue_follows(text: str, pos: int) -> bool:
    name = re.match(r"(?:[A-Z][\w’'.-]*\s+){1,3}", text[pos:])
    return bool(name and CUE_RE.match(text, pos + name.end()))


# --------------------------------------------------------------------------- speech cues


def _find_cues(s: _Sentence) -> None:
    """Speech verbs in the reporter's words of one sentence, each with its speaker."""
    for m in CUE_RE.finditer(s.masked, s.lo, s.hi):
        cue = _Cue(m.start(), m.end(), m.group().lower())
        if _not_speech(s.masked[s.lo : cue.start]) or (
            s.cues and _same_clause(s.masked, s.cues[-1], cue)
        ):
            continue
        if cue.word == "according to":
            _according_to_subject(s, cue)
        elif not _subject_before(s, cue) and cue.word in INVERTIBLE:
            _subject_after(s, cue)
        s.reg.remember(cue.speaker)
        s.cues.append(cue)


def _not_speech(before: str) -> bool:
    """'the call', 'to comment', 'had been told', 'did not say' are not speech cues."""
    prev = [w.lower() for w in words(before)[-2:]]
    blocked = DETERMINERS | {"to", "was", "were", "been", "be", "being", "is", "are"}
    return bool(prev) and (
        prev[-1] in blocked or any(w in {"not", "never"} or w.endswith("n't") for w in prev)
    )


def _same_clause(masked: str, first: _Cue, second: _Cue) -> bool:
    """'described the 1.5-hour call': a second cue word in the same clause is a noun."""
    between = masked[first.end : second.start]
    links = {"and", "but", "that", "then", "who", "which", "while"}
    return not re.search(r"[,;:\x00]", between) and not links & set(words(between.lower()))


def _inherit(s: _Sentence) -> Speaker | None:
    """Speaker of '… and said', '…, emphasizing': the sentence's previous speaker."""
    return next((c.speaker for c in reversed(s.cues) if c.speaker), s.subject)


def _subject_before(s: _Sentence, cue: _Cue) -> bool:
    """Find the subject in the comma-delimited chunks before the verb, skipping relative
    clauses, participles, ages and appositions. Returns False when no words precede the
    verb, so the subject may follow it ('"…," said X')."""
    floor = max(s.lo, s.masked.rfind(MASK, s.lo, cue.start) + 1)
    if not s.masked[floor : cue.start].strip(" ,"):
        if cue.word.endswith("ing"):
            cue.speaker = _inherit(s)
        return False
    commas = [i for i in range(floor, cue.start) if s.masked[i] == ","]
    chunks = list(zip([floor] + [c + 1 for c in commas], commas + [cue.start], strict=True))
    appositions: list[str] = []
    for i in range(len(chunks) - 1, -1, -1):
        start, end = chunks[i]
        raw, last = s.masked[start:end], i == len(chunks) - 1
        np, toks = strip_np(raw), words(raw)
        if last and toks and toks[-1].lower() in SUBJECT_PRONOUNS:  # "… in what she called"
            cue.speaker = resolve_speaker(toks[-1], s.reg)
            cue.subject_start, cue.subject_end = start + raw.rfind(toks[-1]), end
            cue.comma_before = start - 1 if i > 0 and len(toks) == 1 else -1
            return True
        if not np or not toks or toks[-1].lower() in {"and", "but"}:
            if last and (raw.strip() or cue.word.endswith("ing")):  # "… and said"
                cue.speaker = _inherit(s)
                return True
            continue
        first = np.split()[0]
        if first.lower() in {"who", "which", "whose", "where"} or np.isdigit():
            continue  # "Trustee Marcus Hale, who voted against the ban, said"
        if first.islower() and first.endswith("ing"):
            continue  # "Aleksander Rusu, speaking at a press conference, said"
        speaker = resolve_speaker(np, s.reg)
        if i > 0 and _is_apposition(np) and not (speaker and speaker.is_person):
            left = [resolve_speaker(s.masked[a:b], s.reg) for a, b in chunks[:i]]
            if any(sp and sp.is_person for sp in left):
                appositions.append(np)  # "Hannah Price, a midwife …, said"
                continue
        if speaker is None:
            return True
        role = strip_np(s.masked[chunks[0][0] : chunks[0][1]]) if i == 1 else ""
        if speaker.is_person and role and looks_like_np(role) and _is_apposition(role.lower()):
            appositions.append(role)  # "The board’s chair, Rebecca Tan, said"
        cue.speaker = _describe(speaker, appositions)
        cue.subject_start, cue.subject_end = start, end
        cue.comma_before = start - 1 if i > 0 and last else -1
        return True
    return True


def _subject_after(s: _Sentence, cue: _Cue) -> None:
    """'"…," said Teresa Vance, the group’s legal director.'"""
    end = cue.end + re.match(r"[^,\x00]*", s.masked[cue.end : s.hi]).end()
    speaker = resolve_speaker(s.masked[cue.end : end].rstrip(" ."), s.reg)
    if speaker is None:
        return
    extra: list[str] = []
    while m := re.match(r",([^,\x00]*)", s.masked[end : s.hi]):
        chunk = m.group(1).strip(" .")
        if not chunk or not (chunk.isdigit() or _is_apposition(chunk)):
            break
        if not chunk.isdigit():  # "Priya Raman, 16, the student representative"
            extra.append(chunk)
        end += m.end()
    cue.speaker = _describe(speaker, extra)
    cue.inverted = True
    cue.subject_start, cue.subject_end = cue.end, end


def _according_to_subject(s: _Sentence, cue: _Cue) -> None:
    """'According to the union, which brought the case, …': the subject ends at the comma;
    a relative clause after it still belongs to the attribution."""
    end = cue.end + re.match(r"[^,\x00]*", s.masked[cue.end : s.hi]).end()
    cue.speaker = resolve_speaker(s.masked[cue.end : end].rstrip(" ."), s.reg)
    relative = re.match(r",\s*(?:who|which|whose)\b[^,\x00]*", s.masked[end : s.hi])
    cue.subject_start, cue.subject_end = cue.end, end + (relative.end() if relative else 0)


def _is_apposition(np: str) -> bool:
    """'a midwife who …', 'the group’s legal director', 'chief economist at Harrow Bank'."""
    toks = np.split()
    if toks[0].lower() in PREPOSITIONS | SUBORDINATORS:
        return False
    if toks[0].islower() or re.search(r"['’]s$", toks[0]):
        return True
    return toks[0].lower() in DETERMINERS and len(toks) > 1 and toks[1][0].islower()


def _describe(speaker: Speaker, extra: list[str]) -> Speaker:
    parts = [speaker.described_as, *reversed(extra)] if speaker.is_person else []
    return replace(speaker, described_as=", ".join(p for p in parts if p))


# --------------------------------------------------------------------------- attribution


def _sentence_quotes(
    s: _Sentence, spans: list[_Span], previous: list[ExtractedQuote]
) -> list[ExtractedQuote]:
    s.subject = sentence_subject(" ".join(s.masked[s.lo : s.hi].split()[:6]), s.reg)
    s.reg.remember(s.subject)
    _find_cues(s)
    out = [q for span in spans if (q := _quoted(s, span, previous))]
    return sorted(out + _paraphrases(s), key=lambda q: q.start)


def _quote(s: _Sentence, start: int, end: int, cue: _Cue, kind: QuoteKind) -> ExtractedQuote:
    who = cue.speaker
    return ExtractedQuote(s.text[start:end], who.name, who.described_as, kind, cue.word, start, end)


def _quoted(s: _Sentence, span: _Span, previous: list[ExtractedQuote]) -> ExtractedQuote | None:
    """Attribute one quoted span: to the attribution right after it ('"…," Putin said'),
    else to the nearest speech verb before it, else (a floating quote) to the previous
    sentence's speaker when the quote is the whole sentence."""
    start, end = _trim(s.text, span)
    if end <= start:
        return None
    at_start = not s.masked[s.lo : span.open].strip()
    cue = _cue_after(s, span, at_start) or next(
        (c for c in reversed(s.cues) if c.end <= span.open and c.speaker), None
    )
    if cue and cue.speaker:
        return _quote(s, start, end, cue, _span_kind(s, span, cue, at_start))
    outside = (s.masked[s.lo : span.open] + s.masked[span.close + 1 : s.hi]).replace(MASK, "")
    if previous and not outside.strip(' .,;:!?"”’'):
        last = previous[-1]
        return replace(last, text=s.text[start:end], kind=QuoteKind.DIRECT, start=start, end=end)
    return None


def _cue_after(s: _Sentence, span: _Span, at_start: bool) -> _Cue | None:
    """The attribution right after a quote, or a sentence-final one ('…, Ushakov said.'),
    which beats an earlier subject ('The Kremlin promised to "…"')."""
    for cue in s.cues:
        if cue.start > span.close and cue.speaker and cue.subject_start > span.close:
            tail = s.masked[max(cue.end, cue.subject_end) : s.hi].split(",")[0]
            trailing = MASK not in tail and "that" not in words(tail) and len(words(tail)) <= 6
            return cue if at_start or cue.inverted or trailing else None
    return None


def _span_kind(s: _Sentence, span: _Span, cue: _Cue, at_start: bool) -> QuoteKind:
    if cue.word == "according to":
        return QuoteKind.ACCORDING_TO
    before = s.masked[s.lo : span.open].rstrip()
    if at_start or before.endswith((":", ",")):
        return QuoteKind.DIRECT
    first = s.text[span.open + 1 : span.close].lstrip()[:1]
    if first.isupper() and before.lower().endswith(cue.word):
        return QuoteKind.DIRECT  # 'Vasquez said “September is possible …”'
    return QuoteKind.PARTIAL


def _trim(text: str, span: _Span) -> tuple[int, int]:
    """Quote content without the marks, surrounding space and a trailing , ; : or ."""
    start, end = span.open + 1, span.close
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    trailing = text[end - 1] in ",;:" or (text[end - 1] == "." and text[end - 2 : end] != "..")
    if end > start and trailing:  # an ellipsis "..." is kept
        end -= 1
    return start, end


# --------------------------------------------------------------------------- paraphrase


def _paraphrases(s: _Sentence) -> list[ExtractedQuote]:
    """Indirect speech without quote marks: 'X said (that) …', '…, X said.', 'According to
    X, …'. A clause holding quote marks is left to the quoted spans."""
    out: list[ExtractedQuote] = []
    taken = s.lo
    for cue in s.cues:
        if not cue.speaker or cue.start < taken:
            continue  # a cue inside an earlier reported clause belongs to that clause
        if cue.word == "according to":
            bounds, kind = _according_clause(s, cue), QuoteKind.ACCORDING_TO
        elif cue.word in CLAUSE_VERBS:
            bounds, kind = _clause_after(s, cue) or _clause_before(s, cue), QuoteKind.PARAPHRASE
        else:
            continue
        if bounds:
            out.append(_quote(s, *bounds, cue, kind))
            taken = max(bounds[1], cue.end)
    return out


def _sentence_end(masked: str, start: int, hi: int) -> int:
    end = hi
    while end > start and masked[end - 1].isspace():
        end -= 1
    if end - start > 1 and masked[end - 1] == "." and masked[end - 2] != ".":
        end -= 1
    return end


def _clause_after(s: _Sentence, cue: _Cue) -> tuple[int, int] | None:
    """'said (in a statement) that …', 'told analysts that …', 'said the plan would …'."""
    masked = s.masked
    if cue.inverted or masked[cue.end : cue.end + 1] in (",", ":"):
        return None
    toks = [(m.group(), m.start()) for m in re.finditer(r"\S+", masked[cue.end : s.hi])]
    if not toks:
        return None
    first, idx = toks[0][0].lower(), None
    if first == "that":
        idx = 1
    elif cue.word in TELL_VERBS or first in PREPOSITIONS:  # skip "analysts on a call"
        for i, (tok, _) in enumerate(toks[:10]):
            if MASK in tok or tok.endswith((":", ",")):
                break
            if tok.lower() == "that":
                idx = i + 1
                break
    elif cue.word in BARE_CLAUSE_VERBS and first not in NOT_A_CLAUSE:
        idx = 0
    if idx is None or idx >= len(toks):
        return None
    start = cue.end + toks[idx][1]
    end = _sentence_end(masked, start, s.hi)
    # A participle or "according to" starts a new attribution: "…, adding that …".
    cut = re.search(r",\s+(according to|[a-z]+ing)\b", masked[start:end])
    if cut and CUE_RE.fullmatch(cut.group(1)):
        end = start + cut.start()
    if MASK in masked[start:end]:  # "said the site was contaminated and that “…”"
        end = start + re.search(r"\s+and\s+that\b|$", masked[start:end]).start()
    if MASK in masked[start:end] or len(words(masked[start:end])) < 3:
        return None
    if idx == 0 and not has_finite_verb("x " + masked[start:end]):
        return None  # "said goodbye to the staff" reports no clause
    return start, end


def _clause_before(s: _Sentence, cue: _Cue) -> tuple[int, int] | None:
    """'Rail workers will strike …, the union announced on Friday.' and the parenthetical
    'The word … in the title, she explained, refers to …'."""
    comma = cue.comma_before
    if cue.inverted:
        before = s.masked[s.lo : cue.start].rstrip()
        comma = s.lo + len(before) - 1 if before.endswith(",") else -1
    if comma <= s.lo:
        return None
    head, _, rest = s.masked[max(cue.end, cue.subject_end) : s.hi].partition(",")
    head_words = [w.lower() for w in words(head)]
    if MASK in head or "that" in head_words or len(head_words) > 5:
        return None
    if head_words and head_words[0] not in PREPOSITIONS:
        return None  # the verb has an object or clause of its own
    end = comma
    rest_words = words(rest)
    if rest_words and rest_words[0].lower() not in SUBORDINATORS:
        end = _sentence_end(s.masked, s.lo, s.hi)  # the attribution sits inside the sentence
    clause = s.masked[s.lo : end]
    if MASK in clause or len(words(clause)) < 4 or not has_finite_verb(clause):
        return None
    return s.lo, end


def _according_clause(s: _Sentence, cue: _Cue) -> tuple[int, int] | None:
    """'According to X, CLAUSE.' or 'CLAUSE, according to X.'"""
    rest = s.masked[cue.subject_end : s.hi]
    before = s.masked[s.lo : cue.start]
    if not before.strip() and rest.startswith(","):
        start = cue.subject_end + 1 + len(rest[1:]) - len(rest[1:].lstrip())
        end = _sentence_end(s.masked, start, s.hi)
    elif before.rstrip().endswith(",") and not rest.strip(" ."):
        start, end = s.lo, s.lo + len(before.rstrip()) - 1
    else:
        return None
    if MASK in s.masked[start:end] or len(words(s.masked[start:end])) < 3:
        return None
    return start, end
