"""Public pages: the front page, story pages and the section, tag and author pages."""

from itertools import groupby

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Window
from django.db.models.functions import RowNumber
from django.db.models.query import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from .addresses import moved_or_gone
from .appeals import selection as appeals
from .caching import declare, public_page
from .caching.invalidation import CORRECTIONS, STORIES, story_page
from .listing import page as listing
from .listing.filters import PARAMETERS
from .models import (
    Correction,
    Story,
    byline_prefetch,
    confirmed_quotes_prefetch,
    quoted_sources,
)

FRONT_PAGE_LATEST = 7
FRONT_PAGE_PER_SECTION = 3
PAGE_SIZE = 10
CORRECTIONS_PAGE_SIZE = 25


@public_page(surfaces=[STORIES])
def home(request):
    published = Story.objects.published().select_related("section", "lead_image")
    latest = list(published[:FRONT_PAGE_LATEST])
    # One query for every section block: number each section's stories, keep the first few.
    ranked = list(
        published.exclude(pk__in=[story.pk for story in latest])
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("section_id"), order_by=F("published_at").desc()
            )
        )
        .filter(rank__lte=FRONT_PAGE_PER_SECTION)
        .order_by("section__position", "section__name", "rank")
    )
    prefetch_related_objects(latest + ranked, byline_prefetch())
    blocks = [(section, list(stories)) for section, stories in groupby(ranked, lambda s: s.section)]
    context = {
        "lead": latest[0] if latest else None,
        "latest": latest[1:],
        "section_blocks": blocks,
    }
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
    declare(request, story_page(story))
    context = {"story": story, "quoted": quoted_sources(story.confirmed_quotes)}
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
