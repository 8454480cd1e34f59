"""Quotes found by their lead-in rather than a speech verb (standard library only): a colon
after any speech-act lead-in ("The mayor answered:", "posted on X:", "It read:", a lead-in
paragraph before a block quote), and a quotation continued in the next paragraph."""

from __future__ import annotations

import re

from .cast import Speaker
from .extract_rules import DOCUMENT_NOUNS, PREPOSITIONS, SUBORDINATORS, words
from .sentences import MASK, Cue, Sentence, Span, text_paragraph

_DOCUMENT_LEAD = re.compile(
    r"^(?:(?P<pronoun>it|this)|(?P<owner>.+?)\s+(?P<noun>[\w-]+))\s+"
    r"(?:read|reads|said|says|stated|states|added|continued|went on|ran)$",
    re.IGNORECASE,
)
# The verb of a lead-in clause: a past tense, or a few common irregular verbs.
_LEAD_VERB = re.compile(
    r"\s(?:[a-z]{2,}ed|was|were|is|are|has|had|read|reads|wrote|writes|took|gave|made|put|went"
    r"|came|spoke|sent|told|said|says|posts|began|kept|held|left|ran|sat|stood|broke)\b"
)


def same_lead(s: Sentence, cue: Cue, span: Span) -> bool:
    """'Fire chief Owen Barrett told the Courier: "…"': the speech verb is the lead-in's."""
    between = s.masked[cue.end : span.open] if cue.start >= s.lo else ""
    return bool(between) and not re.search(r"[,;]|\b(?:and|but|while|then)\b", between)


def continued_from(s: Sentence, span: Span, every_span: list[Span]):
    """'"…\\n"…': a paragraph that opens with a quote mark after a paragraph whose last
    quotation was left open continues that quotation: the quote that one gave, or None."""
    if span.open != s.para_start:
        return None
    earlier = [x for x in every_span if x.close < span.open and x.kept]
    if not earlier:
        return None
    last = earlier[-1]
    if last.closed or text_paragraph(s.text, last.open) != text_paragraph(s.text, span.open - 1):
        return None
    return last.quote


def colon_speaker(s: Sentence, span: Span) -> Speaker | None:
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


def _lead_subject(s: Sentence, lo: int, hi: int) -> Speaker | None:
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
