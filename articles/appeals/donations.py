"""Donations coming back: the webhook a payment provider or the newsroom's donation form calls,
and the staff's CSV import of offline gifts. Both store through `record`, idempotent by the
provider's event id; what is refused is logged and stores nothing.

The webhook (POST /donations/webhook/) takes two formats, told apart by their signature header.

Ours, for a donation form or any provider glued on (DONATION_WEBHOOK_SECRET)::

    X-Newsroom-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
    {"id": "don_8431",            required: the form's id for this gift; a retry is ignored
     "amount": "10.00",           required: > 0, in the currency's units (not cents)
     "currency": "USD",           required: ISO 4217
     "frequency": "monthly",      "once" (default), "monthly" or "yearly"
     "reference": "a12-v3-e-…",   the `ref` the donate link carried, if any
     "created": "2026-12-01T10:00:00Z"}   ISO 8601 or unix time; default: now

Stripe's `checkout.session.completed` event (STRIPE_WEBHOOK_SECRET, the endpoint's `whsec_…`),
checked by Stripe's own scheme (the `Stripe-Signature` header, same construction), no SDK:
the amount is `amount_total` in the currency's smallest unit, `mode` "subscription" is
monthly unless `metadata.interval` is "year", and the reference is `client_reference_id`
(or `metadata.ref`). Only paid sessions are stored; other event types are acknowledged (200)
and ignored, so Stripe does not retry them.

A signature older than WEBHOOK_TOLERANCE seconds is refused (a replay); a fresh one sent
again is answered 200 and stores nothing new.
"""

import csv
import hashlib
import hmac
import io
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from newsroom.client_address import client_address

from ..models import AppealVariant, Donation
from . import references

logger = logging.getLogger("articles.donations")

WEBHOOK_TOLERANCE = 300
MAX_WEBHOOK_BYTES = 64 * 1024
MAX_AMOUNT = Decimal("1000000")
# Stripe's currencies without a minor unit (amounts are whole units, not cents).
ZERO_DECIMAL = {
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
}  # fmt: skip
FREQUENCIES = {choice.value for choice in Donation.Frequency}


class Refused(ValueError):
    """A request or row we do not store; the message says why."""


@dataclass
class Gift:
    event_id: str
    amount: Decimal
    currency: str
    frequency: str
    reference: str
    received_at: datetime
    note: str = ""


# --- Storing -------------------------------------------------------------------------------


def attribution(text):
    """The appeal, variant, holdback flag, placement and day a reference names, if it is ours
    and its appeal (and variant) still exist; else nothing: the gift is stored unattributed."""
    reference = references.read(text)
    if reference is None:
        if text:
            logger.warning("Donation reference not ours or altered: %r", text[:200])
        return {}
    variant = None
    if reference.variant_id is not None:
        variant = AppealVariant.objects.filter(
            pk=reference.variant_id, appeal_id=reference.appeal_id
        ).first()
        if variant is None:
            return {}
    from ..models import Appeal

    if variant is None and not Appeal.objects.filter(pk=reference.appeal_id).exists():
        return {}
    return {
        "appeal_id": reference.appeal_id,
        "variant": variant,
        "holdback": reference.holdback,
        "placement": reference.placement,
        "reference_day": reference.day,
    }


def record(provider, gift):
    """Store `gift` once: (donation, True), or (the one stored before, False)."""
    existing = Donation.objects.filter(provider=provider, event_id=gift.event_id).first()
    if existing is not None:
        return existing, False
    donation = Donation(
        provider=provider,
        event_id=gift.event_id,
        amount=gift.amount,
        currency=gift.currency,
        frequency=gift.frequency,
        reference=gift.reference[:200],
        received_at=gift.received_at,
        note=gift.note[:300],
        **attribution(gift.reference),
    )
    try:
        with transaction.atomic():
            donation.save()
    except IntegrityError:  # the same event, stored a moment ago by a concurrent retry
        return Donation.objects.get(provider=provider, event_id=gift.event_id), False
    return donation, True


# --- Checking values -------------------------------------------------------------------------


def amount_of(value):
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise Refused(f"The amount {value!r} is not a number.") from None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        raise Refused(f"The amount {value!r} must be more than 0 and less than 1,000,000.")
    if amount != amount.quantize(Decimal("0.01")):
        raise Refused(f"The amount {value!r} has more than two decimals.")
    return amount.quantize(Decimal("0.01"))


