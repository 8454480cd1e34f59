"""Rule-based quote extraction for news stories (standard library only).

``extract_quotes(text, known=())`` finds who said what in a story body given as plain text
with paragraphs separated by newlines; ``known`` are sources from the registry
(``KnownName``: their kinds, aliases and pronouns help tell who can speak). The rules follow
the ideas of the Gender Gap Tracker's quote extractor (sfu-discourse-lab/GenderGapTracker,
``nlp/english/quote_extractor.py``): quotes around a speech verb, "according to" clauses,
floating quotes that keep the previous speaker, and indirect speech ("X said that ...").
GGT finds subjects with a spaCy dependency parse; we have no parser, so a subject is the
comma-delimited chunk next to the speech verb, and ``articles.sources.cast`` says who that
chunk is: a person, an organisation or group, or something that cannot speak.

Forms (``ExtractedQuote.form``): ``direct`` and ``partial`` quotes next to a speech verb (or
floating after one), ``colon`` (any speech-act lead-in ending in a colon: "The mayor
answered:", "posted on X:", "It read:"), ``multi_paragraph`` (a quotation continued in the
next paragraph, each paragraph opening with a quote mark), ``qa`` (answers in a Q&A
interview, see ``articles.sources.interviews``; questions are never quotes),
``interrupted`` (both parts of '"…," she said, "…"'), ``nested`` (a quote that quotes
someone), ``paraphrase`` and ``according_to`` (kept as those *kinds*, never as quotes).

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
  quote's speaker, description and cue; an organisation's or group's only within its
  paragraph.
* When a reported clause contains quote marks, only the quoted words are returned (as a
  partial quote); clauses without quote marks are returned as paraphrases.
* Quotes without an attributable speaker are dropped, as are titles of works, slogans on
  signs and quoted terms ("so-called", "the word").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .cast import Cast, KnownName, Speaker
from .extract_rules import (
    BARE_CLAUSE_VERBS,
    CLAUSE_VERBS,
    CUE_RE,
    DETERMINERS,
    DOCUMENT_NOUNS,
    INVERTIBLE,
    NOT_A_CLAUSE,
    PREPOSITIONS,
    SUBJECT_PRONOUNS,
    SUBORDINATORS,
    TELL_VERBS,
    ends_with_abbreviation,
    find_cues,
    has_finite_verb,
    is_non_speech_quote,
    looks_like_np,
    strip_np,
    words,
)
from .interviews import interview_answers

__all__ = ["ExtractedQuote", "KnownName", "QuoteKind", "extract_quotes"]

_MARK = re.compile('["“”]')
_COMMA = re.compile(",")
# The verb of a lead-in clause: a past tense, or a few common irregular verbs.
_LEAD_VERB = re.compile(
    r"\s(?:[a-z]{2,}ed|was|were|is|are|has|had|read|reads|wrote|writes|took|gave|made|put|went"
    r"|came|spoke|sent|told|said|says|posts|began|kept|held|left|ran|sat|stood|broke)\b"
)
_CLOSING_ABBREVIATIONS = ("a.m", "p.m", " inc", " ltd", " corp", " jr", " sr", " etc")
_LAST_CLAUSE = re.compile(
    r".*\b(?:after|before|when|while|because|since|although|though|until|once|if)\s+", re.S
)
MASK = "\x00"  # stands in for quoted words, so the rules read only the reporter's own
_NESTED = re.compile(r"(?:^|[\s,(:])[‘'][^‘’']{2,}[’'](?=[\s,.!?;:]|$)")
_DOCUMENT_LEAD = re.compile(
    r"^(?:(?P<pronoun>it|this)|(?P<owner>.+?)\s+(?P<noun>[\w-]+))\s+"
    r"(?:read|reads|said|says|stated|states|added|continued|went on|ran)$",
    re.IGNORECASE,
)


# "asked not to be named", "called for calm", "called off": the verb reports no speech here.
_NOT_SPEECH_AFTER = re.compile(r"\s+(?:not\s+to\b|to\s+be\b|for\b|off\b)")


_STOP = re.compile(r"[.!?]+([\"”’)]*)\s+(?=[A-Z0-9\"“])")
_CLAUSE_BREAK = re.compile(r"[,;:\x00]")
_TO_COMMA = re.compile(r"[^,\x00]*")
_NEXT_CHUNK = re.compile(r",([^,\x00]*)")
_POSSESSIVE_END = re.compile(r"['’]s$")
_NONSPACE = re.compile(r"\S+")
_NEW_ATTRIBUTION = re.compile(r",\s+(according to|[a-z]+ing)\b")


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
    form: str = "direct"  # how it was found: see the module docstring
    speaker_kind: str = ""  # "person", "organisation" or "group", as the cast took them


@dataclass
class _Span:
    """A double-quoted stretch; ``close`` is the closing mark, or the paragraph end."""

    open: int
    close: int
    closed: bool
    kept: bool = True  # False for titles, slogans and terms
    quote: ExtractedQuote | None = None  # what it gave


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
    cast: Cast
    para_start: int
    subject: Speaker | None = None  # who the sentence opens with
    cues: list[_Cue] = field(default_factory=list)


def extract_quotes(text: str, known: tuple[KnownName, ...] | list = ()) -> list[ExtractedQuote]:
    """All attributed quotes in ``text``, in text order."""
    spans = _find_spans(text)
    for span in spans:
        para_start = text.rfind("\n", 0, span.open) + 1
        after = text[span.close + 1 : span.close + 80].split("\n")[0]
        inner = text[span.open + 1 : span.close]
        span.kept = not is_non_speech_quote(
            inner, text[max(para_start, span.open - 80) : span.open], after
        )
    masked = _mask(text, [s for s in spans if s.kept])
    sentences = _sentences(text, spans)
    cast = Cast(_mask(text, spans), [lo for lo, _ in sentences], known)
    answers, interview = interview_answers(text, cast)
    found: list[ExtractedQuote] = list(answers)
    kept = [s for s in spans if s.kept]
    opens = [s.open for s in kept]
    previous: list[ExtractedQuote] = []
    in_interview = {start for start, _ in interview}
    for lo, hi in sentences:
        if text_paragraph(text, lo) in in_interview:
            previous = []
            continue
        para_start = text.rfind("\n", 0, lo) + 1
        sentence = _Sentence(text, masked, lo, hi, cast, para_start)
        in_sentence = kept[bisect_left(opens, lo) : bisect_left(opens, hi)]
        previous = _sentence_quotes(sentence, in_sentence, previous, spans)
        found += previous
    found.sort(key=lambda q: q.start)
    # A description given once ("Putin's foreign policy aide Yury Ushakov") holds for the story.
    described: dict[str, str] = {}
    for quote in found:
        if quote.described_as:
            described.setdefault(quote.speaker, quote.described_as)
    return [
        q
        if q.described_as or q.speaker not in described
        else replace(q, described_as=described[q.speaker])
        for q in found
    ]


# --------------------------------------------------------------------------- segmentation


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line.rstrip())))
        pos += len(line) + 1
    return out


def _find_spans(text: str) -> list[_Span]:
    """Pair double quote marks within each paragraph."""
    spans = []
    for lo, hi in paragraphs(text):
        opened = None
        for m in _MARK.finditer(text, lo, hi):
            i, mark = m.start(), m.group()
            if opened is None and mark in '"“':
                opened = i
            elif opened is not None and mark in '"”':
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
            if m.group(1) and text[stop] in "?!" and _cue_follows(text, end):
                continue
            out.append((start, stop + len(m.group().rstrip())))
            start = end
        if start < hi or start == lo:
            out.append((start, hi))
    return out


def _cue_follows(text: str, pos: int) -> bool:
    name = re.match(r"(?:[A-Z][\w’'.-]*\s+){1,3}", text[pos:])
    return bool(name and CUE_RE.match(text, pos + name.end()))


# --------------------------------------------------------------------------- speech cues


def _find_cues(s: _Sentence) -> None:
    """Speech verbs in the reporter's words of one sentence, each with its speaker."""
    for start, end, word in find_cues(s.masked, s.lo, s.hi):
        cue = _Cue(start, end, word)
        if (
            _NOT_SPEECH_AFTER.match(s.masked, cue.end)
            or _not_speech(s.masked[s.lo : cue.start])
            or (s.cues and _same_clause(s.masked, s.cues[-1], cue))
        ):
            continue
        if cue.word == "according to":
            _according_to_subject(s, cue)
        elif not _subject_before(s, cue) and cue.word in INVERTIBLE:
            _subject_after(s, cue)
        s.cast.note(cue.speaker, cue.start)
        s.cues.append(cue)


