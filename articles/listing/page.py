"""The filtered listing page: `/stories/` and the four facet pages built on it (section, tag,
author and source: the listing with that filter pinned).

Cost is fixed whatever the archive's size. A page runs at most three queries:
1. the tag/author/source slugs of the request, if any (sections come from the cache),
2. the window: result count, section and tag facet counts and, for relevance order, which
   stories are on this page, all in one statement over a bounded set of matches (window.py),
3. the page's cards (articles/snapshots/cards.py: each story's result, rendered once per
   change; on a section's first page its pinned stories' too), with a batch build for cards
   not built yet;
a search one more (its stories with the highlighted text, then their bylines, in place of the
cards), and a source's page one more, for the source's quotes in the page's stories.

Bounds (window.py). The whole archive, a section, one tag, author or source, two tags (and one
of those in a section) are counted exactly from stored counts; every other listing is counted up to
BOUNDED_LIMIT, past which the page says "more than 1,000". Only COUNT_LIMIT results (exactly
counted) or BOUNDED_LIMIT (the rest) can be paged through (narrowing the filters is the way to
older stories), so the deepest OFFSET is bounded too. A search ranks by relevance within its
BOUNDED_LIMIT newest matches: ranking every match of a word found in half the archive would
cost in proportion to the archive. Tag counts are exact (stored counts) for the listings
counted exactly, but for two tags; the others' describe their first TAG_WINDOW results. The
page says so whenever a bound is reached.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from urllib.parse import quote_plus

from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from .. import front, navigation
from ..appeals import selection as appeals
from ..caching import declare, invalidation
from ..models import Quote, Source, Story, public_q
from ..snapshots import cards, shell, story_page
from ..snapshots.prepared import Prepared
from . import search, window
from .filters import ORDER_BY, ORDERING, StoryFilter

# Facets with a page of their own: a listing filtered by just one of them is that page.
FACET_PAGES = {
    "section": "section-detail",
    "tag": "tag-detail",
    "author": "author-detail",
    "source": "source-detail",
}

TEMPLATE = "articles/story_list.html"
SOURCE_QUOTES = "articles/story_partials.html#source-quotes"  # under a result on a source's page
PIN_COLUMNS = ("pin_position",)  # what a section's first page reads with its cards

FACET_FEEDS = {
    "section": "articles:section-feed",
    "tag": "articles:tag-feed",
    "author": "articles:author-feed",
}


@dataclass
class Page:
    """One page of results, shaped like Django's Page for the templates."""

    number: int
    stories: list
    total: int  # exact, or capped at limit + 1
    limit: int  # results that can be paged through
    exact: bool = False
    previous_url: str = ""
    next_url: str = ""

    @property
    def bounded(self):
        """The count stopped at the limit: "more than …"."""
        return not self.exact and self.total > self.limit

    @property
    def browsable_only(self):
        """Counted exactly, but more than can be paged through."""
        return self.exact and self.total > self.limit

    @property
    def num_pages(self):
        return last_page(self.total, self.limit)

    def has_previous(self):
        return self.number > 1

    def has_next(self):
        return self.number < self.num_pages

    def has_other_pages(self):
        return self.num_pages > 1


