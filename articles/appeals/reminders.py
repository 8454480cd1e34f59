"""“Remind me in {month}”: one e-mail in the month a reader chose, and nothing else, ever.

A reader leaves an address, a month and their consent in the appeal's form (POST
/appeals/remind/, this site's pages only, rate-limited like the beacons). We store it
unconfirmed and send one message to confirm it (double opt-in); an unconfirmed address is
deleted after CONFIRM_DAYS. In the chosen month a task sends the reminder, with the appeal's
donate link carrying a reference like any view of it ("reminder" placement, the copy the
reader saw), counts it ("reminded"), and deletes the address. Every message has a one-click
unsubscribe link (RFC 8058) that deletes the address at once; staff can delete it in the admin.

The reminder is sent by `send_due_reminders`, a task (Django's Tasks framework): queued on
confirmation to run at the start of the month where the backend can defer (django-tasks-db),
and run by `manage.py send_reminders` (e.g. daily from cron) as well, which is harmless:
each address is sent to once and then deleted.
"""

import logging
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.tasks import default_task_backend, task
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ..models import Appeal, AppealVariant, Reminder
from . import guards, references

logger = logging.getLogger("articles.reminders")

CONFIRM_DAYS = 7
MONTHS_AHEAD = 12
REMINDERS_PER_MINUTE = 10


def consent_text():
    return (
        f"Send me one e-mail in that month to remind me to support {settings.SITE_NAME}. My "
        "address is used for nothing else and deleted once it is sent; the link in any of "
        "these e-mails deletes it sooner."
    )


def month_of(value, today=None):
    """The first day of the month "YYYY-MM", if it is one of the next MONTHS_AHEAD."""
    today = today or timezone.localdate()
    try:
        year, month = (int(part) for part in value.split("-"))
        chosen = date(year, month, 1)
    except (AttributeError, ValueError):
        return None
    months_away = (chosen.year - today.year) * 12 + chosen.month - today.month
    return chosen if 1 <= months_away <= MONTHS_AHEAD else None


def _link(name, reminder):
    return settings.SITE_URL + reverse(f"articles:{name}", args=[reminder.token])


