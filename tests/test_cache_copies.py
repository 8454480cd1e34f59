"""Copies of cached values in the app process (articles/caching/copies.py): inside a request,
with the shared cache, values read while CHANGES keeps its value are reused without a round
trip; any change readers can see, made in this process or another, is seen at once."""

import pytest
import redis.client
from django.core.cache import cache
from django.test import Client

from articles.caching import copies
from articles.caching.surfaces import CHANGES, cached, key, publish
from tests.factories import make_story, make_tag
from tests.services import redis_cache_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings):
    settings.CACHES = redis_cache_settings()
    cache.clear()
    copies.forget()
    yield
    cache.clear()
    copies.forget()


@pytest.fixture
def commands(monkeypatch):
    """The Redis commands the app sends, by name."""
    sent = []
    real = redis.client.Redis.execute_command

    def record(self, *args, **options):
        sent.append(args[0])
        return real(self, *args, **options)

    monkeypatch.setattr(redis.client.Redis, "execute_command", record)
    return sent


def test_an_uncached_story_page_asks_the_shared_cache_once(shared_cache, commands):
    """The chrome, breaking strip, appeal selection, related stories and the page's surface
    versions: five round trips without the copies, one (CHANGES) with them."""
    story = make_story(headline="Copied chrome")
    client = Client()
    for _ in range(2):
        assert client.get(story.get_absolute_url()).status_code == 200
    commands.clear()
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200 and "Copied chrome" in page.content.decode()
    assert commands == ["GET"]


def test_a_change_in_this_process_or_another_is_seen_by_the_next_request(shared_cache, settings):
    tag = make_tag()
    story = make_story(headline="First headline", tags=[tag])
    other = make_story(headline="Related one", tags=[tag])
    client = Client()
    url = story.get_absolute_url()
    page = client.get(url).content.decode()
    assert "First headline" in page and "Related one" in page  # the related block
    other.headline = "Renamed here"
    other.save()  # this process: a new CHANGES marker
    assert "Renamed here" in client.get(url).content.decode()
    # Another app server changes the related story and bumps the shared cache; this process
    # learns it only from the new CHANGES marker.
    type(other).objects.filter(pk=other.pk).update(headline="Renamed elsewhere")
    versions = {key(name): 9e9 for name in ("any", "stories", f"story-{other.pk}")}
    cache.set_many({CHANGES: "another-process"} | versions, None)
    assert "Renamed elsewhere" in client.get(url).content.decode()


def test_copies_are_per_request_copies_and_keep_their_timeout(shared_cache, monkeypatch, commands):
    calls = []

    def compute():
        calls.append(1)
        return {"items": [1, 2]}

    cache.set(CHANGES, "marker-1", None)
    copies._begin()
    try:
        first = cached("copies-test", ["site"], compute, 60)
        first["items"].append(3)  # a caller changing what it was given
        commands.clear()
        assert cached("copies-test", ["site"], compute, 60) == {"items": [1, 2]}
        assert calls == [1] and commands == []  # from the copy, unchanged
        later = copies.time.time() + 61
        monkeypatch.setattr(copies.time, "time", lambda: later)
        assert copies.recall("copies-test", copies._request.marker) is copies.MISSING
    finally:
        copies._end()


def test_outside_a_request_or_with_a_process_cache_nothing_is_copied(shared_cache, settings):
    assert copies.request_marker(lambda: "m") is None  # no request
    copies._begin()
    try:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        assert copies.request_marker(lambda: "m") is None
    finally:
        copies._end()


def test_with_the_page_cache_the_marker_read_with_the_page_serves_the_copies(
    shared_cache, commands, settings
):
    """The page cache reads CHANGES with the page: a page it does not have is rendered from
    the copies with no second read of the marker."""
    settings.PAGE_CACHE_SECONDS = 60
    story = make_story(headline="Rendered from copies")
    client = Client()
    assert client.get(story.get_absolute_url()).status_code == 200  # warms the copies
    other = client.get(story.get_absolute_url() + "?utm_source=x&page=2")  # not kept: a miss
    commands.clear()
    page = client.get(story.get_absolute_url() + "?page=3")
    assert page.status_code == 200 and "Rendered from copies" in page.content.decode()
    assert other.status_code == 200
    assert commands == ["MGET"]  # the page and CHANGES; the rest from the copies


def test_a_value_its_callers_only_read_is_handed_to_every_request_as_it_is(shared_cache, commands):
    """`shared=True` (the appeal selection): no unpickling per request; the marker still
    decides, and a change makes the next request read the new value."""
    cache.set(CHANGES, "marker-1", None)
    values = iter([["first"], ["second"]])
    got = []
    for change in (False, False, True):
        if change:
            publish(["site"])  # a change readers can see: new marker, new version
        copies._begin()
        try:
            got.append(cached("shared-test", ["site"], lambda: next(values), 60, shared=True))
        finally:
            copies._end()
    assert got[0] is got[1] and got[0] == ["first"]  # the same object, from the copy
    assert got[2] == ["second"]  # the surface changed: computed again


def test_the_appeal_selection_is_shared_and_its_callers_do_not_change_it(shared_cache):
    """The story page's appeals come from one shared selection; the bandit's weights go on a
    copy (bandit.py), so the selection every request gets stays as it was cached."""
    import pickle

    from articles.appeals import selection
    from tests.factories import make_appeal

    make_appeal(status="live")
    story = make_story(status="published")
    cache.set(CHANGES, "marker-1", None)
    client = Client()
    before = None
    for _ in range(3):
        assert client.get(story.get_absolute_url()).status_code == 200
        kept = [v for k, v in copies._copies.items() if k.startswith("appeals:page:")]
        assert kept and kept[0][3] is True  # kept as it is, not pickled
        state = pickle.dumps([vars(a) | {"_state": None} for a in kept[0][2]])
        assert before is None or state == before
        before = state
    assert selection.for_story(story)  # still selects
