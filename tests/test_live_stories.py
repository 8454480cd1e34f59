"""Staged changes to a live story, scheduled updates and autosave (issue 14; editorial/pending.py,
editorial/live.py, admin/live.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.caching.pages import seconds_until_next_scheduled_change
from articles.editorial import pending
from articles.editorial.roles import EDITOR, REPORTER
from articles.models import Autosave, Revision, Story, Transition
from tests.admin_forms import admin_form_data
from tests.factories import make_author, make_staff, make_story

pytestmark = pytest.mark.django_db

LIVE_BODY = "<p>The summit opened on Monday.</p>"


def change_url(story):
    return reverse("admin:articles_story_change", args=[story.pk])


def live_story(**overrides):
    overrides.setdefault("headline", "Summit opens")
    overrides.setdefault("body", LIVE_BODY)
    overrides.setdefault("authors", [make_author(name="Anna Field")])
    return make_story(**overrides)


def edit(client, story, **changes):
    """Open the story's change form and submit it with `changes`, as a browser would."""
    form = client.get(change_url(story))
    assert form.status_code == 200
    response = client.post(change_url(story), admin_form_data(form, **changes))
    if response.status_code == 200 and "adminform" in (response.context or {}):
        response.errors = response.context["adminform"].form.errors
    return response


