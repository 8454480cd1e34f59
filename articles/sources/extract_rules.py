"""Word lists and name handling for ``articles.sources.extract`` (standard library only).

The first half is data: speech verbs, titles, organisation words, and small tests on
phrases. The speech verb list follows the spirit of the Gender Gap Tracker's
``rules/quote_verb_list.txt`` but is our own. The second half turns a subject phrase
("Putin's foreign policy aide Yury Ushakov", "he", "the ministry") into a speaker, using a
per-story registry of the names the story has used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _forms(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


# Verbs that introduce speech. Inflected forms are listed explicitly: no stemmer here.
SPEECH_VERBS = _forms(
    "say says said saying",
    "tell tells told telling",
    "add adds added adding",
    "describe describes described describing",
    "warn warns warned",
    "call calls called",
    "emphasize emphasizes emphasized emphasizing emphasise emphasises emphasised emphasising",
    "laud lauds lauded lauding hail hails hailed hailing praise praises praised praising",
    "stress stresses stressed stressing",
    "note notes noted noting",
    "argue argues argued arguing",
    "insist insists insisted insisting",
    "claim claims claimed claiming",
    "explain explains explained explaining",
    "write writes wrote",
    "ask asks asked",
    "reply replies replied replying respond responds responded",
    "announce announces announced announcing",
    "promise promises promised pledge pledges pledged vow vows vowed",
    "acknowledge acknowledges acknowledged acknowledging",
    "admit admits admitted admitting concede concedes conceded",
    "confirm confirms confirmed confirming",
    "declare declares declared declaring stated",
    "caution cautions cautioned cautioning",
    "suggest suggests suggested predict predicts predicted",
    "comment comments commented complain complains complained",
    "recall recalls recalled remark remarks remarked",
    "tweet tweets tweeted tweeting",
    "signal signals signalled signaled",
    "assert asserts asserted contend contends contended maintain maintains maintained",
    "testify testifies testified testifying",
    "ruled ruling",
    "urge urges urged accuse accuses accused",
    "criticise criticises criticised criticize criticizes criticized",
    "condemn condemns condemned deny denies denied",
)
# Verbs whose complement clause ("X warned that ...") is reported speech.
CLAUSE_VERBS = _forms(
    "say says said tell tells told add adds added warn warns warned argue argues argued",
    "insist insists insisted claim claims claimed explain explains explained note notes noted",
    "stress stresses stressed emphasize emphasized emphasise emphasised caution cautioned",
    "confirm confirms confirmed announce announces announced acknowledge acknowledged",
    "admit admits admitted concede conceded write writes wrote signal signalled signaled",
    "predict predicts predicted suggest suggested declare declared stated assert asserted",
    "contend contended maintain maintained testify testified tweet tweeted",
    "promise promised pledge pledged vow vowed ruled ruling complained recalled deny denied",
    "replied responded",
)
# Verbs that take a clause without "that" ("She said larger trials would begin").
BARE_CLAUSE_VERBS = _forms(
    "say says said add adds added warn warns warned argue argues argued insist insists",
    "insisted claim claims claimed predict predicted write writes wrote",
)
TELL_VERBS = _forms("tell tells told")
# Verbs that can come before their subject: '"…," said Teresa Vance'.
INVERTIBLE = _forms("said says added asked replied wrote explained continued insisted told")

CUE_RE = re.compile(
    r"(?<![\w\-’'])(according to|"
    + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
    + r")(?![\w\-])",
    re.IGNORECASE,
)

# Words that start an adverbial rather than a reported clause after a verb ("said in …").
PREPOSITIONS = _forms(
    "in on at during after before last earlier later this yesterday today via through to",
    "privately publicly",
)
# Words that start a clause of the reporter's own after an attribution.
SUBORDINATORS = _forms(
    "after before as when while because since following amid despite although though but",
    "and with without in on at according adding saying",
)
NOT_A_CLAUSE = _forms("so nothing yes no goodbye little much more hello")
DETERMINERS = _forms("the a an this that these those its his her their our my your whose")
PERSON_PRONOUNS = _forms("he she")
GROUP_PRONOUNS = _forms("they it")
SUBJECT_PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS | _forms("i we you")

# Words before a name that describe rather than name: "Russian President Vladimir Putin".
TITLES = _forms(
    "president vice prime minister chancellor governor mayor senator sen rep representative",
    "judge justice dr doctor professor prof mr mrs ms mx sir dame lord lady king queen prince",
    "princess pope general gen colonel col captain capt lieutenant lt sergeant sgt commissioner",
    "councillor councilor alderman trustee chief secretary attorney ambassador spokesman",
    "spokeswoman spokesperson mp mep coach manager chairman chairwoman chair ceo director",
    "deputy inspector detective officer sheriff superintendent bishop rabbi imam reverend rev",
    "engineer economist analyst scientist researcher lawyer novelist critic author editor",
    "founder boss leader head speaker premier commander admiral marshal envoy aide counsel",
)
# Nouns that make a capitalised phrase an organisation rather than a person.
ORG_WORDS = _forms(
    "ministry department office government council committee commission agency authority",
    "board bank union party court police army military university institute school college",
    "hospital company firm group association federation foundation society chamber club league",
    "campaign coalition alliance network service services trust fund kremlin parliament",
    "congress senate assembly administration embassy regulator bureau directorate",
    "organization organisation museum library centre center inc ltd llc corp corporation co",
    "holdings logistics securities capital partners airlines airways motors energy mobile",
    "telecom media rail railways systems technologies labs pharmaceuticals insurance",
    "times post news gazette courier journal tribune herald united town city fc nations",
)
# Capitalised words that are never part of a person's name.
NON_NAME_WORDS = _forms(
    "monday tuesday wednesday thursday friday saturday sunday january february march april",
    "may june july august september october november december street road avenue square",
    "hall valley river bridge lake island mountains olympics games cup prize act award",
    "in on at for from but and or if when while after before as according asked not no",
    "some many most all every each both meanwhile however also",
)
ABBREVIATIONS = _forms(
    "mr mrs ms mx dr prof st sen rep gov gen col lt sgt capt jr sr inc ltd co corp no vs mt",
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e a.m p.m rev",
)

# Marks of a verb phrase: a chunk containing one of these is a clause, not a subject.
_CLAUSE_MARKERS = _forms(
    "is are was were has have had be been being will would can could should may might must",
    "do does did",
)
_CONJUNCTIONS = _forms("and but or so then while as though although because if when yet")
_TRAILING_ADVERBS = _forms(
    "also later earlier again previously then now repeatedly separately recently once further",
    "widely already still reportedly publicly privately finally simply just initially",
    "has have had would will could did does is was",
)
_TIME_TAIL = re.compile(
    r"\s+(?:on|last|this|next|late|early|earlier|later)\s+"
    r"(?:\w+day|week|month|year|night|morning|afternoon|evening|weekend|"
    r"January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?:\s+\w+)?$"
)
# Nearby words that show a quote is a label, title or slogan rather than speech.
_TERM_BEFORE = re.compile(
    r"(?:so-called|\bword|\bwords|\bterm|\bphrase|\blabel|\btitle|\btitled|\bentitled|\bdubbed"
    r"|\bnicknamed|\bbranded|\bknown as|\bnamed|\bhashtag|\bslogan|\bheadline|\bmotto)"
    r"\s*(?:of\s+)?$",
    re.IGNORECASE,
)
_SIGN_NOUNS = _forms(
    "sign signs banner banners placard placards poster posters graffiti t-shirt t-shirts",
    "billboard billboards sticker stickers slogan slogans",
)
_SMALL_WORDS = _forms("a an the of and or to in on for at by with is")


def ends_with_abbreviation(text: str) -> bool:
    """True when ``text`` ends with "Dr", "St", "U.S" or an initial, so a following full
    stop does not end the sentence."""
    token = re.split(r"\s", text.rstrip("."))[-1].lstrip('"“(').lower()
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def words(text: str) -> list[str]:
    return re.findall(r"[\w’'-]+", text)


def is_non_speech_quote(inner: str, before: str, after: str) -> bool:
    """Titles of works, names, slogans on signs and quoted terms are not quotes."""
    toks = words(inner)
    content = [t for t in toks if t.lower() not in _SMALL_WORDS]
    if 2 <= len(toks) <= 8 and content and all(t[0].isupper() or t[0].isdigit() for t in content):
        return True  # "The Salt Orchard", "Cars Pay Taxes Too": Title Case is a name
    if _TERM_BEFORE.search(before.rstrip(" ,:")):
        return True
    near = [w.lower() for w in words(before)[-6:] + words(after)[:6]]
    return any(w in _SIGN_NOUNS for w in near)


def strip_np(np: str) -> str:
    """Trim a subject chunk down to its noun phrase: leading conjunctions and trailing
    adverbials ("Putin also", "Vladimir Putin on Wednesday") go."""
    np = re.sub(r"\s+", " ", np).strip(" ,;:")
    while np.split() and np.split()[0].lower() in _CONJUNCTIONS:
        np = np.split(" ", 1)[1] if " " in np else ""
    while True:
        before = np
        np = _TIME_TAIL.sub("", np).strip(" ,")
        parts = np.rsplit(" ", 1)
        if len(parts) == 2 and parts[1].lower() in _TRAILING_ADVERBS:
            np = parts[0]
        if np == before:
            return np


def looks_like_np(np: str) -> bool:
    """A subject is a short phrase without a verb of its own."""
    toks = [t.lower() for t in np.split()]
    return (
        0 < len(toks) <= 12
        and not any(t in _CLAUSE_MARKERS for t in toks)
        and toks[-1] not in {"who", "which", "that", "whose", "where"}
        and "\x00" not in np
    )


def has_finite_verb(text: str) -> bool:
    """Rough test that a clause has a verb: an auxiliary, a word in -ed, or a word in -s
    just after he/she/it ("it now expects")."""
    toks = [t.lower() for t in words(text)[:10]]
    if any(t in _CLAUSE_MARKERS or re.fullmatch(r"[a-z]{3,}ed", t) for t in toks[1:]):
        return True
    after_pronoun = {i + k for i, t in enumerate(toks) if t in {"he", "she", "it"} for k in (1, 2)}
    return any(toks[i].endswith("s") for i in after_pronoun if i < len(toks))


# --------------------------------------------------------------------------- names

_ORG_ALT = "|".join(sorted(ORG_WORDS, key=len, reverse=True))
_ORG_NAME_RE = re.compile(  # "Transport Workers' Union", "Central Bank of Morland"
    rf"(?:[A-Z](?:[\w’'&-]*|[a-z]{{0,2}}\.) +)*(?i:{_ORG_ALT})\b"
    r"(?: +(?:of|for)(?: +the)?(?: +[A-Z][\w’'-]*)+)?"
)
_LEADING_ORG_RE = re.compile(  # "The foreign ministry of Valdoria summoned …"
    rf"(?:[\w’'-]+\s+){{0,3}}?(?i:{_ORG_ALT})\b(?:\s+of(?:\s+the)?(?:\s+[A-Z][\w’'-]*)+)?"
)
_LEADING_GROUP_RE = re.compile(r"(?:[A-Z][a-z]+ )?[A-Za-z][a-z]+s(?= [a-z])")  # "Residents …"
_PARTICLES = _forms("de la van von der den da del di du le bin al")
_AFFILIATION = re.compile(r"\s+(?:of|at|from|with|in|for)\s+")


@dataclass(frozen=True)
class Speaker:
    name: str
    described_as: str = ""
    is_person: bool = False


class NameRegistry:
    """Names used in one story: surname -> fullest name (so "Ushakov", or "Ushakov" before
    "Yury Ushakov" appears, gives "Yury Ushakov"), organisation word -> organisation, the
    words before each person's first mention, and the last person and group mentioned, for
    he/she and it/they."""

    def __init__(self, masked: str) -> None:
        self.people: dict[str, str] = {}
        self.roles: dict[str, str] = {}
        self.orgs: dict[str, str] = {}
        self.last_person: Speaker | None = None
        self.last_group: Speaker | None = None
        for run in cap_runs(masked):
            name = name_from_run(run)
            if name and len(name.split()) >= 2 and len(name) > len(self.people.get(run[-1], "")):
                self.people[run[-1]] = name
                pos = masked.find(name)
                role = re.search(r"(?:[\w’'-]+ ){1,4}$", masked[max(0, pos - 60) : pos])
                self.roles[name] = role.group().lower() if role else ""
        for m in _ORG_NAME_RE.finditer(masked):
            if m.group()[0].isupper():  # a proper name, not "the ministry"
                self.add_org(m.group())

    def add_org(self, name: str) -> None:
        toks = name.split()
        while toks and toks[0].lower() in DETERMINERS:
            toks = toks[1:]
        if len(toks) < 2:  # "the council" names nothing new
            return
        full = name if name.lower().startswith("the ") else " ".join(toks)  # keep "The"
        for tok in toks:
            if tok.lower() in ORG_WORDS:
                self.orgs.setdefault(tok.lower(), full)
        if toks[0][0].isupper():
            self.orgs.setdefault(toks[0].lower(), full)

    def person(self, tokens: list[str]) -> str | None:
        full = self.people.get(tokens[-1])
        if full and set(tokens) <= set(full.split()):
            return full
        return " ".join(tokens) if len(tokens) >= 2 else None

    def described(self, word: str) -> Speaker | None:
        """The person the story described with ``word`` ("the minister" -> Richard Dale)."""
        found = [n for n, role in self.roles.items() if word.lower() in role.split()]
        if self.last_person and self.last_person.name in found:
            return self.last_person
        return Speaker(found[-1], is_person=True) if found else None

    def remember(self, speaker: Speaker | None) -> None:
        if speaker is None:
            return
        head = (_AFFILIATION.split(speaker.name)[0].split() or [""])[-1]
        unnamed = head.isalpha() and head.islower() and not head.endswith("s")
        if speaker.is_person or (unnamed and head not in ORG_WORDS):
            self.last_person = speaker  # a person, or "the judge" / "a police spokeswoman"
        else:
            self.last_group = speaker
            self.add_org(speaker.name)


def cap_runs(text: str) -> list[list[str]]:
    """Runs of adjacent capitalised words ("Lucía de la Fuente" counts as one). Punctuation
    ends a run, and a possessive ("Putin's") is never part of a name."""
    runs: list[list[str]] = [[]]
    prev_end = 0
    tokens = list(re.finditer(r"[^\s,;:()\x00\"“”]+", text))
    for i, m in enumerate(tokens):
        tok, gap = m.group(), text[prev_end : m.start()]
        prev_end = m.end()
        if gap.strip():
            runs.append([])
        if tok in _PARTICLES and runs[-1] and _name_follows(tokens, i):
            runs[-1].append(tok)
            continue
        if not tok[0].isupper() or re.search(r"['’]s?$", tok):
            runs.append([])
            continue
        bare = tok if ends_with_abbreviation(tok) else tok.rstrip(".!?")
        runs[-1].append(bare)
        if bare != tok:
            runs.append([])
    runs = [run for run in runs if any(t not in _PARTICLES for t in run)]
    return [run[: max(i for i, t in enumerate(run) if t not in _PARTICLES) + 1] for run in runs]


def _name_follows(tokens: list[re.Match], i: int) -> bool:
    following = next((t.group() for t in tokens[i:] if t.group() not in _PARTICLES), "")
    return following[:1].isupper()


def _untitled(run: list[str]) -> list[str]:
    """The tokens after the last title: 'Russian President Vladimir Putin' -> Vladimir Putin."""
    titled = [i for i, tok in enumerate(run) if tok.lower().rstrip(".") in TITLES]
    return run[titled[-1] + 1 :] if titled else run


def name_from_run(run: list[str]) -> str | None:
    """A person's name in a capitalised run, or None for organisations and places."""
    toks = _untitled(run)
    while toks and toks[0].lower() in DETERMINERS | NON_NAME_WORDS:
        toks = toks[1:]
    if not toks or any(t.lower() in ORG_WORDS | NON_NAME_WORDS for t in toks):
        return None
    return " ".join(toks)


