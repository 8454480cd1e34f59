"""HTTP caching: CDN headers, validators and 304s, compression, never-cached previews, and a page
cache that follows exactly the changes readers can see (articles/caching/)."""

import gzip
import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import brotli
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.caching.pages import seconds_until_next_scheduled_change
from articles.caching.surfaces import publish
from articles.editorial.revisions import snapshot
from articles.editorial.workflow import change_status, record_transition
from articles.models import Appeal, Quote, Source, Story
from tests.factories import make_author, make_section, make_story, make_tag
from tests.services import redis_cache_settings

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


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


def hit(client, url):
    """Whether `url` comes from the page cache: a hit touches no database."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries) == 0


def warm(client, *urls):
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert hit(client, url), url


@pytest.fixture
def newsroom():
    """Two sections, a tag and an author, and a public story in each section."""
    home, away = make_section(name="Home news"), make_section(name="Away news")
    tag, author = make_tag(name="Ferries"), make_author(name="Anna Field")
    return {
        "home": home,
        "away": away,
        "tag": tag,
        "author": author,
        "home_story": make_story(section=home, tags=[tag], authors=[author], headline="At home"),
        "away_story": make_story(section=away, headline="Away"),
    }


# --- Headers and validators ----------------------------------------------------------------


def test_public_pages_send_cdn_friendly_cache_control_validators_and_surrogate_keys(client):
    story = make_story()
    urls = ["/", story.get_absolute_url(), "/feed/", "/sitemap.xml", "/robots.txt"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = response["Cache-Control"]
        assert "public" in cache_control and "max-age=60" in cache_control, url
        assert "stale-while-revalidate=600" in cache_control, url
        assert "s-maxage" not in cache_control, url  # no CDN purge configured
        assert response["ETag"].startswith('W/"') and response["Last-Modified"], url
        assert "Cookie" not in response.get("Vary", ""), url
        keys = response["Surrogate-Key"].split()
        assert "site" in keys and response["Cache-Tag"] == ",".join(keys), url
    page = client.get(story.get_absolute_url())
    assert f"story-{story.pk}" in page["Surrogate-Key"].split()
    assert f"appeals-section-{story.section_id}" in page["Surrogate-Key"].split()


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


def test_two_app_servers_give_the_same_etag_for_the_same_page(tmp_path):
    """Each process has its own cache and its own surface versions; the ETag, a hash of the
    page, is the same from both, so a CDN's If-None-Match gets a 304 from either."""
    database = tmp_path / "two-servers.sqlite3"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "PAGE_CACHE_SECONDS": "60",
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    script = """
import sys, django
django.setup()
from django.core.management import call_command
from django.test import Client
if sys.argv[1] == "first":
    call_command("migrate", verbosity=0)
    from articles.demo import load_demo
    load_demo()
client = Client()
print(client.get("/")["ETag"], client.get("/stories/")["ETag"])
"""
    tags = [
        subprocess.run(
            [sys.executable, "-c", script, which],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
        ).stdout.split()
        for which in ("first", "second")
    ]  # fmt: skip
    assert tags[0] == tags[1] and len(tags[0]) == 2


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("br, gzip", "br"), ("gzip, deflate", "gzip"), ("br;q=0, gzip", "gzip"), ("", None)],
)
def test_pages_are_compressed_as_the_client_accepts(client, page_cache, accept, encoding):
    story = make_story(body="<p>" + "A paragraph long enough to be worth compressing. " * 40)
    plain = client.get(story.get_absolute_url()).content
    for _ in range(2):  # the rendered page, then the cached one
        response = client.get(story.get_absolute_url(), headers={"accept-encoding": accept})
        assert "Accept-Encoding" in response["Vary"]
        assert response["Content-Length"] == str(len(response.content))
        assert response.get("Content-Encoding") == encoding
        body = response.content
        if encoding == "br":
            body = brotli.decompress(body)
        elif encoding == "gzip":
            body = gzip.decompress(body)
        assert body == plain
        assert encoding is None or len(response.content) < len(plain) / 2


def test_a_cached_page_keeps_every_header_the_rendered_one_had(client, page_cache):
    story = make_story()
    rendered = client.get(story.get_absolute_url(), secure=True)
    cached = client.get(story.get_absolute_url(), secure=True)
    assert cached.content == rendered.content
    for name in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "Cache-Control",
        "ETag",
        "Surrogate-Key",
        "Content-Type",
        "Referrer-Policy",
        "X-Content-Type-Options",
    ):
        assert cached[name] == rendered[name], name  # fmt: skip
    assert cached["Content-Length"] == str(len(cached.content))


