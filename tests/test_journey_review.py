"""Journeys through the review workflow, clicking what reporters and editors click, on stories
that already exist (issue 19: the review buttons did nothing on a saved story; a story sent back
by its Status field or from the list carried no note).

Screenshots (test-artifacts/): journey-submitted, journey-sent-back, journey-resubmitted,
journey-send-back-refused.
"""

import pytest

from articles.editorial.roles import EDITOR, REPORTER
from articles.models import Story, Transition
from tests.browser import screenshot
from tests.factories import STAFF_PASSWORD, make_author, make_section, make_staff, make_story
from tests.journey_steps import (
    choose,
    click_and_read_message,
    open_story,
    run_list_action,
    type_in_body,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom():
    """A reporter with a byline of her own, an editor, and the City section."""
    rita = make_staff("rita", REPORTER, password=STAFF_PASSWORD)
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    return {"rita": rita, "author": make_author(name="Rita Reporter", user=rita),
            "city": make_section(name="City", slug="city")}  # fmt: skip


def in_review(newsroom, headline):
    """A story of Rita's, submitted for review."""
    story = make_story(
        headline=headline,
        body="<p>The council voted on Tuesday.</p>",
        section=newsroom["city"],
        status=Story.Status.IN_REVIEW,
        published_at=None,
        authors=[newsroom["author"]],
        created_by=newsroom["rita"],
    )
    Transition.objects.create(story=story, user=newsroom["rita"], from_status="draft",
                              to_status="review")  # fmt: skip
    return story


def test_reporter_writes_saves_edits_and_submits_for_review(log_in, live_server, newsroom):
    page = log_in("rita")
    page.goto(live_server.url + "/admin/articles/story/add/")
    page.fill("#id_headline", "Ferry operator cuts winter timetable")
    type_in_body(page, "The island ferry will sail twice a day from November.")
    choose(page, "id_section", "City")
    choose(page, "id_bylines-0-author", "Rita Reporter")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    story = Story.objects.get()
    assert story.status == Story.Status.DRAFT

    # The story exists now: change it, then submit it from its change form.
    page.fill("#id_headline", "Ferry operator cuts winter timetable to two sailings")
    type_in_body(page, " Islanders say that is not enough.")
    page.fill("#id_workflow_note", "Timetable checked with the operator.")
    message = click_and_read_message(page, "input[name=_submit_for_review]")
    assert "submitted for review" in message, message
    screenshot(page, "journey-submitted")

    story.refresh_from_db()
    assert story.status == Story.Status.IN_REVIEW
    assert story.headline == "Ferry operator cuts winter timetable to two sailings"
    assert "Islanders say that is not enough." in story.body
    step = story.transitions.first()
    assert (step.from_status, step.to_status) == ("draft", "review")
    assert step.note == "Timetable checked with the operator."


def test_editor_sends_back_with_a_note_and_the_reporter_revises_and_resubmits(
    log_in, live_server, newsroom
):
    story = in_review(newsroom, "Council approves new cycle lanes")
    editor = log_in("eddie")
    editor.goto(live_server.url + "/admin/articles/story/review/")
    editor.click("text=Council approves new cycle lanes")
    editor.locator(".prose-editor [contenteditable=true]").wait_for()
    editor.fill("#id_workflow_note", "Say how many votes it passed by.")
    message = click_and_read_message(editor, "input[name=_send_back]")
    assert "sent back to Rita" in message, message
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    assert story.transitions.first().note == "Say how many votes it passed by."

    reporter = log_in("rita")
    open_story(reporter, live_server, story)
    notice = reporter.locator(".workflow-notice--sent-back").inner_text()
    assert "Say how many votes it passed by." in notice
    screenshot(reporter, "journey-sent-back")
    type_in_body(reporter, " It passed by 31 votes to 12.")
    message = click_and_read_message(reporter, "input[name=_submit_for_review]")
    assert "submitted for review" in message, message
    screenshot(reporter, "journey-resubmitted")
    story.refresh_from_db()
    assert story.status == Story.Status.IN_REVIEW
    assert "31 votes to 12" in story.body
    assert [t.to_status for t in story.transitions.all()] == ["review", "draft", "review"]


@pytest.mark.parametrize("way", ["status field", "story list"])
def test_reporter_sees_the_note_whichever_way_the_editor_sent_the_story_back(
    log_in, live_server, newsroom, way
):
    story = in_review(newsroom, "Library opening hours cut")
    note = "Ask the library service for the savings figure."
    editor = log_in("eddie")
    if way == "status field":
        open_story(editor, live_server, story)
        editor.select_option("#id_status", "draft")
        message = click_and_read_message(editor, "input[name=_save]")
        assert "Please correct the error" in message, message
        assert "Say what needs doing" in editor.locator(".field-workflow_note").inner_text()
        screenshot(editor, "journey-send-back-refused")
        assert editor.input_value("#id_status") == "draft"  # what was chosen is still there
        editor.fill("#id_workflow_note", note)
        message = click_and_read_message(editor, "input[name=_save]")
    else:
        run_list_action(editor, live_server, story, "send_back")
        editor.locator("#id_note").wait_for()
        editor.click("input[name=confirm]")  # no note yet: refused, nothing sent back
        assert "Say what needs doing" in editor.locator(".errorlist").inner_text()
        editor.fill("#id_note", note)
        message = click_and_read_message(editor, "input[name=confirm]")
    assert "sent back" in message.lower(), message
    story.refresh_from_db()
    assert story.status == Story.Status.DRAFT
    assert story.transitions.first().note == note

    reporter = log_in("rita")
    open_story(reporter, live_server, story)
    assert note in reporter.locator(".workflow-notice--sent-back").inner_text()
