"""Reader-revenue staff's journeys with money, by clicking, on appeals that already exist: read
a finished test's results, import offline gifts (a file with mistakes first), set up a
holdback, a bandit and frequency rules, and delete a reader's reminder address.

Screenshots (test-artifacts/): journey-appeal-results-1280, journey-appeal-results-360,
journey-donation-import-errors-1280.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from articles.appeals import references
from articles.demo.ab_test import load_demo_ab_test
from articles.editorial.roles import APPEALS
from articles.models import Appeal, Donation, Reminder
from tests.browser import horizontal_overflow, screenshot
from tests.factories import STAFF_PASSWORD, make_appeal, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rosa():
    make_staff("rosa", APPEALS, password=STAFF_PASSWORD)
    return "rosa"


def test_appeals_staff_read_a_finished_tests_results(log_in, live_server, rosa):
    appeal = load_demo_ab_test()
    page = log_in(rosa)
    page.goto(live_server.url + "/admin/articles/appeal/?status__exact=archived")
    page.get_by_role("row", name=appeal.name).get_by_role("link", name="Results").click()
    page.get_by_role("heading", name=f"Results: {appeal.name}").wait_for()
    verdict = page.locator("[data-verdict]").inner_text()
    assert "“B: Readers like you” is very probably the best" in verdict
    comparison = page.locator("[data-results=comparison]")
    assert comparison.get_by_role("row", name="B: Readers like you").inner_text().count("%") >= 4
    assert "very probably brings more donations" in page.locator("[data-holdback]").inner_text()
    assert page.locator("[data-holdback-lift]").inner_text().startswith("+")
    assert page.locator(".appeal-chart svg rect").count() > 50
    screenshot(page, "journey-appeal-results-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert horizontal_overflow(page) <= 0
    screenshot(page, "journey-appeal-results-360")


def test_appeals_staff_import_offline_gifts_fixing_a_bad_line_first(log_in, live_server, rosa):
    appeal = make_appeal(name="Winter drive")
    ref = references.sign(appeal.pk, placement="end", day=date(2026, 11, 2))
    page = log_in(rosa)
    page.goto(live_server.url + "/admin/articles/donation/")
    page.get_by_role("link", name="Import offline gifts").click()

    bad = (
        f"id,date,amount,currency,reference\nchq-1,2026-11-03,50,USD,{ref}\nchq-2,3 Nov,ten,USD,\n"
    )
    page.get_by_label("CSV file").set_input_files(
        {"name": "gifts.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    page.get_by_role("button", name="Import").click()
    errors = page.locator(".import-errors li").all_inner_texts()
    assert errors == [
        "Line 3: The time '3 Nov' is not a date (2026-12-01) or an ISO 8601 time. "
        "The amount 'ten' is not a number.",
    ]
    assert "Nothing was imported" in page.locator(".errornote").inner_text()
    screenshot(page, "journey-donation-import-errors-1280")
    assert Donation.objects.count() == 0

    good = bad.replace("chq-2,3 Nov,ten", "chq-2,2026-11-03,10")
    page.get_by_label("CSV file").set_input_files(
        {"name": "gifts.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Import").click()
    page.locator(".messagelist .success").wait_for()
    assert "Imported 2 offline gifts" in page.locator(".messagelist").inner_text()
    assert page.get_by_role("row", name="Winter drive").count() == 1
    assert Donation.objects.get(event_id="chq-1").appeal == appeal


def test_appeals_staff_set_up_a_holdback_a_bandit_and_gentle_frequency(log_in, live_server, rosa):
    appeal = make_appeal(name="Spring drive", variants=["B"])
    page = log_in(rosa)
    page.goto(f"{live_server.url}/admin/articles/appeal/{appeal.pk}/change/")
    page.fill("#id_holdback_percent", "5")
    page.check("#id_bandit")
    page.select_option("#id_bandit_metric", label="Revenue per view")
    page.fill("#id_skip_first_views", "3")
    page.fill("#id_max_per_day", "1")
    page.fill("#id_cap_views", "4")
    page.fill("#id_cap_days", "30")
    page.fill("#id_click_pause", "2 weeks")
    page.check("#id_offer_reminder")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    appeal.refresh_from_db()
    assert (appeal.holdback_percent, appeal.bandit, appeal.bandit_metric) == (5, True, "revenue")
    assert (appeal.skip_first_views, appeal.max_per_day, appeal.cap_views) == (3, 1, 4)
    assert appeal.click_pause == timedelta(weeks=2) and appeal.offer_reminder
    assert page.input_value("#id_click_pause") == "2 weeks"
    page.get_by_role("link", name="Donations, revenue and which copy is best").click()
    assert "A bandit sets this appeal's shares" in page.locator("#content-main").inner_text()
    assert "No reader in the holdback group" in page.locator("[data-holdback]").inner_text()


def test_appeals_staff_delete_a_readers_reminder_address(log_in, live_server, rosa):
    appeal = make_appeal(offer_reminder=True)
    Reminder.objects.create(
        email="reader@example.net", month=timezone.localdate().replace(day=1) + timedelta(days=40),
        appeal=appeal, consent="…", confirmed_at=timezone.now(),
    )  # fmt: skip
    page = log_in(rosa)
    page.goto(live_server.url + "/admin/articles/reminder/")
    page.get_by_role("row", name="reader@example.net").get_by_role("checkbox").check()
    page.select_option("select[name=action]", "delete_selected")
    page.click("button[name=index]")
    page.get_by_role("button", name="Yes, I’m sure").click()
    page.locator(".messagelist .success").wait_for()
    assert not Reminder.objects.exists() and Appeal.objects.filter(pk=appeal.pk).exists()