@pytest.mark.parametrize("accept", ["br, gzip", ""])
def test_a_304_from_the_cache_carries_the_validators_and_cache_headers_of_the_page(
    client, page_cache, accept, settings
):
    """What RFC 9110 keeps on a 304 (Cache-Control, ETag, Last-Modified, Vary), as the page
    itself has them, whether made from the page's head in the cache or from the page just
    rendered (the cache off); and no body, nor the page's other headers."""
    story = make_story(body="<p>" + "Words of the story. " * 100 + "</p>")
    url = story.get_absolute_url()
    headers = {"Accept-Encoding": accept} if accept else {}
    for seconds in (60, 60, 0):  # rendered and kept, then from the cache; then no cache
        settings.PAGE_CACHE_SECONDS = seconds
        page = client.get(url, headers=headers)
        answer = client.get(url, headers=headers | {"If-None-Match": page["ETag"]})
        assert answer.status_code == 304 and answer.content == b""
        for name in ("Cache-Control", "ETag", "Last-Modified", "Vary"):
            assert answer[name] == page[name], name
        for name in ("Content-Type", "Content-Length", "Content-Encoding", "Surrogate-Key"):
            assert name not in answer, name
        assert answer["X-Content-Type-Options"] == "nosniff"  # the outer middleware's own
    settings.PAGE_CACHE_SECONDS = 60
    weak = client.get(url, headers={"If-None-Match": page["ETag"].removeprefix("W/")})
    assert weak.status_code == 304  # a weak comparison, as RFC 9110 asks for GET
    other = client.get(url, headers={"If-None-Match": 'W/"something-else"', **headers})
    assert other.status_code == 200 and other.content == page.content
    refused = client.get(url, headers={"If-Match": '"something-else"'})
    assert refused.status_code == 412


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


def test_cached_page_is_served_without_touching_the_database(client, page_cache):
    story = make_story()
    first = client.get(story.get_absolute_url())
    assert hit(client, story.get_absolute_url())
    assert client.get(story.get_absolute_url()).content == first.content


def test_not_found_pages_are_not_cached(client, page_cache):
    story = make_story(status=Story.Status.DRAFT, slug="later")
    url = f"/{timezone.now():%Y/%m/%d}/later/"
    assert client.get(url).status_code == 404
    story.status, story.published_at = Story.Status.PUBLISHED, timezone.now() - timedelta(minutes=1)
    story.save()
    assert client.get(url).status_code == 200


def test_listing_and_facet_pages_are_cacheable(client):
    story = make_story()
    for url in ("/stories/?q=story", story.section.get_absolute_url(), "/corrections/"):
        response = client.get(url)
        assert "public" in response["Cache-Control"], url
        assert response["ETag"], url


# --- One rule: exactly the pages that show a change ---------------------------------------


def test_drafts_revisions_transitions_and_counters_leave_every_cached_page_a_hit(
    client, page_cache, newsroom, editor
):
    from articles.admin import presence
    from articles.appeals.events import count_events

    story = newsroom["home_story"]
    urls = ["/", story.get_absolute_url(), newsroom["home"].get_absolute_url(),
            newsroom["tag"].get_absolute_url(), newsroom["author"].get_absolute_url(),
            "/stories/", "/feed/", "/sitemap.xml", "/corrections/"]  # fmt: skip
    warm(client, *urls)
    draft = make_story(status=Story.Status.DRAFT, published_at=None, section=newsroom["home"],
                       tags=[newsroom["tag"]], authors=[newsroom["author"]])  # fmt: skip
    for n in range(3):  # a reporter saving every few seconds
        draft.body = f"<p>Draft, take {n}.</p>"
        draft.save()
        snapshot(draft, summary="Edited")
    record_transition(draft, None, "draft", "review")
    presence.touch(story.pk, editor)
    appeal = Appeal.objects.create(name="Old", body="<p>Give.</p>", status=Appeal.Status.ARCHIVED)
    count_events({(appeal.pk, None, "seen"): 3})
    for url in urls:
        assert hit(client, url), url


