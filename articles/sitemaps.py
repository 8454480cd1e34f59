"""Sitemaps for search engines: an index (sitemap.xml) naming every page of every sitemap
(stories, sections, authors), and the Google News sitemap of the last two days."""

from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage
from django.db import connections
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from .models import Author, FacetListing, Section, Story

NEWS_SITEMAP_WINDOW = timedelta(days=2)


class IdRangePaginator:
    """Pages of stories by id range: page n holds the public stories with ids from
    (n - 1) * size to n * size - 1, so a page never changes as newer stories arrive, never
    holds more than `size`, and reading any page is one index range scan, however large the
    archive (an OFFSET would walk every earlier story). A page may hold fewer than `size`
    (drafts and withdrawn stories leave gaps), and is empty, not missing, if all are gone."""

    def __init__(self, stories, size):
        self.stories, self.size = stories, size

    @cached_property
    def num_pages(self):
        last = Story.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return max(1, last // self.size + 1)

    def page(self, number):
        number = int(number)
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results")
        low, high = (number - 1) * self.size, number * self.size
        return SimpleNamespace(object_list=self.stories.filter(pk__gte=low, pk__lt=high))


class StorySitemap(Sitemap):
    """Every public story, oldest first, in pages of SITEMAP_PAGE_SIZE (settings)."""

    changefreq = "daily"

    @property
    def limit(self):
        return settings.SITEMAP_PAGE_SIZE

    def items(self):
        return Story.objects.published().only("slug", "published_at", "updated_at").order_by("pk")

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def lastmod(self, story):
        return story.updated_at or story.published_at

    def get_latest_lastmod(self):
        """The latest change of any public story: its publication or its update, each the
        first public row of an index walk (never a scan of the archive)."""
        published = Story.objects.published()
        times = [
            published.order_by("-published_at").values_list("published_at", flat=True).first(),
            published.filter(updated_at__isnull=False)
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first(),
        ]
        times = [t for t in times if t is not None]
        return max(times) if times else None


def latest_public(**lookup):
    """The newest public story's time for each row of an outer query (a subquery)."""
    stories = Story.objects.published().filter(**lookup).order_by("-published_at")
    return Subquery(stories.values("published_at")[:1])


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        latest = latest_public(section=OuterRef("pk"))
        return Section.objects.annotate(latest=latest).filter(latest__isnull=False)

    def lastmod(self, section):
        return section.latest


class AuthorSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        if connections[Author.objects.db].vendor == "postgresql":
            # Each author's newest story from FacetListing's index: one short walk each.
            rows = FacetListing.objects.published().filter(kind="author", facet_id=OuterRef("pk"))
            latest = Subquery(rows.order_by("-published_at").values("published_at")[:1])
        else:
            latest = latest_public(bylines__author=OuterRef("pk"))
        return Author.objects.annotate(latest=latest).filter(latest__isnull=False)

    def lastmod(self, author):
        return author.latest


SITEMAPS = {"stories": StorySitemap, "sections": SectionSitemap, "authors": AuthorSitemap}


def news_sitemap(request):
    """Google News sitemap: published stories of the last two days only."""
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    stories = Story.objects.published().filter(published_at__gte=since).order_by("-published_at")
    return render(
        request,
        "articles/news_sitemap.xml",
        {
            "stories": stories[:1000],
            "publication": settings.SITE_NAME,
            "language": settings.LANGUAGE_CODE.split("-")[0],
            "base": request.build_absolute_uri("/")[:-1],
        },
        content_type="application/xml",
    )


def robots_txt(request):
    """Crawlers may read everything public; admin and previews are off limits."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('news-sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