def currency_of(value):
    if not isinstance(value, str) or len(value) != 3 or not value.isalpha():
        raise Refused(f"The currency {value!r} is not a three-letter code such as USD.")
    return value.upper()


def frequency_of(value):
    value = (value or "once").strip().lower()
    aliases = {"one-off": "once", "one_off": "once", "single": "once", "month": "monthly",
               "year": "yearly", "annual": "yearly"}  # fmt: skip
    value = aliases.get(value, value)
    if value not in FREQUENCIES:
        raise Refused(f"The frequency {value!r} is not once, monthly or yearly.")
    return value


def time_of(value):
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        parsed = parse_datetime(value.strip())
        if parsed is None and (day := parse_date(value.strip())):
            parsed = datetime(day.year, day.month, day.day, 12)
        if parsed is not None:
            return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    raise Refused(f"The time {value!r} is not a date (2026-12-01) or an ISO 8601 time.")


def event_id_of(value):
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise Refused("Each donation needs its id (text, at most 200 characters).")
    return value.strip()


# --- The webhook -------------------------------------------------------------------------


def signature_ok(header, body, secret, now=None):
    """Check a `t=…,v1=…` signature header (Stripe's scheme, which ours follows): the HMAC
    of "<t>.<body>" must match one v1 value and t be within WEBHOOK_TOLERANCE of now."""
    if not secret:
        raise Refused("Donations by webhook are not set up on this site.")
    parts = [item.split("=", 1) for item in header.split(",") if "=" in item]
    stamps = [value for key, value in parts if key.strip() == "t"]
    signatures = [value.strip() for key, value in parts if key.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].strip().isdigit() or not signatures:
        raise Refused("The signature header is not t=<time>,v1=<signature>.")
    stamp = int(stamps[0])
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise Refused("The signature does not match.")
    if abs((now or time.time()) - stamp) > WEBHOOK_TOLERANCE:
        raise Refused("The signature is too old (a replay?).")


def our_gift(payload):
    if not isinstance(payload, dict):
        raise Refused("Expected a JSON object.")
    unknown = set(payload) - {"id", "amount", "currency", "frequency", "reference", "created"}
    if unknown:
        raise Refused(f"Unknown fields: {', '.join(sorted(unknown))}.")
    reference = payload.get("reference") or ""
    if not isinstance(reference, str):
        raise Refused("The reference must be text.")
    return Gift(
        event_id=event_id_of(payload.get("id")),
        amount=amount_of(payload.get("amount")),
        currency=currency_of(payload.get("currency")),
        frequency=frequency_of(payload.get("frequency")),
        reference=reference.strip(),
        received_at=time_of(payload.get("created")),
    )


def stripe_gift(event):
    """The Gift in a Stripe event, None for an event we do not store (acknowledged)."""
    if not isinstance(event, dict) or event.get("object") != "event":
        raise Refused("Not a Stripe event.")
    if event.get("type") != "checkout.session.completed":
        return None
    session = (event.get("data") or {}).get("object")
    if not isinstance(session, dict):
        raise Refused("The event has no checkout session.")
    if session.get("payment_status") != "paid":
        return None
    currency = currency_of(session.get("currency"))
    total = session.get("amount_total")
    if type(total) is not int:
        raise Refused("The session's amount_total is not a whole number.")
    divisor = 1 if currency.lower() in ZERO_DECIMAL else 100
    metadata = session.get("metadata") if isinstance(session.get("metadata"), dict) else {}
    if session.get("mode") == "subscription":
        frequency = "yearly" if metadata.get("interval") == "year" else "monthly"
    else:
        frequency = "once"
    reference = session.get("client_reference_id") or metadata.get("ref") or ""
    return Gift(
        event_id=event_id_of(event.get("id")),
        amount=amount_of(Decimal(total) / divisor),
        currency=currency,
        frequency=frequency,
        reference=str(reference).strip(),
        received_at=time_of(event.get("created")),
    )


