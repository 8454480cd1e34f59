"""Who and what a story names, and who of them can speak (standard library only).

A ``Cast`` is built once per story from its text with the quoted words masked. It finds the
capitalised names, keeping particles and hyphenated prefixes with the surname ("Pieter van
der Berg", "Khalid al-Masri", "Mohammed bin Salman"), and decides what each one names from
the text around it, the source registry and the word lists in ``extract_rules``: a person,
an organisation, or something that never speaks — a place ("in Tromsø", "the Barents Sea"),
a vessel ("the trawler Nordkapp"), a publication ("told Fiskeribladet"), a platform ("posted
on X"), an event or a work. A club or firm before a person's title ("Harlow Rovers coach
Bianca Ferri") is an organisation. It also learns what the story shows about each person:
titles and roles ("the judge", "his daughter"), age ("Carla Mendes, 34,"), and gender where
the text shows it (Mr/Ms, gendered nouns, "her side" after their name, a pronoun already
resolved to them, the registry). Nothing is ever guessed from a name.

Extraction asks it who a subject phrase is (``speaker``): a name, a pronoun (the nearest
person who agrees in gender, speakers and subjects first; he/she never an organisation or
group, they/it never a person), a role or description, or an organisation or group as
written. It tells the cast about every speaker it settles on (``note``), so later pronouns
follow the story.
"""

from __future__ import annotations

import re
from bisect import bisect_right, insort
from dataclasses import dataclass, field

from .extract_rules import (
    COLLECTIVE_NOUNS,
    CUE_RE,
    DEMONYMS,
    DETERMINERS,
    DOCUMENT_NOUNS,
    EPITHETS,
    FEMININE,
    GENERIC_PERSON_HEADS,
    MASCULINE,
    NON_NAME_WORDS,
    ORG_ANAPHORS,
    ORG_WORDS,
    PARTICLES,
    PLACE_PREPOSITIONS,
    PREPOSITIONS,
    ROLE_ALIASES,
    ROLE_NOUNS,
    SUBJECT_PRONOUNS,
    TITLES,
    looks_like_np,
    strip_np,
    words,
)
from .names import (
    LEADING_THE,
    ORGANISATION,
    PERSON,
    POSSESSIVE,
    UNKNOWN,
    Names,
    Run,
    contains,
    covered,
    name_key,
)

GROUP = "group"
NEVER_SPEAK = frozenset({"place", "vessel", "publication", "platform", "event", "work"})
SENTENCES_BACK = 8  # how far back a pronoun looks for its person
PERSON_HEADS = ROLE_NOUNS | TITLES | DEMONYMS | GENERIC_PERSON_HEADS
_SELF_NAMED_LEAD = re.compile(
    r"\s*((?:[Aa]n?|[Tt]he|[Oo]ne)\s+(?:[\w’'-]+\s+){1,3}?(?:calling (?:itself|themselves"
    r"|himself|herself)|known as|called|named)\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)"
)
_SELF_NAMED = re.compile(  # "a group calling itself Nightjar", "a man known as Nico"
    r"^(?P<who>.*?)\s+(?:calling (?:itself|themselves|himself|herself)|known as|called|named)"
    r"\s+(?P<name>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)$"
)
_AGE = re.compile(r"\d{1,3}-year-old$")
_AFFILIATION = re.compile(r"\s+(?:of|at|from|with|in|for)\s+")
_RELATIVE = re.compile(r",?\s+(?:who|which|whose|that)\s+.*$", re.S)
_ORG_ALT = "|".join(sorted(ORG_WORDS, key=len, reverse=True))
_DESCRIBED_SUBJECT = re.compile(  # "The king spoke …", "The mother of two said …"
    r"\s*((?:the|his|her|their|its)\s+(?:[\w’'-]+\s+){0,4}?[\w’'-]+)"
    r"(?=\s+(?:[a-z]+ed|[a-z]+s|was|is|has|had|will|would|spoke|said|told|wrote)\b)",
    re.IGNORECASE,
)
_LEADING_ORG_RE = re.compile(  # "The foreign ministry of Valdoria summoned …"
    rf"\s*((?:[\w’'-]+\s+){{0,3}}?(?i:{_ORG_ALT})\b(?:\s+of(?:\s+the)?(?:\s+[A-Z][\w’'-]*)+)?)"
)
_LEADING_GROUP_RE = re.compile(r"\s*((?:[A-Z][a-z]+ )?[A-Za-z][a-z]+s)(?= [a-z])")  # "Residents …"
_LEADING_TIME = re.compile(  # "On Friday the trust …", "Last week the council …"
    r"^(?:(?:on|last|this|next|earlier|later|in|by)\s+)?(?:\w+day|week|month|year|night|morning"
    r"|afternoon|evening|weekend|january|february|march|april|may|june|july|august|september"
    r"|october|november|december)(?:\s+(?:morning|afternoon|evening|night))?,?\s+",
    re.IGNORECASE,
)
_ROLE_BEFORE = re.compile(r"(?:^|[,.]\s+|\b(?:and|said|told)\s+)([^,.\x00]{2,60}),\s*$")
_AGE_AFTER = re.compile(r",\s*(\d{1,3}),")
_ROLE_AFTER = re.compile(r",\s*((?:the|a|an|his|her|their|its)\s[^,.\x00]{2,60})[,.]")
_CLAUSE_END = re.compile(r"[.;:!?\x00\n]")
_GENDERED_PRONOUN = re.compile(r"\b(his|her|himself|herself|hers)\b(\s+[a-z])?")


