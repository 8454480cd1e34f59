"""Moving stories between draft, review, published and withdrawn, on the record."""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import Story, Transition
from .revisions import ensure_baseline, snapshot

PUBLISH_PERMISSION = "articles.publish_story"
# Statuses only people with the publish permission may set.
PUBLISHER_STATUSES = {Story.Status.PUBLISHED, Story.Status.WITHDRAWN}


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def is_own_story(user, story):
    """Started by `user`, or carrying their byline."""
    if story.created_by_id == user.pk:
        return True
    return story.bylines.filter(author__user=user).exists()


def reporters(story):
    """The people a story belongs to: its bylined staff, then whoever started it (no repeats)."""
    people = [byline.author.user for byline in story.bylines.select_related("author__user")]
    people.append(story.created_by)
    return list({user.pk: user for user in people if user is not None}.values())


def display_name(user):
    return user.get_full_name() or user.get_username()


def may_edit(user, story):
    """Publishers edit any story; everyone else only their own drafts (`editable` as a query)."""
    if can_publish(user):
        return True
    return story.status == Story.Status.DRAFT and is_own_story(user, story)


# The same rules as queries, for lists of stories and of what hangs off them (quotes). `via` is
# the path from the listed model to its story ("story__"); publishers get Q(), no filter at all.


def openable(user, via=""):
    """The stories `user` may open in the admin: publishers every one; everyone else the
    published ones and their own (started by them, or carrying their byline)."""
    if can_publish(user):
        return Q()
    return Q(**{f"{via}status": Story.Status.PUBLISHED}) | Q(**{f"{via}pk__in": _own(user)})


def editable(user, via=""):
    """The stories `may_edit` lets `user` change: publishers every one, others their drafts."""
    if can_publish(user):
        return Q()
    return Q(**{f"{via}status": Story.Status.DRAFT, f"{via}pk__in": _own(user)})


def _own(user):
    # A subquery, so a story with two of the user's bylines is still one row.
    return Story.objects.filter(Q(created_by=user) | Q(bylines__author__user=user)).values("pk")


def record_transition(story, user, from_status, to_status, note=""):
    if from_status == to_status:
        return None
    return Transition.objects.create(
        story=story,
        user=user if user is not None and user.is_authenticated else None,
        from_status=from_status or "",
        to_status=to_status,
        note=note,
    )


@transaction.atomic
def change_status(stories, to_status, user, note=""):
    """Move each story to `to_status` (the admin's publish and withdraw actions).

    Each story gets a transition and a revision, and its version goes up so an editor with the
    story open cannot save a stale status over this one. Returns the number of stories moved.
    """
    now = timezone.now()
    moved = 0
    # The admin's queryset may be DISTINCT (a search across bylines), which cannot be locked:
    # lock the same stories by primary key, in a fixed order so two actions cannot deadlock.
    pks = list(stories.values_list("pk", flat=True))
    locked = Story.objects.filter(pk__in=pks).order_by("pk").select_for_update()
    for story in locked.select_related("section"):
        if story.status == to_status:
            continue
        ensure_baseline(story.pk)
        from_status = story.status
        changes = {"status": to_status, "version": F("version") + 1, "modified": now}
        if to_status == Story.Status.PUBLISHED and story.published_at is None:
            changes["published_at"] = now
        if to_status == Story.Status.PUBLISHED and story.withdraw_at and story.withdraw_at <= now:
            changes["withdraw_at"] = None  # publishing means "on the site now"
        Story.objects.filter(pk=story.pk).update(**changes)
        story.refresh_from_db()
        record_transition(story, user, from_status, to_status, note)
        snapshot(story, user, summary=f"{Story.Status(to_status).label} from the story list")
        moved += 1
    return moved