def _not_speech(before: str) -> bool:
    """'the call', 'to comment', 'had been told', 'did not say' are not speech cues."""
    prev = [w.lower() for w in words(before[-40:])[-2:]]
    blocked = DETERMINERS | {"to", "was", "were", "been", "be", "being", "is", "are"}
    return bool(prev) and (
        prev[-1] in blocked or any(w in {"not", "never"} or w.endswith("n't") for w in prev)
    )


def _same_clause(masked: str, first: _Cue, second: _Cue) -> bool:
    """'described the 1.5-hour call': a second cue word in the same clause is a noun."""
    between = masked[first.end : second.start]
    links = {"and", "but", "that", "then", "who", "which", "while"}
    return not _CLAUSE_BREAK.search(between) and not links & set(words(between.lower()))


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
    commas = [m.start() for m in _COMMA.finditer(s.masked, floor, cue.start)]
    chunks = list(zip([floor] + [c + 1 for c in commas], commas + [cue.start], strict=True))
    appositions: list[str] = []
    for i in range(len(chunks) - 1, -1, -1):
        start, end = chunks[i]
        raw, last = s.masked[start:end], i == len(chunks) - 1
        np, toks = strip_np(raw), words(raw)
        if last and toks and toks[-1].lower() in SUBJECT_PRONOUNS:  # "… in what she called"
            at = start + raw.rfind(toks[-1])
            cue.speaker = s.cast.speaker(at, at + len(toks[-1]))
            cue.subject_start, cue.subject_end = at, end
            cue.comma_before = start - 1 if i > 0 and len(toks) == 1 else -1
            return True
        if not np or not toks or toks[-1].lower() in {"and", "but"}:
            if last and (raw.strip() or cue.word.endswith("ing")):  # "… and said"
                cue.speaker = _inherit(s)
                return True
            continue
        first = np.split()[0]
        if first.lower() in {"who", "which", "whose", "where"} or np.isdigit():
            if first.lower() == "who" and i > 0 and last:  # "Zhai Jun, who told reporters"
                cue.speaker = s.cast.mention_before(start - 1)
                if cue.speaker:
                    cue.subject_start, cue.subject_end = start, end
                    return True
            continue  # "Trustee Marcus Hale, who voted against the ban, said"
        elif first.islower() and first.endswith("ing"):
            continue  # "Aleksander Rusu, speaking at a press conference, said"
        if last:  # "Shares in X rose … after the company said": the clause after "after"
            clause = _LAST_CLAUSE.search(raw)
            if clause and clause.end() < len(raw):
                start = start + clause.end()
                raw = s.masked[start:end]
                np = strip_np(raw)
        speaker = s.cast.speaker(start, end)
        if i > 0 and _is_apposition(np) and not (speaker and speaker.named):
            left = [s.cast.speaker(a, b) for a, b in chunks[:i]]
            if any(sp and sp.named for sp in left):
                appositions.append(np)  # "Hannah Price, a midwife …, said"
                continue
        if speaker is None:
            return True
        group_start = start
        role = strip_np(s.masked[chunks[i - 1][0] : chunks[i - 1][1]]) if i >= 1 else ""
        if speaker.is_person and role and looks_like_np(role) and _is_apposition(role.lower()):
            appositions.append(role)  # "The board’s chair, Rebecca Tan, said"
            group_start = chunks[i - 1][0]
        cue.speaker = _describe(speaker, appositions)
        cue.subject_start, cue.subject_end = start, end
        # "…, his lawyer, Sophie Martens, told reporters": the reported clause ends at the
        # comma before the subject and its apposition.
        closing = all(not s.masked[a:b].strip() for a, b in chunks[i + 1 :])
        cue.comma_before = group_start - 1 if group_start > floor and closing else -1
        return True
    return True


