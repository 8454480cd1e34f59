"""Journeys at the publishing desk, clicking what editors click on stories that already exist,
and what readers then get (issue 19: publishing a scheduled story said "Published 0 stories";
withdrawing was a silent dropdown and readers got a bare 404; a renamed slug broke the old URL).

Screenshots (test-artifacts/): journey-scheduled, journey-publish-scheduled-message,
journey-withdraw-confirm, journey-withdrawn-reader-1280, journey-withdrawn-reader-360.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editorial.roles import EDITOR
from articles.models import Story
from tests.browser import screenshot
from tests.factories import STAFF_PASSWORD, make_author, make_section, make_staff, make_story
from tests.journey_steps import click_and_read_message, open_story, run_list_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    return {"city": make_section(name="City", slug="city"), "author": make_author(name="Rita")}


def test_editor_schedules_a_story_then_publishes_it_now(log_in, live_server, page, desk):
    story = make_story(
        headline="Tram line to the harbour approved",
        status=Story.Status.IN_REVIEW,
        published_at=None,
        section=desk["city"],
        authors=[desk["author"]],
    )
    editor = log_in("eddie")
    open_story(editor, live_server, story)
    editor.select_option("#id_status", "published")
    day_after_tomorrow = timezone.localdate() + timedelta(days=2)
    editor.fill("#id_published_at_0", day_after_tomorrow.isoformat())
    editor.fill("#id_published_at_1", "09:00")
    message = click_and_read_message(editor, "input[name=_continue]")
    assert "changed successfully" in message, message
    assert "Scheduled" in editor.locator(".workflow-notice--scheduled").inner_text()
    screenshot(editor, "journey-scheduled")
    story.refresh_from_db()
    assert story.is_scheduled
    assert page.goto(live_server.url + story.get_absolute_url()).status == 404

    # "Publish" on the list says when it is scheduled, and how to publish it now.
    run_list_action(editor, live_server, story, "publish")
    message = editor.locator(".messagelist").inner_text()
    assert "scheduled to go live on" in message and "Publish now" in message, message
    assert "Published 0" not in message
    screenshot(editor, "journey-publish-scheduled-message")

    open_story(editor, live_server, story)
    message = click_and_read_message(editor, "input[name=_publish_now]")
    assert "is live" in message, message
    story.refresh_from_db()
    assert story.is_public
    response = page.goto(live_server.url + story.get_absolute_url())
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Tram line to the harbour approved"


def test_editor_withdraws_a_story_with_a_reason_and_readers_see_it_was_withdrawn(
    log_in, live_server, page, desk
):
    story = make_story(
        headline="Mayor accused of fraud", section=desk["city"], authors=[desk["author"]]
    )
    url = live_server.url + story.get_absolute_url()
    assert page.goto(url).status == 200
    reason = "The claims in this story could not be substantiated."

    editor = log_in("eddie")
    open_story(editor, live_server, story)
    editor.click("input[name=_withdraw]")
    editor.locator("#id_note").wait_for()
    assert "Mayor accused of fraud" in editor.locator("#content").inner_text()
    editor.click("input[name=confirm]")  # no reason given: refused, the story stays up
    assert "Say why" in editor.locator(".errorlist").inner_text()
    story.refresh_from_db()
    assert story.is_public
    editor.fill("#id_note", reason)
    editor.check("#id_show_note")
    screenshot(editor, "journey-withdraw-confirm")
    message = click_and_read_message(editor, "input[name=confirm]")
    assert "withdrawn" in message.lower(), message
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN

    for width in (1280, 360):  # the reader who had it open comes back to it (reloads)
        page.set_viewport_size({"width": width, "height": 900})
        response = page.reload()
        assert response.status == 410
        assert "withdrawn" in page.locator("h1").inner_text().lower()
        assert reason in page.locator("main").inner_text()
        assert page.locator(".site-name").is_visible()  # the site's own page, not a bare error
        screenshot(page, f"journey-withdrawn-reader-{width}")


def test_editor_renames_a_slug_twice_and_both_old_addresses_redirect(
    log_in, live_server, page, desk
):
    story = make_story(
        headline="Bus fares rise", slug="bus-fares-rise", section=desk["city"],
        authors=[desk["author"]],
    )  # fmt: skip
    first = story.get_absolute_url()
    editor = log_in("eddie")
    open_story(editor, live_server, story)
    editor.fill("#id_slug", "bus-fares-rise-by-a-fifth")
    assert "changed successfully" in click_and_read_message(editor, "input[name=_continue]")
    story.refresh_from_db()
    second = story.get_absolute_url()
    editor.fill("#id_slug", "bus-fares-rise-by-a-fifth-in-january")
    assert "changed successfully" in click_and_read_message(editor, "input[name=_continue]")
    story.refresh_from_db()
    current = story.get_absolute_url()
    assert len({first, second, current}) == 3

    for old in (first, second):
        response = page.goto(live_server.url + old)
        assert response.status == 200 and page.url == live_server.url + current
        assert response.request.redirected_from.response().status == 301
        assert page.locator("h1").inner_text() == "Bus fares rise"
