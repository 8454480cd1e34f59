"""E-mail when a story needs someone: submitted for review (to the editors), sent back with
the note, and published or scheduled (to its reporters). Never to the person who did it.

`notify` is called from the one write path (`record_save`); `notify_changes` from pending.py,
for a reporter's changes to a live story (submitted, then published, scheduled or discarded).
The message is written there, and sent by a task (Django's Tasks framework) enqueued once the
transaction commits: a slow mail server holds up the worker, never a save, and a save that
rolls back sends nothing.
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone

from ..models import Story
from .ownership import PUBLISH_PERMISSION, display_name, reporters
from .revisions import text_diff

SUBJECTS = {
    "submitted": "For review: {headline}",
    "sent_back": "Sent back to you: {headline}",
    "published": "Published: {headline}",
    "scheduled": "Scheduled for {when}: {headline}",
    # A reporter's changes to a live story (notify_changes).
    "changes_submitted": "Changes for review: {headline}",
    "changes_published": "Your changes are live: {headline}",
    "changes_scheduled": "Your changes go live on {when}: {headline}",
    "changes_discarded": "Your changes were not published: {headline}",
}


@task
def send_notification(subject, body, recipients):
    """One message per recipient (nobody sees who else got it)."""
    return send_mass_mail([(subject, body, None, [to]) for to in recipients])


def notify(story, user, transition, previous):
    """After a save of `story` by `user`: e-mail whoever it concerns. `transition` is the
    status change the save made (or None), `previous` the revision before it (or None)."""
    kind = _event(story, transition, previous)
    if kind is None:
        return
    people = editors() if kind == "submitted" else reporters(story)
    _send(people, user, *_message(kind, story, user, transition))


def notify_changes(kind, story, user, pending, note=""):
    """A reporter's changes to live `story` (`pending`, the pending version): "submitted" tells
    the editors, with the word diff; "published", "scheduled" and "discarded" tell the one who
    submitted them and the story's reporters, with the editor's `note`."""
    if kind == "submitted":
        people = editors()
    else:
        people = [*reporters(story), *([pending.user] if pending.user else [])]
    when = _when(pending.go_live_at)
    subject = SUBJECTS["changes_" + kind].format(headline=story.headline, when=when)
    context = _context(kind, story, user, note) | {
        "when": when,
        "changes": text_diff(story, pending) if kind == "submitted" else "",
        "public_url": settings.SITE_URL + story.get_absolute_url() if kind == "published" else "",
    }
    _send(people, user, subject, render_to_string("articles/changes_notification.txt", context))


def _send(people, user, subject, body):
    """Queue `subject` and `body` for `people`, once the save commits: never to `user`, who
    did it, nor to anyone without an address or no longer active."""
    emails = sorted(
        {p.email for p in people if p.email and p.is_active and (user is None or p.pk != user.pk)}
    )
    if emails:
        transaction.on_commit(partial(send_notification.enqueue, subject, body, emails))


def editors():
    """Everyone who may publish: they review what is submitted."""
    # The model backend holds the roles' permissions (axes' backend only guards sign-in).
    return (
        get_user_model()
        .objects.with_perm(PUBLISH_PERMISSION, backend="django.contrib.auth.backends.ModelBackend")
        .filter(is_staff=True)
    )


def _event(story, transition, previous):
    Status = Story.Status
    if transition is not None and transition.from_status != transition.to_status:
        if transition.to_status == Status.IN_REVIEW:
            return "submitted"
        if transition.to_status == Status.DRAFT and transition.from_status:
            return "sent_back"
        if transition.to_status == Status.PUBLISHED:
            return "scheduled" if story.is_scheduled else "published"
        return None
    # Still published, at a new time: rescheduled, or published now ahead of its schedule.
    # (The form keeps whole seconds of a time it shows: a minute is a move, not a re-save.)
    if story.status != Status.PUBLISHED or previous is None:
        return None
    if not (previous.published_at and story.published_at):
        return None
    moved = abs(previous.published_at - story.published_at) >= timedelta(minutes=1)
    if moved and previous.status == Status.PUBLISHED:
        return "scheduled" if story.is_scheduled else "published"
    return None


def _when(moment):
    return formats.date_format(timezone.localtime(moment), r"j F Y \a\t H:i") if moment else ""


def _context(kind, story, user, note):
    return {
        "kind": kind,
        "story": story,
        "who": display_name(user) if user is not None else "Someone",
        "note": note,
        "admin_url": settings.SITE_URL + reverse("admin:articles_story_change", args=[story.pk]),
        "site_name": settings.SITE_NAME,
    }


def _message(kind, story, user, transition):
    when = _when(story.published_at)
    subject = SUBJECTS[kind].format(headline=story.headline, when=when)
    context = _context(kind, story, user, transition.note if transition is not None else "") | {
        "when": when,
        "public_url": settings.SITE_URL + story.get_absolute_url() if kind == "published" else "",
    }
    return subject, render_to_string("articles/story_notification.txt", context)
