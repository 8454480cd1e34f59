"""E-mail when a story needs someone, sent by a task after the save commits: submissions to the
editors, send-backs (with the note) and publication or scheduling to the reporters, never to
the person who did it (articles/editorial/notifications.py)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.tasks.signals import task_enqueued
from django.urls import reverse
from django.utils import timezone

from articles.editorial.roles import EDITOR, REPORTER
from articles.models import Story, Transition
from tests.admin_forms import admin_form_data
from tests.factories import make_author, make_staff, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    rita = make_staff("rita", REPORTER)
    return {
        "rita": rita,
        "eddie": make_staff("eddie", EDITOR),
        "erin": make_staff("erin", EDITOR),
        "author": make_author(name="Rita Reporter", user=rita),
    }


def save(client, story, **changes):
    url = reverse("admin:articles_story_change", args=[story.pk])
    response = client.post(url, admin_form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def sent():
    return {(message.to[0], message.subject) for message in mail.outbox}


def rita_draft(desk, **overrides):
    overrides.setdefault("status", Story.Status.DRAFT)
    overrides.setdefault("published_at", None)
    return make_story(headline="Ferry fares", authors=[desk["author"]], created_by=desk["rita"],
                      **overrides)  # fmt: skip


def test_a_submission_tells_every_editor_but_not_the_reporter(
    client, desk, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://news.example"
    story = rita_draft(desk)
    client.force_login(desk["rita"])
    with django_capture_on_commit_callbacks(execute=True):
        save(client, story, _submit_for_review="1", workflow_note="Figures checked.")
    assert sent() == {
        ("eddie@example.com", "For review: Ferry fares"),
        ("erin@example.com", "For review: Ferry fares"),
    }
    body = mail.outbox[0].body
    assert "Rita submitted “Ferry fares” for review." in body
    assert "Figures checked." in body
    assert f"https://news.example/admin/articles/story/{story.pk}/change/" in body


def test_a_send_back_tells_the_reporter_what_needs_doing(
    client, desk, django_capture_on_commit_callbacks
):
    story = rita_draft(desk, status=Story.Status.IN_REVIEW)
    client.force_login(desk["eddie"])
    with django_capture_on_commit_callbacks(execute=True):
        save(client, story, _send_back="1", workflow_note="Add the operator's reply.")
    assert sent() == {("rita@example.com", "Sent back to you: Ferry fares")}
    assert "What needs doing:\nAdd the operator's reply." in mail.outbox[0].body


def test_a_send_back_from_the_list_carries_the_note_too(
    client, desk, django_capture_on_commit_callbacks
):
    story = rita_draft(desk, status=Story.Status.IN_REVIEW)
    client.force_login(desk["eddie"])
    data = {"action": "send_back", "_selected_action": [story.pk], "confirm": "1", "note": "Why?"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:articles_story_changelist"), data)
    assert sent() == {("rita@example.com", "Sent back to you: Ferry fares")}
    assert "Why?" in mail.outbox[0].body


def test_publishing_tells_the_reporters_where_readers_see_it(
    client, desk, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://news.example"
    story = rita_draft(desk, status=Story.Status.IN_REVIEW)
    client.force_login(desk["eddie"])
    with django_capture_on_commit_callbacks(execute=True):
        save(client, story, status="published")
    story.refresh_from_db()
    assert sent() == {("rita@example.com", "Published: Ferry fares")}
    assert f"Readers see it at: https://news.example{story.get_absolute_url()}" in (
        mail.outbox[0].body
    )


def test_scheduling_says_when_and_publishing_now_says_it_is_live(
    client, desk, django_capture_on_commit_callbacks
):
    story = rita_draft(desk, status=Story.Status.IN_REVIEW)
    later = timezone.localtime() + timedelta(days=2)
    client.force_login(desk["eddie"])
    with django_capture_on_commit_callbacks(execute=True):
        save(client, story, status="published", published_at_0=f"{later:%Y-%m-%d}",
             published_at_1="09:00:00")  # fmt: skip
    ((to, subject),) = sent()
    assert to == "rita@example.com"
    assert subject == f"Scheduled for {later.day} {later:%B %Y} at 09:00: Ferry fares"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:articles_story_changelist"),
            {"action": "publish_now", "_selected_action": [story.pk]},
        )
    assert sent() == {("rita@example.com", "Published: Ferry fares")}


def test_nobody_is_told_of_what_they_did_themselves(
    client, desk, django_capture_on_commit_callbacks
):
    eddie = desk["eddie"]
    story = make_story(status=Story.Status.IN_REVIEW, published_at=None,
                       authors=[make_author(user=eddie)], created_by=eddie)  # fmt: skip
    client.force_login(eddie)
    with django_capture_on_commit_callbacks(execute=True):
        save(client, story, status="published")
    assert mail.outbox == []


def test_editing_and_withdrawing_send_nothing(client, desk, django_capture_on_commit_callbacks):
    story = rita_draft(desk, status=Story.Status.PUBLISHED, published_at=timezone.now())
    client.force_login(desk["eddie"])
    with django_capture_on_commit_callbacks(execute=True):
        save(client, story, headline="Ferry fares rise")
        url = reverse("admin:articles_story_withdraw", args=[story.pk])
        client.post(url, {"confirm": "1", "note": "Legal."})
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN and sent() == set()


def test_mail_goes_through_a_task_once_the_save_commits_and_not_if_it_rolls_back(
    client, desk, django_capture_on_commit_callbacks
):
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append(task_result.task.name)

    task_enqueued.connect(record)
    try:
        story = rita_draft(desk)
        client.force_login(desk["rita"])
        with django_capture_on_commit_callbacks() as callbacks:
            save(client, story, _submit_for_review="1")
        assert mail.outbox == [] and enqueued == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert enqueued == ["send_notification"] and len(mail.outbox) == 2

        mail.outbox.clear()
        other = rita_draft(desk)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            save(client, other, _submit_for_review="1")
            transaction.set_rollback(True)
        assert mail.outbox == [] and Transition.objects.filter(story=other).count() == 0
    finally:
        task_enqueued.disconnect(record)


@pytest.fixture
def database_tasks():
    """Production's task backend (django-tasks-db) for one test: tasks wait for the worker."""
    from django.tasks import task_backends
    from django_tasks_db import DatabaseBackend

    task_backends["default"] = DatabaseBackend(
        alias="default", params={"BACKEND": "django_tasks_db.DatabaseBackend"}
    )
    yield
    del task_backends["default"]


