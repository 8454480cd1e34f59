"""E-mail when a story needs someone: submitted for review (to the editors), sent back with
the note, and published or scheduled (to its reporters). Never to the person who did it.

`notify` is called from the one write path (`record_save`). The message is written there, and
sent by a task (Django's Tasks framework) enqueued once the transaction commits: a slow mail
server holds up the worker, never a save, and a save that rolls back sends nothing.
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
    emails = sorted(
        {p.email for p in people if p.email and p.is_active and (user is None or p.pk != user.pk)}
    )
    if not emails:
        return
    subject, body = _message(kind, story, user, transition)
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


def _message(kind, story, user, transition):
    who = display_name(user) if user is not None else "Someone"
    when = formats.date_format(timezone.localtime(story.published_at), r"j F Y \a\t H:i") if (
        story.published_at
    ) else ""  # fmt: skip
    subject = {
        "submitted": f"For review: {story.headline}",
        "sent_back": f"Sent back to you: {story.headline}",
        "published": f"Published: {story.headline}",
        "scheduled": f"Scheduled for {when}: {story.headline}",
    }[kind]
    admin_path = reverse("admin:articles_story_change", args=[story.pk])
    context = {
        "kind": kind,
        "story": story,
        "who": who,
        "when": when,
        "note": transition.note if transition is not None else "",
        "admin_url": settings.SITE_URL + admin_path,
        "public_url": settings.SITE_URL + story.get_absolute_url() if kind == "published" else "",
        "site_name": settings.SITE_NAME,
    }
    return subject, render_to_string("articles/story_notification.txt", context)
