"""Public pages: the front page, story pages and the section, tag and author pages."""

from itertools import groupby

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import RowNumber
from django.db.models.query import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from . import listing
from .caching import public_page
from .models import (
    Correction,
    Quote,
    Source,
    SourceListing,
    Story,
    byline_prefetch,
    confirmed_quotes_prefetch,
    quoted_sources,
)

FRONT_PAGE_LATEST = 7
FRONT_PAGE_PER_SECTION = 3
PAGE_SIZE = 10
CORRECTIONS_PAGE_SIZE = 25


@public_page
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


@public_page
def story_detail(request, year, month, day, slug):
    corrected = Correction.objects.filter(story=OuterRef("pk"))
    story = get_object_or_404(
        Story.objects.published()
        .for_display()
        .prefetch_related("tags", confirmed_quotes_prefetch())
        .annotate(has_corrections=Exists(corrected)),
        slug=slug,
    )
    if story.get_absolute_url() != request.path:
        return redirect(story, permanent=True)
    # Most stories have no corrections: then an empty prefetch spares the query.
    corrections = Correction.objects.all() if story.has_corrections else Correction.objects.none()
    prefetch_related_objects([story], Prefetch("corrections", queryset=corrections))
    return render(
        request,
        "articles/story_detail.html",
        {"story": story, "quoted": quoted_sources(story.confirmed_quotes)},
    )


@never_cache
@staff_member_required
def story_preview(request, pk):
    """Staff see any story as readers will, whatever its status. Never cached, never indexed."""
    story = get_object_or_404(
        Story.objects.for_display().prefetch_related(
            "tags", confirmed_quotes_prefetch(), "corrections"
        ),
        pk=pk,
    )
    context = {"story": story, "preview": True, "quoted": quoted_sources(story.confirmed_quotes)}
    response = render(request, "articles/story_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@public_page
def story_list(request):
    """The archive and search: every published story, filtered (see filters.py, listing.py)."""
    return listing.respond(request)


@public_page
def section_detail(request, slug):
    """A section's page: the listing with that section filter applied."""
    return listing.respond(request, fixed={"section": slug})


@public_page
def tag_detail(request, slug):
    return listing.respond(request, fixed={"tag": slug})


@public_page
def author_detail(request, slug):
    return listing.respond(request, fixed={"author": slug})


@public_page
def source_detail(request, slug):
    """A source and every published story quoting them (confirmed quotes), newest first.

    Only sources quoted in a published story have a page: a source known only from drafts
    must not reveal what the newsroom is working on. Three queries whatever the numbers: the
    page of stories carries the total (a subquery), and the source arrives with its quotes.
    """
    quotes = Quote.objects.confirmed().filter(source__slug=slug)
    # Which stories, and how many: from SourceListing's index in date order (the source's
    # own rows), not by checking every public story against the quotes (issue 5).
    listed = SourceListing.objects.published().filter(
        source_id__in=Source.objects.filter(slug=slug).values("pk")
    )
    stories = (
        Story.objects.published()
        .for_display()
        .filter(pk__in=listed.values("story_id"))
        .prefetch_related(
            Prefetch(
                "quotes",
                queryset=quotes.select_related("source").order_by("position", "pk"),
                to_attr="source_quotes",
            )
        )
    )
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    page_ids = listed.order_by("-published_at", "-story_id").values("story_id")
    total = listed.order_by().values("source_id").annotate(n=Count("pk")).values("n")
    found = list(
        stories.filter(pk__in=page_ids[start : start + PAGE_SIZE]).annotate(total=Subquery(total))
    )
    if found:
        paginator = Paginator(stories, PAGE_SIZE)
        paginator.count = found[0].total  # known already: spare Paginator its COUNT query
        page = Page(found, number, paginator)
    elif number > 1:  # past the last page: show the last one, as Paginator.get_page does
        page = Paginator(stories, PAGE_SIZE).get_page(number)
    else:
        page = None
    if page is None or not page.object_list:
        raise Http404("No published story quotes this source.")
    source = page.object_list[0].source_quotes[0].source
    for story in page.object_list:
        # How each story described the source, said once rather than under every quote.
        story.source_described_as = list(
            dict.fromkeys(q.described_as for q in story.source_quotes if q.described_as)
        )
    return render(request, "articles/source_detail.html", {"source": source, "page": page})


@public_page
def correction_list(request):
    """Every correction and clarification on a public story, newest first."""
    corrections = Correction.objects.public().select_related("story__section")
    page = Paginator(corrections, CORRECTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/correction_list.html", {"page": page})
