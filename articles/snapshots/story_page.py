"""The public story page: its snapshot, the chrome and the page's appeals, in one query.

`serve` reads the story's snapshot with one indexed query (the story's row, public now, joined
to its snapshot and the site generation), rebuilds it on the spot if it is missing or out of
date, and fills in the shell (shell.py) and the appeals (slots.py). `render_parts` is the one
renderer: the task that rebuilds snapshots after a change and a first visit both use it, with
the template and context a full render uses (`context`), so the page is the same text.
"""

import json
import logging
from datetime import datetime
from types import SimpleNamespace

from django.db import DatabaseError
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.db.models.query import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from .. import front, live_blog
from ..appeals import selection as appeals
from ..appeals.blocks import appeal_html, script_tag
from ..caching.invalidation import SITE, STORIES, facet, story_page
from ..caching.pages import BUILD, declare, seconds_until_next_scheduled_change
from ..caching.surfaces import cached
from ..editorial import pending
from ..models import (
    Correction,
    Generation,
    Revision,
    Story,
    confirmed_quotes_prefetch,
    public_q,
    quoted_sources,
)
from . import cards, shell, store
from .prepared import Prepared
from .slots import ORIGIN_HOST, SlotAppeals, fill

logger = logging.getLogger(__name__)
TEMPLATE = "articles/story_detail.html"
RELATED_PARTIAL = "articles/story_partials.html#related-stories"
LIVE_POLL_SECONDS = 25  # how often readers' open live pages ask for new updates
FIELDS = ("pk", "section_id", "snapshot__version", "snapshot__built", "snapshot__site",
          "snapshot__build", "snapshot__parts", "site")  # fmt: skip


def load(queryset):
    """The story from `queryset` with everything its page shows, in a fixed number of queries."""
    corrected = Correction.objects.filter(story=OuterRef("pk"))
    upcoming = Revision.pending_versions.filter(story=OuterRef("pk"), go_live_at__gt=timezone.now())
    story = (
        queryset.for_display()
        .prefetch_related("tags", confirmed_quotes_prefetch())
        .annotate(
            has_corrections=Exists(corrected),
            has_due_update=pending.due_exists(),
            next_update_at=Subquery(upcoming.values("go_live_at")[:1]),
        )
        .first()
    )
    if story is not None:
        # Most stories have no corrections: then an empty prefetch spares the query.
        corrections = (
            Correction.objects if story.has_corrections else Correction.objects.none()
        ).all()
        prefetch_related_objects([story], Prefetch("corrections", queryset=corrections))
        if story.has_due_update:
            pending.overlay_due([story])  # a scheduled update whose go-live time has come
    return story


def context(story):
    """What the story template shows of `story` (loaded by `load`), appeals aside."""
    values = {"story": story, "quoted": quoted_sources(story.confirmed_quotes)}
    return values | live_blog_context(story)


def live_blog_context(story):
    """A live story's first page of updates and its key events (live_blog.py: three queries,
    however many updates)."""
    if not story.is_live_blog:
        return {}
    page = live_blog.first_page(story)
    story.shown_updates = page.updates
    return {
        "updates": page.updates,
        "older_url": page.older,
        "key_events": live_blog.key_events(story, page),
        "poll_seconds": LIVE_POLL_SECONDS,
    }


def snapshot_request():
    """A request for rendering a snapshot away from any reader's request: links are made for
    a placeholder origin, swapped for the reader's when the page is served."""
    request = HttpRequest()
    request.method = "GET"
    request.META = {"SERVER_NAME": ORIGIN_HOST, "SERVER_PORT": "80"}
    request.get_host = lambda: ORIGIN_HOST
    return request


def render_parts(story):
    """The story page's blocks, appeals left as slots, and what serving them needs."""
    values = context(story) | {"appeals": SlotAppeals, "slotted": True}
    return {
        "blocks": shell.render_blocks(TEMPLATE, values, snapshot_request()),
        "path": story.get_absolute_url(),
        "section": story.section_id,
        "tags": [tag.pk for tag in story.tags.all()],
        "sources": source_ids(story),
        # A time at which the page changes with no save (a change scheduled to go live), as
        # a POSIX timestamp: the snapshot is out of date from then on.
        "until": until(story),
    }