@csrf_exempt  # Called by servers, authenticated by its HMAC signature instead.
@require_POST
def donation_webhook(request):
    """200 {"stored": true|false}; 400 for a payload we cannot read, 403 for a bad signature;
    either way nothing is stored and the refusal is logged."""
    body = request.body if len(request.body) <= MAX_WEBHOOK_BYTES else None
    try:
        if body is None:
            raise Refused(f"The body is larger than {MAX_WEBHOOK_BYTES} bytes.")
        if "Stripe-Signature" in request.headers:
            provider, secret = Donation.Provider.STRIPE, settings.STRIPE_WEBHOOK_SECRET
            header, parse = request.headers["Stripe-Signature"], stripe_gift
        elif "X-Newsroom-Signature" in request.headers:
            provider, secret = Donation.Provider.WEBHOOK, settings.DONATION_WEBHOOK_SECRET
            header, parse = request.headers["X-Newsroom-Signature"], our_gift
        else:
            raise Refused(
                "Unknown format: send X-Newsroom-Signature (our format) or Stripe-Signature."
            )
        try:
            signature_ok(header, body, secret)
        except Refused as error:
            return _refused(request, error, status=403)
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Refused("The body is not JSON.") from None
        gift = parse(payload)
    except Refused as error:
        return _refused(request, error, status=400)
    if gift is None:
        return JsonResponse({"stored": False, "ignored": True})
    donation, created = record(provider, gift)
    return JsonResponse({"stored": created, "duplicate": not created, "id": donation.pk})


def _refused(request, error, status):
    logger.warning(
        "Donation webhook refused (%s) from %s: %s", status, client_address(request), error
    )
    return JsonResponse({"error": str(error)}, status=status)


# --- Offline gifts by CSV --------------------------------------------------------------------

CSV_COLUMNS = ("id", "date", "amount", "currency", "frequency", "reference", "note")
CSV_REQUIRED = ("id", "date", "amount", "currency")
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 5000


@dataclass
class ImportResult:
    errors: list  # "Line 3: …", nothing stored when any
    stored: int = 0
    already: int = 0


def read_csv(data: bytes):
    """Parse an import: ([Gift], ["Line n: problem", …]). Every line is checked."""
    if len(data) > MAX_CSV_BYTES:
        return [], [f"The file is larger than {MAX_CSV_BYTES // 1024 // 1024} MB: split it."]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["The file is not UTF-8 text: save it from the spreadsheet as CSV (UTF-8)."]
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        return [], [f"The file is not CSV: {error}."]
    if not rows:
        return [], ["The file is empty."]
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in CSV_REQUIRED if name not in header]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown {', '.join(unknown)}")
        return [], [
            f"Line 1: the header must name the columns {', '.join(CSV_COLUMNS)} "
            f"(the first four required): {'; '.join(problems)}."
        ]
    if len(rows) - 1 > MAX_CSV_ROWS:
        return [], [f"At most {MAX_CSV_ROWS:,} gifts per file; this one has {len(rows) - 1:,}."]
    gifts, errors, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append(f"Line {number}: {len(row)} values for {len(header)} columns.")
            continue
        values = dict(zip(header, (cell.strip() for cell in row), strict=True))
        checked, problems = {}, []
        for name, check, value in (
            ("event_id", event_id_of, values["id"]),
            ("received_at", time_of, values["date"] or "-"),
            ("amount", amount_of, values["amount"]),
            ("currency", currency_of, values["currency"]),
            ("frequency", frequency_of, values.get("frequency")),
        ):
            try:
                checked[name] = check(value)
            except Refused as error:
                problems.append(str(error))
        if problems:
            errors.append(f"Line {number}: {' '.join(problems)}")
            continue
        gift = Gift(**checked, reference=values.get("reference", ""), note=values.get("note", ""))
        if gift.reference and references.read(gift.reference) is None:
            errors.append(f"Line {number}: the reference {gift.reference!r} is not one of ours.")
            continue
        if gift.event_id in seen:
            errors.append(
                f"Line {number}: the id {gift.event_id!r} is already on line {seen[gift.event_id]}."
            )
            continue
        seen[gift.event_id] = number
        gifts.append(gift)
    return gifts, errors


def import_csv(data: bytes):
    """Import offline gifts, all or nothing: with any error, nothing is stored. Ids already
    imported are skipped (importing the same file twice adds nothing)."""
    gifts, errors = read_csv(data)
    if errors:
        return ImportResult(errors=errors)
    if not gifts:
        return ImportResult(errors=["The file has no gifts below its header."])
    result = ImportResult(errors=[])
    with transaction.atomic():
        for gift in gifts:
            _, created = record(Donation.Provider.IMPORT, gift)
            result.stored += created
            result.already += not created
    return result
