"""The editorial workflow in a real browser: two editors on one story, diffs, the review queue.

Screenshots (test-artifacts/): workflow-presence, workflow-conflict, workflow-conflict-diff,
workflow-compare, workflow-review-queue.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.demo import load_demo
from articles.editorial.roles import EDITOR, REPORTER
from articles.models import Story, Transition
from tests.browser import ARTIFACTS, screenshot
from tests.factories import STAFF_PASSWORD, make_author, make_section, make_staff, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_story(page, live_server, story):
    page.goto(f"{live_server.url}/admin/articles/story/{story.pk}/change/")
    page.locator(".prose-editor [contenteditable=true]").wait_for()


def test_two_editors_one_story_the_second_save_is_refused_and_nothing_is_lost(log_in, live_server):
    story = load_demo()[0]
    make_staff("anna", EDITOR, password=STAFF_PASSWORD)
    make_staff("boris", EDITOR, password=STAFF_PASSWORD)
    anna = log_in("anna")
    boris = log_in("boris")
    open_story(anna, live_server, story)
    open_story(boris, live_server, story)
    notice = boris.locator("#story-presence")
    assert "Anna is also editing this story" in notice.inner_text()
    screenshot(boris, "workflow-presence")

    anna.fill("#id_headline", "Putin and Xi hail ties in video call")
    anna.click("input[name=_publish_changes] >> nth=-1")  # a live story: straight to readers
    anna.wait_for_selector(".messagelist .success")

    boris.fill("#id_headline", "Putin, Xi praise “model” relationship")
    body = boris.locator(".prose-editor [contenteditable=true]")
    # Put the caret at the very start of the first paragraph, however loaded the machine is.
    body.locator("p").first.click(position={"x": 1, "y": 5})
    boris.keyboard.press("Control+Home")
    boris.keyboard.type("Boris's new opening sentence. ")
    assert body.inner_text().startswith("Boris's new opening sentence.")
    boris.click("input[name=_publish_changes] >> nth=-1")  # a live story: straight to readers
    boris.wait_for_selector(".errornote")
    message = boris.locator("ul.errorlist.nonfield").inner_text()
    assert "Not saved: Anna saved this story" in message
    # Boris's words are still in the form; Anna's save is intact in the database.
    assert boris.input_value("#id_headline") == "Putin, Xi praise “model” relationship"
    assert "Boris's new opening sentence." in body.inner_text()
    story.refresh_from_db()
    assert story.headline == "Putin and Xi hail ties in video call"
    assert "Boris" not in story.body
    screenshot(boris, "workflow-conflict")
    boris.screenshot(path=ARTIFACTS / "workflow-conflict-top.png")  # what the editor sees first

    with boris.context.expect_page() as diff_page_info:
        boris.click("ul.errorlist.nonfield a")  # a new tab: the refused form stays as it is
    diff_page = diff_page_info.value
    diff_page.wait_for_load_state()
    assert "Your copy against the current version" in diff_page.locator("h1").inner_text()
    inserted = " ".join(diff_page.locator(".diff-body ins").all_inner_texts())
    assert "Boris's new opening sentence." in inserted
    screenshot(diff_page, "workflow-conflict-diff")

    # Saving the refused form again, having compared, is deliberate: it goes through.
    boris.click("input[name=_publish_changes] >> nth=-1")  # a live story: straight to readers
    boris.wait_for_selector(".messagelist .success")
    story.refresh_from_db()
    assert story.headline == "Putin, Xi praise “model” relationship"
    assert "Boris's new opening sentence." in story.body


def test_revision_compare_page(log_in, live_server):
    story = load_demo()[0]
    make_staff("anna", EDITOR, password=STAFF_PASSWORD)
    page = log_in("anna")
    open_story(page, live_server, story)
    page.fill("#id_standfirst", "The two leaders spoke for more than an hour on Wednesday.")
    page.fill("#id_headline", story.headline.replace("Putin", "Russia's Putin", 1))
    body = page.locator(".prose-editor [contenteditable=true]")
    body.locator("p").last.click()
    # The end of the text: "End" alone goes to the end of the visual line, which in a wrapped
    # paragraph is not where the sentence ends.
    page.keyboard.press("Control+End")
    page.keyboard.type(" Both sides called the talks constructive.")
    page.click("input[name=_publish_changes] >> nth=-1")  # a live story: straight to readers
    page.wait_for_selector(".messagelist .success")
    page.click("text=Revisions (2)")
    page.click("input[type=submit][value='Compare the chosen revisions']")
    page.wait_for_selector(".diff-body")
    inserted = " ".join(page.locator(".diff-body ins").all_inner_texts())
    assert "Both sides called the talks constructive." in inserted
    assert page.locator(".diff-headline ins").inner_text().strip().startswith("Russia")
    screenshot(page, "workflow-compare")


def test_review_queue(log_in, live_server):
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    rita = make_staff("rita", REPORTER)
    reporter = make_author(name="Rita Reporter", user=rita)
    city, health = make_section(name="City"), make_section(name="Health")
    now = timezone.now()
    submissions = [
        ("Ferry operator cuts winter timetable", city, 190, "Figures checked with the operator."),
        ("Council approves new cycle lanes on the ring road", city, 45, ""),
        ("Hospital waiting lists fall for the third month", health, 5, "Needs a photo."),
    ]
    for headline, section, minutes, note in submissions:
        story = make_story(
            headline=headline,
            standfirst=f"{headline}: what it means for readers.",
            section=section,
            status=Story.Status.IN_REVIEW,
            published_at=None,
            authors=[reporter],
            created_by=rita,
        )
        step = Transition.objects.create(
            story=story, user=rita, from_status="draft", to_status="review", note=note
        )
        Transition.objects.filter(pk=step.pk).update(created=now - timedelta(minutes=minutes))
    page = log_in("eddie")
    page.goto(live_server.url + "/admin/articles/story/review/")
    rows = page.locator(".review-queue tbody tr")
    assert rows.count() == 3
    assert "Ferry operator" in rows.first.inner_text() and "3\xa0hours" in rows.first.inner_text()
    screenshot(page, "workflow-review-queue")
    page.click("text=Ferry operator cuts winter timetable")
    page.locator("input[name=_send_back]").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "workflow-review-story.png")
    make_story(headline="Budget day: live coverage", published_at=now + timedelta(days=2),
               withdraw_at=now + timedelta(days=9), section=city)  # fmt: skip
    page.goto(live_server.url + "/admin/articles/story/")
    assert "Scheduled" in page.locator("#result_list").inner_text()
    screenshot(page, "workflow-story-list")


def test_corrections_on_the_story_page_and_the_corrections_page(page, live_server):
    from articles.models import Correction

    story = load_demo()[0]
    Correction.objects.create(
        story=story,
        text="An earlier version of this story said Xi and Putin had met 38 times. "
        "They have met 36 times.",
    )
    Correction.objects.create(
        story=story,
        kind="clarification",
        text="This story has been updated to make clear that the Beijing Olympics invitation "
        "was reported by the Kremlin.",
    )
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + story.get_absolute_url())
    top = page.locator(".corrections--top")
    assert "38 times" in top.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "story-corrections-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/corrections/")
    assert page.locator(".correction-list__item").count() == 2
    screenshot(page, "corrections-page")
