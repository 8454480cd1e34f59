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
