"""Sources in a real browser: who is quoted on the story page, the source page, the admin."""

import pytest

from articles.demo import load_demo
from articles.editorial.roles import REPORTER
from articles.models import Quote, Source, Story
from tests.browser import ARTIFACTS, WIDTHS, horizontal_overflow, screenshot
from tests.factories import STAFF_PASSWORD, make_staff, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("device", WIDTHS)
def test_story_page_shows_who_is_quoted_and_links_to_them(live_server, page, device):
    story = load_demo()[0]
    page.set_viewport_size({"width": WIDTHS[device], "height": 800})
    page.goto(live_server.url + story.get_absolute_url())
    quoted = page.locator(".sources-box__name")
    assert quoted.all_inner_texts() == ["Vladimir Putin", "Yury Ushakov"]
    assert horizontal_overflow(page) <= 0
    screenshot(page, f"story-quoted-{device}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".story__footer").screenshot(path=ARTIFACTS / f"story-quoted-block-{device}.png")
    quoted.nth(1).click()
    page.wait_for_url("**/sources/yury-ushakov/")
    assert page.locator("h1").inner_text() == "Yury Ushakov"


@pytest.mark.parametrize("device", WIDTHS)
def test_source_page_fits_the_screen(live_server, page, device):
    load_demo()
    page.set_viewport_size({"width": WIDTHS[device], "height": 800})
    page.goto(live_server.url + "/sources/vladimir-putin/")
    assert page.locator(".source-story").count() == 1
    assert page.locator(".source-quote").count() >= 4
    assert horizontal_overflow(page) <= 0
    screenshot(page, f"source-{device}")


def test_source_admin_pages(live_server, page, django_user_model):
    load_demo()
    django_user_model.objects.create_superuser("ed", "ed@example.com", "pw-for-tests")
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/articles/source/")
    assert page.locator("#result_list tbody tr").count() == Source.objects.count()
    screenshot(page, "admin-source-list")
    ushakov = Source.objects.get(slug="yury-ushakov")
    page.goto(f"{live_server.url}/admin/articles/source/{ushakov.pk}/change/")
    assert page.locator("#id_aliases").input_value() == "Yuri Ushakov\nUshakov"
    screenshot(page, "admin-source-change")
    page.goto(live_server.url + "/admin/articles/source/report/")
    assert page.locator(".report-table tbody tr").count() >= 1
    screenshot(page, "admin-sourcing-report")
    page.goto(live_server.url + "/admin/articles/quote/")
    screenshot(page, "admin-quote-list")
    seed = Story.objects.get(slug__startswith="putin-hails")
    page.goto(f"{live_server.url}/admin/articles/story/{seed.pk}/change/")
    inline = page.locator(".quotes-inline")
    assert inline.locator("tbody tr.has_original").count() == seed.quotes.count()
    ARTIFACTS.mkdir(exist_ok=True)
    inline.screenshot(path=ARTIFACTS / "admin-story-quotes-inline.png")


def test_reporter_trying_to_change_someone_elses_confirmed_quote_is_refused(log_in, live_server):
    """Issue 11: a reporter could rewrite a confirmed quote on a colleague's published story,
    and the new words went live on the source page with no review."""
    make_staff("rita", REPORTER, password=STAFF_PASSWORD)
    story = make_story(headline="Minister resigns")
    source = Source.objects.create(name="Anna Field")
    quote = Quote.objects.create(
        story=story, source=source, text="I leave with my head high.", status="confirmed"
    )
    page = log_in("rita")
    page.get_by_role("link", name="Quotes").first.click()
    page.get_by_role("link", name="I leave with my head high.").click()
    page.get_by_role("heading", name="View quote").wait_for()
    # Opened read-only: the words are shown, with no field to change them and no Save button.
    assert page.locator(".readonly", has_text="I leave with my head high.").count() == 1
    assert page.locator("textarea[name=text]").count() == 0
    assert page.locator("input[name=_save]").count() == 0
    screenshot(page, "journey-reporter-quote-read-only")

    page.go_back()
    page.wait_for_load_state()
    page.locator(f"input[name=_selected_action][value='{quote.pk}']").check()
    page.select_option("select[name=action]", "reject")
    page.get_by_role("button", name="Run").click()
    page.wait_for_load_state()
    message = page.locator(".messagelist .error")
    assert "You can only change quotes on stories you may edit" in message.inner_text()
    screenshot(page, "journey-reporter-quote-refused")
    quote.refresh_from_db()
    assert quote.status == "confirmed" and quote.text == "I leave with my head high."
