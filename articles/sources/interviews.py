"""Q&A interviews inside a story (standard library only).

A Q&A is a run of paragraphs that open with a label and a colon: ``Q:``/``A:``,
``Question:``/``Answer:``, or the speakers' names (``Herald: …``, ``Wiśniewski: …``). The
answers are the interviewee's words; the questions are never quotes. A label asks the
questions when it is Q/Question/Interviewer or most of its paragraphs end in "?"; A/Answer
is the person the introduction presents (the first person it names who is not described as
a reporter). An unlabelled paragraph between an answer and the next label continues that
answer. Paragraphs after the last label are the reporter's again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .sentences import paragraphs

if TYPE_CHECKING:
    from .cast import Cast

_LABEL = re.compile(
    r"(Q|A|Question|Answer|Interviewer|[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*){0,2}):\s+(?=\S)"
)
_ASKS = {"q", "question", "interviewer"}
_ANSWERS = {"a", "answer"}
MAX_GAP = 2  # unlabelled paragraphs an answer may run on for
_REPORTERS = {"reporter", "correspondent", "editor", "interviewer", "journalist", "writer", "host"}


def interview_answers(text: str, cast: Cast):
    """(answers as ExtractedQuote, [(start, end), …] of the paragraphs Q&As cover)."""

    paras = [(lo, hi) for lo, hi in paragraphs(text) if hi > lo]
    labelled = []
    for index, (lo, hi) in enumerate(paras):
        m = _LABEL.match(text, lo, hi)
        if m:
            labelled.append((index, m.group(1), m.end()))
    answers, covered = [], []
    for block in _blocks(labelled):
        found = _block_answers(text, cast, paras, block)
        if found is not None:
            answers += found[0]
            covered += found[1]
    return answers, covered


def _blocks(labelled):
    """Runs of labelled paragraphs at most MAX_GAP unlabelled paragraphs apart."""
    blocks: list[list] = []
    for item in labelled:
        if blocks and item[0] - blocks[-1][-1][0] <= MAX_GAP + 1:
            blocks[-1].append(item)
        else:
            blocks.append([item])
    return blocks


def _block_answers(text, cast, paras, labelled):
    from .extract import ExtractedQuote, QuoteKind

    if len(labelled) < 3 or len({label for _, label, _ in labelled}) < 2:
        return None
    asking = _askers(text, paras, labelled)
    if not asking or asking == {label for _, label, _ in labelled}:
        return None
    first = labelled[0][0]
    interviewee = _interviewee(cast, paras[max(0, first - 3)][0], paras[first][0])
    answers, covered = [], []
    speaker = None
    next_label = {index: i for i, (index, _, _) in enumerate(labelled)}
    for index in range(first, labelled[-1][0] + 1):
        lo, hi = paras[index]
        covered.append((lo, hi + 1))
        if index in next_label:
            _, label, body = labelled[next_label[index]]
            if label in asking:
                speaker = None
                continue
            speaker = interviewee if label.casefold() in _ANSWERS else _named(cast, lo, label)
            start, form = body, "qa"
        elif speaker is None:
            continue
        else:
            start, form = lo, "multi_paragraph"  # the answer goes on
        if speaker is not None:
            answers.append(
                ExtractedQuote(
                    text[start:hi],
                    speaker.name,
                    speaker.described_as or "",
                    QuoteKind.DIRECT,
                    "interview",
                    start,
                    hi,
                    form,
                    speaker.kind,
                )
            )
    return answers, covered


def _askers(text, paras, labelled) -> set[str]:
    by_label: dict[str, list[bool]] = {}
    for index, label, _ in labelled:
        by_label.setdefault(label, []).append(text[: paras[index][1]].rstrip().endswith("?"))
    return {
        label
        for label, questions in by_label.items()
        if label.casefold() in _ASKS or sum(questions) * 5 >= len(questions) * 3
    }


def _interviewee(cast: Cast, after: int, before: int):
    """The first person the introduction names who is not there to ask the questions."""
    for mention in cast.mentions:
        if mention.start < after:
            continue
        if mention.start >= before:
            break
        entity = mention.entity
        if entity.kind == "person" and not entity.roles & _REPORTERS:
            return cast._as_speaker(entity, "")
    return None


def _named(cast: Cast, lo: int, label: str):
    speaker = cast.speaker(lo, lo + len(label))
    return speaker if speaker and speaker.is_person else None
