"""Indirect speech without quote marks (standard library only): 'X said (that) …', '…, X
said.', 'According to X, …' and 'X, according to Y, …'. Each rule gives the bounds of the
reported clause; a clause holding quote marks is left to the quoted spans."""

from __future__ import annotations

import re

from .extract_rules import (
    BARE_CLAUSE_VERBS,
    CLAUSE_VERBS,
    CUE_RE,
    NOT_A_CLAUSE,
    PREPOSITIONS,
    SUBORDINATORS,
    TELL_VERBS,
    has_finite_verb,
    words,
)
from .sentences import MASK, Cue, Sentence, sentence_end

_NONSPACE = re.compile(r"\S+")
_NEW_ATTRIBUTION = re.compile(r",\s+(according to|[a-z]+ing)\b")
_AUDIENCES = frozenset(["reporters", "journalists", "parliament", "analysts", "investors"])


def paraphrases(s: Sentence) -> list[tuple[int, int, Cue, str]]:
    """(start, end, cue, kind) of each reported clause of the sentence; kind is
    "paraphrase" or "according_to"."""
    out: list[tuple[int, int, Cue, str]] = []
    taken = s.lo
    for cue in s.cues:
        if not cue.speaker or cue.start < taken:
            continue  # a cue inside an earlier reported clause belongs to that clause
        if cue.word == "according to":
            bounds, kind = _according_clause(s, cue), "according_to"
        elif cue.word in CLAUSE_VERBS:
            bounds, kind = _clause_after(s, cue) or _clause_before(s, cue), "paraphrase"
        else:
            continue
        if bounds:
            out.append((*bounds, cue, kind))
            taken = max(bounds[1], cue.end)
    return out


def _clause_after(s: Sentence, cue: Cue) -> tuple[int, int] | None:
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
    end = sentence_end(masked, start, s.hi)
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


def _clause_before(s: Sentence, cue: Cue) -> tuple[int, int] | None:
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
        end = sentence_end(s.masked, s.lo, s.hi)  # the attribution sits inside the sentence
    clause = s.masked[s.lo : end]
    if MASK in clause or len(words(clause)) < 3 or not has_finite_verb(clause):
        return None
    return s.lo, end


def _according_clause(s: Sentence, cue: Cue) -> tuple[int, int] | None:
    """'According to X, CLAUSE.', 'CLAUSE, according to X.' or 'Subject, according to X,
    predicate.' (the whole sentence)."""
    rest = s.masked[cue.subject_end : s.hi]
    before = s.masked[s.lo : cue.start]
    if not before.strip() and rest.startswith(","):
        start = cue.subject_end + 1 + len(rest[1:]) - len(rest[1:].lstrip())
        end = sentence_end(s.masked, start, s.hi)
    elif before.rstrip().endswith(",") and not rest.strip(" ."):
        start, end = s.lo, s.lo + len(before.rstrip()) - 1
    elif before.rstrip().endswith(",") and rest.startswith(",") and len(words(rest)) >= 3:
        start, end = s.lo, sentence_end(s.masked, s.lo, s.hi)
    else:
        return None
    if MASK in s.masked[start:end] or len(words(s.masked[start:end])) < 3:
        return None
    return start, end
