"""The live blog as readers see it: the first page, older pages, and the key events.

A page holds at most PAGE_SIZE updates of the timeline (newest first), found from a cursor, the
published time and id of the last update the page before showed, with the story's
(story, -published_at) index, never an OFFSET: the tenth page of a day-long blog costs what the
first does. Pinned updates sit at the top of the first page, out of the timeline; the key
events (the newest KEY_EVENTS of them) are summarised above it, each linking to the page that
shows it. Every page is a fixed number of queries, however many updates the story has.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.urls import reverse

from .models import LiveUpdate

PAGE_SIZE = 50
KEY_EVENTS = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass
class Page:
    updates: list  # as shown: pinned ones first (first page only), then newest first
    older: str | None  # the address of the next older page, or None: this is the last


def first_page(story):
    """The pinned updates, then the newest of the timeline."""
    pinned = list(_updates(story).filter(pinned=True)[:PAGE_SIZE])
    return _page(story, pinned, _updates(story).filter(pinned=False))


def older_page(story, before):
    """The timeline from just before `before` (a cursor: `parse_cursor`)."""
    at, pk = before
    timeline = _updates(story).filter(pinned=False)
    return _page(story, [], timeline.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk)))


def key_events(story, page):
    """The story's newest key events, oldest first, each with `href`: its place on `page` (the
    first page) or the older page that starts with it."""
    events = list(_updates(story).filter(key_event=True)[:KEY_EVENTS])
    shown = {update.pk for update in page.updates}
    for event in events:
        event.href = f"#update-{event.pk}"
        if event.pk not in shown:
            # The page "before" the next id at the same time starts with this update.
            event.href = older_url(story, cursor(event.published_at, event.pk + 1)) + event.href
    return sorted(events, key=lambda u: (u.published_at, u.pk))


def cursor(at, pk):
    return f"{(at - _EPOCH) // _MICROSECOND}-{pk}"


def parse_cursor(text):
    """(published time, id) from a cursor, or ValueError for anything that is not one."""
    micros, _, pk = (text or "").partition("-")
    if not (micros.isdigit() and pk.isdigit()) or len(micros) > 17 or len(pk) > 18:
        raise ValueError(f"not a cursor: {text!r}")
    return _EPOCH + int(micros) * _MICROSECOND, int(pk)


def older_url(story, before):
    return reverse("articles:story-live-older", args=[story.pk]) + f"?before={before}"


def _updates(story):
    return LiveUpdate.objects.filter(story=story.pk).select_related("author")


def _page(story, pinned, timeline):
    updates = list(timeline.order_by("-published_at", "-pk")[: PAGE_SIZE + 1])
    older = None
    if len(updates) > PAGE_SIZE:
        updates = updates[:PAGE_SIZE]
        last = updates[-1]
        older = older_url(story, cursor(last.published_at, last.pk))
    return Page(pinned + updates, older)
