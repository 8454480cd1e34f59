"""Donations attributed to appeals: signed references, the webhook (ours and Stripe's
`checkout.session.completed`), idempotency, and the staff's CSV import of offline gifts."""

import hashlib
import hmac
import json
import time
from datetime import date
from decimal import Decimal

import pytest

from articles.appeals import references
from articles.appeals.donations import import_csv
from articles.models import Donation
from tests.factories import make_appeal

pytestmark = pytest.mark.django_db
URL = "/donations/webhook/"
SECRET, STRIPE_SECRET = "whsec_ours_for_tests", "whsec_stripe_for_tests"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.DONATION_WEBHOOK_SECRET = SECRET
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_SECRET


def signed(body, secret, at=None):
    at = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def post_ours(client, payload, *, secret=SECRET, at=None, header=None):
    body = json.dumps(payload).encode()
    return client.post(
        URL,
        body,
        content_type="application/json",
        headers={"X-Newsroom-Signature": header or signed(body, secret, at)},
    )


def stripe_event(reference, *, amount=1500, mode="payment", event_id="evt_1", **session):
    return {
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "created": 1764590400,
        "data": {
            "object": {
                "id": "cs_test_1",
                "object": "checkout.session",
                "amount_total": amount,
                "currency": "usd",
                "mode": mode,
                "payment_status": "paid",
                "client_reference_id": reference,
                **session,
            }
        },
    }


def post_stripe(client, event, *, secret=STRIPE_SECRET, at=None):
    body = json.dumps(event).encode()
    return client.post(
        URL, body, content_type="application/json",
        headers={"Stripe-Signature": signed(body, secret, at)},
    )  # fmt: skip


# --- References ----------------------------------------------------------------------------


def test_a_reference_names_the_appeal_variant_placement_and_day_and_reads_back():
    text = references.sign(12, 34, "inline", date(2026, 12, 1))
    assert text.startswith("a12-v34-i-20261201-")
    assert references.read(text) == references.Reference(12, 34, False, "inline", date(2026, 12, 1))
    held = references.read(references.sign(12, placement="end", holdback=True))
    assert held.holdback and held.variant_id is None


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("a12-", "a13-", 1),  # another appeal
        lambda t: t.replace("-v34-", "-v35-", 1),  # another copy
        lambda t: t.replace("-v34-", "-h-", 1),  # claims the holdback
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # the signature itself
        lambda t: t + "0",
        lambda t: "",
        lambda t: "hello",
    ],
)
def test_a_tampered_reference_reads_as_nothing(change):
    assert references.read(change(references.sign(12, 34, "end", date(2026, 12, 1)))) is None


def test_the_reference_fits_stripes_client_reference_id():
    text = references.sign(10**12, 10**12, "reminder", date(2026, 12, 31))
    assert len(text) <= 200 and all(c.isalnum() or c == "-" for c in text)
    url = references.with_reference("https://donate.example.org/give?amount=5#form", text)
    assert url == f"https://donate.example.org/give?amount=5&ref={text}#form"


# --- Our webhook format --------------------------------------------------------------------


def test_a_signed_donation_is_stored_attributed_to_its_appeal_and_variant(client):
    appeal = make_appeal(variants=["B"])
    variant = appeal.variants.get()
    ref = references.sign(appeal.pk, variant.pk, "end", date(2026, 11, 30))
    response = post_ours(
        client,
        {"id": "don_1", "amount": "5.00", "currency": "usd", "frequency": "monthly",
         "reference": ref, "created": "2026-12-01T10:00:00Z"},
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["stored"] is True
    donation = Donation.objects.get()
    assert (donation.appeal, donation.variant, donation.placement) == (appeal, variant, "end")
    assert donation.amount == Decimal("5.00") and donation.currency == "USD"
    assert donation.annualised == Decimal("60.00")  # monthly × 12
    assert donation.reference_day == date(2026, 11, 30)


def test_the_same_event_sent_again_is_answered_and_stored_once(client):
    payload = {"id": "don_7", "amount": 20, "currency": "EUR"}
    assert post_ours(client, payload).json()["stored"] is True
    again = post_ours(client, payload)
    assert again.status_code == 200 and again.json() == {
        "stored": False, "duplicate": True, "id": Donation.objects.get().pk,
    }  # fmt: skip
    assert Donation.objects.count() == 1


def test_a_donation_with_a_forged_reference_is_kept_but_attributed_to_nothing(client, caplog):
    appeal = make_appeal()
    forged = references.sign(appeal.pk)[:-4] + "beef"
    post_ours(client, {"id": "don_2", "amount": "3", "currency": "USD", "reference": forged})
    donation = Donation.objects.get()
    assert donation.appeal is None and donation.reference == forged
    assert "altered" in caplog.text


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (lambda body: signed(body, "not-the-secret"), "does not match"),
        (lambda body: signed(body, SECRET, at=int(time.time()) - 3600), "too old"),
        (lambda body: "sha256=abc", "not t=<time>,v1=<signature>"),
    ],
)
def test_a_bad_or_replayed_signature_is_refused_logged_and_stores_nothing(
    client, caplog, header, message
):
    body = json.dumps({"id": "don_3", "amount": "5", "currency": "USD"}).encode()
    response = client.post(
        URL, body, content_type="application/json", headers={"X-Newsroom-Signature": header(body)}
    )
    assert response.status_code == 403 and message in response.json()["error"]
    assert Donation.objects.count() == 0
    assert "Donation webhook refused (403)" in caplog.text


