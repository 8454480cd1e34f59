"""An appeal's results in money: per copy, what a thousand seen appeals bring, how sure we are
which copy is best (stats.py), what the appeal adds over its holdback group, and daily series.

Four queries whatever the appeal's age: counters per copy, counters per day, the appeal's
donations (one row each: the revenue model needs each gift's size), and its variants.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Sum
from django.utils import timezone

from ..models import AppealCounter, Donation
from . import stats

COUNTED = ("rendered", "seen", "clicked", "held")


@dataclass
class CopyResult:
    name: str
    variant_id: int | None
    views: int = 0  # estimated (recorded × sample rate)
    seen: int = 0
    clicks: int = 0
    donations: int = 0
    revenue: float = 0.0  # annualised, in DONATION_CURRENCY
    recorded_seen: int = 0
    sample_rate: int = 1
    gifts: list = field(default_factory=list)
    conversion: stats.Result | None = None
    money: stats.Result | None = None

    @property
    def per_1000_seen(self):
        return self.donations / self.seen * 1000 if self.seen else None

    @property
    def revenue_per_1000_seen(self):
        return self.revenue / self.seen * 1000 if self.seen else None

    @property
    def click_rate(self):
        return self.clicks / self.seen if self.seen else None

    def arm(self):
        return stats.Arm(
            self.name, self.recorded_seen, self.donations, tuple(self.gifts), self.sample_rate
        )


@dataclass
class Holdback:
    views: int
    donations: int
    revenue: float
    shown_views: int
    shown_donations: int
    shown_revenue: float
    conversion_lift: tuple | None
    revenue_lift: tuple | None
    message: str


@dataclass
class Results:
    copies: list
    verdict: str
    revenue_verdict: str
    holdback: Holdback | None
    currency: str
    other_currencies: dict  # {currency: donations} not in `currency` (not in revenue)
    unattributed_copy: int  # donations whose variant has since been deleted
    days: list  # [(day, {series: value})]
    reminders_sent: int = 0


def effective_rate(recorded, estimated):
    return max(1, round(estimated / recorded)) if recorded else 1


def appeal_results(appeal, days=30, today=None):
    """The Results of `appeal`: all-time per copy, and `days` of daily series."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    currency = settings.DONATION_CURRENCY
    copies = [CopyResult("Main copy", None)] + [
        CopyResult(variant.name, variant.pk) for variant in appeal.variants.all()
    ]
    by_variant = {copy.variant_id: copy for copy in copies}
    recorded = defaultdict(lambda: defaultdict(int))
    held = {"recorded": 0, "views": 0}
    rows = (
        AppealCounter.objects.filter(appeal=appeal)
        .values("variant", "sample_rate")
        .annotate(**{event: Sum(event) for event in COUNTED})
        .order_by()
    )
    for row in rows:
        copy = by_variant.get(row["variant"])
        rate = row["sample_rate"]
        held["recorded"] += row["held"]
        held["views"] += row["held"] * rate
        if copy is None:
            continue
        copy.views += row["rendered"] * rate
        copy.seen += row["seen"] * rate
        copy.clicks += row["clicked"] * rate
        copy.recorded_seen += row["seen"]
        recorded[copy.variant_id]["rendered"] += row["rendered"]
    for copy in copies:
        copy.sample_rate = effective_rate(copy.recorded_seen, copy.seen)

    daily = {
        row["day"]: row
        for row in AppealCounter.objects.filter(appeal=appeal, day__gte=first)
        .values("day")
        .annotate(**{e: Sum(F(e) * F("sample_rate")) for e in ("rendered", "seen", "clicked")})
        .order_by()
    }
    day_money = defaultdict(lambda: [0, 0.0])
    other_currencies, unattributed = defaultdict(int), 0
    hold = {"donations": 0, "gifts": []}
    gifts = Donation.objects.filter(appeal=appeal).values_list(
        "variant_id", "holdback", "annualised", "currency", "received_at"
    )
    for variant_id, holdback, value, gift_currency, received_at in gifts:
        if gift_currency != currency:
            other_currencies[gift_currency] += 1
            continue
        value = float(value)
        day = timezone.localdate(received_at)
        if day >= first:
            day_money[day][0] += 1
            day_money[day][1] += value
        if holdback:
            hold["donations"] += 1
            hold["gifts"].append(value)
            continue
        copy = by_variant.get(variant_id)
        if copy is None:
            unattributed += 1
            continue
        copy.donations += 1
        copy.revenue += value
        copy.gifts.append(value)

    arms = [copy.arm() for copy in copies]
    both = stats.compare_metrics(arms) if len(arms) > 1 else {}
    conversion, money = both.get("conversion", []), both.get("revenue", [])
    for copy, conv, rev in zip(copies, conversion, money, strict=False):
        copy.conversion, copy.money = conv, rev

    series = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        counters = daily.get(day, {})
        series.append(
            (
                day,
                {
                    "seen": counters.get("seen") or 0,
                    "clicked": counters.get("clicked") or 0,
                    "donations": day_money[day][0],
                    "revenue": round(day_money[day][1]),
                },
            )
        )
    return Results(
        copies=copies,
        verdict=stats.verdict(conversion) if conversion else one_copy_message(copies[0]),
        revenue_verdict=stats.verdict(money) if money else "",
        holdback=holdback_result(appeal, copies, held, hold, recorded),
        currency=currency,
        other_currencies=dict(other_currencies),
        unattributed_copy=unattributed,
        days=series,
        reminders_sent=AppealCounter.objects.filter(appeal=appeal).totals()["reminded"]
        if appeal.offer_reminder
        else 0,
    )


