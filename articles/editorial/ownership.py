"""Who a story belongs to, and who may open, edit and publish it: the rules, and the same
rules as queries for lists of stories and of what hangs off them (quotes).

Publishers (the publish permission: editors) may do anything; everyone else opens published
stories and their own, and edits their own drafts. The workflow (workflow.py), the admin and
the notifications (notifications.py) all ask here.
"""

from django.db.models import Q

from ..models import Story

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