def test_publishing_a_story_re_renders_its_lists_and_not_an_unrelated_section(
    client, page_cache, newsroom, editor
):
    home_story, away_story = newsroom["home_story"], newsroom["away_story"]
    mine = [home_story.get_absolute_url(), "/", "/stories/", "/feed/",
            newsroom["home"].get_absolute_url(), newsroom["tag"].get_absolute_url(),
            newsroom["author"].get_absolute_url()]  # fmt: skip
    others = [away_story.get_absolute_url(), newsroom["away"].get_absolute_url()]
    warm(client, *mine, *others)
    draft = make_story(status=Story.Status.DRAFT, published_at=None, headline="Fresh ferry news",
                       section=newsroom["home"], tags=[newsroom["tag"]],
                       authors=[newsroom["author"]])  # fmt: skip
    change_status(Story.objects.filter(pk=draft.pk), Story.Status.PUBLISHED, editor)
    for url in mine:  # the home story's page too: the new story shares its tag (related)
        assert not hit(client, url), url
        assert "Fresh ferry news" in client.get(url).text, url
    for url in others:
        assert hit(client, url), url

    home_story.headline = "At home, updated"
    home_story.save()
    assert not hit(client, home_story.get_absolute_url())
    assert "At home, updated" in client.get(newsroom["home"].get_absolute_url()).text
    for url in others:
        assert hit(client, url), url


def test_withdrawing_a_story_is_never_hidden_by_the_page_cache(editor_client, client, page_cache):
    story = make_story(headline="Soon withdrawn")
    warm(client, story.get_absolute_url(), "/")
    editor_client.post(
        reverse("admin:articles_story_changelist"),
        {"action": "withdraw", "_selected_action": [story.pk], "confirm": "1", "note": "Legal."},
    )
    assert Story.objects.get(pk=story.pk).status == Story.Status.WITHDRAWN
    assert client.get(story.get_absolute_url()).status_code == 410
    assert "Soon withdrawn" not in client.get("/").text


def test_a_section_rename_re_renders_every_page(client, page_cache, newsroom):
    urls = [newsroom["away_story"].get_absolute_url(), "/", newsroom["tag"].get_absolute_url()]
    warm(client, *urls)
    newsroom["home"].name = "Local"
    newsroom["home"].save()
    for url in urls:
        assert "Local" in client.get(url).text, url


def test_a_source_s_private_notes_change_nothing_but_its_name_does(client, page_cache):
    story = make_story(body="<p>“We will win,” Jane Roe said.</p>")
    source = Source.objects.create(name="Jane Roe", slug="jane-roe")
    Quote.objects.create(story=story, source=source, text="We will win",
                         status=Quote.Status.CONFIRMED)  # fmt: skip
    warm(client, story.get_absolute_url(), "/sources/jane-roe/")
    source.contact_notes = "Mobile: +47 …"
    source.save()
    assert hit(client, story.get_absolute_url()) and hit(client, "/sources/jane-roe/")
    source.name = "Jane Q. Roe"
    source.save()
    assert "Jane Q. Roe" in client.get(story.get_absolute_url()).text


def test_confirming_quotes_in_bulk_shows_on_the_cached_story_page(
    editor_client, client, page_cache
):
    story = make_story(body="<p>“We will win,” Jane Roe said.</p>")
    source = Source.objects.create(name="Jane Roe", slug="jane-roe")
    quote = Quote.objects.create(story=story, source=source, text="We will win", start=1, end=12)
    before = client.get(story.get_absolute_url()).text
    assert hit(client, story.get_absolute_url())
    editor_client.post(
        reverse("admin:articles_quote_changelist"),
        {"action": "confirm", "_selected_action": [quote.pk]},
    )
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.CONFIRMED
    after = client.get(story.get_absolute_url()).text
    assert 'href="/sources/jane-roe/"' in after and 'href="/sources/jane-roe/"' not in before


def live_appeal(**fields):
    fields.setdefault("body", "<p>Independent journalism needs you.</p>")
    fields.setdefault("donation_url", "https://donate.example.org/")
    return Appeal.objects.create(name="Drive", status=Appeal.Status.LIVE, **fields)


