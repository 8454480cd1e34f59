"""The reader's pages in a real browser: readable on a 360 px phone and on a desktop."""

import re

import pytest

from articles.demo import load_demo
from tests.browser import WIDTHS, horizontal_overflow, screenshot
from tests.factories import image_file, with_lead_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", WIDTHS)
def test_story_page_fits_the_screen_and_reads_in_order(live_server, page, device):
    story = load_demo()[0]
    page.set_viewport_size({"width": WIDTHS[device], "height": 800})
    page.goto(live_server.url + story.get_absolute_url())
    assert page.locator("h1").inner_text() == story.headline
    assert horizontal_overflow(page) <= 0
    body_size = page.eval_on_selector(".story__body p", "p => getComputedStyle(p).fontSize")
    assert float(body_size.removesuffix("px")) >= 16
    screenshot(page, f"story-{device}")


@pytest.mark.parametrize("device", WIDTHS)
def test_a_lead_image_fits_the_screen_at_its_own_proportions(live_server, page, media_root, device):
    story = with_lead_image(
        load_demo()[0],
        image=image_file(size=(1600, 900), image_format="JPEG", name="call.jpg"),
        credit="Photo: Kremlin press service / a very long credit line for a narrow phone",
    )
    page.set_viewport_size({"width": WIDTHS[device], "height": 800})
    page.goto(live_server.url + story.get_absolute_url())
    image = page.locator(".lead-image img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    # A rendition chosen for the column's width (WebP, which Chromium takes), never the original.
    assert re.search(r"\.(480|720|960|1280|1600)w\.webp$", image.evaluate("img => img.currentSrc"))
    box = image.bounding_box()
    assert box["width"] <= WIDTHS[device]
    assert abs(box["height"] - box["width"] * 900 / 1600) < 1
    assert horizontal_overflow(page) <= 0
    screenshot(page, f"story-lead-image-{device}")


@pytest.mark.parametrize("device", WIDTHS)
def test_front_page_fits_the_screen(live_server, page, device):
    load_demo()
    page.set_viewport_size({"width": WIDTHS[device], "height": 800})
    page.goto(live_server.url + "/")
    assert page.locator(".card--lead").count() == 1
    assert horizontal_overflow(page) <= 0
    screenshot(page, f"front-{device}")


@pytest.mark.parametrize("device", WIDTHS)
def test_front_page_lead_image_is_a_rendition_sized_for_the_screen(
    live_server, page, media_root, device
):
    stories = load_demo()
    lead = max(stories, key=lambda story: story.published_at)
    with_lead_image(lead, image=image_file("call.jpg", size=(2400, 1350), image_format="JPEG"))
    page.set_viewport_size({"width": WIDTHS[device], "height": 800})
    page.goto(live_server.url + "/")
    image = page.locator(".card--lead img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator(".card img").count() == 1  # the other cards stay text-only
    chosen = image.evaluate("img => img.currentSrc")
    # The 16:9 card crop, at a width for the screen.
    if device == "phone":
        assert re.search(r"\.16x9\.(480|720)w\.webp$", chosen), chosen
    else:
        assert re.search(r"\.16x9\.(720|960|1200)w\.webp$", chosen), chosen
    box = image.bounding_box()
    assert abs(box["height"] - box["width"] * 1350 / 2400) < 1
    assert horizontal_overflow(page) <= 0
    screenshot(page, f"front-lead-image-{device}")


def test_skip_link_is_the_first_stop_and_leads_to_the_content(live_server, page):
    story = load_demo()[0]
    page.goto(live_server.url + story.get_absolute_url())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_admin_story_form_shows_the_rich_text_editor(
    live_server, page, django_user_model, media_root
):
    story = with_lead_image(load_demo()[0])
    django_user_model.objects.create_superuser("ed", "ed@example.com", "pw-for-tests")
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/story/{story.pk}/change/")
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.wait_for()
    assert "Vladimir Putin" in editor.inner_text()
    preview = page.locator(".field-image_preview img.library-thumb")
    assert preview.evaluate("img => img.complete && img.naturalWidth") == 480
    assert preview.bounding_box()["width"] <= 320
    screenshot(page, "admin-story-change")


def test_no_content_security_policy_violations_for_readers_or_editors(
    live_server, page, django_user_model
):
    """The strict CSP must not break anything: no page reports a violation."""
    story = load_demo()[0]
    django_user_model.objects.create_superuser("ed", "ed@example.com", "pw-for-tests")
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample));"
    )
    violations = {}
    for url in ("/", story.get_absolute_url(), "/sections/news/", "/admin/login/"):
        page.goto(live_server.url + url)
        violations[url] = page.evaluate("window.__csp")
    page.fill("#id_username", "ed")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    for url in ("/admin/", f"/admin/articles/story/{story.pk}/change/", "/admin/articles/story/"):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        violations[url] = page.evaluate("window.__csp")
    assert {url: found for url, found in violations.items() if found} == {}