def reader_text(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def at(monkeypatch):
    """Time travel: at(moment) makes timezone.now() return `moment` from then on."""

    def travel(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return travel


# --- Staged changes ---------------------------------------------------------------------------


def test_saving_a_live_story_keeps_the_live_version_for_readers(editor_client, client):
    story = live_story()
    response = edit(editor_client, story, body="<p>The summit opened on Tuesday.</p>")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.body == LIVE_BODY
    assert "Monday" in reader_text(client, story)
    assert "Tuesday" not in reader_text(client, story)
    version = Revision.pending_versions.get(story=story)
    assert "Tuesday" in version.body
    # The history is not spammed: no kept revision says "Tuesday".
    assert not Revision.objects.filter(story=story, body__contains="Tuesday").exists()


def test_the_change_form_edits_the_pending_version_and_shows_its_diff(editor_client):
    story = live_story()
    edit(editor_client, story, body="<p>The summit opened on Tuesday.</p>")
    page = editor_client.get(change_url(story))
    html = page.content.decode()
    assert "You are editing the pending version" in html
    assert page.context["adminform"].form["body"].value() == "<p>The summit opened on Tuesday.</p>"
    assert "<del>Monday</del><ins>Tuesday</ins>" in html
    assert 'name="_publish_changes"' in html and 'name="_discard_changes"' in html


def test_saving_again_replaces_the_one_pending_version(editor_client):
    story = live_story()
    edit(editor_client, story, body="<p>Opened on Tuesday.</p>")
    edit(editor_client, story, body="<p>Opened on Wednesday.</p>")
    assert Revision.pending_versions.filter(story=story).count() == 1
    assert "Wednesday" in Revision.pending_versions.get(story=story).body
    story.refresh_from_db()
    assert story.body == LIVE_BODY


def test_publish_changes_makes_them_live_and_drops_the_pending_version(editor_client, client):
    story = live_story()
    edit(editor_client, story, body="<p>The summit opened on Tuesday.</p>")
    response = edit(editor_client, story, _publish_changes="Publish changes")
    assert response.status_code == 302
    story.refresh_from_db()
    assert "Tuesday" in story.body
    assert "Tuesday" in reader_text(client, story)
    assert not Revision.pending_versions.filter(story=story).exists()
    assert story.revisions.first().body == story.body


def test_discard_drops_the_pending_version_and_readers_never_saw_it(editor_client, client):
    story = live_story()
    edit(editor_client, story, body="<p>The summit opened on Tuesday.</p>")
    form = editor_client.get(change_url(story))
    response = editor_client.post(
        change_url(story), admin_form_data(form, _discard_changes="Discard changes")
    )
    assert response.status_code == 302
    assert not Revision.pending_versions.filter(story=story).exists()
    story.refresh_from_db()
    assert story.body == LIVE_BODY
    assert editor_client.get(change_url(story)).context["adminform"].form["body"].value() == (
        LIVE_BODY
    )


def test_staff_preview_shows_the_pending_version(editor_client):
    story = live_story()
    edit(editor_client, story, body="<p>The summit opened on Tuesday.</p>")
    preview = editor_client.get(reverse("articles:story-preview", args=[story.pk]))
    assert "Tuesday" in preview.content.decode()
    assert "pending changes" in preview.content.decode()


def test_a_draft_is_saved_directly_as_before(editor_client):
    story = live_story(status=Story.Status.DRAFT, published_at=None)
    edit(editor_client, story, body="<p>Rewritten.</p>")
    story.refresh_from_db()
    assert story.body == "<p>Rewritten.</p>"
    assert not Revision.pending_versions.exists()


def test_filing_changes_on_a_live_story_save_at_once_beside_the_pending_words(editor_client):
    from tests.factories import make_section

    story = live_story()
    other = make_section(name="World")
    edit(editor_client, story, body="<p>New words.</p>", section=str(other.pk))
    story.refresh_from_db()
    assert story.section == other and story.body == LIVE_BODY
    assert Revision.pending_versions.filter(story=story).exists()


def test_a_stale_pending_save_is_refused(editor_client, editor):
    story = live_story()
    form = editor_client.get(change_url(story))
    edit(editor_client, story, body="<p>First editor's words.</p>")
    response = editor_client.post(
        change_url(story), admin_form_data(form, body="<p>Second editor's words.</p>")
    )
    assert response.status_code == 200  # refused, text kept in the form
    assert "Not saved" in response.content.decode()
    assert "First editor" in Revision.pending_versions.get(story=story).body


# --- The review workflow ---------------------------------------------------------------------


@pytest.fixture
def reporter_story(client):
    rita = make_staff("rita", REPORTER)
    story = live_story(authors=[make_author(name="Rita R", user=rita)], created_by=rita)
    client.force_login(rita)
    return client, story


def test_a_reporter_s_change_to_a_live_story_goes_to_review(reporter_story):
    client, story = reporter_story
    response = edit(client, story, body="<p>Corrected by Rita.</p>", _submit_changes="Submit")
    assert response.status_code == 302
    version = Revision.pending_versions.get(story=story)
    assert version.submitted
    story.refresh_from_db()
    assert story.body == LIVE_BODY
    assert Transition.objects.filter(story=story, note__contains="submitted").exists()
    # The reporter cannot publish them, however the POST is made.
    response = edit(client, story, _publish_changes="Publish changes")
    assert response.status_code == 200
    story.refresh_from_db()
    assert story.body == LIVE_BODY


def test_a_reporter_changes_only_the_words_of_a_live_story(reporter_story):
    client, story = reporter_story
    form = client.get(change_url(story)).context["adminform"].form
    assert form.fields["section"].disabled and form.fields["status"].disabled
    assert not form.fields["body"].disabled
    response = edit(client, story, body="<p>Rita's words.</p>", changes_go_live_at_0="2030-01-01",
                    changes_go_live_at_1="09:00:00")  # fmt: skip
    assert response.status_code == 200
    assert "Only editors can schedule changes." in str(response.errors)


def test_an_editor_publishes_a_reporter_s_changes_from_the_review_queue(reporter_story, client):
    rita_client, story = reporter_story
    edit(rita_client, story, body="<p>Corrected by Rita.</p>", _submit_changes="Submit")
    from django.test import Client

    eddie = Client()
    eddie.force_login(make_staff("eddie", EDITOR))
    queue = eddie.get(reverse("admin:articles_story_review")).content.decode()
    assert "Summit opens" in queue and "Changes to live stories" in queue
    edit(eddie, story, _publish_changes="Publish changes")
    story.refresh_from_db()
    assert story.body == "<p>Corrected by Rita.</p>"


# --- Scheduled updates -------------------------------------------------------------------------


def test_a_scheduled_update_goes_live_at_its_time_with_no_job(editor_client, client, at):
    story = live_story()
    when = timezone.localtime() + timedelta(hours=2)
    response = edit(
        editor_client,
        story,
        body="<p>The summit closed with a statement.</p>",
        changes_go_live_at_0=when.strftime("%Y-%m-%d"),
        changes_go_live_at_1=when.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302
    assert "closed" not in reader_text(client, story)
    now = timezone.now()
    at(now + timedelta(hours=2, minutes=1))
    assert "closed" in reader_text(client, story)
    # Nothing ran: the row is unchanged until someone edits the story.
    story.refresh_from_db()
    assert story.body == LIVE_BODY
    # An editor opening it finds the update settled as the story's own words.
    editor_client.get(change_url(story))
    story.refresh_from_db()
    assert "closed" in story.body
    assert not Revision.pending_versions.exists()
    assert story.revisions.first().summary.startswith("Scheduled changes went live")


def test_lists_and_feeds_show_a_scheduled_update_at_its_time_with_no_job(editor_client, client, at):
    """Cards are snapshots (articles/snapshots/cards.py) kept until the go-live time, and the
    feeds read the due version as the story page does."""
    story = live_story(headline="Summit opens")
    lists = ["/", "/stories/", story.section.get_absolute_url(), "/feed/"]
    for url in lists:  # the cards are built, as they were before the update was scheduled
        assert "Summit opens" in client.get(url).content.decode(), url
    when = timezone.localtime() + timedelta(hours=2)
    response = edit(
        editor_client,
        story,
        headline="Summit closes with a statement",
        changes_go_live_at_0=when.strftime("%Y-%m-%d"),
        changes_go_live_at_1=when.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302
    for url in lists:
        assert "Summit closes" not in client.get(url).content.decode(), url
    at(timezone.now() + timedelta(hours=2, minutes=1))
    for url in lists:
        html = client.get(url).content.decode()
        assert "Summit closes with a statement" in html and "Summit opens" not in html, url


def test_a_go_live_time_in_the_past_is_refused_with_the_text_kept(editor_client):
    story = live_story()
    past = timezone.localtime() - timedelta(hours=1)
    response = edit(
        editor_client,
        story,
        body="<p>New words.</p>",
        changes_go_live_at_0=past.strftime("%Y-%m-%d"),
        changes_go_live_at_1=past.strftime("%H:%M:%S"),
    )
    assert response.status_code == 200
    assert "must be in the future" in response.content.decode()
    assert response.context["adminform"].form["body"].value() == "<p>New words.</p>"
    assert not Revision.pending_versions.exists()


def test_the_page_cache_never_outlives_a_scheduled_update(editor_client):
    story = live_story()
    before = seconds_until_next_scheduled_change()
    pending.stage(
        story, None, pending.staged_values(story) | {"body": "<p>Later.</p>"},
        go_live_at=timezone.now() + timedelta(seconds=40),
    )  # fmt: skip
    assert before > 3600
    assert 0 < seconds_until_next_scheduled_change() <= 40


# --- Autosave ----------------------------------------------------------------------------------


def test_autosave_keeps_one_private_slot_and_no_revisions(editor_client, editor):
    story = make_story(status=Story.Status.DRAFT, published_at=None, body="<p>Saved.</p>")
    url = reverse("admin:articles_story_autosave", args=[story.pk])
    revisions = Revision._base_manager.filter(story=story).count()
    for text in ("<p>Saved. And typed</p>", "<p>Saved. And typed more</p>"):
        answer = editor_client.post(url, {"headline": story.headline, "body": text})
        assert answer.status_code == 200 and answer.json()["saved"]
    assert Autosave.objects.filter(user=editor, story=story).count() == 1
    assert Autosave.objects.get().body == "<p>Saved. And typed more</p>"
    assert Revision._base_manager.filter(story=story).count() == revisions
    story.refresh_from_db()
    assert story.body == "<p>Saved.</p>"


def test_reopening_offers_the_autosaved_text_with_its_diff_and_restores_it(editor_client):
    story = make_story(status=Story.Status.DRAFT, published_at=None, body="<p>Saved.</p>",
                       authors=[make_author()])  # fmt: skip
    editor_client.post(
        reverse("admin:articles_story_autosave", args=[story.pk]),
        {"headline": story.headline, "body": "<p>Saved. Typed later.</p>"},
    )
    html = editor_client.get(change_url(story)).content.decode()
    assert "You have unsaved text" in html and "Typed later.</ins>" in html
    restored = editor_client.get(change_url(story) + "?restore=autosave")
    assert restored.context["adminform"].form["body"].value() == "<p>Saved. Typed later.</p>"
    assert "You have unsaved text" not in restored.content.decode()
    # Saving clears the slot.
    saved = editor_client.post(change_url(story), admin_form_data(restored))
    assert saved.status_code == 302
    assert not Autosave.objects.exists()
    story.refresh_from_db()
    assert story.body == "<p>Saved. Typed later.</p>"


def test_autosave_works_for_a_new_story(editor_client):
    add = reverse("admin:articles_story_add")
    answer = editor_client.post(
        reverse("admin:articles_story_autosave_new"), {"headline": "Ferry strike", "body": ""}
    )
    assert answer.json()["saved"]
    assert "unsaved new story" in editor_client.get(add).content.decode()
    restored = editor_client.get(add + "?restore=autosave")
    assert restored.context["adminform"].form["headline"].value() == "Ferry strike"


def test_autosave_is_private_and_refuses_what_it_cannot_keep(editor_client):
    from django.test import Client

    client = Client()
    story = make_story(status=Story.Status.DRAFT, published_at=None)
    url = reverse("admin:articles_story_autosave", args=[story.pk])
    assert client.post(url, {"body": "x"}).status_code == 302  # signed out: to the login page
    too_long = editor_client.post(url, {"headline": "h" * 201})
    assert too_long.status_code == 400 and "too long" in too_long.json()["error"]
    assert not Autosave.objects.exists()
    rita = make_staff("rita", REPORTER)
    client.force_login(rita)
    assert client.post(url, {"body": "<p>Not hers.</p>"}).status_code == 404  # not hers to see