def test_an_appeal_change_re_renders_only_the_pages_it_targets(client, page_cache, newsroom):
    appeal = live_appeal(heading="A word from the home desk")
    appeal.include_sections.set([newsroom["home"]])
    targeted = [newsroom["home_story"].get_absolute_url(), newsroom["home"].get_absolute_url()]
    others = [newsroom["away_story"].get_absolute_url(), newsroom["away"].get_absolute_url(), "/"]
    warm(client, *targeted, *others)
    assert "A word from the home desk" in client.get(targeted[0]).text

    appeal.heading = "Another word from the home desk"
    appeal.save()
    assert "Another word from the home desk" in client.get(targeted[0]).text
    assert not hit(client, targeted[1]) or "Another word" in client.get(targeted[1]).text
    for url in others:
        assert hit(client, url), url

    appeal.include_sections.set([newsroom["away"]])  # moved: both sides re-render
    assert "Another word" not in client.get(targeted[0]).text
    assert "Another word" in client.get(others[0]).text


def test_a_section_targeted_banner_shows_on_its_section_page(client, newsroom):
    appeal = live_appeal(heading="For our home readers", placement=Appeal.Placement.BANNER)
    appeal.include_sections.set([newsroom["home"]])
    assert "For our home readers" in client.get(newsroom["home"].get_absolute_url()).text
    assert "For our home readers" not in client.get(newsroom["away"].get_absolute_url()).text
    assert "For our home readers" not in client.get("/").text


def test_a_page_rendered_while_a_change_commits_is_not_kept(client, page_cache, monkeypatch):
    """It may show the world before the change; the next reader gets a fresh render."""
    from articles.snapshots import story_page

    story = make_story()
    serve = story_page.serve

    def serve_then_change(*args, **kwargs):
        response = serve(*args, **kwargs)
        publish([f"story-{story.pk}"])  # a change that committed during the render
        return response

    monkeypatch.setattr(story_page, "serve", serve_then_change)
    client.get(story.get_absolute_url())
    monkeypatch.setattr(story_page, "serve", serve)
    assert not hit(client, story.get_absolute_url())
    assert hit(client, story.get_absolute_url())


def test_cached_pages_expire_when_a_scheduled_story_goes_live(page_cache):
    make_story(published_at=timezone.now() + timedelta(seconds=30))
    assert 0 < seconds_until_next_scheduled_change() <= 30


# --- The CDN --------------------------------------------------------------------------------


