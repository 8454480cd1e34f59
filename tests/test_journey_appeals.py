"""Reader-revenue staff's journey on an appeal that already exists, clicking what they click
(issue 19, item 9): add a variant with a rich body, type durations as words, preview both.

Screenshots (test-artifacts/): journey-appeal-variants-1280, journey-appeal-variants-360.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editorial.roles import APPEALS
from articles.models import Appeal
from tests.browser import horizontal_overflow, screenshot
from tests.factories import STAFF_PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def appeal():
    make_staff("rosa", APPEALS, password=STAFF_PASSWORD)
    return Appeal.objects.create(
        name="Spring monthly drive",
        heading="Support independent journalism",
        body="<p>Readers fund our reporting.</p>",
        donation_url="https://donate.example.org/monthly",
        starts_at=timezone.now() - timedelta(days=1),
    )


def open_appeal(page, live_server, appeal):
    page.goto(f"{live_server.url}/admin/articles/appeal/{appeal.pk}/change/")
    page.locator("iframe.appeal-preview").first.wait_for()


def test_appeals_staff_add_a_rich_variant_type_durations_as_words_and_preview_both(
    log_in, live_server, appeal
):
    page = log_in("rosa")
    open_appeal(page, live_server, appeal)

    page.get_by_role("button", name="Add another Appeal variant").click()
    variant = page.locator(".inline-related.dynamic-variants").last
    variant.get_by_label("Name").fill("B: urgent")
    variant.get_by_label("Heading").fill("We are running out of time")
    body = variant.locator(".prose-editor [contenteditable=true]")
    body.click()
    page.keyboard.type("Give before Friday, ")
    page.keyboard.press("Control+b")
    page.keyboard.type("even $2 helps")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")

    page.fill("#id_snooze_duration", "6 hours")
    page.fill("#id_support_duration", "4 weeks")
    page.fill("#id_dismiss_duration", "1 day")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    appeal.refresh_from_db()
    assert appeal.snooze_duration == timedelta(hours=6)
    assert appeal.support_duration == timedelta(weeks=4)
    assert appeal.dismiss_duration == timedelta(days=1)
    saved = appeal.variants.get()
    assert saved.body == "<p>Give before Friday, <strong>even $2 helps</strong>.</p>"

    # The form shows the durations as they were typed, in words.
    assert page.input_value("#id_snooze_duration") == "6 hours"
    assert page.input_value("#id_support_duration") == "4 weeks"
    assert page.input_value("#id_dismiss_duration") == "1 day"

    # One preview per copy: the main copy, then the variant with its own heading and body.
    frames = page.locator("iframe.appeal-preview")
    assert frames.count() == 2
    main, urgent = (
        page.frame_locator("iframe.appeal-preview >> nth=0"),
        page.frame_locator("iframe.appeal-preview >> nth=1"),
    )
    assert main.get_by_role("heading", name="Support independent journalism").is_visible()
    assert urgent.get_by_role("heading", name="We are running out of time").is_visible()
    assert urgent.locator(".appeal__body strong").inner_text() == "even $2 helps"
    screenshot(page, "journey-appeal-variants-1280")

    page.set_viewport_size({"width": 360, "height": 800})
    assert horizontal_overflow(page) <= 0
    screenshot(page, "journey-appeal-variants-360")


def test_a_duration_that_means_nothing_is_refused_with_a_message_and_nothing_is_lost(
    log_in, live_server, appeal
):
    page = log_in("rosa")
    open_appeal(page, live_server, appeal)
    page.fill("#id_heading", "A new heading")
    page.fill("#id_snooze_duration", "a fortnight-ish")
    page.click("input[name=_continue]")
    error = page.locator(".field-snooze_duration .errorlist").inner_text()
    assert "6 hours" in error and "1 day" in error, error
    assert page.input_value("#id_snooze_duration") == "a fortnight-ish"
    assert page.input_value("#id_heading") == "A new heading"
    appeal.refresh_from_db()
    assert appeal.heading == "Support independent journalism"