def respond(request, *, fixed=None):
    """Render the listing for `request`, with the facets in `fixed` pinned (a facet page)."""
    fixed = fixed or {}
    storyfilter = StoryFilter(request.GET, fixed=fixed, sections=navigation.sections(request))
    if storyfilter.missing_fixed:
        raise Http404(f"No such {storyfilter.missing_fixed}.")
    active = storyfilter.active()
    q = storyfilter.search_text
    # The cleaned parameters: a repeated `page` means its first value, as for any filter.
    requested = page_number(storyfilter.data.get("page"), storyfilter.notices)
    found = window.count(storyfilter, active, (requested - 1) * window.PAGE_SIZE)
    number = clamp_page(requested, found.total, found.limit, storyfilter.notices)
    # A section's own first page, unfiltered, shows its pinned stories on top.
    pins_of = None
    if set(fixed) == {"section"} and len(active) == 1 and number == 1:
        pins_of = storyfilter.resolved["section"][fixed["section"]]
    if number != requested and storyfilter.ordering_value != "relevance":
        found.page_ids = None  # they were the ids of the page asked for, past the last
    rows, pinned = page_rows(storyfilter, found, number, pins_of)

    # The reader's choices as query parameters: chips remove one, facets add or replace one.
    state = [(name, value) for name, value, _ in active]
    ordering = storyfilter.ordering_value
    if ordering != ("relevance" if q else "newest"):
        state.append(("ordering", ordering))
    list_url = reverse("articles:story-list")
    page = Page(number, rows, found.total, found.limit, found.exact)
    # Pagination stays on this page's own path; pinned facets are in the path, not the query.
    here = [(name, value) for name, value in state if fixed.get(name) != value]
    page.previous_url = _url(request.path, here + ([("page", number - 1)] if number > 2 else []))
    page.next_url = _url(request.path, [*here, ("page", number + 1)])
    names = [name for name, _ in state if name != "ordering"]
    # A date range is one facet; search results, reorderings and corrected input are noindex.
    facets = len(names) - ("published_after" in names and "published_before" in names)
    indexable = not q and facets <= 1 and ordering == "newest" and not storyfilter.notices
    sections = {s.pk: s for s in navigation.sections(request)}
    chosen_section = dict(state).get("section")
    facet_kind, facet = next(iter(fixed.items()), (None, None))
    if facet_kind:
        facet = storyfilter.resolved[facet_kind][facet]
    if facet_kind == "source":
        facet = source_page(facet, rows, found.total, active)
    for row in rows:
        if isinstance(row, cards.Card):  # not a search: its result is a snapshot
            quoted = facet_kind == "source"
            row.card = cards.result(
                row, render_to_string(SOURCE_QUOTES, {"story": row}) if quoted else ""
            )
    declare(request, invalidation.facet(facet_kind, facet.pk) if facet else invalidation.STORIES)
    section = facet if facet_kind == "section" else None
    context = {
        "filter": storyfilter,
        "page": page,
        "q": q,
        "notices": storyfilter.notices,
        "chips": [
            (label, _url(list_url, [p for p in state if p != (name, value)]))
            for name, value, label in active
        ],
        "clear_url": list_url,
        "list_url": list_url,  # the form's action
        # Plain values for the loops: a template resolves `name` in its context far faster
        # than `section.name` on an object (a failed item lookup first, then the attribute).
        "section_options": [
            (s.slug, s.name, s.slug == chosen_section) for s in navigation.sections(request)
        ],
        "section_facets": [
            (
                sections[pk].name,
                n,
                _url(list_url, [p for p in state if p[0] != "section"] + [("section", slug)]),
                chosen_section == slug,
            )
            for pk, n in found.sections
            if pk in sections and (slug := sections[pk].slug)
        ],
        "tag_facets": [
            (tag.name, n, _url(list_url, [*state, ("tag", tag.slug)])) for tag, n in found.tags
        ],
        # The form shows what is in effect (hand-written controls: cheaper than widgets).
        "chosen": dict(state),
        "max_query_length": search.MAX_QUERY_LENGTH,
        "ordering_value": ordering,  # what the list is really in, whatever was asked
        "ordering_choices": ORDERING,
        "hidden": [p for p in state if p[0] in ("tag", "author", "source")],
        "noindex": not indexable,
        "canonical": canonical(request, state, page.number, found.total),
        "facet_kind": facet_kind,
        "facet": facet,
        "title": facet.name if facet else (f"Search: {q}" if q else "Stories"),
        "current_section": facet.slug if facet_kind == "section" else None,
        "tags_bounded": not found.tags_exact and found.total > window.TAG_WINDOW,
        "tag_window": window.TAG_WINDOW,
        "pinned": pinned,
        "feed_url": reverse(FACET_FEEDS[facet_kind], args=[facet.slug])
        if facet_kind in FACET_FEEDS
        else "",
    }
    context |= appeals.in_context(request, section=section)
    # The page's blocks in the cached chrome; the navigation marks a section page's section.
    chrome = {"current_section": context["current_section"]}
    return HttpResponse(
        shell.render_page(request, TEMPLATE, context, story_page.snapshot_request, chrome)
    )


def source_page(source, rows, total, active):
    """The source's page: the source in full, and on each story the source's confirmed quotes
    (one query; it brings the source too).

    Only a source quoted in a published story has a page: one known only from drafts must not
    reveal what the newsroom is working on.
    """
    quotes = list(
        Quote.objects.confirmed()
        .filter(source_id=source.pk, story_id__in=[story.pk for story in rows])
        .select_related("source")
        .order_by("position", "pk")
    )
    if not total and (len(active) == 1 or not published_quotes(source).exists()):
        raise Http404("No published story quotes this source.")
    by_story = {}
    for quote in quotes:
        by_story.setdefault(quote.story_id, []).append(quote)
    for story in rows:
        story.source_quotes = by_story.get(story.pk, [])
        # How each story described the source, said once rather than under every quote.
        story.source_described_as = list(
            dict.fromkeys(q.described_as for q in story.source_quotes if q.described_as)
        )
    return quotes[0].source if quotes else Source.objects.get(pk=source.pk)


def published_quotes(source):
    return Quote.objects.confirmed().filter(
        source_id=source.pk, story__in=Story.objects.published()
    )


