"""Sitemaps for search engines, and the Google News sitemap of the last two days."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .models import Author, Section, Story

NEWS_SITEMAP_WINDOW = timedelta(days=2)


class StorySitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Story.objects.published().only("slug", "published_at", "updated_at", "modified")

    def lastmod(self, story):
        return story.updated_at or story.published_at


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
