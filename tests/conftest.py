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
from tests.services import unavailable


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
def browser():
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
def log_in(browser, live_server):
    """log_in(username) -> a page in a fresh browser context, signed in to the admin through
    its login form (the account needs `password=STAFF_PASSWORD`)."""
    contexts = []

    def log_in(username, width=1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", STAFF_PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(live_server.url + "/admin/")
        return page

    yield log_in
    for context in contexts:
        context.close()
    wait_for_live_server_requests()


@pytest.fixture
def page(browser):
    """A fresh browser context (empty storage) with a desktop viewport.

    Afterwards the page is left first, so scripts send their last beacons (donation appeals)
    now, and the fixture waits for the live server to answer them: the database is emptied
    for the next test only once nothing is writing to it.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    if not page.is_closed():
        with contextlib.suppress(Exception):  # a page stuck in any state must still close
            page.goto("about:blank", timeout=5000)
    context.close()
    wait_for_live_server_requests()
