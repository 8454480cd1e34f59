"""Full-text search over stories, folding accents ("tromso" finds "Tromsø") on both databases.

On PostgreSQL every story carries a stored `search_vector` (headline weight A, standfirst and the
names of confirmed quoted sources weight B, body text weight C) in the `articles_english`
configuration: English stemming after PostgreSQL's `unaccent` (migration 0014), kept current by
database triggers whatever writes the story, its quotes or their sources (migration 0006), and
indexed with GIN; queries use `websearch_to_tsquery`, which accepts any text a reader types,
rank with `ts_rank`, and highlight with `ts_headline` for the page's rows only. On SQLite (the
embedded default) the same functions fall back to matching every word in the folded headline,
standfirst or body (`folding.py`), ranked headline first, highlighted in Python.

`matches()` is the one condition, used by the public listing and the admin's story search.
"""

import html
import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
)
from django.db import connections
from django.db.models import (
    Case,
    F,
    FloatField,
    Func,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.lookups import Contains
from django.utils.safestring import mark_safe

from ..html import html_to_text
from .folding import Fold, fold, fold_with_offsets

# English stemming after unaccent (migration 0014); its stop words are English's.
CONFIG = "articles_english"
MAX_QUERY_LENGTH = 200  # characters; a longer `q` is refused with a message (see filters.py)
MAX_WORDS = 8  # the SQLite fallback matches at most this many words

# PostgreSQL's English stop words (its `english.stop`): a query made only of these has no
# lexemes, matches nothing, and the reader is told so rather than shown an empty list.
_STOP_WORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"\w+")
# Selection markers ts_headline puts around matches: private-use characters that cannot occur
# in stories, so the text can be escaped first and the markers turned into <mark> afterwards.
_START, _STOP = "\ue000", "\ue001"


def words(q):
    """The searchable words of `q`: its word tokens without stop words, lower-cased."""
    return [w for w in _WORD.findall(q.lower()) if w not in STOP_WORDS]


def is_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def refresh_search_vectors(queryset):
    """Recompute the stored search vector of every story in `queryset`; one UPDATE.

    Database triggers keep vectors current through every write (see migration 0006), so this
    is for repairs and bulk loads that switched the triggers off. Does nothing off PostgreSQL.
    """
    if not is_postgresql(queryset):
        return 0
    document = Func("id", "headline", "standfirst", "body", function="articles_story_document")
    return queryset.order_by().update(search_vector=document)


def matches(queryset, q):
    """The condition "matches every searchable word of `q`", for `queryset.filter()`."""
    if is_postgresql(queryset):
        return Q(search_vector=SearchQuery(q, search_type="websearch", config=CONFIG))
    condition = Q()
    for term in words(q)[:MAX_WORDS]:
        condition &= Q(_in("headline", term)) | Q(_in("standfirst", term)) | Q(_in("body", term))
    return condition


def search(queryset, q):
    """Stories of `queryset` matching every searchable word of `q`, annotated with `rank`."""
    queryset = queryset.filter(matches(queryset, q))
    if is_postgresql(queryset):
        query = SearchQuery(q, search_type="websearch", config=CONFIG)
        # Normalisation 1 divides by 1 + log(length), so long bodies do not win by size.
        return queryset.annotate(rank=SearchRank(F("search_vector"), query, normalization=Value(1)))
    score = Value(0.0, output_field=FloatField())
    for term in words(q)[:MAX_WORDS]:
        score += Case(
            When(_in("headline", term), then=Value(1.0)),
            When(_in("standfirst", term), then=Value(0.4)),
            default=Value(0.1),
            output_field=FloatField(),
        )
    return queryset.annotate(rank=score)


def _in(field, term):
    """SQLite: the folded `field` holds the folded `term`."""
    return Contains(Fold(field), Value(fold(term)))


def with_highlights(queryset, q):
    """Add highlighted headline, standfirst and body snippet to a page's rows.

    On PostgreSQL these are ts_headline annotations, and `queryset` is the page's ten stories
    selected by id (see listing.page_rows), so only they pay for them. Elsewhere the marking
    happens in Python in `highlight()`.
    """
    if not is_postgresql(queryset):
        return queryset
    query = SearchQuery(q, search_type="websearch", config=CONFIG)
    common = {"config": CONFIG, "start_sel": _START, "stop_sel": _STOP}
    plain_body = _strip_tags(F("body"))
    return queryset.annotate(
        hl_headline=SearchHeadline("headline", query, highlight_all=True, **common),
        hl_standfirst=SearchHeadline("standfirst", query, highlight_all=True, **common),
        hl_snippet=SearchHeadline(
            plain_body,
            query,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
            **common,
        ),
    )


def _strip_tags(expression):
    return Func(
        expression,
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def highlight(stories, q):
    """Give each story `hl_headline`, `hl_standfirst` and `hl_snippet` as safe HTML with <mark>."""
    terms = [fold(term) for term in words(q)[:MAX_WORDS]]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, terms)) + r")\w*") if terms else None
    for story in stories:
        if hasattr(story, "hl_snippet"):  # PostgreSQL did the work
            story.hl_headline = _marked(story.hl_headline)
            story.hl_standfirst = _marked(story.hl_standfirst)
            # The body is stored as HTML: its entities come back escaped.
            snippet = html.unescape(story.hl_snippet)
            story.hl_snippet = _marked(snippet) if _START in snippet else ""
        else:
            story.hl_headline = _mark_python(story.headline, pattern)
            story.hl_standfirst = _mark_python(story.standfirst, pattern)
            story.hl_snippet = _snippet_python(html_to_text(story.body), pattern)
    return stories


def _marked(text):
    escaped = html.escape(text or "", quote=False)
    return mark_safe(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _matches_python(text, pattern):
    """(start, end) in `text` of each match of `pattern` (folded words) in folded `text`."""
    folded, offsets = fold_with_offsets(text)
    return [
        (offsets[m.start()], offsets[m.end() - 1] + 1) for m in pattern.finditer(folded) if m.end()
    ]


def _mark_python(text, pattern):
    text = text or ""
    if not pattern:
        return _marked(text)
    marked, at = [], 0
    for start, end in _matches_python(text, pattern):
        marked += [text[at:start], _START, text[start:end], _STOP]
        at = end
    return _marked("".join(marked) + text[at:])


def _snippet_python(text, pattern, width=220):
    """About `width` characters of `text` around the first match, or "" if it has none."""
    found = _matches_python(text, pattern) if pattern else []
    if not found:
        return ""
    first_start, first_end = found[0]
    start = max(0, first_start - width // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + width)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > first_end else end
    snippet = ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")
    return _mark_python(snippet.replace("\n", " "), pattern)
