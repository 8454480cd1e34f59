"""The front page, as the desk arranges it and readers find their way (issue 15), clicking and
typing as people do, on a front page and stories that already exist.

Screenshots (test-artifacts/): journey-front-admin, journey-front-preview, journey-breaking,
journey-header-search.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editorial.roles import EDITOR
from articles.models import BreakingNews, FrontPage, FrontPick
from tests.browser import screenshot
from tests.factories import STAFF_PASSWORD, make_section, make_staff, make_story
from tests.journey_steps import choose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    news = make_section(name="News", slug="news")
    now = timezone.now()
    stories = {
        "minor": make_story(headline="Parking rules change on Elm Street", section=news,
                            published_at=now - timedelta(minutes=5)),
        "old lead": make_story(headline="Council budget approved", section=news,
                               published_at=now - timedelta(hours=3)),
        "major": make_story(headline="Investigation: the missing millions", section=news,
                            published_at=now - timedelta(days=2)),
    }  # fmt: skip
    FrontPick.objects.create(front=FrontPage.get(), place="lead", story=stories["old lead"])
    return stories


def reader_page(browser, url):
    """A reader arriving now, with no copy of the page in their browser's cache."""
    page = browser.new_page()
    page.goto(url)
    return page


def lead_headline(browser, url):
    return reader_page(browser, url).locator(".front-lead .card__headline").inner_text()


def test_editor_previews_then_saves_a_new_lead_and_readers_see_it_at_once(
    log_in, live_server, desk, browser
):
    assert lead_headline(browser, live_server.url + "/") == "Council budget approved"
    page = log_in("eddie")
    page.goto(live_server.url + "/admin/")
    page.click("text=Front page")
    page.wait_for_load_state()
    # The lead slot already holds a pick: replace it by typing the new story's first words.
    choose(page, "id_picks-0-story", "Investigation")
    page.click("text=Add another Top story")
    choose(page, "id_picks-2-0-story", "Council")
    screenshot(page, "journey-front-admin")
    with page.context.expect_page() as opened:
        page.click("button[name=_preview]")
    preview = opened.value
    preview.wait_for_load_state()
    assert "not saved yet" in preview.locator(".preview-banner").inner_text()
    assert (
        preview.locator(".front-lead .card__headline").inner_text()
        == "Investigation: the missing millions"
    )
    screenshot(preview, "journey-front-preview")
    preview.close()
    # Nothing saved yet: readers still see the old lead.
    assert lead_headline(browser, live_server.url + "/") == "Council budget approved"
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    reader = reader_page(browser, live_server.url + "/")
    lead = reader.locator(".front-lead .card__headline").inner_text()
    assert lead == "Investigation: the missing millions"
    top = reader.locator(".front-latest .card__headline").all_inner_texts()
    assert top[0] == "Council budget approved"


def test_editor_puts_up_a_breaking_strip_and_ends_it(log_in, live_server, desk, browser):
    page = log_in("eddie")
    page.goto(live_server.url + "/admin/articles/breakingnews/add/")
    page.fill("#id_text", "Polls have closed: follow the count")
    page.fill("#id_url", "https://news.example/live")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    reader = reader_page(browser, live_server.url + "/")
    strip = reader.locator(".breaking")
    assert "Polls have closed" in strip.inner_text()
    assert strip.locator("a").get_attribute("href") == "https://news.example/live"
    screenshot(reader, "journey-breaking")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "end_now")
    page.click("button[name=index]")
    page.wait_for_load_state()
    assert "1 strip ended" in page.locator(".messagelist").inner_text()
    assert BreakingNews.objects.get().ends_at is not None
    assert reader_page(browser, live_server.url + "/").locator(".breaking").count() == 0


def test_reader_searches_from_the_header_with_the_keyboard(live_server, desk, browser):
    page = browser.new_page()
    page.goto(live_server.url + desk["major"].get_absolute_url())
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site's name
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("millions")
    page.keyboard.press("Enter")
    page.wait_for_url("**/stories/?q=millions")
    assert "Investigation: the missing millions" in page.locator(".results").inner_text()
    screenshot(page, "journey-header-search")
