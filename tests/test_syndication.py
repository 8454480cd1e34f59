"""Feeds, sitemaps and robots.txt: parseable, public stories only, the fields readers need."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Byline, Story
from tests.factories import make_author, make_section, make_story

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture
def newsroom():
    section = make_section(name="Business", slug="business")
    anna = make_author(name="Anna Petrova", slug="anna-petrova")
    olga = make_author(name="Olga Smirnova")
    public = make_story(headline="Public story", section=section, authors=[anna])
    Byline.objects.create(story=public, author=olga, role=Byline.Role.TRANSLATED, position=1)
    make_story(headline="Draft story", status=Story.Status.DRAFT, section=section, authors=[anna])
    make_story(
        headline="Scheduled story",
        section=section,
        authors=[anna],
        published_at=timezone.now() + timedelta(hours=2),
    )
    return {"section": section, "anna": anna, "public": public}


@pytest.mark.parametrize(
    "url", ["/feed/", "/sections/business/feed/", "/authors/anna-petrova/feed/"]
)
def test_feeds_parse_and_list_only_public_stories_with_all_authors(client, newsroom, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Public story"]
    entry = feed.entries[0]
    assert entry.link.endswith(newsroom["public"].get_absolute_url())
    assert {a["name"] for a in entry.authors} >= {"Anna Petrova", "Olga Smirnova"}
    assert entry.published_parsed and entry.updated_parsed


def test_feed_for_unknown_section_is_404(client):
    assert client.get("/sections/nope/feed/").status_code == 404


def test_feed_holds_at_most_50_stories(client):
    section = make_section()
    now = timezone.now()
    Story.objects.bulk_create(
        Story(
            headline=f"S{i}",
            slug=f"s-{i}",
            section=section,
            status=Story.Status.PUBLISHED,
            published_at=now - timedelta(minutes=i + 1),
        )
        for i in range(60)
    )
    assert len(feedparser.parse(client.get("/feed/").content).entries) == 50


def sitemap_urls(client):
    """{loc: <url> element} over every sitemap the index names."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    urls = {}
    for entry in index.findall("sm:sitemap", SITEMAP_NS):
        loc = entry.findtext("sm:loc", namespaces=SITEMAP_NS).removeprefix("http://testserver")
        response = client.get(loc)
        assert response.status_code == 200, loc
        root = ET.fromstring(response.content)
        urls |= {
            u.findtext("sm:loc", namespaces=SITEMAP_NS): u
            for u in root.findall("sm:url", SITEMAP_NS)
        }
    return urls


def test_sitemap_lists_public_stories_sections_and_authors_with_lastmod(client, newsroom):
    urls = sitemap_urls(client)
    locs = "\n".join(urls)
    assert newsroom["public"].get_absolute_url() in locs
    assert "/sections/business/" in locs and "/authors/anna-petrova/" in locs
    assert "draft-story" not in locs and "scheduled" not in locs.lower()
    assert all(u.findtext("sm:lastmod", namespaces=SITEMAP_NS) for u in urls.values())


def test_news_sitemap_has_only_the_last_two_days_with_publication_and_language(client, newsroom):
    make_story(headline="Old story", published_at=timezone.now() - timedelta(days=3))
    response = client.get("/news-sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    titles = [n.text for n in root.iterfind(".//news:title", SITEMAP_NS)]
    assert titles == ["Public story"]
    assert root.findtext(".//news:publication/news:name", namespaces=SITEMAP_NS)
    assert root.findtext(".//news:publication/news:language", namespaces=SITEMAP_NS) == "en"
    assert root.findtext(".//news:publication_date", namespaces=SITEMAP_NS)


def test_robots_txt_points_to_both_sitemaps(client):
    text = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/news-sitemap.xml" in text
    assert "Disallow: /admin/" in text
