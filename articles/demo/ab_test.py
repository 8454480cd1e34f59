"""A finished A/B test with simulated data, so the results page shows something real-looking
on `make run`: 28 days of counters for two copies and a 10 % holdback, and the donations they
brought (deterministic: the same figures every time)."""

import math
import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from articles.appeals import references
from articles.models import Appeal, AppealCounter, AppealVariant, Donation

from .appeals import DEMO_DONATION_URL

NAME = "Autumn drive: A/B test (finished)"
DAYS = 28
# Per day and copy: page views shown; the share seen; clicks and donations per 1,000 seen.
VIEWS_PER_DAY = 4000
SEEN_SHARE = 0.72
COPIES = {  # name: (clicks per 1,000 seen, donations per 1,000 seen, share monthly)
    "main": (14, 1.1, 0.30),
    "B: Readers like you": (19, 1.6, 0.35),
}
HOLDBACK_PERCENT = 10
HOLDBACK_DONATIONS_PER_1000 = 0.5


def poisson(rng, mean):
    """A Poisson draw (Knuth's method; the means here are small)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def gift(rng):
    """A one-off gift in dollars: log-normal around $12, rounded as people give."""
    return max(2, round(math.exp(rng.gauss(math.log(12), 0.7))))


@transaction.atomic
def load_demo_ab_test():
    """Create (or rebuild) the finished test: its appeal, counters and donations."""
    rng = random.Random(2026)
    today = timezone.localdate()
    first = today - timedelta(days=DAYS)
    appeal, _ = Appeal.objects.update_or_create(
        name=NAME,
        defaults={
            "heading": "Independent journalism needs you",
            "greeting": "Dear readers,",
            "body": "<p>We are funded by our readers, not by owners or advertisers. "
            "You've read {count} articles this month: will you help keep them free?</p>",
            "cta_label": "Support us",
            "donation_url": DEMO_DONATION_URL,
            "status": Appeal.Status.ARCHIVED,
            "starts_at": timezone.now() - timedelta(days=DAYS + 1),
            "ends_at": timezone.now() - timedelta(days=1),
            "holdback_percent": HOLDBACK_PERCENT,
            "skip_first_views": 2,
            "max_per_day": 2,
            "cap_views": 4,
            "cap_days": 30,
        },
    )
    AppealCounter.objects.filter(appeal=appeal).delete()
    Donation.objects.filter(appeal=appeal).delete()
    variant, _ = AppealVariant.objects.update_or_create(
        appeal=appeal,
        name="B: Readers like you",
        defaults={
            "heading": "Readers like you keep us independent",
            "body": "<p>Every story you read today was paid for by a reader. Join them, from "
            "$2 a month.</p>",
            "cta_label": "Join them",
        },
    )
    counters, donations = [], []
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        when = timezone.make_aware(datetime(day.year, day.month, day.day, 12))
        for name, (clicks, rate, monthly) in COPIES.items():
            copy = None if name == "main" else variant
            views = poisson(rng, VIEWS_PER_DAY / 10) * 10
            seen = round(views * SEEN_SHARE * rng.uniform(0.95, 1.05))
            counters.append(
                AppealCounter(
                    appeal=appeal,
                    variant=copy,
                    day=day,
                    rendered=views,
                    seen=seen,
                    clicked=poisson(rng, seen * clicks / 1000),
                    snoozed=poisson(rng, seen * 0.02),
                    dismissed=poisson(rng, seen * 0.05),
                    held=poisson(rng, 2 * VIEWS_PER_DAY * HOLDBACK_PERCENT / 95)
                    if copy is None
                    else 0,
                )  # fmt: skip
            )
            ref = references.sign(appeal.pk, copy and copy.pk, "end", day)
            for _ in range(poisson(rng, seen * rate / 1000)):
                donations.append((ref, copy, False, rng.random() < monthly, when))
        held_ref = references.sign(appeal.pk, None, "end", day, holdback=True)
        held_views = counters[-2].held
        for _ in range(poisson(rng, held_views * HOLDBACK_DONATIONS_PER_1000 / 1000)):
            donations.append((held_ref, None, True, rng.random() < 0.3, when))
    AppealCounter.objects.bulk_create(counters)
    rows = []
    for number, (ref, copy, holdback, is_monthly, when) in enumerate(donations):
        amount = Decimal(max(2, gift(rng) // 3) if is_monthly else gift(rng))
        frequency = Donation.Frequency.MONTHLY if is_monthly else Donation.Frequency.ONCE
        rows.append(
            Donation(
                provider=Donation.Provider.IMPORT,
                event_id=f"demo-ab-{number}",
                appeal=appeal,
                variant=copy,
                holdback=holdback,
                placement="end",
                reference_day=when.date(),
                amount=amount,
                currency="USD",
                frequency=frequency,
                annualised=amount * (12 if is_monthly else 1),
                received_at=when,
                reference=ref,
                note="Simulated for the demo",
            )  # fmt: skip
        )
    Donation.objects.bulk_create(rows)
    return appeal