@pytest.fixture
def purge_endpoint():
    """A fake CDN purge API on 127.0.0.1 recording what it is sent."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the standard library's name)
            body = self.rfile.read(int(self.headers["Content-Length"] or 0))
            received.append({"headers": dict(self.headers), "body": body})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/purge", received
    server.shutdown()


@pytest.mark.django_db(transaction=True)  # purges follow real commits
@pytest.mark.parametrize("style", ["json", "fastly", "cloudflare"])
def test_a_change_purges_its_surfaces_at_the_cdn_once_it_commits(
    client, settings, purge_endpoint, editor, style
):
    url, received = purge_endpoint
    settings.CDN_PURGE_URL, settings.CDN_PURGE_STYLE = url, style
    settings.CDN_PURGE_TOKEN = "secret-token"
    story = make_story()
    response = client.get(story.get_absolute_url())
    assert f"s-maxage={settings.CDN_MAX_AGE}" in response["Cache-Control"]
    received.clear()
    change_status(Story.objects.filter(pk=story.pk), Story.Status.WITHDRAWN, editor, note="Legal.")
    (call,) = received  # one purge for the transaction, whatever it changed
    if style == "fastly":
        keys = call["headers"]["Surrogate-Key"].split()
        assert call["headers"]["Fastly-Key"] == "secret-token"
    else:
        payload = json.loads(call["body"])
        keys = payload["tags" if style == "cloudflare" else "surrogate_keys"]
        assert call["headers"]["Authorization"] == "Bearer secret-token"
    assert {f"story-{story.pk}", "stories", f"section-{story.section_id}"} <= set(keys)


@pytest.mark.django_db(transaction=True)
def test_without_a_purge_url_nothing_is_sent(settings, purge_endpoint):
    url, received = purge_endpoint
    settings.CDN_PURGE_URL = ""
    story = make_story()
    story.headline = "Changed"
    story.save()
    assert received == []


# --- Redis, production's shared cache --------------------------------------------------------


def test_with_redis_every_app_server_shares_pages_and_versions(client, settings):
    """What one process stores, any other reads: pages and surface versions live in Redis, and a
    page re-rendered after a change replaces its older copy rather than piling up beside it."""
    import redis
    from django.core.cache import cache

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
    pages = [n for n in first if n.startswith("page:")]
    assert "surfaces:changes" in first and len(pages) == 2  # the page and its head
    assert pages[1] == pages[0] + ":head"
    assert f"surface:story-{story.pk}" in first
    story.headline = "Changed"
    story.save()
    client.get(story.get_absolute_url())
    assert [n for n in stored_names() if n.startswith("page:")] == [
        n for n in first if n.startswith("page:")
    ]
    cache.clear()


# --- Query strings ---------------------------------------------------------------------------


def test_junk_parameters_are_answered_but_never_fill_the_cache(client, page_cache, settings):
    from django.core.cache import cache

    story = make_story()
    for url in (f"{story.get_absolute_url()}?x=1", "/stories/?junk=1", "/?page=2"):
        for _ in range(2):
            assert not hit(client, url), url  # rendered for whoever asked, each time
    assert "“junk” is not a filter on this page" in client.get("/stories/?junk=1").text
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        assert not [key for key in cache._cache if key.startswith(":1:page:")]


def test_one_page_asked_for_in_different_ways_is_one_entry(client, page_cache):
    story = make_story()
    warm(client, "/stories/?section=news&q=story", story.get_absolute_url())
    assert hit(client, "/stories/?q=story&section=news")  # the same parameters in another order
    assert hit(client, "/stories/?q=story&utm_source=newsletter&section=news&fbclid=abc")
    assert hit(client, f"{story.get_absolute_url()}?utm_campaign=spring")


def test_pages_cached_before_a_story_was_scheduled_do_not_outlive_its_time(client, page_cache):
    story = make_story(headline="Coming soon", status=Story.Status.DRAFT, published_at=None)
    warm(client, "/")
    story.status, story.published_at = Story.Status.PUBLISHED, timezone.now() + timedelta(seconds=5)
    story.save()
    assert not hit(client, "/")  # re-rendered, and now kept only until the story's time
    assert 0 < seconds_until_next_scheduled_change() <= 5


def test_clearing_a_prefixed_redis_cache_leaves_other_sites_keys_alone():
    from django.utils.module_loading import import_string

    params = redis_cache_settings()["default"]
    backend = import_string(params["BACKEND"])
    ours = backend(params["LOCATION"], {"KEY_PREFIX": params["KEY_PREFIX"] + "-ours"})
    theirs = backend(params["LOCATION"], {"KEY_PREFIX": params["KEY_PREFIX"] + "-theirs"})
    ours.set("page", "ours")
    theirs.set("page", "theirs")
    ours.clear()
    assert ours.get("page") is None and theirs.get("page") == "theirs"
    theirs.clear()


def test_a_head_read_a_moment_ago_answers_conditional_requests_from_process_memory(
    client, page_cache, settings, monkeypatch
):
    """A live blog's open pages repeat one conditional request: for PAGE_HEAD_MEMO_SECONDS
    after a head was read the process answers from memory, with no round trip to the shared
    cache; past that moment it asks the cache again (articles/caching/heads.py)."""
    from articles.caching import heads, pages

    settings.PAGE_HEAD_MEMO_SECONDS = 1
    story = make_story()
    url = story.get_absolute_url()
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304  # reads the head
    reads = []
    real_get_many = pages.cache.get_many
    monkeypatch.setattr(
        pages.cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys), False
    )
    for _ in range(3):
        answer = client.get(url, headers={"If-None-Match": etag})
        assert answer.status_code == 304 and answer["ETag"] == etag
    assert reads == []
    now = heads.time.time()
    monkeypatch.setattr(heads.time, "time", lambda: now + 1.5)  # the moment has passed
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert len(reads) == 1
    monkeypatch.setattr(heads.time, "time", lambda: now - 3600)  # a clock set back
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert len(reads) == 2


def test_a_change_made_in_the_process_forgets_remembered_heads_at_once(
    client, page_cache, monkeypatch
):
    """An editor's change answers the next poll with the new page, not a remembered 304; a
    change made by another process (its surfaces bumped in the shared cache only) is seen
    once the moment has passed."""
    from articles.caching import heads

    story = make_story(body="<p>Before.</p>")
    url = story.get_absolute_url()
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    story.body = "<p>After.</p>"
    story.save()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and b"After." in changed.content

    etag = changed["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # Another app server publishes a change: the shared cache knows, this process not yet.
    with monkeypatch.context() as elsewhere:
        elsewhere.setattr(heads, "forget", lambda: None)
        story.body = "<p>Elsewhere.</p>"
        story.save()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304  # the moment
    heads.forget()  # as the moment passing does (see the test above)
    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and b"Elsewhere." in fresh.content
