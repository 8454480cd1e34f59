"""Journeys through the review workflow, clicking what reporters and editors click, on stories
that already exist (issue 19: the review buttons did nothing on a saved story).

Screenshots (test-artifacts/): journey-submitted, journey-sent-back, journey-resubmitted.
"""

import pytest

from articles.editorial.roles import EDITOR, REPORTER
from articles.models import Story, Transition
from tests.conftest import (
    STAFF_PASSWORD,
    make_author,
    make_section,
    make_staff,
    make_story,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, field_id, text):
    """Pick `text` in an admin autocomplete (select2) field, as a person does: open, type, Enter."""
    page.click(f"#{field_id} + .select2 .select2-selection")
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(text)
    page.locator(".select2-results__option--highlighted", has_text=text).wait_for()
    search.press("Enter")


def type_in_body(page, text):
    body = page.locator(".prose-editor [contenteditable=true]")
    body.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(text)


def click_and_read_message(page, selector):
    """Click a submit button and return the message the admin shows next ("" if none)."""
    page.click(selector)
    page.wait_for_load_state()
    messages = page.locator(".messagelist li, .errornote")
    messages.first.wait_for()
    return " ".join(messages.all_inner_texts())


def open_story(page, live_server, story):
    page.goto(f"{live_server.url}/admin/articles/story/{story.pk}/change/")
    page.locator(".prose-editor [contenteditable=true]").wait_for()


@pytest.fixture
def newsroom():
    """A reporter with a byline of her own, an editor, and the City section."""
    rita = make_staff("rita", REPORTER, password=STAFF_PASSWORD)
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    return {"rita": rita, "author": make_author(name="Rita Reporter", user=rita),
            "city": make_section(name="City", slug="city")}  # fmt: skip


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
    story = make_story(
        headline="Council approves new cycle lanes",
        body="<p>The council voted on Tuesday.</p>",
        section=newsroom["city"],
        status=Story.Status.IN_REVIEW,
        published_at=None,
        authors=[newsroom["author"]],
        created_by=newsroom["rita"],
    )
    Transition.objects.create(story=story, user=newsroom["rita"], from_status="draft",
                              to_status="review")  # fmt: skip

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