def test_an_unknown_format_is_refused(client, caplog):
    response = client.post(URL, b'{"id": "x"}', content_type="application/json")
    assert response.status_code == 400 and "Unknown format" in response.json()["error"]
    assert Donation.objects.count() == 0 and "refused (400)" in caplog.text


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"amount": "5", "currency": "USD"}, "needs its id"),
        ({"id": "d", "amount": "five", "currency": "USD"}, "not a number"),
        ({"id": "d", "amount": "-5", "currency": "USD"}, "more than 0"),
        ({"id": "d", "amount": "5.001", "currency": "USD"}, "two decimals"),
        ({"id": "d", "amount": "5", "currency": "dollars"}, "three-letter"),
        ({"id": "d", "amount": "5", "currency": "USD", "frequency": "weekly"}, "frequency"),
        ({"id": "d", "amount": "5", "currency": "USD", "tip": 1}, "Unknown fields: tip"),
        ([1, 2], "JSON object"),
    ],
)
def test_a_signed_but_bad_payload_is_refused_with_the_reason(client, payload, message):
    response = post_ours(client, payload)
    assert response.status_code == 400 and message in response.json()["error"]
    assert Donation.objects.count() == 0


def test_without_a_secret_the_format_is_refused(client, settings):
    settings.DONATION_WEBHOOK_SECRET = ""
    response = post_ours(client, {"id": "d", "amount": "5", "currency": "USD"}, secret="")
    assert response.status_code == 403 and "not set up" in response.json()["error"]


# --- Stripe ----------------------------------------------------------------------------------


def test_a_stripe_checkout_session_is_stored_in_units_not_cents(client):
    appeal = make_appeal()
    ref = references.sign(appeal.pk, placement="banner")
    response = post_stripe(client, stripe_event(ref, amount=1500))
    assert response.status_code == 200 and response.json()["stored"] is True
    donation = Donation.objects.get()
    assert donation.provider == "stripe" and donation.event_id == "evt_1"
    assert (donation.amount, donation.frequency, donation.appeal) == (
        Decimal("15.00"), "once", appeal,
    )  # fmt: skip
    assert post_stripe(client, stripe_event(ref)).json()["duplicate"] is True
    assert Donation.objects.count() == 1


def test_a_stripe_subscription_is_monthly_and_annualised(client):
    post_stripe(client, stripe_event("", amount=500, mode="subscription", event_id="evt_s"))
    donation = Donation.objects.get()
    assert donation.frequency == "monthly" and donation.annualised == Decimal("60.00")
    assert donation.appeal is None


def test_stripe_events_we_do_not_store_are_acknowledged(client):
    other = stripe_event("") | {"type": "payment_intent.created"}
    unpaid = stripe_event("", event_id="evt_u")
    unpaid["data"]["object"]["payment_status"] = "unpaid"
    for event in (other, unpaid):
        response = post_stripe(client, event)
        assert response.status_code == 200 and response.json()["ignored"] is True
    assert Donation.objects.count() == 0


def test_a_stripe_event_signed_with_another_secret_is_refused(client):
    response = post_stripe(client, stripe_event(""), secret=SECRET)
    assert response.status_code == 403 and Donation.objects.count() == 0


# --- CSV import ------------------------------------------------------------------------------


def test_offline_gifts_import_attributed_and_a_second_import_adds_nothing():
    appeal = make_appeal()
    ref = references.sign(appeal.pk, placement="end")
    data = (
        "id,date,amount,currency,frequency,reference,note\n"
        f"chq-1,2026-11-03,50.00,USD,once,{ref},Cheque from Mrs Ivanova\n"
        "chq-2,2026-11-04,10,usd,monthly,,Standing order\n"
    ).encode()
    result = import_csv(data)
    assert (result.errors, result.stored, result.already) == ([], 2, 0)
    gifts = {d.event_id: d for d in Donation.objects.all()}
    assert gifts["chq-1"].appeal == appeal and gifts["chq-1"].note == "Cheque from Mrs Ivanova"
    assert gifts["chq-2"].annualised == Decimal("120.00") and gifts["chq-2"].appeal is None
    again = import_csv(data)
    assert (again.stored, again.already) == (0, 2) and Donation.objects.count() == 2


def test_an_import_with_errors_reports_each_line_and_stores_nothing():
    data = (
        b"id,date,amount,currency\n"
        b"ok-1,2026-11-03,50,USD\n"
        b"bad-1,yesterday,50,USD\n"
        b"bad-2,2026-11-03,lots,USD\n"
        b"ok-1,2026-11-05,5,USD\n"
        b"short,2026-11-05\n"
        b",2026-11-05,5,USD\n"
    )
    result = import_csv(data)
    assert result.errors == [
        "Line 3: The time 'yesterday' is not a date (2026-12-01) or an ISO 8601 time.",
        "Line 4: The amount 'lots' is not a number.",
        "Line 5: the id 'ok-1' is already on line 2.",
        "Line 6: 2 values for 4 columns.",
        "Line 7: Each donation needs its id (text, at most 200 characters).",
    ]
    assert Donation.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"when,how much\n1,2\n", "missing id, date, amount, currency"),
        ("id,date,amount,currency\n1,2026-01-01,5,USD\n".encode("utf-16"), "not UTF-8"),
        (b"id,date,amount,currency\n", "no gifts"),
        (b"id,date,amount,currency,reference\n1,2026-01-01,5,USD,a1-m-e-20260101-00\n", "not one"),
    ],
)
def test_an_import_that_is_not_ours_says_why(data, message):
    result = import_csv(data)
    assert message in " ".join(result.errors) and Donation.objects.count() == 0