def _subject_after(s: _Sentence, cue: _Cue) -> None:
    """'"…," said Teresa Vance, the group’s legal director.' and '"…," said Harlow's
    mayor, Rukhsana Begum, who …' (a role first, then the name)."""
    end = cue.end + _TO_COMMA.match(s.masked[cue.end : s.hi]).end()
    speaker = s.cast.speaker(cue.end, end)
    extra: list[str] = []
    if not (speaker and speaker.is_person):
        role = strip_np(s.masked[cue.end : end])
        name = _NEXT_CHUNK.match(s.masked[end : s.hi])
        if name and role and _is_apposition(role):
            person = s.cast.speaker(end + 1, end + name.end())
            if person and person.is_person:
                speaker, extra, end = person, [role], end + name.end()
    if speaker is None:
        return
    while m := _NEXT_CHUNK.match(s.masked[end : s.hi]):
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
    end = cue.end + _TO_COMMA.match(s.masked[cue.end : s.hi]).end()
    phrase = s.masked[cue.end : end].rstrip(" .")
    source = re.match(
        r"\s*(?:(?:the|a|an)\s+)?(?:figures|data|estimates|statistics|numbers|a report|report)"
        r"\b.*?\bby\s+(.+)$",
        phrase,
        re.IGNORECASE,
    )  # "according to figures published on Thursday by the regional health board"
    if source:
        by = cue.end + source.start(1)
        cue.speaker = s.cast.speaker(by, cue.end + len(phrase)) or s.cast.speaker(cue.end, end)
    else:
        cue.speaker = s.cast.speaker(cue.end, cue.end + len(phrase))
    relative = re.match(r",\s*(?:who|which|whose)\b[^,\x00]*", s.masked[end : s.hi])
    cue.subject_start, cue.subject_end = cue.end, end + (relative.end() if relative else 0)


