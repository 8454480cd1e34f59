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
from dataclasses import dataclass, replace
from enum import StrEnum

from .cast import Cast, KnownName, Speaker
from .extract_rules import (
    CUE_RE,
    DETERMINERS,
    INVERTIBLE,
    PREPOSITIONS,
    SUBJECT_PRONOUNS,
    SUBORDINATORS,
    find_cues,
    is_non_speech_quote,
    looks_like_np,
    strip_np,
    words,
)
from .interviews import interview_answers
from .leadins import colon_speaker, continued_from, same_lead
from .paraphrase import paraphrases
from .sentences import (
    MASK,
    Cue,
    Sentence,
    Span,
    find_spans,
    mask,
    sentences,
    text_paragraph,
)

__all__ = ["ExtractedQuote", "KnownName", "QuoteKind", "extract_quotes"]

_COMMA = re.compile(",")
_LAST_CLAUSE = re.compile(
    r".*\b(?:after|before|when|while|because|since|although|though|until|once|if)\s+", re.S
)
_NESTED = re.compile(r"(?:^|[\s,(:])[‘'][^‘’']{2,}[’'](?=[\s,.!?;:]|$)")
# "asked not to be named", "called for calm", "called off": the verb reports no speech here.
_NOT_SPEECH_AFTER = re.compile(r"\s+(?:not\s+to\b|to\s+be\b|for\b|off\b)")


_CLAUSE_BREAK = re.compile(r"[,;:\x00]")
_TO_COMMA = re.compile(r"[^,\x00]*")
_NEXT_CHUNK = re.compile(r",([^,\x00]*)")
_POSSESSIVE_END = re.compile(r"['’]s$")


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


def extract_quotes(text: str, known: tuple[KnownName, ...] | list = ()) -> list[ExtractedQuote]:
    """All attributed quotes in ``text``, in text order."""
    spans = find_spans(text)
    for span in spans:
        para_start = text.rfind("\n", 0, span.open) + 1
        after = text[span.close + 1 : span.close + 80].split("\n")[0]
        inner = text[span.open + 1 : span.close]
        span.kept = not is_non_speech_quote(
            inner, text[max(para_start, span.open - 80) : span.open], after
        )
    masked = mask(text, [s for s in spans if s.kept])
    bounds = sentences(text, spans)
    cast = Cast(mask(text, spans), [lo for lo, _ in bounds], known)
    answers, interview = interview_answers(text, cast)
    found: list[ExtractedQuote] = list(answers)
    kept = [s for s in spans if s.kept]
    opens = [s.open for s in kept]
    previous: list[ExtractedQuote] = []
    in_interview = {start for start, _ in interview}
    for lo, hi in bounds:
        if text_paragraph(text, lo) in in_interview:
            previous = []
            continue
        para_start = text.rfind("\n", 0, lo) + 1
        sentence = Sentence(text, masked, lo, hi, cast, para_start)
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


# --------------------------------------------------------------------------- speech cues


def _find_cues(s: Sentence) -> None:
    """Speech verbs in the reporter's words of one sentence, each with its speaker."""
    for start, end, word in find_cues(s.masked, s.lo, s.hi):
        cue = Cue(start, end, word)
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


def _same_clause(masked: str, first: Cue, second: Cue) -> bool:
    """'described the 1.5-hour call': a second cue word in the same clause is a noun."""
    between = masked[first.end : second.start]
    links = {"and", "but", "that", "then", "who", "which", "while"}
    return not _CLAUSE_BREAK.search(between) and not links & set(words(between.lower()))


def _inherit(s: Sentence) -> Speaker | None:
    """Speaker of '… and said', '…, emphasizing': the sentence's previous speaker."""
    return next((c.speaker for c in reversed(s.cues) if c.speaker), s.subject)


def _subject_before(s: Sentence, cue: Cue) -> bool:
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


def _subject_after(s: Sentence, cue: Cue) -> None:
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


def _according_to_subject(s: Sentence, cue: Cue) -> None:
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
    s: Sentence, spans: list[Span], previous: list[ExtractedQuote], every_span: list[Span]
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
    reported = [
        _quote(s, start, end, cue.speaker, QuoteKind(kind), cue.word, kind)
        for start, end, cue, kind in paraphrases(s)
    ]
    return sorted(out + reported, key=lambda q: q.start)


def _quote(
    s: Sentence, start: int, end: int, who: Speaker, kind: QuoteKind, cue: str, form: str = ""
) -> ExtractedQuote:
    text = s.text[start:end]
    if not form:
        form = "nested" if _NESTED.search(text) else str(kind)
    return ExtractedQuote(text, who.name, who.described_as, kind, cue, start, end, form, who.kind)


def _quoted(
    s: Sentence, span: Span, previous: list[ExtractedQuote], every_span: list[Span]
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
    colon = colon_speaker(s, span)
    if colon and not (cue and (cue.start > span.close or same_lead(s, cue, span))):
        s.cast.note(colon, span.open)
        return _quote(s, start, end, colon, QuoteKind.DIRECT, "colon", "colon")
    if cue and cue.speaker:
        return _quote(s, start, end, cue.speaker, _span_kind(s, span, cue, at_start), cue.word)
    continued = continued_from(s, span, every_span)
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


def _by_a_person(s: Sentence, quote: ExtractedQuote) -> bool:
    speaker = s.cast.entities.get(tuple(w.casefold() for w in quote.speaker.split()))
    return bool(speaker and speaker.kind == "person") or any(
        p.name == quote.speaker for p in s.cast.people
    )


def _mark_interrupted(s: Sentence, quotes: list[ExtractedQuote]) -> None:
    """'"The play," Carvalho said, "is about …"': both parts are one interrupted quote."""
    for i in range(len(quotes) - 1):
        a, b = quotes[i], quotes[i + 1]
        between = s.masked[a.end : b.start]
        if a.speaker == b.speaker and CUE_RE.search(between) and not re.search(r"[.!?]", between):
            quotes[i] = replace(a, form="interrupted")
            quotes[i + 1] = replace(b, form="interrupted")


def _cue_after(s: Sentence, span: Span, at_start: bool) -> Cue | None:
    """The attribution right after a quote, or a sentence-final one ('…, Ushakov said.'),
    which beats an earlier subject ('The Kremlin promised to "…"')."""
    for cue in s.cues:
        if cue.start > span.close and cue.speaker and cue.subject_start > span.close:
            tail = s.masked[max(cue.end, cue.subject_end) : s.hi].split(",")[0]
            trailing = MASK not in tail and "that" not in words(tail) and len(words(tail)) <= 6
            return cue if at_start or cue.inverted or trailing else None
    return None


def _span_kind(s: Sentence, span: Span, cue: Cue, at_start: bool) -> QuoteKind:
    if cue.word == "according to":
        return QuoteKind.ACCORDING_TO
    before = s.masked[s.lo : span.open].rstrip()
    if at_start or before.endswith((":", ",")):
        return QuoteKind.DIRECT
    first = s.text[span.open + 1 : span.close].lstrip()[:1]
    if first.isupper() and before.lower().endswith(cue.word):
        return QuoteKind.DIRECT  # 'Vasquez said “September is possible …”'
    return QuoteKind.PARTIAL


def _trim(text: str, span: Span) -> tuple[int, int]:
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
