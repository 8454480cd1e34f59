"""Word lists and name handling for ``articles.sources.extract`` (standard library only).

Data first: speech verbs, titles, the words that tell what a name names (organisations,
places, vessels, publications, events, works), gendered words, then small tests on phrases.
The speech verb list follows the spirit of the Gender Gap Tracker's
``rules/quote_verb_list.txt`` but is our own. ``articles.sources.cast`` turns names and
subject phrases into speakers with these lists.
"""

from __future__ import annotations

import re


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
    "blame blames blamed reveal reveals revealed joke jokes joked boast boasts boasted",
    "mention mentions mentioned observe observes observed recommend recommends recommended",
    "conclude concludes concluded",
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
    "replied responded revealed concluded observed mentioned",
)
# Verbs that take a clause without "that" ("She said larger trials would begin").
BARE_CLAUSE_VERBS = _forms(
    "say says said add adds added warn warns warned argue argues argued insist insists",
    "insisted claim claims claimed predict predicted write writes wrote admit admits admitted",
    "concede concedes conceded acknowledge acknowledged confirm confirmed stress stressed",
    "promise promised vow vowed suggest suggested complain complained",
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
_CUE_FORMS = (
    SPEECH_VERBS | {w.capitalize() for w in SPEECH_VERBS} | {w.upper() for w in SPEECH_VERBS}
)
_WORD_RE = re.compile(r"(?<![\w\-’'])[A-Za-z]+(?![\w\-])")
_ACCORDING_TO = re.compile(r"\s+to(?![\w\-])", re.IGNORECASE)


def find_cues(text: str, lo: int, hi: int):
    """(start, end, word) of each speech verb or "according to" in ``text[lo:hi]``: what
    ``CUE_RE.finditer`` finds, word by word (a regex of 200 alternatives is slow on a long
    story)."""
    for m in _WORD_RE.finditer(text, lo, hi):
        word = m.group()
        if word in _CUE_FORMS:
            yield m.start(), m.end(), word.lower()
        elif word in ("according", "According") and (to := _ACCORDING_TO.match(text, m.end(), hi)):
            yield m.start(), to.end(), "according to"


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
    "semiconductor semiconductors pharma foods steel electric chemicals mining petroleum oil",
    "shipping lines software robotics therapeutics automotive aerospace industries",
    "enterprises ventures solutions transport brewery studios bancorp plc ag sa gmbh",
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
    "do does did cannot can't won't don't doesn't didn't isn't aren't wasn't weren't",
    "shouldn't couldn't wouldn't hasn't haven't",
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
_TIME_WORD = re.compile(r"\b(?:on|last|this|next|late|early|earlier|later)\s", re.IGNORECASE)
# Words just before a quote that show it is a label, title or slogan rather than speech
# ("the so-called", "the word", "known as", "a phrase of").
_TERM_STEMS = (
    "so-called", "word", "term", "phrase", "label", "title", "entitled", "dubbed",
    "nicknamed", "branded", "named", "hashtag", "slogan", "headline", "motto",
)  # fmt: skip
_SIGN_NOUNS = _forms(
    "sign signs banner banners placard placards poster posters graffiti t-shirt t-shirts",
    "billboard billboards sticker stickers slogan slogans",
)
_SMALL_WORDS = _forms("a an the of and or to in on for at by with is")


def ends_with_abbreviation(text: str) -> bool:
    """True when ``text`` ends with "Dr", "St", "U.S" or an initial, so a following full
    stop does not end the sentence."""
    token = text.rstrip(".").rsplit(None, 1)[-1:] or [""]
    token = token[0].lstrip('"“(').lower()
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


_WORDS = re.compile(r"[\w’'-]+")


def words(text: str) -> list[str]:
    return _WORDS.findall(text)


def is_non_speech_quote(inner: str, before: str, after: str) -> bool:
    """Titles of works, names, slogans on signs and quoted terms are not quotes."""
    toks = words(inner)
    content = [t for t in toks if t.lower() not in _SMALL_WORDS]
    if 2 <= len(toks) <= 8 and content and all(t[0].isupper() or t[0].isdigit() for t in content):
        return True  # "The Salt Orchard", "Cars Pay Taxes Too": Title Case is a name
    last = [w.lower() for w in words(before[-60:])[-6:]]
    term = last[:-1] if last[-1:] == ["of"] else last
    if term and (term[-1].startswith(_TERM_STEMS) or term[-2:] == ["known", "as"]):
        return True
    near = last + [w.lower() for w in words(after[:60])[:6]]
    return any(w in _SIGN_NOUNS for w in near)


def strip_np(np: str) -> str:
    """Trim a subject chunk down to its noun phrase: leading conjunctions and trailing
    adverbials ("Putin also", "Vladimir Putin on Wednesday") go."""
    toks = np.split()
    while toks and toks[0].lower() in _CONJUNCTIONS:
        toks.pop(0)
    np = " ".join(toks).strip(" ,;:")
    while True:
        before = np
        if _TIME_WORD.search(np):
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
    if any(t in _CLAUSE_MARKERS or (len(t) > 4 and t.endswith("ed")) for t in toks[1:]):
        return True
    after_pronoun = {i + k for i, t in enumerate(toks) if t in {"he", "she", "it"} for k in (1, 2)}
    if any(toks[i].endswith("s") for i in after_pronoun if i < len(toks)):
        return True
    # "they argue", "we need": any word right after a plural or first-person pronoun
    return any(t in {"they", "we", "i", "you"} and i + 1 < len(toks) for i, t in enumerate(toks))


# --------------------------------------------------------------------------- what names name

# Words inside a name that make it a place: "Barents Sea", "Lake Maren", "Bridge Street".
PLACE_WORDS = _forms(
    "sea ocean strait gulf bay lake river valley mountain mountains mount island islands isle",
    "archipelago peninsula coast desert forest province county region district street road",
    "avenue square lane bridge park harbour harbor airport station glacier fjord canal falls",
    "hills heights village borough quarter estuary channel reef cape",
)
# Prepositions after which a name is a place ("in Tromsø", "near Svalbard").
PLACE_PREPOSITIONS = _forms(
    "in at near across off outside inside around towards toward into onto from to through",
    "via throughout within beyond across along",
)
# Nouns before a name that make it a vessel: "the trawler Nordkapp", "the ferry Aurora".
VESSEL_NOUNS = _forms(
    "ship vessel trawler ferry yacht tanker freighter boat submarine frigate destroyer",
    "carrier liner barge tug icebreaker schooner cutter dinghy lifeboat steamer warship",
)
# Words inside a name that make it a publication, broadcaster or news agency.
PUBLICATION_WORDS = _forms(
    "times post news gazette courier journal tribune herald echo mirror express chronicle",
    "telegraph guardian observer independent daily weekly monthly magazine radio tv",
    "television broadcasting review press bulletin standard examiner reuters afp bloomberg",
    "interfax tass xinhua bbc cnn npr ap ria kyodo yonhap politico axios",
)
# Places where people post: "posted on X", "wrote on Facebook". Never speakers.
PLATFORMS = _forms(
    "x twitter facebook instagram telegram tiktok youtube linkedin threads bluesky whatsapp",
    "weibo wechat reddit substack truth",
)
# Words inside a name that make it an event: "the Rotterdam Marathon", "the Olympics".
EVENT_WORDS = _forms(
    "olympics olympic games championship championships cup open marathon festival summit",
    "conference expo biennale prix tour final finals awards prize derby grand slam week",
)
# Nouns before a title that make it a work: "the memoir Running Through Walls".
WORK_NOUNS = _forms(
    "film book novel memoir album song play series documentary opera musical painting poem",
    "report study show podcast exhibition",
)
# Nouns of documents that "read" or "say" for their author: "The statement read: …".
DOCUMENT_NOUNS = _forms(
    "statement letter post message memo note email e-mail tweet filing draft report text",
    "release document ruling verdict judgment judgement communique communiqué notice",
)
# Lowercase collective nouns: an organisation or group speaks, never "he" or "she".
COLLECTIVE_NOUNS = _forms(
    "panel jury tribunal team side squad family crowd audience inquiry review board league",
    "club committee council government cabinet court federation union company firm ministry",
    "department agency police army navy parliament senate congress commission regulator",
    "organisers organizers group couple delegation coalition campaign charity trust",
    "authority authorities statement opposition administration office spokespeople",
)
# Nouns after a possessive name that show it names an organisation: "Calder's shares".
ORG_CONTEXT_NOUNS = _forms(
    "shares stock board chairman chairwoman headquarters staff employees customers factory",
    "profits revenue spokesman spokeswoman spokesperson website",
)
# Heads of a description that stand for the organisation last named: "the company said".
ORG_ANAPHORS = _forms(
    "company firm group business organisation organization corporation maker operator",
    "lender insurer retailer airline manufacturer producer supplier developer",
)
# Endings of nouns for trades, so "Geologist Erik Sund" opening a sentence is Erik Sund.
TRADE_ENDINGS = ("ist", "master", "keeper", "maker", "ician", "ographer", "eer", "smith")
# Titles by the role a story may later call them by: "Lord Justice X" is "the judge".
ROLE_ALIASES = {
    "justice": "judge", "dr": "doctor", "prof": "professor", "gen": "general",
    "sen": "senator", "rep": "representative", "gov": "governor", "det": "detective",
    "insp": "inspector", "sgt": "sergeant", "capt": "captain", "col": "colonel",
    "lt": "lieutenant", "supt": "superintendent", "cllr": "councillor", "rev": "reverend",
    "chairman": "chair", "chairwoman": "chair", "spokesman": "spokesperson",
    "spokeswoman": "spokesperson", "headmaster": "head", "headteacher": "head",
}  # fmt: skip
# Role nouns that describe a person (besides TITLES): "Passenger Sabine Roth", "the runner".
ROLE_NOUNS = _forms(
    "passenger resident student pupil teacher nurse farmer driver pilot worker owner witness",
    "survivor victim fan voter runner player striker defender midfielder goalkeeper singer",
    "actor actress artist writer poet producer chef baker activist campaigner protester",
    "executive official diplomat negotiator prosecutor defendant plaintiff suspect officer",
    "glaciologist historian physicist biologist climatologist doctor surgeon midwife",
    "paramedic firefighter soldier veteran refugee migrant tourist shopkeeper shopper",
    "parent mother father son daughter husband wife brother sister grandmother grandfather",
    "aunt uncle niece nephew cousin widow widower girlfriend boyfriend partner child man",
    "woman boy girl teenager neighbour neighbor friend colleague counterpart rival skater",
    "swimmer cyclist boxer athlete coach captain manager host presenter journalist reporter",
    "correspondent interviewer curator architect designer entrepreneur investor banker",
    "lawmaker legislator politician candidate incumbent leader chief head spokesperson",
    "crew member winger forward centre-back full-back fly-half scrum-half quarterback pitcher",
    "footballer cricketer golfer sprinter jockey trainer referee umpire fisherman fisher",
    "miner steelworker docker trucker courier postman postwoman constable sailor marine",
    "astronaut lecturer headteacher principal graduate intern apprentice volunteer organiser",
    "organizer blogger comedian musician guitarist drummer rapper dancer painter sculptor",
    "photographer filmmaker playwright broadcaster commentator pundit trader shareholder",
    "landlord landlady tenant homeowner grocer butcher brewer winemaker restaurateur",
    "hotelier developer surveyor planner accountant pharmacist plumber electrician carpenter",
    "builder mechanic cleaner cashier waiter barista caretaker librarian clerk receptionist",
    "technician programmer consultant solicitor barrister dentist vet veterinarian therapist",
    "psychologist psychiatrist carer nanny priest pastor vicar beekeeper gardener shepherd",
    "rancher nurse-midwife climber mountaineer diver skier rower cyclist sprinter lifeguard",
    "ranger warden inspector guard chaplain monk nun",
)
# Demonyms, so "Italian Renato Canova" is Renato Canova, described as Italian.
DEMONYMS = _forms(
    "afghan albanian algerian american argentine argentinian armenian australian austrian",
    "azerbaijani bangladeshi belarusian belgian bolivian bosnian brazilian british briton",
    "bulgarian burmese cambodian cameroonian canadian chilean chinese colombian congolese",
    "croatian cuban cypriot czech danish dutch dutchman dutchwoman ecuadorian egyptian",
    "emirati english eritrean estonian ethiopian filipino finnish french frenchman",
    "frenchwoman georgian german ghanaian greek guatemalan haitian honduran hungarian",
    "icelandic indian indonesian iranian iraqi irish israeli italian ivorian jamaican",
    "japanese jordanian kazakh kenyan korean kosovan kurdish kuwaiti kyrgyz latvian",
    "lebanese liberian libyan lithuanian malaysian malian maltese mexican moldovan",
    "mongolian montenegrin moroccan mozambican namibian nepalese nigerian nigerien",
    "norwegian pakistani palestinian panamanian paraguayan peruvian polish portuguese",
    "qatari romanian russian rwandan saudi scottish senegalese serbian singaporean slovak",
    "slovenian somali african spanish sudanese swedish swiss syrian taiwanese tajik",
    "tanzanian thai tunisian turkish turkmen ugandan ukrainian uruguayan uzbek venezuelan",
    "vietnamese welsh yemeni zambian zimbabwean european asian arab latin",
)
# Words that show a person's gender in the text itself (never a first name).
FEMININE = _forms(
    "ms mrs miss dame lady queen princess duchess baroness countess empress madam madame",
    "she her hers herself spokeswoman chairwoman businesswoman congresswoman policewoman",
    "sportswoman frenchwoman dutchwoman englishwoman actress waitress mother daughter wife",
    "sister grandmother aunt niece widow girlfriend bride nun woman girl mum mom",
)
MASCULINE = _forms(
    "mr sir lord king prince duke earl baron emperor sultan sheikh monsieur he him his",
    "himself spokesman chairman businessman congressman policeman sportsman frenchman",
    "dutchman englishman father son husband brother grandfather uncle nephew widower",
    "boyfriend groom monk man boy dad",
)
# Descriptions of who someone is rather than what they do ("the Croatian", "the mother of
# two"): a story uses them for a person it has already named.
EPITHETS = DEMONYMS | _forms(
    "man woman boy girl teenager youngster pensioner mother father son daughter wife husband",
    "brother sister grandmother grandfather grandson granddaughter widow widower mum dad mom",
    "parent veteran newcomer star",
)
# Heads of a description that name no role of their own: "the Egyptian leader".
GENERIC_PERSON_HEADS = _forms(
    "leader official politician figure man woman person executive chief boss veteran",
    "spokesperson spokesman spokeswoman representative source",
)
# Letters after a name: "Fiona McLeod KC", "Ann Lee MP".
POST_NOMINALS = _forms("KC QC MP MEP MSP MLA AM Jr Jr. Sr Sr. OBE MBE CBE KBE DBE PhD MD FRS")
# Lowercase particles that belong to a surname: "Pieter van der Berg", "Mohammed bin Salman".
PARTICLES = _forms(
    "de la le van von der den da das dos del della di du bin bint ibn ben al el ter ten zu",
    "af abu",
)
# Prefixes joined to a surname by a hyphen: "al-Masri", "el-Sisi".
HYPHEN_PARTICLES = _forms("al el ad as ash at az ar an abu ibn bin ben")