def _is_apposition(np: str) -> bool:
    """'a midwife who …', 'the group’s legal director', 'chief economist at Harrow Bank'."""
    toks = np.split()
    if not toks or toks[0].lower() in PREPOSITIONS | SUBORDINATORS:
        return False
    if toks[0].islower() or _POSSESSIVE_END.search(toks[0]):
        return True
    return toks[0].lower() in DETERMINERS and len(toks) > 1 and toks[1][0].islower()


def _describe(speaker: Speaker, extra: list[str]) -> Speaker:
    if not extra:
        return (
            speaker
            if speaker.is_person or not speaker.described_as
            else replace(speaker, described_as="")
        )
    parts = [speaker.described_as, *reversed(extra)] if speaker.is_person else []
    return replace(speaker, described_as=", ".join(p for p in parts if p))


# --------------------------------------------------------------------------- attribution


def _sentence_quotes(
    s: _Sentence, spans: list[_Span], previous: list[ExtractedQuote], every_span: list[_Span]
) -> list[ExtractedQuote]:
    s.subject = s.cast.subject(s.lo, s.hi)
    _find_cues(s)
    out = []
    for span in spans:
        quote = _quoted(s, span, previous, every_span)
        if quote:
            span.quote = quote
            out.append(quote)
    _mark_interrupted(s, out)
    return sorted(out + _paraphrases(s), key=lambda q: q.start)


def _quote(
    s: _Sentence, start: int, end: int, who: Speaker, kind: QuoteKind, cue: str, form: str = ""
) -> ExtractedQuote:
    text = s.text[start:end]
    if not form:
        form = "nested" if _NESTED.search(text) else str(kind)
    return ExtractedQuote(text, who.name, who.described_as, kind, cue, start, end, form, who.kind)


def _quoted(
    s: _Sentence, span: _Span, previous: list[ExtractedQuote], every_span: list[_Span]
) -> ExtractedQuote | None:
    """Attribute one quoted span: to the attribution right after it ('"…," Putin said'),
    else to the nearest speech verb before it, else to a colon lead-in, else (a quotation
    continued from the last paragraph, or a floating quote) to the quote before."""
    start, end = _trim(s.text, span)
    if end <= start:
        return None
    at_start = not s.masked[s.lo : span.open].strip()
    cue = _cue_after(s, span, at_start) or next(
        (c for c in reversed(s.cues) if c.end <= span.open and c.speaker), None
    )
    colon = _colon_speaker(s, span)
    if colon and not (cue and (cue.start > span.close or _same_lead(s, cue, span))):
        s.cast.note(colon, span.open)
        return _quote(s, start, end, colon, QuoteKind.DIRECT, "colon", "colon")
    if cue and cue.speaker:
        return _quote(s, start, end, cue.speaker, _span_kind(s, span, cue, at_start), cue.word)
    continued = _continued_from(s, span, every_span)
    if continued:
        return replace(
            continued, text=s.text[start:end], start=start, end=end, form="multi_paragraph"
        )
    outside = (s.masked[s.lo : span.open] + s.masked[span.close + 1 : s.hi]).replace(MASK, "")
    if previous and not outside.strip(' .,;:!?"”’'):
        last = previous[-1]
        new_paragraph = text_paragraph(s.text, last.start) != s.para_start
        if new_paragraph and not _by_a_person(s, last):
            return None  # an organisation's statement does not run on into the next paragraph
        return replace(
            last,
            text=s.text[start:end],
            kind=QuoteKind.DIRECT,
            start=start,
            end=end,
            form="nested" if _NESTED.search(s.text[start:end]) else "direct",
        )
    return None


