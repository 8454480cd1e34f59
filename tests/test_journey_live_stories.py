"""Journeys for live stories (issue 14), clicking what editors, reporters and readers click, on
stories that already exist: staged changes and Publish changes, a reporter's changes through
review, autosave after a closed tab, and a live blog that readers' open pages follow.

Screenshots (test-artifacts/, copied to /root/live/ when looked at): live-pending-banner,
live-reporter-pending, live-reporter-told, live-autosave-offer, live-blog-360, live-blog-1280,
live-update-form, live-blog-top-360, live-key-events-360, live-key-events-1280,
live-blog-older-360, live-blog-older-page-1280.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.caching import invalidation
from articles.editorial.roles import EDITOR, REPORTER
from articles.models import Autosave, LiveUpdate, Revision, Story
from articles.snapshots import story_page
from tests.browser import ARTIFACTS, horizontal_overflow, screenshot
from tests.factories import STAFF_PASSWORD, make_author, make_section, make_staff, make_story
from tests.journey_steps import click_and_read_message, open_story, type_in_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom():
    rita = make_staff("rita", REPORTER, password=STAFF_PASSWORD)
    make_staff("eddie", EDITOR, password=STAFF_PASSWORD)
    return {"rita": rita, "author": make_author(name="Rita Reporter", user=rita),
            "world": make_section(name="World", slug="world")}  # fmt: skip


def live_story(newsroom, **overrides):
    overrides.setdefault("headline", "Leaders meet by video link")
    overrides.setdefault("body", "<p>The two leaders spoke for an hour on Monday.</p>")
    return make_story(section=newsroom["world"], authors=[newsroom["author"]],
                      created_by=newsroom["rita"], **overrides)  # fmt: skip


def reader_sees(browser, live_server, story, text):
    context = browser.new_context()
    try:
        reader = context.new_page()
        reader.goto(live_server.url + story.get_absolute_url())
        return text in reader.locator("article.story").inner_text()
    finally:
        context.close()


def test_editor_stages_changes_to_a_live_story_then_publishes_them(
    log_in, browser, live_server, newsroom
):
    story = live_story(newsroom)
    editor = log_in("eddie")
    open_story(editor, live_server, story)
    assert "Live" in editor.locator(".workflow-notice--live").inner_text()
    type_in_body(editor, " They agreed to meet again in spring.")
    message = click_and_read_message(editor, "input[name=_save]")
    assert "saved as a pending version" in message, message
    # Readers keep the live text while the edit is pending.
    assert not reader_sees(browser, live_server, story, "meet again in spring")
    banner = editor.locator(".pending-notice")
    assert "You are editing the pending version" in banner.inner_text()
    assert "meet again in spring" in banner.locator("ins").all_inner_texts()[-1]
    screenshot(editor, "live-pending-banner")

    message = click_and_read_message(editor, ".pending-notice input[name=_publish_changes]")
    assert "readers see them now" in message, message
    assert reader_sees(browser, live_server, story, "meet again in spring")
    assert not editor.locator(".pending-notice").count()
    assert not Revision.pending_versions.exists()


def test_editor_discards_pending_changes(log_in, browser, live_server, newsroom):
    story = live_story(newsroom)
    editor = log_in("eddie")
    open_story(editor, live_server, story)
    type_in_body(editor, " A sentence nobody should read.")
    click_and_read_message(editor, "input[name=_save]")
    message = click_and_read_message(editor, "input[name=_discard_changes]")
    assert "discarded" in message, message
    body = editor.locator(".prose-editor [contenteditable=true]").inner_text()
    assert "nobody should read" not in body
    assert not reader_sees(browser, live_server, story, "nobody should read")


def test_reporter_s_changes_to_her_live_story_wait_for_an_editor(
    log_in, browser, live_server, newsroom
):
    story = live_story(newsroom)
    reporter = log_in("rita")
    open_story(reporter, live_server, story)
    type_in_body(reporter, " The call was the third this year.")
    message = click_and_read_message(reporter, "input[name=_submit_changes]")
    assert "sent to an editor" in message, message
    assert "wait for an editor" in reporter.locator(".pending-notice").inner_text()
    assert not reporter.locator("input[name=_publish_changes]").count()
    screenshot(reporter, "live-reporter-pending")
    assert not reader_sees(browser, live_server, story, "third this year")

    editor = log_in("eddie")
    editor.goto(live_server.url + "/admin/articles/story/review/")
    editor.click("text=Leaders meet by video link")
    editor.locator(".pending-notice").wait_for()
    message = click_and_read_message(editor, ".pending-notice input[name=_publish_changes]")
    assert "readers see them now" in message, message
    assert reader_sees(browser, live_server, story, "third this year")


def test_reporter_is_told_when_an_editor_publishes_the_changes_she_submitted(
    log_in, browser, live_server, newsroom, mailoutbox
):
    story = live_story(newsroom)
    reporter = log_in("rita")
    open_story(reporter, live_server, story)
    type_in_body(reporter, " Both sides called it constructive.")
    click_and_read_message(reporter, "input[name=_submit_changes]")
    (mail,) = mailoutbox
    assert mail.to == ["eddie@example.com"]
    assert mail.subject == "Changes for review: Leaders meet by video link"
    assert "{+Both sides called it constructive.+}" in mail.body

    # The editor finds them waiting at the desk, opens them and publishes them with a note.
    editor = log_in("eddie")
    editor.goto(live_server.url + "/admin/")
    waiting = editor.locator(".desk-panel--review li", has_text="Leaders meet by video link")
    assert "changes to the live story" in waiting.inner_text()
    waiting.locator("a").click()
    editor.locator(".pending-notice").wait_for()
    editor.fill("#id_workflow_note", "Good addition; kept as written.")
    message = click_and_read_message(editor, ".pending-notice input[name=_publish_changes]")
    assert "readers see them now" in message, message
    assert reader_sees(browser, live_server, story, "Both sides called it constructive.")

    told = mailoutbox[-1]
    assert told.to == ["rita@example.com"]
    assert told.subject == "Your changes are live: Leaders meet by video link"
    assert "Good addition; kept as written." in told.body
    # And in the newsroom: her story says what the editor did.
    open_story(reporter, live_server, story)
    notice = reporter.locator(".workflow-notice--notes").inner_text()
    assert "Good addition; kept as written." in notice and "Submitted changes published." in notice
    screenshot(reporter, "live-reporter-told")


def test_text_typed_before_the_tab_closed_is_offered_back(log_in, live_server, newsroom):
    story = live_story(newsroom, status=Story.Status.DRAFT, published_at=None)
    editor = log_in("eddie")
    open_story(editor, live_server, story)
    type_in_body(editor, " Typed, never saved.")
    # Wait for the autosave a few seconds after typing stops, then close the tab unsaved.
    editor.locator("#story-autosave", has_text="Unsaved text kept").wait_for(timeout=10000)
    context = editor.context
    editor.close()
    assert "Typed, never saved." in Autosave.objects.get().body
    story.refresh_from_db()
    assert "Typed, never saved." not in story.body

    again = context.new_page()
    open_story(again, live_server, story)
    offer = again.locator(".autosave-offer")
    assert "You have unsaved text" in offer.inner_text()
    assert "Typed, never saved." in " ".join(offer.locator("ins").all_inner_texts())
    screenshot(again, "live-autosave-offer")
    again.click("text=Restore the unsaved text")
    again.locator(".prose-editor [contenteditable=true]").wait_for()
    assert (
        "Typed, never saved." in again.locator(".prose-editor [contenteditable=true]").inner_text()
    )
    message = click_and_read_message(again, "input[name=_save]")
    assert "changed successfully" in message, message
    story.refresh_from_db()
    assert "Typed, never saved." in story.body
    assert not Autosave.objects.exists()


def test_leaving_the_page_keeps_the_text_at_once(log_in, live_server, newsroom):
    story = live_story(newsroom, status=Story.Status.DRAFT, published_at=None)
    editor = log_in("eddie")
    open_story(editor, live_server, story)
    type_in_body(editor, " Left in a hurry.")
    editor.goto(live_server.url + "/admin/")  # before the pause is over: sent on leaving
    for _ in range(50):
        if Autosave.objects.filter(body__contains="Left in a hurry.").exists():
            break
        editor.wait_for_timeout(100)
    assert Autosave.objects.filter(body__contains="Left in a hurry.").exists()


def test_two_readers_open_pages_show_an_editor_s_update_within_one_poll(
    log_in, browser, live_server, newsroom, monkeypatch
):
    monkeypatch.setattr(story_page, "LIVE_POLL_SECONDS", 3)  # the same code, a shorter wait
    story = live_story(
        newsroom, headline="Summit: live", live_since=timezone.now() - timedelta(hours=1)
    )
    LiveUpdate.objects.create(story=story, body="<p>Delegations arrive.</p>", key_event=True)
    readers = []
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        reader = context.new_page()
        reader.goto(live_server.url + story.get_absolute_url())
        readers.append((context, reader))
    screenshot(readers[0][1], "live-blog-360")
    screenshot(readers[1][1], "live-blog-1280")

    editor = log_in("eddie")
    editor.goto(f"{live_server.url}/admin/articles/story/{story.pk}/live/")
    editor.fill("#id_title", "Joint statement")
    editor.locator(".prose-editor [contenteditable=true]").click()
    editor.keyboard.type("The leaders agreed a joint statement on grain.")
    editor.check("#id_key_event")
    screenshot(editor, "live-update-form")
    message = click_and_read_message(editor, "input[value='Post update']")
    assert "The update is posted" in message, message

    try:
        for _, reader in readers:
            first = reader.locator(".live-update").first
            # One poll interval (3 s here, with its jitter) and a little time to render.
            first.filter(has_text="joint statement on grain").wait_for(timeout=6000)
            assert "Joint statement" in reader.locator(".live-key-events").inner_text()
            assert reader.locator(".live-update").count() == 2
    finally:
        for context, _ in readers:
            context.close()


def underlined_runs(page, selector):
    """The text of each text node under `selector` drawn underlined (by its own style or an
    ancestor's, up to the element itself), in order."""
    return page.evaluate(
        """(selector) => {
          const runs = [];
          for (const root of document.querySelectorAll(selector)) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
              let element = walker.currentNode.parentElement, underlined = false;
              while (element && !underlined) {
                underlined = getComputedStyle(element).textDecorationLine.includes("underline");
                element = element === root ? null : element.parentElement;
              }
              if (underlined) runs.push(walker.currentNode.textContent);
            }
          }
          return runs;
        }""",
        selector,
    )


def test_reader_on_a_phone_reads_back_through_older_updates(
    browser, live_server, newsroom, monkeypatch
):
    monkeypatch.setattr(story_page, "LIVE_POLL_SECONDS", 2)  # the same code, a shorter wait
    story = live_story(
        newsroom, headline="Summit: live", live_since=timezone.now() - timedelta(hours=3)
    )
    now = timezone.now()
    LiveUpdate.objects.bulk_create(
        LiveUpdate(story=story, body=f"<p>Update number {n}.</p>", key_event=n in (3, 70),
                   title="Ceasefire talk" if n == 70 else "",
                   published_at=now - timedelta(minutes=n + 1))
        for n in range(120)
    )  # fmt: skip
    invalidation.live_update_changed(story.pk)  # as the signal would after each save
    context = browser.new_context(viewport={"width": 360, "height": 800})
    try:
        reader = context.new_page()
        reader.goto(live_server.url + story.get_absolute_url())
        updates = reader.locator(".live-update")
        assert updates.count() == 50
        # The key events' links underline their words, not the space after the time.
        runs = underlined_runs(reader, ".live-key-events a")
        assert runs == ["Ceasefire talk", "Update number 3."], runs
        ARTIFACTS.mkdir(exist_ok=True)
        reader.locator(".story__header").screenshot(path=ARTIFACTS / "live-blog-top-360.png")
        reader.locator(".live-key-events").screenshot(path=ARTIFACTS / "live-key-events-360.png")

        reader.get_by_role("link", name="Older updates").click()
        updates.nth(99).wait_for()
        assert updates.count() == 100
        assert reader.url.endswith(story.get_absolute_url())  # read in place
        assert "Update number 50." in updates.nth(50).inner_text()
        assert horizontal_overflow(reader) <= 0
        reader.locator(".live-older").scroll_into_view_if_needed()
        reader.screenshot(path=ARTIFACTS / "live-blog-older-360.png")  # the window, there
        reader.get_by_role("link", name="Older updates").click()
        updates.nth(119).wait_for()
        assert updates.count() == 120 and not reader.locator(".live-older__link").count()

        # New updates still arrive at the top; what they push off the first page stays once.
        LiveUpdate.objects.create(story=story, body="<p>Statement issued.</p>")
        updates.first.filter(has_text="Statement issued.").wait_for(timeout=6000)
        texts = updates.all_inner_texts()
        assert len(texts) == 121 and len(set(texts)) == 121
    finally:
        context.close()


def test_older_updates_without_javascript_are_pages_of_their_own(browser, live_server, newsroom):
    story = live_story(
        newsroom, headline="Summit: live", live_since=timezone.now() - timedelta(hours=3)
    )
    now = timezone.now()
    LiveUpdate.objects.bulk_create(
        LiveUpdate(story=story, body=f"<p>Update number {n}.</p>", key_event=n in (10, 60),
                   published_at=now - timedelta(minutes=n + 1))
        for n in range(70)
    )  # fmt: skip
    invalidation.live_update_changed(story.pk)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    try:
        reader = context.new_page()
        reader.goto(live_server.url + story.get_absolute_url())
        ARTIFACTS.mkdir(exist_ok=True)
        reader.locator(".live-key-events").screenshot(path=ARTIFACTS / "live-key-events-1280.png")
        reader.get_by_role("link", name="Older updates").click()
        reader.wait_for_url("**/older/?before=*")
        assert reader.locator("h1").inner_text() == "Older updates"
        assert reader.locator(".live-update").count() == 20
        assert "Update number 50." in reader.locator(".live-update").first.inner_text()
        screenshot(reader, "live-blog-older-page-1280")
        reader.get_by_role("link", name="Back to the latest updates").click()
        assert reader.locator(".live-update").count() == 50
    finally:
        context.close()
