"""The tests' fixtures. Builders are in tests/factories.py, the browser's helpers in
tests/browser.py, the services' in tests/services.py."""

import contextlib
import os

import pytest

from tests.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    wait_for_live_server_requests,
)
from tests.factories import (
    STAFF_PASSWORD,
)
from tests.services import unavailable, worker_redis_url


@pytest.fixture(scope="session", autouse=True)
def worker_settings(tmp_path_factory):
    """What pytest-xdist workers (`make test` runs two) must not share: the Redis database of
    the configured cache, and the media folder. (pytest-django gives each its own test
    database, and each live server takes a free port.)"""
    from django.conf import settings
    from django.test import override_settings

    overrides = {"MEDIA_ROOT": tmp_path_factory.mktemp("media")}
    if os.environ.get("REDIS_URL"):
        default = settings.CACHES["default"]
        overrides["CACHES"] = {
            **settings.CACHES,
            "default": {**default, "LOCATION": worker_redis_url(default["LOCATION"])},
        }
    with override_settings(**overrides):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Passwords hashed with MD5: PBKDF2's 1.5 million rounds cost 0.6 s a hash on CI's
    machine, and the suite hashes hundreds (each account made with a password, each sign-in
    through the form). Which hasher production uses is Django's default, not ours to test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def clear_caches(settings):
    """Each test starts with an empty cache, and without the server-side page cache, so a
    test sees what its views do (tests/test_caching.py turns the page cache on)."""
    from django.core.cache import cache

    from articles.appeals import guards
    from articles.caching import copies, heads
    from articles.caching.surfaces import guarded

    settings.PAGE_CACHE_SECONDS = 0
    guarded.down_since, guarded.retry_at = None, 0.0  # no outage left over from another test
    cache.clear()
    heads.forget()  # page heads the last test's requests left in process memory
    copies.forget()
    guards.reset()  # the appeal beacons' stand-in for a cache that was down
    yield
    cache.clear()
    heads.forget()
    copies.forget()
    guards.reset()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads go to a temporary folder, never to the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def editor(django_user_model):
    """A superuser: may do everything in the admin."""
    return django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# --- Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) ---


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole run (a launch costs about a second); tests get it as `browser`."""
    if not CHROMIUM.exists():
        unavailable(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
            "REQUIRE_BROWSER_TESTS",
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser(chromium):
    """The run's Chromium. Afterwards every context the test opened (`browser.new_page()` opens
    one too) is left and closed, and the fixture waits for the live server to answer what they
    sent: the database is emptied for the next test only once nothing is writing to it. A page
    left open would keep its connections, so the next test's wait would run its full timeout,
    and its scripts (live-blog polls, beacons) would reach the next test's database."""
    yield chromium
    for context in chromium.contexts:
        leave(context)
    wait_for_live_server_requests()


def leave(context):
    """Leave each page first, so scripts send their last beacons (donation appeals) now, then
    close the context."""
    for page in context.pages:
        with contextlib.suppress(Exception):  # a page stuck in any state must still close
            page.goto("about:blank", timeout=5000)
    context.close()


@pytest.fixture
def log_in(browser, live_server):
    """log_in(username) -> a page in a fresh browser context, signed in to the admin through
    its login form (the account needs `password=STAFF_PASSWORD`); the `browser` fixture closes
    it afterwards."""

    def log_in(username, width=1280):
        page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", STAFF_PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(live_server.url + "/admin/")
        return page

    return log_in


@pytest.fixture
def page(browser):
    """A fresh browser context (empty storage) with a desktop viewport, left and closed
    afterwards by the `browser` fixture."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    return context.new_page()