def resolve_speaker(np: str, reg: NameRegistry) -> Speaker | None:
    """Turn a subject phrase into a speaker: a pronoun, a (titled) name with the words
    around it as its description, a described person ("the minister"), or else the
    organisation or group as written."""
    np = strip_np(np)
    low = np.lower()
    if low in PERSON_PRONOUNS:
        return reg.last_person
    if low in GROUP_PRONOUNS:
        return reg.last_group
    if not looks_like_np(np) or low in SUBJECT_PRONOUNS:
        return None
    for run in reversed(cap_runs(_AFFILIATION.split(np, maxsplit=1)[0])):
        name = name_from_run(run)
        full = reg.person(name.split()) if name else None
        if name and not full and len(_untitled(run)) < len(run):
            full = name  # "Mr. Lee": a title makes a lone surname a person
        if name and full:
            described = re.sub(r"\s+", " ", np.replace(name, "", 1)).strip(" ,")
            return Speaker(full, described, is_person=True)
    anaphor = re.fullmatch(r"the ([\w’'-]+)", np, re.IGNORECASE)
    if anaphor and anaphor.group(1).lower() not in ORG_WORDS | reg.orgs.keys():
        # "the minister said", "the 23-year-old said", "the Croatian said"
        word = anaphor.group(1)
        by_role = reg.described(word)
        if by_role or re.fullmatch(r"\d+-year-old", word) or word[0].isupper():
            return by_role or reg.last_person
    np = re.sub(r"^(?:data|figures|estimates|a report|a statement) (?:from|by) ", "", np)
    np = re.sub(r"['’]s\s.*$", "", np)  # "the bank's latest forecasts" speak for the bank
    toks = [t for t in np.lower().split() if t not in DETERMINERS]
    if not toks or not re.search(r"[^\W\d_]", np):
        return None
    name = (reg.orgs.get(toks[0]) if len(toks) == 1 else None) or np
    return Speaker(name[0].upper() + name[1:] if name.lower().startswith("the ") else name)


def sentence_subject(head: str, reg: NameRegistry) -> Speaker | None:
    """A person, organisation or group named at the start of a sentence ("Okafor
    dismissed …", "The foreign ministry of Valdoria summoned …", "Residents formed …")."""
    for run in cap_runs(head):
        name = name_from_run(run)
        full = reg.person(name.split()) if name else None
        if full:
            return Speaker(full, is_person=True)
    group = _LEADING_GROUP_RE.match(head)
    if (
        group
        and not CUE_RE.search(group.group())
        and group.group().split()[0].lower() not in (NON_NAME_WORDS | DETERMINERS)
    ):
        return Speaker(group.group())
    org = _LEADING_ORG_RE.match(head)
    if not org or not looks_like_np(org.group()) or CUE_RE.search(org.group()):
        return None
    return None if org.group().split()[0].lower() in SUBJECT_PRONOUNS else Speaker(org.group())
