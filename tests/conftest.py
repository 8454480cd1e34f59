"""Builders shared by the tests: small, deterministic, overridable with keywords."""

import contextlib
import io
import itertools
import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Author, Byline, Section, Story, Tag

_counter = itertools.count(1)


def make_section(**overrides):
    n = next(_counter)
    overrides.setdefault("name", f"Section {n}")
    overrides.setdefault("slug", f"section-{n}")
    return Section.objects.create(**overrides)


def make_tag(**overrides):
    n = next(_counter)
    overrides.setdefault("name", f"Tag {n}")
    overrides.setdefault("slug", f"tag-{n}")
    return Tag.objects.create(**overrides)


def make_author(**overrides):
    n = next(_counter)
    overrides.setdefault("name", f"Author {n}")
    overrides.setdefault("slug", f"author-{n}")
    return Author.objects.create(**overrides)


def make_story(*, authors=(), tags=(), **overrides):
    """A published story (one hour old) unless told otherwise."""
    n = next(_counter)
    overrides.setdefault("headline", f"Story number {n}")
    overrides.setdefault("slug", f"story-number-{n}")
    overrides.setdefault("standfirst", f"The standfirst of story {n}.")
    overrides.setdefault("body", f"<p>First paragraph of story {n}.</p><p>Second paragraph.</p>")
    overrides.setdefault("status", Story.Status.PUBLISHED)
    overrides.setdefault("published_at", timezone.now() - timedelta(hours=1))
    if "section" not in overrides:
        overrides["section"] = Section.objects.first() or make_section()
    story = Story.objects.create(**overrides)
    for position, author in enumerate(authors):
        Byline.objects.create(story=story, author=author, position=position)
    story.tags.set(tags)
    return story


def make_appeal(*, variants=(), **overrides):
    """A live end-of-story appeal that shows everywhere, unless told otherwise."""
    from articles.models import Appeal, AppealVariant

    overrides.setdefault("name", "Spring drive")
    overrides.setdefault("heading", "A Message from The Newsroom")
    overrides.setdefault("body", "<p>Please support independent journalism.</p>")
    overrides.setdefault("donation_url", "https://donate.example.org/monthly")
    overrides.setdefault("status", Appeal.Status.LIVE)
    overrides.setdefault("starts_at", timezone.now() - timedelta(hours=1))
    appeal = Appeal.objects.create(**overrides)
    for name in variants:
        AppealVariant.objects.create(appeal=appeal, name=name, heading=f"Heading {name}")
    return appeal


def image_file(name="lead.png", size=(1200, 675), image_format="PNG", extra=b""):
    """An image upload drawn with Pillow: a sky, a horizon and a sun, the same every time.

    `extra` bytes go after the image data (to make a file too large but still readable)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size, (70, 110, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(60, 80, 50))
    draw.ellipse(
        (width * 2 // 3, height // 6, width * 5 // 6, height // 6 + width // 6), fill="gold"
    )
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue() + extra)


def make_image(file=None, build=True, **overrides):
    """A library image (use the `media_root` fixture so it lands in a temporary folder), with
    its renditions built unless `build=False` (as the task would, after the commit)."""
    from articles.images import build_image_renditions
    from articles.models import Image

    overrides.setdefault("title", "Video call")
    overrides.setdefault("alt_text", "Two presidents on a video call")
    overrides.setdefault("caption", "The call lasted two hours.")
    overrides.setdefault("credit", "Photo: Kremlin press service")
    image = Image.objects.create(file=file or image_file(), **overrides)
    if build:
        build_image_renditions.call(image.pk)
        image.refresh_from_db()
    return image


def with_lead_image(story, image=None, build=True, **words):
    """Give `story` a library image as its lead image (see `make_image`)."""
    story.lead_image = make_image(image, build=build, **words)
    story.save()
    return story


def make_staff(username, role, password=None):
    """An account in one of the newsroom's role groups (see articles/editorial/roles.py), which
    is what makes it staff (articles/editorial/staff.py).

    No password unless asked for: hashing one costs a second, and force_login needs none."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, f"{username}@example.com", password)
    user.first_name = username.title()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def unavailable(reason, required_by):
    """Skip a test whose service or tool is missing, or fail it when the environment variable
    `required_by` says it must run (CI sets REQUIRE_BROWSER_TESTS and REQUIRE_REDIS)."""
    if os.environ.get(required_by):
        pytest.fail(f"{required_by} is set but {reason}")
    pytest.skip(reason)


def redis_cache_settings():
    """CACHES for the shared Redis cache of production, or a skip (a failure with REQUIRE_REDIS,
    as in CI) when no Redis answers at REDIS_TEST_URL. Keys get a per-run prefix."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        unavailable(
            f"this test needs Redis at {REDIS_TEST_URL} ({error}); set REDIS_TEST_URL",
            "REQUIRE_REDIS",
        )
    return {
        "default": {
            "BACKEND": "newsroom.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": f"newsroom-test-{os.getpid()}",
        }
    }


@pytest.fixture(autouse=True)
def clear_caches(settings):
    """Each test starts with an empty cache, and without the server-side page cache, so a
    test sees what its views do (tests/test_caching.py turns the page cache on)."""
    from django.core.cache import cache

    from articles.appeals import guards
    from articles.caching.surfaces import guarded

    settings.PAGE_CACHE_SECONDS = 0
    guarded.down_since, guarded.retry_at = None, 0.0  # no outage left over from another test
    cache.clear()
    guards.reset()  # the appeal beacons' stand-in for a cache that was down
    yield
    cache.clear()
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

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


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


STAFF_PASSWORD = "pw-for-tests"


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


def wait_for_live_server_requests(timeout=5.0):
    """Wait until the live server's request threads have finished (at most `timeout` s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.05)


# The widths every reader page must fit: a small phone and a desktop.
WIDTHS = {"phone": 360, "desktop": 1280}


def horizontal_overflow(page):
    """Pixels the page is wider than the window (0 or less: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def screenshot(page, name):
    """Save a full-page screenshot under test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
