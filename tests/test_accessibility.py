"""axe-core (the engine behind Lighthouse's accessibility audit) finds nothing on the pages
readers and editors start from."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.demo import load_demo
from tests.factories import with_lead_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG 2.x A and AA rules plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def violations(page):
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def violations_on(page, live_server, urls):
    """{url: violations} for the pages that have any (each must load)."""
    found = {}
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        if problems := violations(page):
            found[url] = problems
    return found


@pytest.fixture
def demo(live_server, media_root):
    """The demo content, its story with a lead image, so axe checks the figure too."""
    stories = load_demo()
    with_lead_image(stories[0])
    return stories


@pytest.mark.parametrize("width", [360, 1280])
def test_reader_pages_have_no_axe_violations(live_server, page, demo, width):
    seed = demo[0]
    page.set_viewport_size({"width": width, "height": 900})
    urls = [
        "/",
        seed.get_absolute_url(),
        "/stories/?q=Putin&section=news",
        "/sources/yury-ushakov/",
        "/sections/news/",
        "/admin/login/",
    ]
    assert violations_on(page, live_server, urls) == {}


def test_the_story_page_shows_its_appeal_when_axe_checks_it(live_server, page, demo):
    page.goto(live_server.url + demo[0].get_absolute_url())
    assert page.locator("[aria-labelledby] h2, [aria-labelledby] h3").first.is_visible()


# Every control a keyboard can reach, in document order, numbered so the walk can name them.
MARK_TABBABLE = """() => {
  const selector =
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const found = [...document.querySelectorAll(selector)].filter(
    (el) => el.tabIndex >= 0 && !el.disabled && el.checkVisibility({visibilityProperty: true})
  );
  found.forEach((el, i) => { el.dataset.kb = String(i); });
  const positive = [...document.querySelectorAll('[tabindex]')].filter((el) => el.tabIndex > 0);
  return {count: found.length, positive: positive.length};
}"""
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    kb: el.dataset.kb ?? null,
    tag: el.tagName,
    text: (el.textContent || el.name || '').trim().slice(0, 40),
    outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
  };
}"""


@pytest.mark.parametrize(
    "path",
    ["/", "story", "/stories/?q=Putin&section=news&ordering=oldest", "/sources/yury-ushakov/"],
)
def test_the_keyboard_reaches_every_control_in_order_with_a_visible_focus(
    live_server, page, demo, path
):
    url = demo[0].get_absolute_url() if path == "story" else path
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + url)
    page.wait_for_load_state("networkidle")
    marked = page.evaluate(MARK_TABBABLE)
    assert marked["positive"] == 0, "a positive tabindex reorders the page for keyboard users"
    assert marked["count"] > 5
    walk, last = [], str(marked["count"] - 1)
    for _ in range(marked["count"] * 4):  # a date input takes a stop for each of its parts
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if not walk or walk[-1]["kb"] != stop["kb"]:
            walk.append(stop)
        if stop["kb"] == last:
            break
    assert [stop["kb"] for stop in walk] == [str(i) for i in range(marked["count"])], walk
    assert [stop for stop in walk if not stop["outlined"]] == []


# --- The editors' screens ---


@pytest.fixture
def editor_page(live_server, page, demo, django_user_model):
    from tests.factories import STAFF_PASSWORD

    django_user_model.objects.create_superuser("ed", "ed@example.com", STAFF_PASSWORD)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return page


@pytest.mark.parametrize("width", [360, 1280])
def test_the_editors_screens_have_no_axe_violations(live_server, editor_page, demo, width):
    page, seed = editor_page, demo[0]
    page.set_viewport_size({"width": width, "height": 900})
    urls = [
        "/admin/",
        "/admin/articles/story/",
        "/admin/articles/story/add/",
        f"/admin/articles/story/{seed.pk}/change/",
        f"/admin/articles/story/{seed.pk}/withdraw/",
    ]
    assert violations_on(page, live_server, urls) == {}


# Where the keyboard is, and whether the sticky toolbar covers it.
FOCUS_ON_FORM = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const toolbar = document.querySelector('.story-toolbar').getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    name: el.id || el.name || el.getAttribute('role') || el.tagName,
    inToolbar: !!el.closest('.story-toolbar'),
    hidden: box.top < toolbar.bottom - 1 && box.bottom > toolbar.top,
    outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
  };
}"""


def test_the_story_form_works_from_the_keyboard_and_the_toolbar_never_hides_the_focus(
    live_server, editor_page, demo
):
    page = editor_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/articles/story/{demo[0].pk}/change/")
    page.locator(".prose-editor [contenteditable=true]").wait_for()
    positive = "[...document.querySelectorAll('[tabindex]')].filter(e => e.tabIndex > 0).length"
    assert page.evaluate(positive) == 0
    page.locator(".story-toolbar input").first.focus()
    stops = [page.evaluate(FOCUS_ON_FORM)]
    while stops[-1]["name"] != "id_lead_image" and len(stops) < 300:
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUS_ON_FORM))
    names = [stop["name"] for stop in stops]
    wanted = ("_continue", "id_headline", "id_slug", "textbox", "id_status", "id_published_at_0",
              "id_workflow_note", "id_bylines-0-role", "id_lead_image")  # fmt: skip
    assert [control for control in wanted if control not in names] == [], names
    assert [s["name"] for s in stops if s["hidden"] and not s["inToolbar"]] == []
    assert [s["name"] for s in stops if not s["outlined"]] == []


def test_a_live_blog_and_its_older_updates_have_no_axe_violations(live_server, page):
    from datetime import timedelta

    from django.utils import timezone

    from articles.caching import invalidation
    from articles.models import LiveUpdate
    from tests.factories import make_story

    story = make_story(headline="Summit: live", live_since=timezone.now() - timedelta(hours=2))
    now = timezone.now()
    LiveUpdate.objects.bulk_create(
        LiveUpdate(story=story, body=f"<p>Update {n}.</p>", key_event=n in (5, 55),
                   pinned=n == 7, published_at=now - timedelta(minutes=n + 1))
        for n in range(60)
    )  # fmt: skip
    invalidation.live_update_changed(story.pk)
    page.set_viewport_size({"width": 360, "height": 900})
    assert violations_on(page, live_server, [story.get_absolute_url()]) == {}
    page.get_by_role("link", name="Older updates").click()  # read in place
    page.locator(".live-updates__list--older .live-update").first.wait_for()
    assert violations(page) == []
    older = page.locator(".live-key-events a").first.get_attribute("href").partition("#")[0]
    assert "/older/?before=" in older  # the key event long ago links to its page
    assert violations_on(page, live_server, [older]) == {}
