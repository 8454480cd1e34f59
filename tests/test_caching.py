"""HTTP caching: CDN headers, validators and 304s, never-cached previews, and a page cache that
follows every change readers can see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.caching import seconds_until_next_scheduled_change
from articles.models import Story
from tests.conftest import make_story, redis_cache_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["configured", "redis"])
def page_cache(request, settings):
    """The page cache on, in the configured cache (each process's memory unless REDIS_URL is
    set) and in Redis."""
    from django.core.cache import cache

    if request.param == "redis":
        settings.CACHES = redis_cache_settings()
        cache.clear()
    settings.PAGE_CACHE_SECONDS = 60
    yield
    cache.clear()


def test_public_pages_send_cdn_friendly_cache_control_and_validators(client):
    story = make_story()
    urls = ["/", story.get_absolute_url(), "/feed/", "/sitemap.xml", "/robots.txt"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = response["Cache-Control"]
        assert "public" in cache_control and "max-age=60" in cache_control, url
        assert "stale-while-revalidate=600" in cache_control, url
        assert response["ETag"] and response["Last-Modified"], url
        assert "Cookie" not in response.get("Vary", ""), url


def test_conditional_requests_get_304_until_the_content_changes(client):
    story = make_story()
    url = story.get_absolute_url()
    first = client.get(url)
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304
    story.headline = "A new headline"
    story.save()
    changed = client.get(url, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and "A new headline" in changed.text
    assert changed["ETag"] != first["ETag"]


def test_staff_preview_and_admin_are_never_cached(editor_client, page_cache):
    story = make_story(status=Story.Status.DRAFT)
    preview = editor_client.get(reverse("articles:story-preview", args=[story.pk]))
    assert "no-store" in preview["Cache-Control"] and "public" not in preview["Cache-Control"]
    assert "ETag" not in preview
    admin_page = editor_client.get(reverse("admin:articles_story_changelist"))
    assert "public" not in admin_page.get("Cache-Control", "")
    assert "private" in admin_page.get("Cache-Control", "") or "no-cache" in admin_page.get(
        "Cache-Control", ""
    )


def test_cached_page_is_served_without_touching_the_database(
    client, page_cache, django_assert_num_queries
):
    story = make_story()
    url = story.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200 and second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_withdrawing_a_story_is_never_hidden_by_the_page_cache(editor_client, client, page_cache):
    story = make_story(headline="Soon withdrawn")
    assert client.get(story.get_absolute_url()).status_code == 200
    assert "Soon withdrawn" in client.get("/").text
    editor_client.post(
        reverse("admin:articles_story_changelist"),
        {"action": "withdraw", "_selected_action": [story.pk], "confirm": "1", "note": "Legal."},
    )
    assert Story.objects.get(pk=story.pk).status == Story.Status.WITHDRAWN
    assert client.get(story.get_absolute_url()).status_code == 410
    assert "Soon withdrawn" not in client.get("/").text


def test_a_change_made_with_a_bulk_update_and_a_bump_invalidates(client, page_cache):
    from articles.caching import bump_content_version

    story = make_story(headline="Bulk")
    assert "Bulk" in client.get("/").text
    Story.objects.filter(pk=story.pk).update(status=Story.Status.WITHDRAWN)
    bump_content_version()
    assert "Bulk" not in client.get("/").text


def test_cached_pages_expire_when_a_scheduled_story_goes_live(page_cache):
    make_story(published_at=timezone.now() + timedelta(seconds=30))
    assert 0 < seconds_until_next_scheduled_change() <= 30


def test_not_found_pages_are_not_cached(client, page_cache):
    story = make_story(status=Story.Status.DRAFT, slug="later")
    url = f"/{timezone.now():%Y/%m/%d}/later/"
    assert client.get(url).status_code == 404
    Story.objects.filter(pk=story.pk).update(
        status=Story.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=1)
    )
    assert client.get(url).status_code == 200


def test_confirming_quotes_in_bulk_shows_on_the_cached_story_page(
    editor_client, client, page_cache
):
    from articles.models import Quote, Source

    story = make_story(body="<p>“We will win,” Jane Roe said.</p>")
    source = Source.objects.create(name="Jane Roe", slug="jane-roe")
    quote = Quote.objects.create(story=story, source=source, text="We will win", start=1, end=12)
    assert "Jane Roe" not in client.get(story.get_absolute_url()).text.split("story__body")[0]
    before = client.get(story.get_absolute_url()).text
    editor_client.post(
        reverse("admin:articles_quote_changelist"),
        {"action": "confirm", "_selected_action": [quote.pk]},
    )
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.CONFIRMED
    after = client.get(story.get_absolute_url()).text
    assert 'href="/sources/jane-roe/"' in after and 'href="/sources/jane-roe/"' not in before


def test_listing_and_facet_pages_are_cacheable(client):
    story = make_story()
    for url in ("/stories/?q=story", story.section.get_absolute_url(), "/corrections/"):
        response = client.get(url)
        assert "public" in response["Cache-Control"], url
        assert response["ETag"], url


def test_with_redis_every_app_server_shares_the_pages_and_the_content_version(client, settings):
    """What one process stores, any other reads: the page and the version live in Redis, and a
    page re-rendered after a change replaces its older copy rather than piling up beside it."""
    import redis
    from django.core.cache import cache

    from articles.caching import bump_content_version

    settings.CACHES = redis_cache_settings()
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    story = make_story()
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])

    def stored_names():
        return sorted(key.decode().split(":", 2)[2] for key in server.keys(f"{prefix}:*"))

    client.get(story.get_absolute_url())
    first = stored_names()
    assert "content-version" in first and sum(n.startswith("page:") for n in first) == 1
    bump_content_version()
    client.get(story.get_absolute_url())
    assert stored_names() == first
    cache.clear()