def one_copy_message(copy):
    return (
        "This appeal has one copy: add a variant to compare copies."
        if copy.donations
        else "No donations attributed to this appeal yet."
    )


def holdback_result(appeal, copies, held, hold, recorded):
    """What showing the appeal adds, per page view: readers shown it against readers held
    back (their donations come through the site's donate link, which carries the group)."""
    if not appeal.holdback_percent and not held["recorded"]:
        return None
    shown_recorded = sum(recorded[copy.variant_id]["rendered"] for copy in copies)
    shown_views = sum(copy.views for copy in copies)
    shown_gifts = [gift for copy in copies for gift in copy.gifts]
    arms = [
        stats.Arm(
            "Holdback",
            held["recorded"],
            hold["donations"],
            tuple(hold["gifts"]),
            effective_rate(held["recorded"], held["views"]),
        ),
        stats.Arm(
            "Shown",
            shown_recorded,
            len(shown_gifts),
            tuple(shown_gifts),
            effective_rate(shown_recorded, shown_views),
        ),
    ]
    both = stats.compare_metrics(arms)
    conversion, money = both["conversion"], both["revenue"]
    if held["recorded"] == 0:
        message = "No reader in the holdback group has opened a page yet."
    elif not all(result.enough_data for result in conversion):
        message = (
            f"Not enough data yet: the holdback group needs at least {stats.MIN_VIEWS:,} page "
            f"views and {stats.MIN_DONATIONS} donations before the lift means much."
        )
    else:
        low, _, high = conversion[1].lift
        if low > 0:
            message = (
                "Showing the appeal very probably brings more donations per page view than "
                "not showing it."
            )
        elif high < 0:
            message = "Readers held back gave more per page view: the appeal may be putting off."
        else:
            message = "Not clear yet whether showing the appeal brings more donations than not."
    return Holdback(
        views=held["views"],
        donations=hold["donations"],
        revenue=sum(hold["gifts"]),
        shown_views=shown_views,
        shown_donations=len(shown_gifts),
        shown_revenue=sum(shown_gifts),
        conversion_lift=conversion[1].lift,
        revenue_lift=money[1].lift,
        message=message,
    )
