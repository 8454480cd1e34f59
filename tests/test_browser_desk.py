"""The editors' screens in Chromium, at a desktop's 1280 px and a phone's 360 px: the dashboard,
the story form (Add and Change) and the story list fit the screen, and are screenshotted for
people to look at (test-artifacts/desk-*.png).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.demo import load_demo
from articles.editorial.roles import EDITOR, REPORTER
from articles.models import Story, Transition
from tests.browser import ARTIFACTS, WIDTHS, horizontal_overflow, screenshot
from tests.factories import STAFF_PASSWORD, make_author, make_staff, make_story, with_lead_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom(media_root):
    """The demo content, and a day's work around it: stories in review, scheduled, drafts."""
    stories = load_demo()
    with_lead_image(stories[0])
    rita = make_staff("rita", REPORTER)
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    rita_author = make_author(name="Rita Reporter", user=rita)
    section, now = stories[0].section, timezone.now()
    for hours, headline in ((26, "Ferry operator cuts winter timetable to two sailings a day"),
                            (3, "Council approves cycle lanes on the ring road"),
                            (1, "Hospital waiting lists fall for a third month")):  # fmt: skip
        story = make_story(headline=headline, status=Story.Status.IN_REVIEW, published_at=None,
                           section=section, authors=[rita_author], created_by=rita)  # fmt: skip
        step = Transition.objects.create(story=story, user=rita, from_status="draft",
                                         to_status="review", note="Figures checked.")  # fmt: skip
        Transition.objects.filter(pk=step.pk).update(created=now - timedelta(hours=hours))
    make_story(headline="Election night: what to watch", section=section,
               published_at=now + timedelta(minutes=30), authors=[rita_author])  # fmt: skip
    make_story(headline="Bridge repairs: the editor's draft", status=Story.Status.DRAFT,
               published_at=None, section=section)  # fmt: skip
    make_story(headline="Rail strike called off", section=section,
               published_at=now - timedelta(hours=2), authors=[rita_author])  # fmt: skip
    return stories


@pytest.mark.parametrize("device", WIDTHS)
def test_the_dashboard_fits_the_screen(log_in, live_server, newsroom, device):
    page = log_in("eddie", width=WIDTHS[device])
    assert page.locator(".desk-panel").count() == 4
    assert page.locator("#desk-review .desk-panel__count").inner_text() == "3"
    assert horizontal_overflow(page) <= 0
    screenshot(page, f"desk-dashboard-{device}")


def open_form(page, live_server, path):
    page.goto(live_server.url + path)
    page.locator(".prose-editor [contenteditable=true]").wait_for()


@pytest.mark.parametrize("device", WIDTHS)
@pytest.mark.parametrize("form", ["change", "add"])
def test_the_story_form_is_a_writing_screen(log_in, live_server, newsroom, device, form):
    page = log_in("eddie", width=WIDTHS[device])
    seed = newsroom[0]
    path = "/admin/articles/story/" + (f"{seed.pk}/change/" if form == "change" else "add/")
    open_form(page, live_server, path)
    body = page.locator(".field-body").bounding_box()
    side = page.locator(".story-editor__side").bounding_box()
    status = page.locator("#id_status").bounding_box()
    if device == "desktop":  # the body in the main column, the desk work beside it
        assert side["x"] >= body["x"] + body["width"], (body, side)
        assert status["y"] < body["y"] + body["height"]
    else:  # stacked: the sidebar's fields come after the body
        assert side["y"] >= body["y"] + body["height"]
    assert horizontal_overflow(page) <= 0
    screenshot(page, f"desk-story-{form}-{device}")


def test_the_workflow_buttons_stay_in_reach_and_the_word_count_follows_the_typing(
    log_in, live_server, newsroom
):
    page = log_in("eddie")
    open_form(page, live_server, f"/admin/articles/story/{newsroom[0].pk}/change/")
    length = page.locator(".story-length")
    before = int(length.inner_text().split()[0].replace(",", ""))
    assert before > 200 and "about 1 minute to read" in length.inner_text()
    body = page.locator(".prose-editor [contenteditable=true]")
    body.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(" Three more words.")
    # Polled from here, not by a predicate in the page: the admin's CSP (a nonce, no
    # 'unsafe-eval') refuses the string Playwright compiles there once it has to poll.
    expect(length).to_have_text(re.compile(rf"^{re.escape(f'{before + 3:,}')}"))
    page.locator("#id_lead_image").scroll_into_view_if_needed()  # far down the page
    toolbar = page.locator(".story-toolbar").bounding_box()
    assert 0 <= toolbar["y"] <= 1 and page.locator(".story-toolbar input[name=_save]").is_visible()
    # Collapsed until wanted: history, search and social, the workflow history.
    for summary in ("History", "Search and social", "Workflow history"):
        details = page.locator("details", has=page.locator(f"summary:has-text('{summary}')"))
        assert details.first.get_attribute("open") is None, summary
    page.screenshot(path=ARTIFACTS / "desk-story-change-scrolled.png")


@pytest.mark.parametrize("device", WIDTHS)
def test_the_story_list_fits_the_screen(log_in, live_server, newsroom, device):
    page = log_in("eddie", width=WIDTHS[device])
    page.goto(live_server.url + "/admin/articles/story/")
    assert page.locator("#result_list tbody tr").count() >= 6
    assert page.locator("select[name=action] option[value=send_back]").count() == 1
    screenshot(page, f"desk-story-list-{device}")
