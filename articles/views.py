"""Public pages: the front page, story pages and the section, tag and author pages."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache

from . import front, live_blog
from .addresses import moved_or_gone
from .appeals import selection as appeals
from .caching import cdn, declare, public_page
from .caching.invalidation import CORRECTIONS, FRONT, STORIES
from .caching.invalidation import story_page as story_surface
from .editorial import pending
from .listing import page as listing
from .listing.filters import PARAMETERS
from .models import (
    Correction,
    Story,
)
from .snapshots import story_page

PAGE_SIZE = 10
CORRECTIONS_PAGE_SIZE = 25


@public_page(surfaces=[STORIES, FRONT])
def home(request):
    """The front page as the editors arranged it (articles/front.py), newest stories filling
    whatever they left open."""
    return render_front(request, front.front_page(request))


def render_front(request, arrangement, preview=False):
    context = arrangement | {"preview": preview}
    return render(request, "articles/home.html", context | appeals.in_context(request))


@public_page
def story_detail(request, year, month, day, slug):
    """A story's page, from its snapshot (articles/snapshots); other addresses of the story
    redirect, a withdrawn story's answers 410."""
    return story_page.serve(request, slug) or moved_or_gone(request, year, month, day, slug)


@never_cache
@staff_member_required
def story_preview(request, pk):
    """A story as readers will see it, whatever its status, for the staff who may open it in
    the admin: the story admin's own permission and queryset decide (reporters: published
    stories and their own). Never cached, never indexed."""
    story_admin = admin.site.get_model_admin(Story)
    if not story_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    story = story_page.load(
        Story.objects.filter(pk__in=story_admin.get_queryset(request).values("pk"), pk=pk)
    )
    if story is None:
        raise Http404("No story to preview here.")
    if not story_admin.has_view_or_change_permission(request, story):
        raise PermissionDenied
    version = pending.pending_version(story)
    if version is not None:
        pending.show(story, version)  # staff preview the words readers do not see yet
    context = story_page.context(story) | {"preview": True, "pending": version}
    response = render(request, story_page.TEMPLATE, context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@public_page
def live_updates(request, pk):
    """The updates of a live story, for readers' open pages to poll (live.js). Cached and
    validated like every public page: a poll that finds nothing new is a 304 from the cache."""
    story = get_object_or_404(
        Story.objects.published()
        .filter(live_since__isnull=False)
        .only("pk", "live_since", "live_until", "status", "published_at", "withdraw_at"),
        pk=pk,
    )
    declare(request, story_surface(story))
    response = render(
        request,
        "articles/live_partials.html#updates",
        {"story": story} | story_page.live_blog_context(story),
    )
    # Short for browsers and proxies that are not purged; the CDN is purged on every update.
    patch_cache_control(response, public=True, max_age=story_page.LIVE_POLL_SECONDS // 2,
                        **cdn.shared_max_age())  # fmt: skip
    return response


@public_page(params=["before"])
def live_older(request, pk):
    """Older updates of a live blog, a page at a time from a cursor (live_blog.py): for
    readers without JavaScript a page of its own, and for live.js the updates it adds under
    the ones the story page shows."""
    story = get_object_or_404(Story.objects.published().filter(live_since__isnull=False).only(
        "pk", "headline", "slug", "live_since", "live_until", "status", "published_at",
        "withdraw_at",
    ), pk=pk)  # fmt: skip
    declare(request, story_surface(story))
    try:
        before = live_blog.parse_cursor(request.GET.get("before"))
    except ValueError:
        context = {"story": story, "error": True} | appeals.in_context(request)
        return render(request, "articles/live_older.html", context, status=400)
    page = live_blog.older_page(story, before)
    context = {"story": story, "updates": page.updates, "older_url": page.older}
    return render(request, "articles/live_older.html", context | appeals.in_context(request))


@public_page(params=PARAMETERS)
def story_list(request):
    """The archive and search: every published story, filtered (see filters.py, listing.py)."""
    return listing.respond(request)


@public_page(params=PARAMETERS)
def section_detail(request, slug):
    """A section's page: the listing with that section filter applied."""
    return listing.respond(request, fixed={"section": slug})


@public_page(params=PARAMETERS)
def tag_detail(request, slug):
    return listing.respond(request, fixed={"tag": slug})


@public_page(params=PARAMETERS)
def author_detail(request, slug):
    return listing.respond(request, fixed={"author": slug})


@public_page(params=PARAMETERS)
def source_detail(request, slug):
    """A source's page: the listing with that source pinned, each story with its quotes."""
    return listing.respond(request, fixed={"source": slug})


@public_page(surfaces=[STORIES, CORRECTIONS], params=["page"])
def correction_list(request):
    """Every correction and clarification on a public story, newest first."""
    corrections = Correction.objects.public().select_related("story__section")
    page = Paginator(corrections, CORRECTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "articles/correction_list.html", {"page": page} | appeals.in_context(request)
    )
