"""Sitemaps for search engines: an index (sitemap.xml) naming every page of every sitemap
(stories, sections, authors), each page with its own lastmod, and the Google News sitemap of
the last two days."""

from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage
from django.db import connections
from django.db.models import F, Max, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from .models import Author, FacetListing, Section, Story
from .models.stories import SITEMAP_BUCKET

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

    def page_lastmods(self, num_pages):
        """{page number: the newest publication or update among its public stories}.

        One query. On PostgreSQL, per SITEMAP_BUCKET ids, two short walks of the bucket's
        indexes (newest publication, newest update: story_sitemap_*_idx), so the index costs
        what its number of pages costs, not what the stories do. SQLite groups the stories.
        """
        size = self.limit
        if size % SITEMAP_BUCKET:
            raise ValueError(f"SITEMAP_PAGE_SIZE must be a multiple of {SITEMAP_BUCKET:,}")
        if connections[Story.objects.db].vendor == "postgresql":
            rows = bucket_lastmods(num_pages * size // SITEMAP_BUCKET)
        else:
            rows = (
                Story.objects.published()
                .annotate(bucket=F("pk") / SITEMAP_BUCKET)
                .order_by()
                .values_list("bucket")
                .annotate(Max("published_at"), Max("updated_at"))
            )
        pages = {}
        for bucket, *times in rows:
            times = [t for t in times if t is not None]
            page = bucket * SITEMAP_BUCKET // size + 1
            if times and (page not in pages or max(times) > pages[page]):
                pages[page] = max(times)
        return pages

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


def bucket_lastmods(buckets):
    """[(bucket, newest publication, newest update)] of public stories, bucket by bucket."""
    walks, params = [], [buckets - 1]
    for field in ("published_at", "updated_at"):
        # The expression of the bucket's index (models/stories.py), so this is its index scan.
        newest = (
            Story.objects.published()
            .alias(bucket=F("pk") / SITEMAP_BUCKET)
            .filter(bucket=RawSQL("b.n", []), **{f"{field}__isnull": False})
            .order_by("bucket", F(field).desc())
            .values(field)[:1]
        )
        sql, walk_params = newest.query.sql_with_params()
        walks.append(sql)
        params += walk_params
    sql = f"""SELECT b.n, p.published_at, u.updated_at
        FROM generate_series(0, %s) AS b (n)
        LEFT JOIN LATERAL ({walks[0]}) AS p ON TRUE
        LEFT JOIN LATERAL ({walks[1]}) AS u ON TRUE"""
    with connections[Story.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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

    def get_latest_lastmod(self):
        """The newest public story's time (every story has a section): one index probe, not
        one per section."""
        return newest(Story.objects.published())


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

    def get_latest_lastmod(self):
        """The newest public story with a byline: one index probe, not one per author."""
        if connections[Author.objects.db].vendor == "postgresql":
            return newest(FacetListing.objects.published().filter(kind="author"))
        return newest(Story.objects.published().filter(bylines__isnull=False))


def newest(rows):
    return rows.order_by("-published_at").values_list("published_at", flat=True).first()


SITEMAPS = {"stories": StorySitemap, "sections": SectionSitemap, "authors": AuthorSitemap}


@x_robots_tag
def sitemap_index(request, sitemaps, sitemap_url_name):
    """Django's sitemap index, but each page of a sitemap that knows its pages' lastmods
    (StorySitemap.page_lastmods) gets its own: a crawler then re-reads only the pages that
    changed. (Last-Modified comes from the page cache, as on every public page.)"""
    domain = get_current_site(request).domain
    items = []
    for name, site in sitemaps.items():
        site = site()
        url = f"{site.protocol or request.scheme}://{domain}"
        url += reverse(sitemap_url_name, kwargs={"section": name})
        num_pages = site.paginator.num_pages
        if hasattr(site, "page_lastmods"):
            pages = site.page_lastmods(num_pages)
        else:
            pages = dict.fromkeys(range(1, num_pages + 1), site.get_latest_lastmod())
        for number in range(1, num_pages + 1):
            location = url if number == 1 else f"{url}?p={number}"
            items.append(SitemapIndexItem(location, pages.get(number)))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml"
    )


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