def page_rows(storyfilter, found, number, pins_of=None):
    """The page's stories, ready to show, and, with `pins_of` (a section), its pinned stories,
    read in the same query and left out of the list below them: ([story, …], [pinned, …]).

    A search's results are stories with their highlights; any other list's are cards
    (articles/snapshots/cards.py): each story's result, rendered once per change."""
    q = storyfilter.search_text
    if not found.total and pins_of is None:
        return [], []
    if q:
        if found.page_ids is not None:  # the window chose the page's stories
            rows = Story.objects.filter(pk__in=found.page_ids)
        else:  # public_q again: a safeguard should a copy in SourceListing lag its story
            rows = Story.objects.filter(public_q(), pk__in=page_ids(storyfilter, number))
            rows = rows.order_by(*storyfilter.order_by())
        rows = list(search.with_highlights(rows.for_display(), q))
        if found.page_ids is not None:
            rows.sort(key=lambda story: found.page_ids.index(story.pk))
        return search.highlight(rows, q), []
    now = storyfilter.now  # the time the listing's other queries use
    section = pins_of.pk if pins_of is not None else None
    extra = PIN_COLUMNS if pins_of is not None else ()
    if found.page_ids:  # the window found them: a query compiled once per process
        values = {f"id{i}": pk for i, pk in enumerate(found.page_ids)}
        query = prepared_page(len(values), storyfilter.ordering_value, section is not None)
        rows = query.rows(now=now, **values, **({"section": section} if extra else {}))
    else:
        rows = page_query(page_ids(storyfilter, number), storyfilter.ordering_value, section, now)
    rows = cards.from_rows(rows, extra, now)
    if pins_of is None:
        return rows, []
    pinned = sorted(
        (card for card in rows if card.extra["pin_position"] is not None),
        key=lambda card: (card.extra["pin_position"], card.pk),
    )
    rows = [card for card in rows if card.extra["pin_position"] is None][: window.PAGE_SIZE]
    return rows, pinned


def page_ids(storyfilter, number):
    """The ids of page `number`, as a subquery. Deferred join: the OFFSET walks the index for
    ids only, then ten rows are read."""
    offset = (number - 1) * window.PAGE_SIZE
    return storyfilter.in_order(ids_only=True)[offset : offset + window.PAGE_SIZE]


def page_query(ids, ordering, section=None, now=None):
    """The cards' columns (cards.columns) of the public stories `ids` (a list, or a one-column
    queryset), in `ordering`, and with `section` (an id) that section's pins in force too,
    with their "pin_position"."""
    rows = Story.objects.filter(pk__in=ids)
    extra = ()
    if section is not None:
        pins = front.active_pins(section, now)
        if isinstance(ids, list):
            ids = Story.objects.filter(pk__in=ids).values("pk")
        # One list of ids (a UNION): an OR of two IN-subqueries would scan the archive.
        wanted = front.union_of(ids, pins.values("story_id"))
        rows = Story.objects.filter(pk__in=wanted).annotate(
            pin_position=Subquery(pins.filter(story=OuterRef("pk")).values("position")[:1])
        )
        extra = PIN_COLUMNS
    # public_q again: a safeguard should a copy in SourceListing ever lag its story.
    return cards.columns(rows.filter(public_q(now)).order_by(*ORDER_BY[ordering]), *extra)


@cache
def prepared_page(size, ordering, pinned):
    """`page_query` for a list of `size` ids, compiled once per process (the ORM's building
    and compiling of it cost more than the rest of the page's query work)."""

    def build(now, section=None, **ids):
        return page_query(list(ids.values()), ordering, section, now)

    section = {"section": int} if pinned else {}
    return Prepared(build, now=datetime, **section, **{f"id{i}": int for i in range(size)})


def last_page(total, limit):
    return max(1, -(-min(total, limit) // window.PAGE_SIZE))


def page_number(value, notices):
    """The page asked for: not a whole number, or below 1, means page 1 (with a notice)."""
    if value is None or value == "":
        return 1
    if not value.isascii() or not value.isdigit():
        shown = "".join(ch if ch.isprintable() else "�" for ch in value[:20])
        notices.append(f"“{shown}” is not a page number, so the first page is shown.")
        return 1
    number = int(value) if len(value) <= 12 else 10**12
    if number < 1:
        notices.append("Pages are numbered from 1, so the first page is shown.")
        return 1
    return number


def clamp_page(number, total, limit, notices):
    """Past the last page: the last page. Past the browsable bound: the last browsable page."""
    last = last_page(total, limit)
    if number <= last:
        return number
    if total > limit:
        notices.append(
            f"Only the first {last:,} pages of results this many can be browsed; "
            "narrow them (for example with dates) to reach older stories."
        )
    elif total:
        notices.append(
            f"There {'is' if last == 1 else 'are'} only {last:,} page{'s' if last > 1 else ''}"
            "; the last one is shown."
        )
    return last


def canonical(request, state, number, total):
    """The URL search engines should index for this page: a facet's own page where there is one.

    A source has a page only once a published story quotes it, hence the `total` condition.
    """
    page = [("page", number)] if number > 1 else []
    if len(state) == 1 and state[0][0] in FACET_PAGES and (total or state[0][0] != "source"):
        name, value = state[0]
        path = reverse(f"articles:{FACET_PAGES[name]}", args=[value])
        return request.build_absolute_uri(_url(path, page))
    return request.build_absolute_uri(_url(reverse("articles:story-list"), state + page))


def _url(path, pairs):
    """`path` with `pairs` as its query string, as urlencode() writes it."""
    return f"{path}?{'&'.join(_pair(name, value) for name, value in pairs)}" if pairs else path


@lru_cache(maxsize=4096)
def _pair(name, value):
    # A page builds a URL for each facet and chip from the same few pairs: quote each once.
    return f"{quote_plus(str(name))}={quote_plus(str(value))}"
