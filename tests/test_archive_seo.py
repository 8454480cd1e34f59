"""Search engines and readers at archive scale (issue 15): sitemaps covering every story,
valid `<time datetime>` values, the publisher's logo, one dc:creator per author, tag feeds,
feeds linked from their pages, and the favicon."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Byline, Story
from tests.factories import make_author, make_section, make_story, make_tag

pytestmark = pytest.mark.django_db
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# HTML's valid global date and time string (at most three digits of fraction).
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d)$")


def test_the_sitemap_index_names_pages_that_cover_every_story(client, settings):
    settings.SITEMAP_PAGE_SIZE = 5_000
    section = make_section()
    now = timezone.now()
    Story.objects.bulk_create(
        Story(headline=f"S{i}", slug=f"s-{i}", section=section, status=Story.Status.PUBLISHED,
              published_at=now - timedelta(minutes=i + 1))
        for i in range(12_000)
    )  # fmt: skip
    Story.objects.filter(slug="s-7").update(status=Story.Status.DRAFT)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    pages = [e.findtext("sm:loc", namespaces=NS) for e in index.findall("sm:sitemap", NS)]
    story_pages = [p for p in pages if "sitemap-stories" in p]
    # Pages of 5,000 ids: 3 for ids 1 to 12,000 (on PostgreSQL the ids go on from earlier tests).
    last_id = Story.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert len(story_pages) == last_id // 5_000 + 1 >= 3
    assert all(
        e.findtext("sm:lastmod", namespaces=NS)
        for e in index.findall("sm:sitemap", NS)
        if "sitemap-stories" in e.findtext("sm:loc", namespaces=NS)
    )
    locs = []
    for page in story_pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.removeprefix("http://testserver"))
        assert response.status_code == 200
        assert len(queries) <= 3  # bounded: the last id, then one index range
        root = ET.fromstring(response.content)
        urls = root.findall("sm:url", NS)
        assert all(u.findtext("sm:lastmod", namespaces=NS) for u in urls)
        locs += [u.findtext("sm:loc", namespaces=NS) for u in urls]
    assert len(locs) == len(set(locs)) == 11_999  # every public story once, not the draft
    assert not any(loc.endswith("/s-7/") for loc in locs)
    assert client.get(f"/sitemap-stories.xml?p={len(story_pages) + 1}").status_code == 404
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").text


def test_sitemap_lastmod_is_the_latest_update(client, settings):
    story = make_story(published_at=timezone.now() - timedelta(days=3))
    updated = timezone.now() - timedelta(hours=2)
    Story.objects.filter(pk=story.pk).update(updated_at=updated)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    page = story.pk // settings.SITEMAP_PAGE_SIZE + 1  # the page of the story's id range
    stories = next(
        e
        for e in index.findall("sm:sitemap", NS)
        if e.findtext("sm:loc", namespaces=NS).endswith(
            "/sitemap-stories.xml" + (f"?p={page}" if page > 1 else "")
        )
    )
    assert stories.findtext("sm:lastmod", namespaces=NS).startswith(
        updated.strftime("%Y-%m-%dT%H:%M")
    )


def test_the_section_and_author_sitemaps_lastmod_is_their_newest_public_story(client):
    """One probe each (SectionSitemap, AuthorSitemap.get_latest_lastmod), not one per section
    or author; a scheduled story and a story with no byline are not theirs."""
    now = timezone.now()
    anna = make_author(name="Anna", slug="anna")
    make_story(authors=[anna], published_at=now - timedelta(days=2))
    unsigned = make_story(published_at=now - timedelta(days=1))
    make_story(authors=[anna], published_at=now + timedelta(hours=1))  # scheduled
    index = ET.fromstring(client.get("/sitemap.xml").content)
    lastmods = {
        e.findtext("sm:loc", namespaces=NS).rsplit("/", 1)[-1]: e.findtext("sm:lastmod", None, NS)
        for e in index.findall("sm:sitemap", NS)
    }
    assert lastmods["sitemap-sections.xml"] == unsigned.published_at.isoformat()
    assert lastmods["sitemap-authors.xml"] == (now - timedelta(days=2)).isoformat()


def test_each_page_of_the_sitemap_index_has_the_lastmod_of_its_own_stories(
    client, settings, django_assert_max_num_queries
):
    settings.SITEMAP_PAGE_SIZE = 1_000
    section, now = make_section(), timezone.now().replace(microsecond=0)
    first = 1 + (Story.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    base = (first // 1_000 + 1) * 1_000  # ids from here: pages base/1000 + 1, + 2, + 3

    def story(offset, published, **fields):
        fields.setdefault("status", Story.Status.PUBLISHED)
        return Story(id=base + offset, headline=f"S{offset}", slug=f"s-{offset}", section=section,
                     published_at=now - published, **fields)  # fmt: skip

    Story.objects.bulk_create([
        story(10, timedelta(days=5)),
        story(20, timedelta(days=3), updated_at=now - timedelta(days=1)),  # newest change: page 1
        story(1_500, timedelta(days=2)),
        story(1_600, timedelta(days=9), status=Story.Status.DRAFT, updated_at=now),  # not public
        story(2_500, timedelta(days=10)),
        story(2_600, -timedelta(days=1)),  # scheduled: its time is no change yet
        story(2_700, timedelta(days=20), withdraw_at=now - timedelta(days=1)),  # gone
    ])  # fmt: skip
    # However many pages: for the stories the last id, then one walk (the rest: sections,
    # authors, the header's strip and sections).
    with django_assert_max_num_queries(8):
        response = client.get("/sitemap.xml")
    index = ET.fromstring(response.content)
    lastmods = {
        e.findtext("sm:loc", namespaces=NS): e.findtext("sm:lastmod", namespaces=NS)
        for e in index.findall("sm:sitemap", NS)
    }
    page = base // 1_000 + 1
    url = "http://testserver/sitemap-stories.xml?p={}"
    assert lastmods[url.format(page)] == (now - timedelta(days=1)).isoformat()
    assert lastmods[url.format(page + 1)] == (now - timedelta(days=2)).isoformat()
    assert lastmods[url.format(page + 2)] == (now - timedelta(days=10)).isoformat()
    assert len(set(lastmods.values())) > 1


def test_every_time_element_has_a_valid_datetime(client):
    section, tag, author = make_section(slug="world"), make_tag(slug="t"), make_author()
    story = make_story(section=section, tags=[tag], authors=[author],
                       published_at=timezone.now().replace(microsecond=123456) - timedelta(hours=1),
                       updated_at=timezone.now().replace(microsecond=654321))  # fmt: skip
    for url in ["/", story.get_absolute_url(), "/stories/", "/sections/world/", "/tags/t/"]:
        values = re.findall(r'<time datetime="([^"]*)"', client.get(url).text)
        assert values, url
        assert all(DATETIME.match(v) for v in values), (url, values)


def test_feeds_give_one_dc_creator_per_author(client):
    anna, olga = make_author(name="Anna Petrova"), make_author(name="Olga Ivanova")
    story = make_story(authors=[anna, olga])
    Byline.objects.create(story=story, author=anna, role="translated", position=3)
    feed = feedparser.parse(client.get("/feed/").content)
    entry = feed.entries[0]
    assert [a["name"] for a in entry.authors] == ["Anna Petrova", "Olga Ivanova"]
    assert client.get("/feed/").content.count(b"<dc:creator>") == 2


def test_tag_feeds_and_the_pages_that_link_their_feeds(client):
    tag, author, section = make_tag(name="Energy", slug="energy"), make_author(), make_section()
    make_story(headline="Pipeline deal", tags=[tag], authors=[author], section=section)
    make_story(headline="Untagged")
    feed = feedparser.parse(client.get("/tags/energy/feed/").content)
    assert [e.title for e in feed.entries] == ["Pipeline deal"]
    assert client.get("/tags/nothing/feed/").status_code == 404
    pages = ["/tags/energy/", author.get_absolute_url(), section.get_absolute_url()]
    for page, feed_url in [(page, page + "feed/") for page in pages]:
        html = client.get(page).text
        assert 'rel="alternate" type="application/rss+xml" title="' in html
        assert f'href="{feed_url}"' in html, page
        assert client.get(feed_url).status_code == 200


def test_the_favicon_is_linked_and_served(client):
    html = client.get("/").text
    assert 'rel="icon" href="/static/articles/favicon.ico"' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/articles/favicon.ico"
    assert finders.find("articles/favicon.ico") and finders.find("articles/logo.png")
