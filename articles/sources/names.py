"""The capitalised names of one story, and what each one names (standard library only).

``Names`` reads the story's text (quoted words masked) once: runs of capitalised words with
their particles and hyphenated prefixes ("Pieter van der Berg", "Khalid al-Masri"), leading
descriptors ("Deputy Minister", "Italian", "Geologist"), organisations' names up to an
organisation word ("Transport Workers' Union", "Chamber of Commerce of Westbrook"), and the
kind of each name from its words, the words before it and the registry: a person, an
organisation, or something that never speaks (a place, vessel, publication, platform, event
or work). ``articles.sources.cast`` builds the story's people from it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .extract_rules import (
    ABBREVIATIONS,
    DEMONYMS,
    DETERMINERS,
    EVENT_WORDS,
    HYPHEN_PARTICLES,
    NON_NAME_WORDS,
    ORG_CONTEXT_NOUNS,
    ORG_WORDS,
    PARTICLES,
    PLACE_PREPOSITIONS,
    PLACE_WORDS,
    PLATFORMS,
    POST_NOMINALS,
    PUBLICATION_WORDS,
    ROLE_NOUNS,
    TITLES,
    TRADE_ENDINGS,
    VESSEL_NOUNS,
    WORK_NOUNS,
    words,
)

PERSON, ORGANISATION, UNKNOWN = "person", "organisation", "unknown"
DESCRIPTORS = TITLES | ROLE_NOUNS | DEMONYMS | NON_NAME_WORDS | DETERMINERS | {"one"}
POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
LEADING_THE = re.compile(r"^(?:the|The) +")
_TOKEN_CHARS = r"[^\s,;:()\x00\"“”—–\[\]]"
# Words that may be part of a name: capitalised, a particle, or a hyphenated prefix.
_NAMEISH = re.compile(
    rf"(?<!{_TOKEN_CHARS})(?:['‘’]*[A-ZÀ-ÖØ-Þ\u0100-\u024f\u0370-\u03ff\u0400-\u042f]"
    rf"|[a-z]{{2,4}}-(?=[A-Z])){_TOKEN_CHARS}*"
)
_PARTICLES_BEFORE = re.compile(
    rf"(?<![\w’'-])((?:(?:{'|'.join(sorted(PARTICLES, key=len, reverse=True))}) +)+)$"
)
_SPACES_ONLY = re.compile(r"[ \t]+")
_NICKNAME = re.compile(r" \x00{3,24} ")
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")
_ORG_TAIL = re.compile(r"\s+(?:of|for)(?:\s+the)?(?:\s+[A-Z][\w’'-]*)+")
_DATELINE = re.compile(r"[A-ZÀ-Þ .'-]{3,}(?:, [A-Z][\w. ]+)? [—–-] ")
_TITLE_AFTER = re.compile(r" ((?:[a-z]+ ){1,2})([A-Z])")


@dataclass
class Run:
    """Adjacent capitalised words: leading descriptors ("Deputy Minister"), then the name."""

    start: int
    end: int
    tokens: list[str]
    before: list[str]
    descriptors: list[str]
    possessive: bool


def name_key(text: str) -> tuple[str, ...]:
    return tuple(w.casefold().strip(".") for w in text.split())


def contains(full: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether ``part`` is a run of ``full``'s words, ignoring case and particles' case."""
    n = len(part)
    if not n or n > len(full):
        return False
    return any(full[i : i + n] == part for i in range(len(full) - n + 1))


