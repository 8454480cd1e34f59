"""What readers get at a story address that is not a live story's current one.

A withdrawn story's address answers 410 Gone with a page that says so (and the editors' reason,
when they chose to show it), instead of a bare 404. Anything else is not found.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from .models import Story


def moved_or_gone(request, year, month, day, slug):
    """The story page's answer when no live story is at this address."""
    story = Story.objects.filter(slug=slug).first()
    if story is None or not was_withdrawn(story):
        raise Http404("No story at this address.")
    return gone(request, story)


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
