"""A story's addresses: every one it was public at keeps leading to it, forever.

The address is the publication day (in the newsroom's time zone) and the slug. When a save
moves a story that readers could have seen, the address it leaves is kept (`keep_former`,
from the one write path, `record_save`). At an address that is not a live story's current one
the story page answers with `moved_or_gone`: 301 to where the story is now, 410 with a page
that says it was withdrawn (and the editors' reason, when they chose to show it), or 404.
"""

from datetime import date

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from .models import FormerAddress, Story

# Statuses in which readers could see a story at its address, once its time had come.
ONCE_PUBLIC = (Story.Status.PUBLISHED, Story.Status.WITHDRAWN)


def address(published_at, slug):
    """(day, slug): what a story's URL is made of (see Story.get_absolute_url)."""
    return (timezone.localtime(published_at).date(), slug) if published_at else None


def keep_former(story, previous):
    """After a save of `story`: keep the address `previous` (its revision before the save) had,
    if the story has left it and readers could have been there."""
    if previous is None or previous.status not in ONCE_PUBLIC:
        return
    if previous.published_at is None or previous.published_at > timezone.now():
        return  # scheduled, never reached: nobody has that link
    old = address(previous.published_at, previous.slug)
    if old != address(story.published_at, story.slug):
        day, slug = old
        FormerAddress.objects.update_or_create(
            published_on=day, slug=slug, defaults={"story": story}
        )


def moved_or_gone(request, year, month, day, slug):
    """The story page's answer when no live story has this address."""
    story = _story_at(year, month, day, slug)
    if story is not None and story.is_public:
        return redirect(story, permanent=True)
    if story is not None and was_withdrawn(story):
        return gone(request, story)
    raise Http404("No story at this address.")


def _story_at(year, month, day, slug):
    """The story whose address this is or was: its current holder first, then the story that
    last left it, then (the day mistyped or changed) the story with this slug now."""
    try:
        day = date(int(year), int(month), int(day))
    except ValueError:
        day = None
    current = Story.objects.filter(slug=slug).first()
    if current is not None and address(current.published_at, slug) == (day, slug):
        return current
    former = None
    if day is not None:
        found = FormerAddress.objects.filter(published_on=day, slug=slug)
        former = found.select_related("story").first()
    return former.story if former else current


def was_withdrawn(story):
    """Readers could see it once, and it has been taken off the site (or its time ran out)."""
    if story.published_at is None or story.published_at > timezone.now():
        return False
    return story.status == Story.Status.WITHDRAWN or story.is_expired


def gone(request, story):
    withdrawal = None
    if story.status == Story.Status.WITHDRAWN:
        withdrawal = story.transitions.filter(to_status=Story.Status.WITHDRAWN).first()
    context = {
        "withdrawn_on": withdrawal.created if withdrawal else story.withdraw_at,
        "reason": withdrawal.note if withdrawal and withdrawal.shown_to_readers else "",
    }
    response = render(request, "articles/story_gone.html", context, status=410)
    response["X-Robots-Tag"] = "noindex"
    return response