class Names:
    """The names of one story's text (quoted words masked) and the registry's entries."""

    def __init__(self, text: str, sentence_starts: list[int], known) -> None:
        self.text = text
        self.starts = set(sentence_starts)
        self.known = known  # name key -> KnownName
        self.person_known = lambda low: False  # set by the cast: is there such a person?
        self._common: dict[str, bool] = {}
        self.tokens = [(m.group(), m.start(), m.end()) for m in _NAMEISH.finditer(text)]

    def common_word(self, word: str) -> bool:
        """Whether the story also uses ``word`` in lower case (so "Care" opening a
        sentence is the word care, not a name)."""
        if word in DESCRIPTORS:
            return True
        if word in self._common:
            return self._common[word]
        text, i = self.text, self.text.find(word)
        self._common[word] = False
        while i >= 0:
            before, after = text[i - 1 : i] if i else " ", text[i + len(word) : i + len(word) + 1]
            if not (before.isalnum() or before in "’'-" or after.isalnum() or after in "’'-"):
                self._common[word] = True
                return True
            i = text.find(word, i + 1)
        return False

    def org_names(self):
        """Spans of organisations' names: capitalised words up to a capitalised
        organisation word ("Transport Workers' Union", "the Kremlin"), and "of/for (the) X"
        after it ("Chamber of Commerce of Westbrook")."""
        text, out, i, names = self.text, [], 0, self.tokens
        while i < len(names):
            if POSSESSIVE.sub("", names[i][0].casefold().strip(".'’")) not in ORG_WORDS:
                i += 1
                continue
            first = i
            while first > 0 and joined(text, names[first - 1], names[first]):
                first -= 1
            start = names[first][1]
            the = _THE_BEFORE.search(text, max(0, start - 4), start)
            if the and names[first][0] not in ("The", "the"):
                start = the.start()
            end = names[i][2]
            tail = _ORG_TAIL.match(text, end)
            if tail and not names[i][0].endswith("."):
                end = tail.end()
            out.append((start, end))
            while i < len(names) and names[i][1] < end:
                i += 1
        return out

    def runs(self) -> list[Run]:
        """Runs of adjacent capitalised words (and particles before a surname)."""
        text, names = self.text, self.tokens
        runs: list[Run] = []
        current: list[tuple[str, int, int]] = []

        def close(possessive=False):
            if current:
                start = current[0][1]
                before = [w.strip(".,'’") for w in words(text[max(0, start - 32) : start].lower())]
                runs.append(self._make_run(current, possessive, before[-3:]))
                current.clear()

        prev_end = -1
        for tok, start, end in names:
            bare = tok.strip("'‘’")
            if not bare:
                close()
                continue
            if not bare[0].isupper() and bare.split("-")[0] not in HYPHEN_PARTICLES:
                close()
                continue
            pre = text[max(0, start - 24) : start]
            last_word = pre.rsplit(None, 1)[-1] if pre.endswith(" ") and pre.strip() else ""
            particles = _PARTICLES_BEFORE.search(pre) if last_word in PARTICLES else None
            lead = start - len(pre) + particles.start(1) if particles else start
            joined = _SPACES_ONLY.fullmatch(text, prev_end, lead) or (
                len(current) <= 3 and _NICKNAME.fullmatch(text, prev_end, lead)
            )  # 'Bea "Bunny" Harcourt': the quoted nickname is masked
            if current and not joined:
                close()
            if particles:  # "Pieter van der Berg", "van der Berg said"
                pos = lead
                for word in particles.group(1).split():
                    pos = text.index(word, pos)
                    current.append((word, pos, pos + len(word)))
                    pos += len(word)
            prev_end = end
            if POSSESSIVE.search(bare):
                cut = 2 if bare[-2:] in ("'s", "’s") else 1
                current.append((bare[:-cut], start, end - cut))
                close(possessive=True)
                continue
            stop = bare[-1] in ".!?" and not _abbreviation(bare)
            word = bare.rstrip(".!?") if stop else bare
            if word:
                current.append((word, start, start + len(word)))
            if stop:
                close()
        close()
        return runs

    def _make_run(self, run, possessive: bool, before: list[str]) -> Run:
        names = [t for t, _, _ in run]
        cut = 0
        while cut < len(names) - 1 and descriptor(names[cut]):
            cut += 1
        if cut == 0 and len(names) >= 3 and run[0][1] in self.starts:
            # "Geologist Erik Sund …": a common noun capitalised only because it opens the
            # sentence (the story uses it in lower case, or it ends like a trade's name)
            first = names[0].casefold()
            if first.endswith(TRADE_ENDINGS) or self.common_word(first):
                cut = 1
        titled = [
            i for i in range(cut, len(names) - 1) if names[i].casefold().rstrip(".") in TITLES
        ]
        if titled:  # "Saudi Crown Prince Mohammed bin Salman": the name follows the title
            cut = titled[-1] + 1
        last = len(run)
        while last > cut + 1 and (names[last - 1] in PARTICLES or names[last - 1] in POST_NOMINALS):
            last -= 1  # "Fiona McLeod KC"
        return Run(run[cut][1], run[last - 1][2], names[cut:last], before, names[:cut], possessive)

    def kinds(self, runs: list[Run]) -> dict[tuple[str, ...], str]:
        """One kind per name, from the evidence of all its mentions: a title or role before
        it makes a person; else any sign of a place, vessel, publication, event, work or
        organisation wins over the default (two capitalised words are a person)."""
        votes: dict[tuple[str, ...], list[tuple[str, bool]]] = {}
        for run in runs:
            key = tuple(w.casefold() for w in run.tokens)
            votes.setdefault(key, []).append((self._kind(run), bool(run.descriptors)))
        out = {}
        for key, found in votes.items():
            kinds = [kind for kind, _ in found]
            if any(kind == PERSON and titled for kind, titled in found) and "place" not in kinds:
                out[key] = PERSON
            elif other := [k for k in kinds if k not in (PERSON, UNKNOWN)]:
                out[key] = max(set(other), key=other.count)
            else:
                out[key] = PERSON if PERSON in kinds else UNKNOWN
        return out

    def _kind(self, run: Run) -> str:
        """What a run names, from its words, the words before it and the registry."""
        low = [w.casefold() for w in run.tokens]
        known = self.known.get(tuple(low))
        if known:
            return PERSON if known.kind == PERSON else ORGANISATION
        before = run.before
        described = [
            d for d in (w.casefold().rstrip(".") for w in run.descriptors)
            if d in TITLES or d in ROLE_NOUNS or d in DEMONYMS
        ]  # fmt: skip
        lowset = set(low)
        if len(low) == 1 and (low[0] in DEMONYMS or low[0] in ROLE_NOUNS or low[0] in TITLES):
            return UNKNOWN  # "The Egyptian leader", "A Saudi official"
        if any(d in TITLES or d in ROLE_NOUNS for d in described):
            return PERSON  # "Councillor Ellen Park", "Judge Pieter van der Berg"
        if lowset & PUBLICATION_WORDS:
            return "publication"
        if before[-1:] == ["on"] and low[0] in PLATFORMS or low == ["x"]:
            return "platform"
        if lowset & EVENT_WORDS:
            return "event"
        if lowset & PLACE_WORDS:
            return "place"
        if before and (before[-1] in VESSEL_NOUNS or before[-2:-1] and before[-2] in VESSEL_NOUNS):
            return "vessel"
        if before and before[-1] in WORK_NOUNS:
            return "work"
        told = before[-1:] == ["told"] or before[-2:] in (["interview", "with"], ["speaking", "to"])
        if told and not self.person_known(low):
            return "publication"  # "she told Fiskeribladet"
        if self._before_a_title(run):
            return ORGANISATION  # "Harlow Rovers coach Bianca Ferri"
        following = words(self.text[run.end : run.end + 20].lower())[:1] if run.possessive else []
        if following and following[0] in ORG_CONTEXT_NOUNS or before[-2:] in (
            ["shares", "in"], ["shares", "of"],
        ):  # fmt: skip
            return ORGANISATION  # "Calder's shares", "shares in Calder"
        placed = before[-1:] and before[-1] in PLACE_PREPOSITIONS and before[-2:-1] != ["according"]
        # "to"/"from" before two names is as often a person ("a letter from Ann Lee")
        short = placed and (len(low) == 1 or before[-1] not in ("to", "from"))
        if short and not self.person_known(low):
            return "place"  # "in Tromsø", "near Svalbard"
        if self._dateline(run):
            return "place"
        if lowset & NON_NAME_WORDS:
            return UNKNOWN
        if len(low) >= 2 or described or self.person_known(low):
            return PERSON
        return UNKNOWN

    def _before_a_title(self, run: Run) -> bool:
        after = self.text[run.end : run.end + 40]
        m = _TITLE_AFTER.match(after)
        return bool(m) and m.group(1).split()[-1] in TITLES and not run.possessive

    def _dateline(self, run: Run) -> bool:
        """'TROMSØ, Norway —': a place in capitals at the start of a paragraph."""
        line_start = self.text.rfind("\n", 0, run.start) + 1
        if run.start - line_start > 40:
            return False
        m = _DATELINE.match(self.text, line_start, line_start + 60)
        return bool(m) and run.start < m.end()


def joined(text: str, left, right) -> bool:
    """Whether two words are separated by spaces only (no other word, comma, quote or stop)."""
    return bool(_SPACES_ONLY.fullmatch(text, left[2], right[1])) and not left[0].endswith(
        (".", "!", "?")
    )


def _name_follows(text: str, names, i: int) -> bool:
    """Whether a capitalised word follows, after any further particles ("van der Berg")."""
    while i < len(names) and names[i][0] in PARTICLES:
        i += 1
    return i < len(names) and names[i][0][:1].isupper() and joined(text, names[i - 1], names[i])


def covered(spans: list[tuple[int, int]]):
    """A test of whether a position falls inside one of the (sorted, disjoint) ``spans``."""
    starts = [start for start, _ in spans]

    def inside(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < spans[i][1]

    return inside


def descriptor(word: str) -> bool:
    low = word.casefold().rstrip(".")
    return low in DESCRIPTORS


def _abbreviation(word: str) -> bool:
    low = word.casefold().rstrip(".")
    return low in ABBREVIATIONS or (len(low) == 1 and low.isalpha())