@pytest.mark.django_db(transaction=True)  # the worker commits and closes connections itself
def test_in_production_the_save_only_queues_the_mail_and_the_worker_sends_it(
    client, desk, database_tasks
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    story = rita_draft(desk)
    client.force_login(desk["rita"])
    save(client, story, _submit_for_review="1")  # commits: the task is queued
    assert mail.outbox == [] and DBTaskResult.objects.count() == 1  # queued, not sent
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 2
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


# --- A reporter's changes to her live story (editorial/pending.py) ----------------------------


@pytest.fixture
def rita_live(desk):
    return rita_draft(desk, status=Story.Status.PUBLISHED, body="<p>Fares rise by 5%.</p>",
                      published_at=timezone.now() - timedelta(hours=1))  # fmt: skip


@pytest.fixture
def submitted_changes(client, desk, rita_live, django_capture_on_commit_callbacks):
    client.force_login(desk["rita"])
    with django_capture_on_commit_callbacks(execute=True):
        save(client, rita_live, body="<p>Fares rise by 7%.</p>", _submit_changes="1",
             workflow_note="The operator corrected its figure.")  # fmt: skip
    return rita_live


def test_submitted_changes_to_a_live_story_tell_every_editor_with_the_word_diff(
    client, desk, rita_live, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://news.example"
    client.force_login(desk["rita"])
    with django_capture_on_commit_callbacks(execute=True):
        save(client, rita_live, headline="Ferry fares rise", body="<p>Fares rise by 7%.</p>",
             _submit_changes="1", workflow_note="The operator corrected its figure.")  # fmt: skip
    assert sent() == {
        ("eddie@example.com", "Changes for review: Ferry fares"),
        ("erin@example.com", "Changes for review: Ferry fares"),
    }
    body = mail.outbox[0].body
    assert "Rita submitted changes to the live story “Ferry fares” for review." in body
    assert "The operator corrected its figure." in body
    assert "Headline: Ferry fares {+rise+}" in body
    assert "Body: Fares rise by [-5-]{+7+}%." in body
    assert f"https://news.example/admin/articles/story/{rita_live.pk}/change/" in body
    # Saving the submitted changes again does not tell the editors twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        save(client, rita_live, body="<p>Fares rise by 7 per cent.</p>")
    assert mail.outbox == []


def test_an_editor_s_own_pending_changes_tell_nobody(
    client, desk, rita_live, django_capture_on_commit_callbacks
):
    client.force_login(desk["eddie"])
    with django_capture_on_commit_callbacks(execute=True):
        save(client, rita_live, body="<p>Fares rise by 6%.</p>")  # pending, not submitted
        save(client, rita_live, _publish_changes="1")
    assert mail.outbox == []


def test_publishing_submitted_changes_tells_the_reporter_with_the_editor_s_note(
    client, desk, submitted_changes, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://news.example"
    mail.outbox.clear()
    client.force_login(desk["eddie"])
    with django_capture_on_commit_callbacks(execute=True):
        save(client, submitted_changes, _publish_changes="1", workflow_note="Good catch.")
    submitted_changes.refresh_from_db()
    assert submitted_changes.body == "<p>Fares rise by 7%.</p>"
    assert sent() == {("rita@example.com", "Your changes are live: Ferry fares")}
    body = mail.outbox[0].body
    assert "Eddie published your changes to “Ferry fares”: readers see them now." in body
    assert "Note from Eddie:\nGood catch." in body
    assert f"https://news.example{submitted_changes.get_absolute_url()}" in body
    # In the newsroom too: her story's form shows the editor's word.
    client.force_login(desk["rita"])
    page = client.get(reverse("admin:articles_story_change", args=[submitted_changes.pk]))
    notes = [note.note for note in page.context["notes_for_me"]]
    assert notes == ["Good catch.", "Submitted changes published."]
    assert "workflow-notice--notes" in page.content.decode()


def test_discarding_submitted_changes_tells_the_reporter_why(
    client, desk, submitted_changes, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client.force_login(desk["eddie"])
    url = reverse("admin:articles_story_change", args=[submitted_changes.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"_discard_changes": "1", "workflow_note": "The operator withdrew it."}
        )
    assert response.status_code == 302
    submitted_changes.refresh_from_db()
    assert submitted_changes.body == "<p>Fares rise by 5%.</p>"
    assert sent() == {("rita@example.com", "Your changes were not published: Ferry fares")}
    assert "Note from Eddie:\nThe operator withdrew it." in mail.outbox[0].body
    assert Transition.objects.filter(
        story=submitted_changes, note="Pending changes discarded. The operator withdrew it."
    ).exists()


def test_a_reporter_who_takes_back_her_own_changes_is_not_told(
    client, desk, submitted_changes, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    url = reverse("admin:articles_story_change", args=[submitted_changes.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"_discard_changes": "1"})
    assert mail.outbox == []


def test_scheduling_submitted_changes_tells_the_reporter_when(
    client, desk, submitted_changes, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    later = timezone.localtime() + timedelta(days=1)
    client.force_login(desk["eddie"])
    with django_capture_on_commit_callbacks(execute=True):
        save(client, submitted_changes, changes_go_live_at_0=f"{later:%Y-%m-%d}",
             changes_go_live_at_1="07:30:00")  # fmt: skip
    expected = f"Your changes go live on {later.day} {later:%B %Y} at 07:30: Ferry fares"
    assert sent() == {("rita@example.com", expected)}


def test_submitted_changes_wait_on_the_editors_dashboard(client, desk, submitted_changes):
    client.force_login(desk["eddie"])
    page = client.get(reverse("admin:index"))
    review = next(panel for panel in page.context["desk"] if panel.key == "review")
    assert review.count == 1 and [s.headline for s in review.stories] == ["Ferry fares"]
    assert "changes to the live story, waiting" in page.content.decode()
