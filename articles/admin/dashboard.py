"""The editors' dashboard, on the admin's front page (newsroom/admin.py puts it there): what is
waiting for review (longest first: stories, and reporters' changes to live stories), what goes
live later today, my drafts and what went out lately, each with its count.

Everyone sees the stories the story admin lets them see (a reporter: published ones and their
own). The page costs a fixed number of queries: one for all four counts, one per list and one
for the lists' bylines, however many stories there are.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.query import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from ..editorial.ownership import can_publish
from ..models import Revision, Story, Transition, byline_prefetch, public_q

PANEL_SIZE = 8
RECENT_DAYS = 7


@dataclass
class Panel:
    key: str
    title: str
    note: str
    empty: str
    url: str
    count: int = 0
    stories: list = field(default_factory=list)


def desk(site, request):
    """The dashboard's panels, or None for someone who works on no stories (appeals staff)."""
    story_admin = site._registry.get(Story)
    if story_admin is None or not story_admin.has_view_permission(request):
        return None
    user, now = request.user, timezone.now()
    stories = story_admin.get_queryset(request).prefetch_related(None).select_related("section")
    tomorrow = timezone.localdate() + timedelta(days=1)
    tomorrow = timezone.make_aware(datetime.combine(tomorrow, time()))  # the day ends there
    mine = Story.objects.filter(Q(created_by=user) | Q(bylines__author__user=user)).values("pk")
    changes = Revision.pending_versions.filter(story=OuterRef("pk"), submitted=True)
    conditions = {
        "review": Q(status=Story.Status.IN_REVIEW) | Q(Exists(changes)),
        "today": Q(status=Story.Status.PUBLISHED, published_at__gt=now, published_at__lt=tomorrow),
        "drafts": Q(status=Story.Status.DRAFT, pk__in=mine),
        "recent": public_q(now) & Q(published_at__gte=now - timedelta(days=RECENT_DAYS)),
    }
    counts = stories.aggregate(**{k: Count("pk", filter=q) for k, q in conditions.items()})
    changelist = reverse("admin:articles_story_changelist")
    panels = [
        Panel("review", "In review", "Longest waiting first.", "Nothing is waiting for review.",
              reverse("admin:articles_story_review") if can_publish(user)
              else f"{changelist}?status__exact=review"),
        Panel("today", "Scheduled for today", "Going live later today, soonest first.",
              "Nothing is scheduled for later today.", f"{changelist}?schedule=scheduled"),
        Panel("drafts", "My drafts", "Yours, last changed first.", "You have no drafts.",
              f"{changelist}?status__exact=draft"),
        Panel("recent", "Recently published", f"Live, published in the last {RECENT_DAYS} days.",
              f"Nothing was published in the last {RECENT_DAYS} days.",
              f"{changelist}?schedule=live"),
    ]  # fmt: skip
    lists = {
        "review": stories.filter(conditions["review"])
        .annotate(
            submitted_at=Coalesce(
                _last_move_to(Story.Status.IN_REVIEW, "created", new=True),
                Subquery(changes.values("created")[:1]),
            )
        )
        .order_by(F("submitted_at").asc(nulls_first=True), "pk"),
        "today": stories.filter(conditions["today"]).order_by("published_at", "pk"),
        "drafts": stories.filter(conditions["drafts"])
        .annotate(sent_back_note=_last_move_to(Story.Status.DRAFT, "note"))
        .order_by("-modified", "-pk"),
        "recent": stories.filter(conditions["recent"]).order_by("-published_at", "-pk"),
    }
    for panel in panels:
        panel.count = counts[panel.key]
        panel.stories = list(lists[panel.key][:PANEL_SIZE]) if panel.count else []
    prefetch_related_objects([s for p in panels for s in p.stories], byline_prefetch())
    return panels


def _last_move_to(status, value, new=False):
    """`value` of the story's latest move into `status` from another one (`new`: or from
    nothing, a story created in that status)."""
    moves = Transition.objects.filter(story=OuterRef("pk"), to_status=status).exclude(
        from_status__in=[status] if new else ["", status]
    )
    return Subquery(moves.order_by("-created", "-pk").values(value)[:1])
