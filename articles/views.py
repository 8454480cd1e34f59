"""Public pages: the front page, story pages and the section, tag and author pages."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.db.models.query import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from . import front
from .addresses import moved_or_gone
from .appeals import selection as appeals
from .caching import declare, public_page
from .caching.invalidation import CORRECTIONS, FRONT, STORIES, facet, story_page
from .listing import page as listing
from .listing.filters import PARAMETERS
from .models import (
    Correction,
    Story,
    confirmed_quotes_prefetch,
    quoted_sources,
)

PAGE_SIZE = 10
CORRECTIONS_PAGE_SIZE = 25


@public_page(surfaces=[STORIES, FRONT])
def home(request):
    """The front page as the editors arranged it (articles/front.py), newest stories filling
    whatever they left open."""
    return render_front(request, front.arrangement())


def render_front(request, arrangement, preview=False):
    context = arrangement | {"preview": preview}
    return render(request, "articles/home.html", context | appeals.in_context(request))


@public_page
def story_detail(request, year, month, day, slug):
    corrected = Correction.objects.filter(story=OuterRef("pk"))
    try:
        story = get_object_or_404(
            Story.objects.published()
            .for_display()
            .prefetch_related("tags", confirmed_quotes_prefetch())
            .annotate(has_corrections=Exists(corrected)),
            slug=slug,
        )
    except Http404:
        return moved_or_gone(request, year, month, day, slug)
    if story.get_absolute_url() != request.path:
        # Another day's story with this slug: the address may be a former one of another story.
        return moved_or_gone(request, year, month, day, slug)
    # Most stories have no corrections: then an empty prefetch spares the query.
    corrections = Correction.objects.all() if story.has_corrections else Correction.objects.none()
    prefetch_related_objects([story], Prefetch("corrections", queryset=corrections))
    quoted = quoted_sources(story.confirmed_quotes)
    tag_ids = [tag.pk for tag in story.tags.all()]
    source_ids = list(dict.fromkeys(q.source_id for q in story.confirmed_quotes if q.source_id))
    related = front.related_stories(story, tag_ids, source_ids)
    # The related block shows other stories and draws on the story's tags and sources.
    declare(
        request,
        story_page(story),
        *(story_page(other) for other in related),
        *(facet("tag", pk) for pk in tag_ids),
        *(facet("source", pk) for pk in source_ids),
    )
    context = {"story": story, "quoted": quoted, "related_stories": related}
    return render(
        request, "articles/story_detail.html", context | appeals.in_context(request, story=story)
    )


@never_cache
@staff_member_required
def story_preview(request, pk):
    """A story as readers will see it, whatever its status, for the staff who may open it in
    the admin: the story admin's own permission and queryset decide (reporters: published
    stories and their own). Never cached, never indexed."""
    story_admin = admin.site.get_model_admin(Story)
    if not story_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    story = get_object_or_404(
        Story.objects.for_display()
        .prefetch_related("tags", confirmed_quotes_prefetch(), "corrections")
        .filter(pk__in=story_admin.get_queryset(request).values("pk")),
        pk=pk,
    )
    if not story_admin.has_view_or_change_permission(request, story):
        raise PermissionDenied
    context = {"story": story, "preview": True, "quoted": quoted_sources(story.confirmed_quotes)}
    response = render(request, "articles/story_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


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