@dataclass(frozen=True)
class KnownName:
    """A source from the registry, as extraction may use it (no Django objects here)."""

    name: str
    kind: str = PERSON  # "person", "organisation" or "document"
    aliases: tuple[str, ...] = ()
    pronoun: str = ""  # "he", "she" or "they", as the source asked to be referred to


@dataclass(eq=False)
class Entity:
    name: str
    kind: str
    key: tuple[str, ...] = ()
    gender: str = ""  # "f", "m" or "" when the text does not show it
    firm_gender: bool = False  # from a title, a gendered noun or the registry
    roles: set[str] = field(default_factory=set)
    age: str = ""
    mentions: int = 0
    first: int = 1 << 60  # where the story first mentions it
    starts: list[int] = field(default_factory=list)  # where it is mentioned, in order


@dataclass(frozen=True)
class Speaker:
    name: str
    described_as: str = ""
    is_person: bool = False
    entity: Entity | None = field(default=None, compare=False)

    @property
    def kind(self) -> str:
        return self.entity.kind if self.entity else ("person" if self.is_person else "group")

    @property
    def named(self) -> bool:
        """A person the story names (not "a midwife", "one resident")."""
        return self.is_person and bool(self.entity and self.entity.key)


@dataclass(eq=False)
class Mention:
    start: int
    end: int
    entity: Entity
    rank: int = 2  # 0 the speaker extraction settled on, 1 the subject, 2 other, 3 possessor


