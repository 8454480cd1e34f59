"""Card snapshots: a story's cards for list pages, rendered once per change, not once per reader.

Every list (the listing and its facet pages, the front page) shows a story as one of a few
cards. Each is rendered by its one partial (story_partials.html) when the story's snapshot is
built, and kept in the snapshot row's `cards`, stamped with the version, site generation and
build it shows, so it is current by the same rule as the story page (store.py). A list page
reads the cards of its page of stories in the query that finds them (`read`), and renders on
the spot, in one batch, only those missing or out of date (`build`).

A listing's result is rendered with its source-page parts as slots (the source's quotes in
the story differ from one source's page to the next): `result` fills them.
"""

import json
import logging
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.db.models import OuterRef, Subquery
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from ..caching.invalidation import SITE
from ..caching.pages import BUILD
from ..editorial import pending
from ..models import Generation, Revision, Story, public_q
from . import prepared, store
from .slots import marker

CARD = "articles/story_partials.html#story-card"
RESULT = "articles/story_partials.html#result"
logger = logging.getLogger(__name__)
SOURCE_CLASS, SOURCE_QUOTES = marker("source-class"), marker("source-quotes")
# Each card a list shows: the partial and the switches it is rendered with.
SHAPES = {
    "card": (CARD, {}),
    "with_section": (CARD, {"show_section": True}),
    "top": (CARD, {"show_section": True, "compact": True}),
    "lead": (CARD, {"show_section": True, "is_lead": True}),
    "result": (
        RESULT,
        {"slotted": True, "source_class_slot": SOURCE_CLASS, "source_quotes_slot": SOURCE_QUOTES},
    ),
}


@dataclass(eq=False)
class Card:
    """A story on a list page: its id, section and card html by shape."""

    pk: int
    section_id: int = None
    html: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # what else the list read with it

    def __eq__(self, other):
        return isinstance(other, (Card, Story)) and other.pk == self.pk

    __hash__ = object.__hash__

    @property
    def cards(self):  # {{ story.cards.lead }} in a template
        return {shape: mark_safe(html) for shape, html in self.html.items()}


def render(story):
    """{shape: html} of `story` (loaded with `load`)."""
    return {
        shape: get_template(name).render({"story": story, **switches})
        for shape, (name, switches) in SHAPES.items()
    }


def stamp(story, version, site, html):
    """What `cards` keeps: the html and the version, generation and build it shows."""
    at = getattr(story, "next_update_at", None)
    return {"v": version, "s": site, "b": BUILD, "u": at.timestamp() if at else None, "html": html}


def fresh(cards, version, site, now):
    return (
        bool(cards)
        and cards.get("v") == version
        and cards.get("s") == (site or 0)
        and cards.get("b") == BUILD
        and (cards.get("u") or float("inf")) > now.timestamp()
    )


def with_snapshot(queryset):
    """`queryset` (stories) with the site generation, for `read` (which joins the snapshot)."""
    site = Generation.objects.filter(name=SITE).values("value")
    return queryset.annotate(card_site=Subquery(site))


COLUMNS = ("pk", "section_id", "snapshot__version", "snapshot__cards", "card_site")


def columns(queryset, *extra):
    """What `from_rows` reads of the stories of `queryset`, and the `extra` columns: a values()
    queryset (one query), for `read` or for a prepared query (prepared.py)."""
    return with_snapshot(queryset).values(*COLUMNS, *extra)


def read(queryset, *extra, now=None):
    """[Card] of the stories of `queryset` (public ones, in its order), their cards current:
    one query, and for stories whose cards are missing or out of date, one batch build."""
    return from_rows(columns(queryset, *extra), extra, now)


def from_rows(rows, extra=(), now=None):
    """[Card] of `rows` (dicts of `columns`), in their order, their cards current: for stories
    whose cards are missing or out of date, one batch build."""
    now = now or timezone.now()
    cards, stale = [], []
    for row in rows:
        html, version, site = row["snapshot__cards"], row["snapshot__version"], row["card_site"]
        if isinstance(html, str):
            html = json.loads(html)
        card = Card(row["pk"], row["section_id"], extra={name: row[name] for name in extra})
        if fresh(html, version, site, now):
            card.html = html["html"]
        else:
            stale.append(card)
        cards.append(card)
    if stale:
        built = build([card.pk for card in stale], now)
        for card in stale:
            card.html = built.get(card.pk, {})
    return [card for card in cards if card.html]


def by_id(ids, now=None):
    """{id: Card} of the stories `ids`, known to be public: one query on the snapshot rows, and
    for stories whose cards are missing or out of date, one batch build."""
    if not ids:
        return {}
    now = now or timezone.now()
    with prepared.cursor(connection) as cursor:  # a lookup by key: prepared.py
        cursor.execute(
            f"SELECT story_id, version, cards, (SELECT value FROM {store.GENERATIONS} "
            f"WHERE name = %s) FROM {store.SNAPSHOTS} "
            f"WHERE story_id IN ({', '.join(['%s'] * len(ids))})",
            [SITE, *ids],
        )
        rows = cursor.fetchall()
    found = {}
    for pk, version, html, site in rows:
        if isinstance(html, str):
            html = json.loads(html)
        if fresh(html, version, site, now):
            found[pk] = Card(pk, html=html["html"])
    stale = [pk for pk in dict.fromkeys(ids) if pk not in found]
    if stale:
        for pk, html in build(stale, now).items():
            found[pk] = Card(pk, html=html)
    return found


def load(ids, now):
    """The public stories `ids` with everything a card shows, a due scheduled update on top."""
    upcoming = Revision.pending_versions.filter(story=OuterRef("pk"), go_live_at__gt=now)
    stories = list(
        Story.objects.filter(public_q(now), pk__in=ids)
        .for_display()
        .defer("body", "search_vector")
        .annotate(
            has_due_update=pending.due_exists(),
            next_update_at=Subquery(upcoming.values("go_live_at")[:1]),
        )
    )
    pending.overlay_due([story for story in stories if story.has_due_update], now)
    return stories


def build(ids, now=None):
    """Render the cards of the public stories `ids` and keep them where still current:
    {id: {shape: html}}."""
    now = now or timezone.now()
    try:
        versions = store.current_many(ids)
    except DatabaseError:  # a read-only moment: serve them, keep nothing
        logger.warning("Could not read the snapshot rows of stories %s", ids, exc_info=True)
        versions = {}
    built, stamped = {}, {}
    for story in load(ids, now):
        html = built[story.pk] = render(story)
        if story.pk in versions:
            version, site = versions[story.pk]
            stamped[story.pk] = (version, stamp(story, version, site, html))
    try:
        store.save_cards(stamped)
    except DatabaseError:  # kept next time: the reader has the cards already
        logger.warning("Could not keep the cards of stories %s", sorted(stamped), exc_info=True)
    return built


def result(card, source_quotes=""):
    """A listing's result from its card: `source_quotes` (a source's page) in its slot."""
    html = card.html["result"]
    if source_quotes:
        return SafeString(
            html.replace(SOURCE_CLASS, " source-story").replace(SOURCE_QUOTES, source_quotes)
        )
    return SafeString(html.replace(SOURCE_CLASS, "").replace(SOURCE_QUOTES, ""))