def source_ids(story):
    return list(dict.fromkeys(q.source_id for q in story.confirmed_quotes if q.source_id))


def related(story_id, tag_ids, source_ids):
    """The related-stories block under the story (articles/front.py), as (html, the story
    pages it shows): kept in the cache while no public story changes, and never past the next
    scheduled edge, since it lists other stories than the page's own."""

    def render():
        stories = front.related_stories(Story(pk=story_id), tag_ids, source_ids)
        html = render_to_string(RELATED_PARTIAL, {"related_stories": stories})
        return html, [story_page(other) for other in stories]

    def timeout(value):
        return max(1, int(seconds_until_next_scheduled_change()))

    return cached(f"related:{BUILD}:{story_id}", [STORIES, f"story-{story_id}"], render, timeout)


def until(story):
    """When this story's page next changes by itself, or None: a pending version's go-live
    time (editorial/pending.py), decided at query time like scheduled publication."""
    at = getattr(story, "next_update_at", None)  # loaded with the story (`load`)
    return at.timestamp() if at else None


def build(story_id):
    """Render and keep the story's snapshot (if it is still current when done); its parts,
    or None if the story is not public."""
    try:
        version, site = store.current(story_id)
    except DatabaseError:  # a read-only moment (a failover): serve it, keep nothing
        logger.warning("Could not read the snapshot row of story %s", story_id, exc_info=True)
        version = None
    story = load(Story.objects.filter(public_q(), pk=story_id))
    if story is None:
        return None
    parts = render_parts(story)
    if version is not None:
        card_html = cards.stamp(story, version, site, cards.render(story))
        try:
            store.save(story_id, version, site, BUILD, parts, card_html)
        except DatabaseError:
            logger.warning("Could not keep the snapshot of story %s", story_id, exc_info=True)
    return parts


def _find(slug, now):
    site = Generation.objects.filter(name=SITE).values("value")
    return (
        Story.objects.filter(public_q(now), slug=slug)
        .annotate(site=Subquery(site))
        .values_list(*FIELDS)
    )


FIND = Prepared(_find, slug=str, now=datetime)


def find(slug, now):
    """The public story with this slug and its snapshot row, as a dict, or None."""
    rows = FIND.rows(slug=slug, now=now)
    if not rows:
        return None
    row = rows[0]
    if isinstance(row["snapshot__parts"], str):
        row["snapshot__parts"] = json.loads(row["snapshot__parts"])
    return row


def serve(request, slug):
    """The story page for `request`, or None if no public story has this slug and address."""
    now = timezone.now()
    row = find(slug, now)
    if row is None:
        return None
    fresh = (
        row["snapshot__built"] is not None
        and row["snapshot__built"] == row["snapshot__version"]
        and row["snapshot__site"] == (row["site"] or 0)
        and row["snapshot__build"] == BUILD
        and (row["snapshot__parts"].get("until") or float("inf")) > now.timestamp()
    )
    parts = row["snapshot__parts"] if fresh else build(row["pk"])
    if parts is None or parts["path"] != request.path:
        return None
    declare(request, story_page(SimpleNamespace(pk=row["pk"])))
    chosen = appeals.select_for_page(parts["section"], parts["tags"])
    declare(request, *chosen.surfaces)
    related_html, related_pages = related(row["pk"], parts["tags"], parts["sources"])
    # The related block shows other stories and draws on the story's tags and sources.
    declare(
        request,
        *related_pages,
        *(facet("tag", pk) for pk in parts["tags"]),
        *(facet("source", pk) for pk in parts["sources"]),
    )
    html = shell.assemble(shell.pieces(TEMPLATE, snapshot_request), parts["blocks"])
    origin = f"{request.scheme}://{request.get_host()}"
    fragments = {"related": related_html, "breaking": shell.breaking_strip()}
    filled = fill(html, chosen, appeal_html, origin, script_tag(), fragments)
    return HttpResponse(filled)