class Cast:
    def __init__(self, masked: str, sentence_starts: list[int], known=()) -> None:
        self.text = masked
        self.starts = sentence_starts
        self.entities: dict[tuple[str, ...], Entity] = {}
        self.people: list[Entity] = []
        self.mentions: list[Mention] = []
        self.by_sentence: dict[int, list[Mention]] = {}
        self.known = {name_key(n): k for k in known for n in (k.name, *k.aliases)}
        self._known_by_token: dict[str, list[tuple[str, ...]]] = {}
        for key, entry in self.known.items():
            if entry.kind == PERSON:
                for token in key:
                    self._known_by_token.setdefault(token, []).append(key)
        self._people_by_token: dict[str, list[Entity]] = {}
        self._org_by_token: dict[str, Entity] = {}
        self.people_mentioned: list[Entity] = []
        self._speakers: dict[tuple[int, int], Speaker | None] = {}
        self._mention_starts: list[int] = []
        self.names = Names(masked, sentence_starts, self.known)
        self.names.person_known = self._person_known
        self._build()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        text, names = self.text, self.names
        org_spans = []
        for start, end in names.org_names():
            name = text[start:end]
            bare = LEADING_THE.sub("", name)
            if bare[:1].isupper():  # a proper name, not "the ministry"
                possessive = POSSESSIVE.search(bare)  # "The European Union's envoy"
                if possessive:
                    bare = bare[: possessive.start()]
                name = "The " + bare if LEADING_THE.match(text[start:end]) else bare
                entity = self._entity(name, ORGANISATION)
                self._add(Mention(start, end, entity, 3 if possessive else 2))
                org_spans.append((start, end))
        in_org = covered(org_spans)
        runs = [run for run in names.runs() if not in_org(run.start)]
        longer = [run for run in runs if len(run.tokens) > 1]
        kinds = names.kinds(longer)
        # Full names first, so a surname alone ("Solheim", "Al-Masri") finds its person.
        for run in (
            sorted(longer, key=lambda r: -len(r.tokens))
            + [None]
            + [run for run in runs if len(run.tokens) == 1]
        ):
            if run is None:  # the single words' kinds can now see who the full names are
                kinds = names.kinds([run for run in runs if len(run.tokens) == 1])
                continue
            key = tuple(w.casefold() for w in run.tokens)
            kind = kinds[key]
            if len(key) == 1 and run.start in names.starts and names.common_word(key[0]):
                continue  # "Care home owners …": a common word that opens the sentence
            if kind == UNKNOWN and self._person_known(list(key)):
                kind = PERSON  # "Solheim" after "Ingrid Solheim"
            rank = 3 if run.possessive else 2
            if kind == PERSON:
                entity = self._person(run)
                if entity is not None:
                    self._add(Mention(run.start, run.end, entity, rank))
                    self._learn(entity, run)
            elif kind != UNKNOWN or len(run.tokens) > 1:
                entity = self._entity(" ".join(run.tokens), kind)
                if entity.kind in (ORGANISATION, GROUP):
                    self._add(Mention(run.start, run.end, entity, rank))
            else:
                org = self._org_by_token.get(key[0])
                if org:  # "Calder" for Calder Semiconductor
                    self._add(Mention(run.start, run.end, org, rank))
        for sentence in self.by_sentence.values():
            first = next((m for m in sentence if m.rank == 2 and self._is_subject(m)), None)
            if first:
                first.rank = 1
        self._gender_from_possessives()

    def _person_known(self, low: list[str]) -> bool:
        part = tuple(low)
        return any(contains(e.key, part) for e in self._people_by_token.get(low[0], ())) or any(
            contains(key, part) for key in self._known_by_token.get(low[0], ())
        )

    def _entity(self, name: str, kind: str) -> Entity:
        key = name_key(LEADING_THE.sub("", name))
        entity = self.entities.get(key)
        if entity is None:
            entity = self.entities[key] = Entity(name, kind, key)
            if kind == ORGANISATION:
                for token in key:
                    self._org_by_token.setdefault(token, entity)
            known = self.known.get(key)
            if known and known.pronoun in ("he", "she"):
                entity.gender, entity.firm_gender = ("f" if known.pronoun == "she" else "m"), True
        return entity

    def _person(self, run: Run) -> Entity | None:
        key = tuple(w.casefold() for w in run.tokens)
        if not any(w not in PARTICLES for w in key):
            return None
        # A surname or part of a fuller name already met ("Solheim" for Ingrid Solheim).
        fuller = [
            e
            for e in self._people_by_token.get(key[0], ())
            if e.key != key and contains(e.key, key)
        ]
        if fuller:
            return max(fuller, key=lambda e: e.mentions)
        entity = self.entities.get(key)
        if entity is not None and entity.kind != PERSON:
            return None  # "the Civic Party's candidate": named as an organisation elsewhere
        if entity is None:
            entity = self._entity(" ".join(run.tokens), PERSON)
            self.people.append(entity)
            for token in entity.key:
                self._people_by_token.setdefault(token, []).append(entity)
        return entity

    def _learn(self, entity: Entity, run: Run) -> None:
        """Roles, age and gender the text gives around one mention of a person."""
        for word in run.descriptors:
            self._role(entity, word, firm=True)
        text = self.text
        line_start = text.rfind("\n", 0, run.start) + 1
        lead = text[max(line_start, run.start - 60) : run.start]
        m = _ROLE_BEFORE.search(lead)
        if m and _is_role_phrase(m.group(1)):  # "Her Russian counterpart, Oleg Baranov,"
            for word in words(m.group(1).lower()):
                self._role(entity, word, firm=False)
        for word in words(lead.lower())[-3:]:  # "Kenyan runner Faith Chepkoech"
            if word in PERSON_HEADS:
                self._role(entity, word, firm=False)
        tail = text[run.end : run.end + 80]
        m = _AGE_AFTER.match(tail)
        if m:
            entity.age = m.group(1)
            tail = tail[m.end() - 1 :]
        m = _ROLE_AFTER.match(tail)
        if m and _is_role_phrase(m.group(1)):  # "Teresa Vance, the group’s legal director"
            for word in words(_AFFILIATION.split(m.group(1).lower())[0]):
                self._role(entity, word, firm=False)

    def _role(self, entity: Entity, word: str, firm: bool) -> None:
        word = word.casefold().rstrip(".")
        if word in DETERMINERS or len(word) < 2:
            return
        entity.roles.add(word)
        if word in ROLE_ALIASES:  # "Lord Justice Harrington" is the judge
            entity.roles.add(ROLE_ALIASES[word])
        gender = "f" if word in FEMININE else "m" if word in MASCULINE else ""
        if gender and (firm or not entity.firm_gender) and word not in SUBJECT_PRONOUNS:
            entity.gender, entity.firm_gender = gender, firm or entity.firm_gender

    def _gender_from_possessives(self) -> None:
        """'Ferri said her side…': his/her + noun after a person who opens the clause."""
        text = self.text
        for mention in self.mentions:
            entity = mention.entity
            if entity.kind != PERSON or entity.gender or mention.rank == 3:
                continue
            stretch = text[mention.end : mention.end + 60]
            stretch = _CLAUSE_END.split(stretch)[0]
            if any(m.start < mention.end + len(stretch) for m in self._after(mention)):
                continue
            m = _GENDERED_PRONOUN.search(stretch)
            if m and (m.group(1) not in ("his", "her") or m.group(2)):
                entity.gender = "m" if m.group(1).startswith("h") and "i" in m.group(1) else "f"

    def _after(self, mention: Mention) -> list[Mention]:
        i = bisect_right(self._mention_starts, mention.start)
        return [m for m in self.mentions[i : i + 3] if m.entity.kind == PERSON]

    def _is_subject(self, mention: Mention) -> bool:
        before = words(self.text[max(0, mention.start - 30) : mention.start].lower())
        return not before or before[-1] not in PREPOSITIONS | PLACE_PREPOSITIONS | {
            "with", "by", "of", "for", "about", "against", "and", "than",
        }  # fmt: skip

    def _add(self, mention: Mention) -> None:
        i = bisect_right(self._mention_starts, mention.start)
        self._mention_starts.insert(i, mention.start)
        self.mentions.insert(i, mention)
        entity = mention.entity
        entity.mentions += 1
        entity.first = min(entity.first, mention.start)
        if entity.kind == PERSON:
            if not entity.starts:
                self.people_mentioned.append(entity)
            insort(entity.starts, mention.start)
        insort(
            self.by_sentence.setdefault(self.sentence_of(mention.start), []), mention, key=_start
        )

    def sentence_of(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    # ------------------------------------------------------------------ resolving

    def note(self, speaker: Speaker | None, pos: int) -> None:
        """Extraction settled on ``speaker`` at ``pos``: it is the most salient there."""
        if speaker is None or speaker.entity is None:
            return
        self._add(Mention(pos, pos, speaker.entity, 0))

    def speaker(self, start: int, end: int) -> Speaker | None:
        """Who the subject phrase ``text[start:end]`` is, or None if it cannot speak."""
        if (start, end) not in self._speakers:
            self._speakers[start, end] = self._speaker(start, end)
        return self._speakers[start, end]

    def _speaker(self, start: int, end: int) -> Speaker | None:
        raw = self.text[start:end]
        np = strip_np(_RELATIVE.sub("", raw))
        if not np:
            return None
        offset = start + max(0, raw.find(np))
        low = np.lower()
        if low in ("he", "she"):
            return self.pronoun(low, offset)
        if low in ("they", "it"):
            return self.group_pronoun(low, offset)
        if low in SUBJECT_PRONOUNS or not looks_like_np(np):
            return None
        named = _SELF_NAMED.match(np) if _names_itself(np) else None
        if named:  # "A group calling itself Nightjar"
            who = [t.casefold() for t in words(named.group("who"))]
            kind = PERSON if who and who[-1] in PERSON_HEADS else ORGANISATION
            entity = self._entity(named.group("name"), kind)
            return self._as_speaker(entity, "")
        head_end = offset + len(_AFFILIATION.split(np, maxsplit=1)[0])
        inside = [m for m in self.between(offset, head_end) if m.rank != 0]
        people = [m for m in inside if m.entity.kind == PERSON and m.rank != 3]
        if people:
            mention = people[-1]
            named = self.text[mention.start : mention.end]
            described = re.sub(r"\s+", " ", np.replace(named, "", 1)).strip(" ,")
            return self._as_speaker(mention.entity, described)
        if any(m.entity.kind in NEVER_SPEAK and m.rank != 3 for m in inside):
            return None
        toks = [t.casefold() for t in words(np)]
        if toks and toks[0] in DETERMINERS | {"one"} and len(toks) >= 2:
            found = self.description(np, offset)
            if found is not False:
                return found
        orgs = [m for m in inside if m.entity.kind == ORGANISATION]
        if orgs and (orgs[-1].rank != 3 or re.search(r"['’]s\s", np)):
            return self._as_speaker(orgs[-1].entity, "")
        return self._as_written(np, offset)

    def description(self, phrase: str, pos: int) -> Speaker | None | bool:
        """'the minister', 'his daughter', 'the 34-year-old', 'a crew member': the person
        introduced with that role, or a new unnamed person; False if not about a person."""
        toks = [t.casefold() for t in words(_AFFILIATION.split(phrase, maxsplit=1)[0])]
        if len(toks) < 2:
            return False
        head, mods = toks[-1], set(toks[1:-1])
        if head in COLLECTIVE_NOUNS or head in ORG_WORDS or head in DOCUMENT_NOUNS:
            return False
        is_person = head in PERSON_HEADS or bool(_AGE.match(head))
        if not is_person and not head.endswith("er") and head not in self._all_roles():
            return False
        if toks[0] in ("a", "an", "one"):
            return self._unnamed(phrase) if is_person else False
        gender = "f" if head in FEMININE else "m" if head in MASCULINE else ""
        scored = [
            (_role_score(e, head, mods), -rank, e)
            for rank, e in enumerate(self._people_before(pos))
            if _agrees(e, gender)
        ]
        best = max(scored, default=None, key=lambda x: (x[0], x[1]))
        if best and best[0] > 0:  # "the Armenian minister": the Armenian, then the minister
            return self._as_speaker(best[2], "")
        if not is_person:
            return False
        if head not in EPITHETS and not _AGE.match(head):
            return self._unnamed(phrase)  # "the returning officer": someone not yet met
        # An epithet nobody has ("the Croatian", "the mother of two"): within a paragraph, the
        # person it is about; opening one, the person the story is about (the first it
        # introduced of those it still mentions).
        paragraph = self.text.rfind("\n", 0, pos) + 1
        here = (m.entity for m in self._candidates(pos, lambda e: e.kind == PERSON))
        near = next((e for e in here if e.first < pos and _agrees(e, gender)), None)
        if near and any(paragraph <= m.start < pos for m in self.mentions if m.entity is near):
            return self._as_speaker(near, "")
        recent = [e for e in self._people_before(pos, 2 * SENTENCES_BACK) if _agrees(e, gender)]
        if recent:
            return self._as_speaker(min(recent, key=lambda e: e.first), "")
        return None

    def _unnamed(self, phrase: str) -> Speaker:
        """A person the story does not name ("a crew member", "the returning officer")."""
        entity = Entity(phrase.strip(" ,"), PERSON, ())
        self._role(entity, words(phrase.lower())[-1], firm=True)
        return Speaker(entity.name, "", True, entity)

    def pronoun(self, word: str, pos: int) -> Speaker | None:
        """he/she: the nearest person who agrees, speakers and subjects first."""
        gender = "f" if word == "she" else "m"
        for mention in self._candidates(pos, lambda e: e.kind == PERSON):
            if _agrees(mention.entity, gender):
                if not mention.entity.gender:
                    mention.entity.gender = gender
                return self._as_speaker(mention.entity, "")
        return None

    def group_pronoun(self, word: str, pos: int) -> Speaker | None:
        """they/it: the nearest organisation or group (never a person). A "person" the last
        sentence spoke through that the text never showed to be one ("Lowfield Homes said
        …. It said …") is an organisation after all."""
        if word == "it":
            for mention in self._candidates(pos, lambda e: True, sentences=2):
                entity = mention.entity
                if mention.rank > 1:
                    continue
                if entity.kind == PERSON and _unproven_person(entity):
                    entity.kind = ORGANISATION
                break
        for mention in self._candidates(pos, lambda e: e.kind in (ORGANISATION, GROUP)):
            return self._as_speaker(mention.entity, "")
        return None

    def between(self, lo: int, hi: int) -> list[Mention]:
        """Mentions that start in ``[lo, hi)``."""
        i = bisect_right(self._mention_starts, lo - 1)
        j = bisect_right(self._mention_starts, hi - 1)
        return self.mentions[i:j]

    def mention_before(self, pos: int) -> Speaker | None:
        """The person or organisation named right before ``pos`` ("Zhai Jun, who …")."""
        i = bisect_right(self._mention_starts, pos)
        for mention in reversed(self.mentions[max(0, i - 3) : i]):
            close = not self.text[mention.end : pos].strip(" ,")
            if close and mention.entity.kind in (PERSON, ORGANISATION) and mention.rank != 3:
                return self._as_speaker(mention.entity, "")
        return None

    def first_in(self, lo: int, hi: int) -> Speaker | None:
        """The first person, organisation or group that opens a clause in ``[lo, hi)``."""
        i = bisect_right(self._mention_starts, lo - 1)
        for mention in self.mentions[i:]:
            if mention.start >= hi:
                break
            speaks = mention.entity.kind in (PERSON, ORGANISATION, GROUP)
            if mention.rank in (1, 2) and speaks and self._is_subject(mention):
                return self._as_speaker(mention.entity, "")
        return None

    def author_before(self, pos: int) -> Speaker | None:
        """Who issued what 'It read:' refers to: the last sentence's speaker or subject."""
        for mention in self._candidates(pos, lambda e: e.kind in (PERSON, ORGANISATION, GROUP)):
            return self._as_speaker(mention.entity, "")
        return None

    def subject(self, lo: int, hi: int) -> Speaker | None:
        """The person, organisation or group a sentence opens with, noted as its subject."""
        for mention in self.by_sentence.get(self.sentence_of(lo), []):
            if mention.rank == 1 and mention.start < hi:
                return self._as_speaker(mention.entity, "")
        opening = self.text[lo : min(hi, lo + 60)].split()
        first = opening[0].lower() if opening else ""
        described = first in ("the", "his", "her", "their", "its")
        head = _DESCRIBED_SUBJECT.match(self.text, lo, hi) if described else None
        if head:
            found = self.description(head.group(1), lo)
            if isinstance(found, Speaker):
                self._add(Mention(head.start(1), head.end(1), found.entity, 1))
                return found
        head_text = self.text[lo : min(hi, lo + 80)]
        named = _SELF_NAMED_LEAD.match(self.text, lo, hi) if _names_itself(head_text) else None
        if named:  # "A group calling itself Blackthorn posted …"
            found = self.speaker(named.start(1), named.end(1))
            if found and found.entity:
                self._add(Mention(lo, lo, found.entity, 1))
                return found
        lead = {w.casefold().strip(".,;:'’") for w in opening[:5]}
        org = _LEADING_ORG_RE.match(self.text, lo, hi) if lead & ORG_WORDS else None
        if org and looks_like_np(org.group(1)) and not CUE_RE.search(org.group(1)):
            found = self._as_written(_LEADING_TIME.sub("", org.group(1)))
        else:
            group = _LEADING_GROUP_RE.match(self.text, lo, hi)
            lead = group.group(1).split() if group else []
            found = None
            plural_the = len(lead) == 2 and lead[0] in ("The", "the")  # "The tenants were …"
            common = lead and lead[0].lower() in NON_NAME_WORDS | DETERMINERS and not plural_the
            if group and not common and not CUE_RE.search(group.group(1)):
                found = self._as_written(group.group(1), lo)
        if found and found.entity and found.entity.kind != PERSON:
            self._add(Mention(lo, lo, found.entity, 1))
            return found
        return None

    def _candidates(self, pos: int, wanted, sentences: int = SENTENCES_BACK):
        """Mentions before ``pos``, sentence by sentence backwards: in each, speakers, then
        the subject, then the others from the nearest."""
        first = self.sentence_of(pos)
        for index in range(first, max(-1, first - sentences), -1):
            mentions = [
                m for m in self.by_sentence.get(index, []) if m.start < pos and wanted(m.entity)
            ]
            yield from sorted(mentions, key=lambda m: (m.rank, -m.start))

    def _people_before(self, pos: int, back: int = 10**6) -> list[Entity]:
        """People mentioned before ``pos`` (within ``back`` sentences), most recent first."""
        floor = self.starts[max(0, self.sentence_of(pos) - back)] if self.starts else 0
        last = {}
        for entity in self.people_mentioned:
            i = bisect_right(entity.starts, pos - 1)
            if i and entity.starts[i - 1] >= floor:
                last[id(entity)] = (entity.starts[i - 1], entity)
        return [entity for _, entity in sorted(last.values(), key=lambda x: -x[0])]

    def _all_roles(self) -> set[str]:
        return {role for e in self.people for role in e.roles}

    def _as_speaker(self, entity: Entity, described: str) -> Speaker:
        return Speaker(entity.name, described, entity.kind == PERSON, entity)

    def _as_written(self, np: str, pos: int = -1) -> Speaker | None:
        """An organisation or group as the story names it ("The union", "Officials"), or
        the organisation last named for "the company", "the firm"."""
        np = re.sub(r"^(?:data|figures|estimates|a report|a statement) (?:from|by) ", "", np)
        np = re.sub(r"['’]s\s.*$", "", np)  # "the bank's latest forecasts" speak for the bank
        toks = [t for t in np.lower().split() if t not in DETERMINERS]
        if not toks or not re.search(r"[^\W\d_]", np):
            return None
        if len(toks) == 1:
            org = self._org_by_token.get(toks[0])
            if org:
                return self._as_speaker(org, "")
            if toks[0] in ORG_ANAPHORS and pos >= 0:
                for mention in self._candidates(pos, lambda e: e.kind == ORGANISATION):
                    return self._as_speaker(mention.entity, "")
        name = np[0].upper() + np[1:] if np.lower().startswith("the ") else np
        kind = ORGANISATION if any(t in ORG_WORDS for t in toks) else GROUP
        entity = self._entity(name, kind)
        return self._as_speaker(entity, "")


def _start(mention: Mention) -> int:
    return mention.start


def _role_score(entity: Entity, head: str, mods: set[str]) -> int:
    """How well 'the <mods> <head>' describes ``entity``: 0 not at all; a modifier it has
    ("Armenian") counts double, a nationality it contradicts rules it out."""
    if _AGE.match(head):
        return int(bool(entity.age) and head.startswith(entity.age + "-"))
    if mods & DEMONYMS and entity.roles & DEMONYMS and not mods & entity.roles:
        return 0
    score = 2 * len(mods & entity.roles) + (head in entity.roles)
    return score if head in entity.roles or head in PERSON_HEADS else 0


def _names_itself(text: str) -> bool:
    return "calling" in text or "known as" in text or "called" in text or "named" in text


def _unproven_person(entity: Entity) -> bool:
    """Two capitalised words and nothing more: no title, role, age or gender."""
    return not (entity.roles or entity.age or entity.gender)


def _agrees(entity: Entity, gender: str) -> bool:
    return not gender or entity.gender in ("", gender)


def _is_role_phrase(phrase: str) -> bool:
    toks = phrase.split()
    if not toks or len(toks) > 8 or not looks_like_np(phrase):
        return False
    first = toks[0].casefold()
    return first in DETERMINERS or bool(POSSESSIVE.search(first)) or toks[0].islower()
