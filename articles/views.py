"""Public pages: the front page, story pages and the section, tag and author pages."""

from itertools import groupby

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.db.models.query import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import Author, Byline, Section, Story, Tag, byline_prefetch

FRONT_PAGE_LATEST = 7
FRONT_PAGE_PER_SECTION = 3
PAGE_SIZE = 10


def home(request):
    published = Story.objects.published().select_related("section")
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
    return render(
        request,
        "articles/home.html",
        {"lead": latest[0] if latest else None, "latest": latest[1:], "section_blocks": blocks},
    )


def story_detail(request, year, month, day, slug):
    story = get_object_or_404(
        Story.objects.published().for_display().prefetch_related("tags"), slug=slug
    )
    if story.get_absolute_url() != request.path:
        return redirect(story, permanent=True)
    return render(request, "articles/story_detail.html", {"story": story})


@never_cache
@staff_member_required
def story_preview(request, pk):
    """Staff see any story as readers will, whatever its status. Never cached, never indexed."""
    story = get_object_or_404(Story.objects.for_display().prefetch_related("tags"), pk=pk)
    response = render(request, "articles/story_detail.html", {"story": story, "preview": True})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    return _story_list(request, section.stories.all(), {"section": section, "title": section.name})


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    return _story_list(request, tag.stories.all(), {"tag": tag, "title": tag.name})


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    stories = Story.objects.filter(pk__in=Byline.objects.filter(author=author).values("story"))
    return _story_list(request, stories, {"author": author, "title": author.name})


def _story_list(request, stories, context):
    stories = Story.objects.published().for_display().filter(pk__in=stories.values("pk"))
    paginator = Paginator(stories, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "articles/story_list.html", context | {"page": page, "now": timezone.now()}
    )