def _same_lead(s: _Sentence, cue: _Cue, span: _Span) -> bool:
    """'Fire chief Owen Barrett told the Courier: "…"': the speech verb is the lead-in's."""
    between = s.masked[cue.end : span.open] if cue.start >= s.lo else ""
    return bool(between) and not re.search(r"[,;]|\b(?:and|but|while|then)\b", between)


def text_paragraph(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _by_a_person(s: _Sentence, quote: ExtractedQuote) -> bool:
    speaker = s.cast.entities.get(tuple(w.casefold() for w in quote.speaker.split()))
    return bool(speaker and speaker.kind == "person") or any(
        p.name == quote.speaker for p in s.cast.people
    )


def _continued_from(s: _Sentence, span: _Span, every_span: list[_Span]) -> ExtractedQuote | None:
    """'"…\\n"…': a paragraph that opens with a quote mark after a paragraph whose last
    quotation was left open continues that quotation."""
    if span.open != s.para_start:
        return None
    earlier = [x for x in every_span if x.close < span.open and x.kept]
    if not earlier:
        return None
    last = earlier[-1]
    if last.closed or text_paragraph(s.text, last.open) != text_paragraph(s.text, span.open - 1):
        return None
    return last.quote


def _colon_speaker(s: _Sentence, span: _Span) -> Speaker | None:
    """'The mayor answered: "…"', 'posted on X: "…"', 'It read: "…"', and a paragraph that
    opens with a quotation after a paragraph ending in such a lead-in."""
    before = s.masked[s.lo : span.open].rstrip()
    lo = s.lo
    if not before and span.open == s.para_start and s.para_start > 0:
        prev_end = s.para_start - 1
        prev_start = text_paragraph(s.text, prev_end)
        before = s.masked[prev_start:prev_end].rstrip()
        if not before.endswith(":"):
            return None
        stops = [m.end() for m in re.finditer(r"[.!?]\s+(?=[A-Z])", before)]
        lo = prev_start + (stops[-1] if stops else 0)
        before = s.masked[lo:prev_end].rstrip()
    if not before.endswith(":"):
        return None
    lead_start = max(lo, s.masked.rfind(MASK, lo, lo + len(before)) + 1)
    lead = s.masked[lead_start : lo + len(before) - 1]
    if not lead.strip() or re.match(r"\s*(?:Q|A|Question|Answer)\s*$", lead):
        return None
    document = _DOCUMENT_LEAD.match(lead.strip())
    if document and (document.group("pronoun") or document.group("noun") in DOCUMENT_NOUNS):
        owner = document.group("owner") or ""
        if re.search(r"['’]s$|^(?:his|her|their|its)\b", owner.split(" ")[0] if owner else ""):
            word = owner.split()[0].lower()
            if word in ("his", "her"):
                return s.cast.pronoun("he" if word == "his" else "she", lead_start)
            at = lead_start + lead.find(owner)
            return s.cast.speaker(at, at + len(owner.split()[0]))
        return s.cast.author_before(lead_start)
    lead_end = lead_start + len(lead)
    return (
        s.cast.first_in(lead_start, lead_end)
        or s.cast.subject(lead_start, lead_end)
        or _lead_subject(s, lead_start, lead_end)
    )


def _lead_subject(s: _Sentence, lo: int, hi: int) -> Speaker | None:
    """The subject of a lead-in clause: in the first chunk that is not an opener ("Asked
    about …,", "On Thursday,"), the words before its verb ("A group calling itself
    Blackthorn | posted a message on Telegram")."""
    pos = lo
    for chunk in re.split(r"(,)", s.masked[lo:hi]):
        if chunk == ",":
            pos += 1
            continue
        first = (words(chunk) or [""])[0]
        opener = first.lower() in PREPOSITIONS | SUBORDINATORS or re.fullmatch(
            r"[A-Z][a-z]+(?:ed|ing)", first
        )
        if chunk.strip() and not opener:
            verb = _LEAD_VERB.search(chunk)
            end = pos + (verb.start() if verb else len(chunk))
            return s.cast.speaker(pos, end)
        pos += len(chunk)
    return None


def _mark_interrupted(s: _Sentence, quotes: list[ExtractedQuote]) -> None:
    """'"The play," Carvalho said, "is about …"': both parts are one interrupted quote."""
    for i in range(len(quotes) - 1):
        a, b = quotes[i], quotes[i + 1]
        between = s.masked[a.end : b.start]
        if a.speaker == b.speaker and CUE_RE.search(between) and not re.search(r"[.!?]", between):
            quotes[i] = replace(a, form="interrupted")
            quotes[i + 1] = replace(b, form="interrupted")


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
            out.append(_quote(s, *bounds, cue.speaker, kind, cue.word, str(kind)))
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
    toks = [
        (m.group(), m.start())
        for m in _NONSPACE.finditer(masked[cue.end : min(s.hi, cue.end + 400)])
    ]
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
        else:  # "told reporters the remaining gaps were …"
            audience = cue.word in TELL_VERBS and toks[0][0].lower() in _AUDIENCES
            if audience and len(toks) > 3 and toks[1][0].lower() not in PREPOSITIONS | {"outside"}:
                idx = 1
    elif cue.word in BARE_CLAUSE_VERBS and first not in NOT_A_CLAUSE:
        idx = 0
    if idx is None or idx >= len(toks):
        return None
    start = cue.end + toks[idx][1]
    end = _sentence_end(masked, start, s.hi)
    # A participle or "according to" starts a new attribution: "…, adding that …".
    cut = _NEW_ATTRIBUTION.search(masked[start:end])
    if cut and CUE_RE.fullmatch(cut.group(1)):
        end = start + cut.start()
    if MASK in masked[start:end]:  # "said the site was contaminated and that “…”"
        end = start + re.search(r"\s+and\s+that\b|$", masked[start:end]).start()
    if MASK in masked[start:end] or len(words(masked[start:end])) < 3:
        return None
    if idx <= 1 and first != "that" and not has_finite_verb("x " + masked[start:end]):
        return None  # "said goodbye to the staff" reports no clause
    return start, end


_AUDIENCES = frozenset(["reporters", "journalists", "parliament", "analysts", "investors"])


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
    if head_words and head_words[0] not in PREPOSITIONS | _AUDIENCES:
        return None  # the verb has an object or clause of its own
    end = comma
    rest_words = words(rest)
    if rest_words and rest_words[0].lower() not in SUBORDINATORS:
        end = _sentence_end(s.masked, s.lo, s.hi)  # the attribution sits inside the sentence
    clause = s.masked[s.lo : end]
    if MASK in clause or len(words(clause)) < 3 or not has_finite_verb(clause):
        return None
    return s.lo, end


def _according_clause(s: _Sentence, cue: _Cue) -> tuple[int, int] | None:
    """'According to X, CLAUSE.', 'CLAUSE, according to X.' or 'Subject, according to X,
    predicate.' (the whole sentence)."""
    rest = s.masked[cue.subject_end : s.hi]
    before = s.masked[s.lo : cue.start]
    if not before.strip() and rest.startswith(","):
        start = cue.subject_end + 1 + len(rest[1:]) - len(rest[1:].lstrip())
        end = _sentence_end(s.masked, start, s.hi)
    elif before.rstrip().endswith(",") and not rest.strip(" ."):
        start, end = s.lo, s.lo + len(before.rstrip()) - 1
    elif before.rstrip().endswith(",") and rest.startswith(",") and len(words(rest)) >= 3:
        start, end = s.lo, _sentence_end(s.masked, s.lo, s.hi)
    else:
        return None
    if MASK in s.masked[start:end] or len(words(s.masked[start:end])) < 3:
        return None
    return start, end
