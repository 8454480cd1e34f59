"""The listing and search in a real browser: a filtered search on a phone and on a desktop."""

import pytest

from articles.demo import load_demo
from tests.browser import WIDTHS, horizontal_overflow, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", WIDTHS)
def test_filtered_search_fits_the_screen_and_highlights_matches(live_server, page, device):
    load_demo()
    page.set_viewport_size({"width": WIDTHS[device], "height": 900})
    page.goto(f"{live_server.url}/stories/?q=Putin+Xi&section=news&ordering=bogus")
    assert page.locator("h1").inner_text() == "Results for “Putin Xi”"
    assert page.locator(".result").count() >= 1
    assert page.locator(".result mark").first.inner_text().lower() in {"putin", "xi"}
    assert "not one of the orders offered" in page.locator(".notices").inner_text()
    assert page.locator(".chip").count() == 2
    assert horizontal_overflow(page) <= 0
    # Every form control has a visible label of its own.
    for control in page.locator(".filters input:not([type=hidden]), .filters select").all():
        label = page.locator(f"label[for='{control.get_attribute('id')}']")
        assert label.count() == 1 and label.is_visible()
    screenshot(page, f"listing-search-{device}")


def test_the_filter_form_works_without_javascript(live_server, browser):
    load_demo()
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/stories/")
    page.fill("#id_q", "Xi Jinping")
    page.select_option("#id_section", "news")
    page.click(".filters__search button[type=submit]")
    page.wait_for_url("**/stories/?*")
    assert "q=Xi+Jinping" in page.url and "section=news" in page.url
    assert page.locator(".result").count() >= 1
    # Removing a chip removes just that filter.
    page.click(".chip >> text=News")
    assert "section=" not in page.url and "q=Xi+Jinping" in page.url
    context.close()


def test_an_empty_result_offers_to_clear_the_filters(live_server, page):
    load_demo()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/stories/?q=zeppelin&section=culture")
    assert "No published stories match these filters." in page.locator("main").inner_text()
    assert horizontal_overflow(page) <= 0
    screenshot(page, "listing-empty-phone")
    page.click("text=Clear all filters")
    assert page.url.endswith("/stories/")
    assert page.locator(".result").count() >= 10