def _message(reminder, subject, body):
    stop = _link("reminder-stop", reminder)
    return EmailMessage(
        subject,
        f"{body}\n\nTo delete your address now: {stop}\n",
        None,
        [reminder.email],
        headers={
            "List-Unsubscribe": f"<{stop}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# --- Views ---------------------------------------------------------------------------------


def _page(request, status=200, **context):
    response = render(request, "articles/reminder_page.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _answer(request, message, status=200):
    if "application/json" not in request.headers.get("Accept", ""):
        return _page(request, status, message=message)
    response = JsonResponse({"message": message}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # Pages are cached whole, with no CSRF token: Origin is checked instead.
@require_POST
def reminder_create(request):
    """Store an unconfirmed reminder and send the e-mail that confirms it."""
    if not guards.from_this_site(request):
        return _answer(request, "Reminders are accepted from this site's own pages only.", 400)
    if wait := guards.seconds_to_wait(request, "reminders", REMINDERS_PER_MINUTE):
        return _answer(request, f"Too many requests: try again in {wait} seconds.", 429)
    data = request.POST
    email = data.get("email", "").strip()
    try:
        validate_email(email)
    except ValidationError:
        return _answer(request, "Give an e-mail address such as name@example.com.", 400)
    month = month_of(data.get("month", ""))
    if month is None:
        return _answer(request, "Choose one of the months offered.", 400)
    if data.get("consent") != "yes":
        return _answer(request, "Tick the box to agree to the reminder e-mail.", 400)
    appeal = Appeal.objects.filter(
        pk=data.get("appeal") if str(data.get("appeal", "")).isdigit() else None,
        offer_reminder=True,
        status=Appeal.Status.LIVE,
    ).first()
    if appeal is None:
        return _answer(request, "This appeal no longer takes reminders.", 400)
    variant = None
    if str(data.get("variant", "")).isdigit():
        variant = AppealVariant.objects.filter(pk=data["variant"], appeal=appeal).first()
    with transaction.atomic():
        # One reminder per address and appeal: asking again replaces the earlier one.
        Reminder.objects.filter(email__iexact=email, appeal=appeal).delete()
        reminder = Reminder.objects.create(
            email=email, month=month, appeal=appeal, variant=variant, consent=consent_text()
        )
        transaction.on_commit(partial(send_confirmation.enqueue, reminder.pk))
    return _answer(
        request,
        f"Almost done: we have sent a message to {email}. Click its link to confirm the "
        f"reminder for {month:%B %Y}.",
    )


def _reminder_or_gone(request, token):
    reminder = Reminder.objects.filter(token=token).first()
    if reminder is None:
        return None, _answer(
            request, "This link no longer works: the address was deleted or already used.", 404
        )
    return reminder, None


@csrf_exempt  # The token in the link is the authority; nothing else is needed to confirm.
@require_http_methods(["GET", "POST"])
def reminder_confirm(request, token):
    """GET asks (mail scanners follow links; they must not confirm), POST confirms."""
    reminder, gone = _reminder_or_gone(request, token)
    if gone:
        return gone
    if request.method == "POST":
        if reminder.confirmed_at is None:
            reminder.confirmed_at = timezone.now()
            reminder.save(update_fields=["confirmed_at"])
            transaction.on_commit(partial(schedule, reminder.month))
        return _answer(
            request,
            f"Confirmed: we will write to {reminder.email} once, in {reminder.month:%B %Y}.",
        )
    return _page(request, reminder=reminder, confirm=True, consent=reminder.consent)


@csrf_exempt  # One-click unsubscribe (RFC 8058): mail clients POST with no session or token.
@require_http_methods(["GET", "POST"])
def reminder_stop(request, token):
    """GET asks, POST deletes the address (as the List-Unsubscribe-Post one-click does)."""
    reminder, gone = _reminder_or_gone(request, token)
    if gone:
        return gone
    if request.method == "POST":
        email = reminder.email
        reminder.delete()
        return _answer(request, f"Done: {email} is deleted. We will not write to it.")
    return _page(request, reminder=reminder, stop=True)


# --- Tasks -----------------------------------------------------------------------------------


@task
def send_confirmation(reminder_id):
    reminder = Reminder.objects.filter(pk=reminder_id, confirmed_at=None).first()
    if reminder is None:
        return 0
    return _message(
        reminder,
        f"Confirm your reminder from {settings.SITE_NAME}",
        f"You asked {settings.SITE_NAME} to remind you in {reminder.month:%B %Y} to support "
        f"our journalism. To confirm, open this link and press the button:\n\n"
        f"{_link('reminder-confirm', reminder)}\n\n"
        "If you did not ask for this, do nothing: without confirmation your address is "
        f"deleted in {CONFIRM_DAYS} days.",
    ).send()


def schedule(month):
    """Queue `send_due_reminders` for the start of `month` where the backend can wait."""
    if not default_task_backend.supports_defer:
        return
    start = timezone.make_aware(datetime.combine(month, time(9)))
    send_due_reminders.using(run_after=start).enqueue()


@task
def send_due_reminders():
    """Send every confirmed reminder whose month has come, then delete its address; delete
    unconfirmed ones older than CONFIRM_DAYS. Returns how many were sent."""
    from .events import count_events

    now = timezone.now()
    Reminder.objects.filter(
        confirmed_at=None, created__lt=now - timedelta(days=CONFIRM_DAYS)
    ).delete()
    this_month = timezone.localdate().replace(day=1)
    due = Reminder.objects.filter(confirmed_at__isnull=False, month__lte=this_month)
    sent = 0
    for reminder in due.select_related("appeal", "variant").iterator():
        appeal = reminder.appeal
        if appeal is None or not appeal.donation_url:
            reminder.delete()  # the appeal is gone: nothing to remind of, nothing else to send
            continue
        ref = references.sign(appeal.pk, reminder.variant_id, "reminder", timezone.localdate())
        link = references.with_reference(appeal.donation_url, ref)
        message = _message(
            reminder,
            appeal.heading,
            f"You asked us to remind you in {reminder.month:%B %Y}.\n\n"
            f"{(reminder.variant and reminder.variant.heading) or appeal.heading}\n\n"
            f"{appeal.cta_label}: {link}\n\n"
            "This is the only e-mail we send to this address; it is deleted now.",
        )
        try:
            message.send()
        except OSError:
            logger.exception("Reminder to %s not sent; it will be tried again", reminder.pk)
            continue
        with transaction.atomic():
            reminder.delete()
        if appeal.status != Appeal.Status.DRAFT:
            count_events({(appeal.pk, reminder.variant_id, "reminded"): 1})
        sent += 1
    return sent
