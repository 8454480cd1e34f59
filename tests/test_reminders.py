"""“Remind me in {month}” by e-mail: consent, double opt-in, one-click unsubscribe, sending by a
task, attribution, and nothing else ever sent."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from articles.appeals import references
from articles.appeals.reminders import consent_text, month_of, send_due_reminders
from articles.models import AppealCounter, Reminder
from tests.factories import make_appeal

pytestmark = pytest.mark.django_db
ORIGIN = {"Origin": "http://testserver"}


def next_month():
    today = timezone.localdate()
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def ask(client, appeal, **overrides):
    data = {"appeal": appeal.pk, "email": "reader@example.net", "consent": "yes",
            "month": f"{next_month():%Y-%m}", "variant": ""}  # fmt: skip
    data.update(overrides)
    return client.post("/appeals/remind/", data, headers={**ORIGIN, "Accept": "application/json"})


@pytest.fixture
def appeal():
    return make_appeal(offer_reminder=True, variants=["B"])


def link(message, name):
    return next(word for word in message.body.split() if f"/appeals/remind/{name}/" in word)


def test_a_reader_asks_confirms_and_gets_one_reminder_in_their_month(
    client, appeal, django_capture_on_commit_callbacks, settings
):
    variant = appeal.variants.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, appeal, variant=variant.pk)
    assert response.status_code == 200 and "Click its link" in response.json()["message"]
    reminder = Reminder.objects.get()
    assert reminder.confirmed_at is None and reminder.consent == consent_text()
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["reader@example.net"]
    assert confirmation.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    confirm = link(confirmation, "confirm").removeprefix(settings.SITE_URL)
    page = client.get(confirm)  # a mail scanner following the link confirms nothing
    assert "Yes, remind me in" in page.text and Reminder.objects.get().confirmed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(confirm)
    assert "Confirmed" in done.text and Reminder.objects.get().confirmed_at is not None

    assert send_due_reminders.call() == 0  # not yet: the month has not come
    reminder.refresh_from_db()
    Reminder.objects.filter(pk=reminder.pk).update(month=timezone.localdate().replace(day=1))
    assert send_due_reminders.call() == 1
    reminder_mail = mail.outbox[-1]
    assert len(mail.outbox) == 2 and reminder_mail.to == ["reader@example.net"]
    ref = references.sign(appeal.pk, variant.pk, "reminder", timezone.localdate())
    assert f"https://donate.example.org/monthly?ref={ref}" in reminder_mail.body
    # Sent once, counted like a view of the copy, and the address is gone.
    assert not Reminder.objects.exists()
    assert AppealCounter.objects.filter(appeal=appeal, variant=variant).totals()["reminded"] == 1
    assert send_due_reminders.call() == 0 and len(mail.outbox) == 2


def test_the_one_click_unsubscribe_deletes_the_address(
    client, appeal, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, appeal)
    stop = link(mail.outbox[0], "stop").removeprefix(settings.SITE_URL)
    assert "Delete my address" in client.get(stop).text
    # What a mail client's one-click sends (RFC 8058): a POST, no cookie, no token.
    response = client.post(stop, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and not Reminder.objects.exists()
    assert client.post(stop).status_code == 404  # the link is spent, and says so


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-address"}, "e-mail address"),
        ({"consent": ""}, "Tick the box"),
        ({"month": "1999-01"}, "months offered"),
        ({"month": "soon"}, "months offered"),
    ],
)
def test_a_request_that_is_not_complete_is_refused_with_a_message(
    client, appeal, overrides, message
):
    response = ask(client, appeal, **overrides)
    assert response.status_code == 400 and message in response.json()["message"]
    assert not Reminder.objects.exists() and not mail.outbox


def test_an_appeal_that_takes_no_reminders_refuses_them(client):
    response = ask(client, make_appeal(offer_reminder=False))
    assert response.status_code == 400 and not Reminder.objects.exists()


def test_requests_from_other_sites_are_refused(client, appeal):
    response = client.post(
        "/appeals/remind/",
        {"appeal": appeal.pk, "email": "a@example.net", "consent": "yes", "month": "2099-01"},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 400 and not Reminder.objects.exists()


def test_asking_again_replaces_the_earlier_request(client, appeal):
    ask(client, appeal)
    ask(client, appeal, email="READER@example.net")
    assert Reminder.objects.count() == 1


def test_unconfirmed_addresses_are_deleted_after_a_week(appeal):
    old = Reminder.objects.create(email="a@example.net", month=next_month(), appeal=appeal)
    Reminder.objects.filter(pk=old.pk).update(created=timezone.now() - timezone.timedelta(days=8))
    fresh = Reminder.objects.create(email="b@example.net", month=next_month(), appeal=appeal)
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Reminder.objects.all()) == [fresh]
    assert not mail.outbox


def test_staff_can_delete_an_address(editor_client, appeal):
    reminder = Reminder.objects.create(email="a@example.net", month=next_month(), appeal=appeal)
    url = f"/admin/articles/reminder/{reminder.pk}/delete/"
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    assert not Reminder.objects.exists()


def test_the_months_offered_are_the_next_twelve():
    today = date(2026, 12, 15)
    assert month_of("2027-01", today) == date(2027, 1, 1)
    assert month_of("2027-12", today) == date(2027, 12, 1)
    assert month_of("2026-12", today) is None and month_of("2028-01", today) is None


def test_the_appeal_shows_the_form_with_its_consent_text(client, appeal):
    from tests.factories import make_story

    html = client.get(make_story().get_absolute_url()).text
    assert 'action="/appeals/remind/"' in html and consent_text() in html
    assert f'<option value="{next_month():%Y-%m}">' in html


def test_a_confirmed_reminder_is_queued_for_the_start_of_its_month(settings, appeal):
    from django.tasks import default_task_backend

    from articles.appeals import reminders

    queued = []
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    try:
        reminders.schedule(next_month())
        queued = default_task_backend.results
        assert len(queued) == 1
        run_after = timezone.localtime(queued[0].task.run_after)
        assert (run_after.date(), run_after.hour) == (next_month(), 9)
    finally:
        default_task_backend.clear()
