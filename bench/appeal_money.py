"""Appeals' money: the donation webhook's throughput, and what the results page costs with a
year of daily counters for 20 appeals.

In one process with the test client and production settings (DEBUG off), on PostgreSQL by
default (BENCH_MONEY_DATABASE_URL). The webhook figures are requests per second and median /
95th-percentile times for signed donations in our format, in Stripe's format, and for
replays of stored events (answered, nothing stored). The results page is measured for an
appeal with one week of counters and one with a year (each: 3 copies, 8 shard rows per copy
and day, a donation per copy and day): its query count must not grow with the data.

    .venv/bin/python bench/appeal_money.py [--donations 2000]
    (also: .venv/bin/python bench/appeals.py --money)
"""

import argparse
import hashlib
import hmac
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ensure_postgres_database, in_process_settings  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_MONEY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_money"
)
SECRET = "bench-webhook-secret"
APPEALS, DAYS, SHARDS = 20, 365, 8


def signed(body):
    at = int(time.time())
    digest = hmac.new(SECRET.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def timed(calls):
    timings = []
    start = time.perf_counter()
    for call in calls:
        began = time.perf_counter()
        call()
        timings.append((time.perf_counter() - began) * 1000)
    elapsed = time.perf_counter() - start
    timings.sort()
    return len(timings) / elapsed, statistics.median(timings), timings[int(len(timings) * 0.95)]


def fill(appeal_cls, counter_cls, donation_cls, variant_cls, days, name):
    from django.utils import timezone

    appeal = appeal_cls.objects.create(
        name=name, body="<p>Bench.</p>", donation_url="https://donate.example.org/",
        status="archived", holdback_percent=5,
    )  # fmt: skip
    variants = [variant_cls.objects.create(appeal=appeal, name=f"V{i}") for i in range(2)]
    today = timezone.localdate()
    counters, gifts = [], []
    for offset in range(days):
        day = today - timedelta(days=offset)
        for copy in (None, *variants):
            for shard in range(SHARDS):
                counters.append(
                    counter_cls(
                        appeal=appeal,
                        variant=copy,
                        day=day,
                        shard=shard,
                        rendered=400,
                        seen=300,
                        clicked=5,
                        held=20 if copy is None else 0,
                    )  # fmt: skip
                )
            gifts.append(
                donation_cls(
                    provider="import",
                    event_id=f"{name}-{offset}-{copy and copy.pk}",
                    appeal=appeal,
                    variant=copy,
                    amount=Decimal(10),
                    annualised=Decimal(10),
                    currency="USD",
                    received_at=timezone.now() - timedelta(days=offset),
                )  # fmt: skip
            )
    counter_cls.objects.bulk_create(counters, batch_size=5000)
    donation_cls.objects.bulk_create(gifts, batch_size=5000)
    return appeal


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donations", type=int, default=2000)
    args = parser.parse_args()
    if DATABASE_URL.startswith("postgres"):
        ensure_postgres_database(DATABASE_URL)
    in_process_settings(DATABASE_URL=DATABASE_URL, DONATION_WEBHOOK_SECRET=SECRET,
                        STRIPE_WEBHOOK_SECRET=SECRET, TASKS_BACKEND="immediate")  # fmt: skip
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from articles.models import Appeal, AppealCounter, AppealVariant, Donation

    call_command("migrate", "--no-input", "-v0")
    Appeal.objects.filter(name__startswith="bench-").delete()
    Donation.objects.filter(event_id__startswith="bench-").delete()
    client = Client()
    target = Appeal.objects.create(
        name="bench-webhook", body="<p>B</p>", donation_url="https://donate.example.org/"
    )
    from articles.appeals import references

    ref = references.sign(target.pk)

    def ours(i):
        body = json.dumps({"id": f"bench-{i}", "amount": "10.00", "currency": "USD",
                           "reference": ref}).encode()  # fmt: skip
        return lambda: client.post("/donations/webhook/", body, content_type="application/json",
                                   headers={"X-Newsroom-Signature": signed(body)})  # fmt: skip

    def stripe(i):
        body = json.dumps({"id": f"bench-evt-{i}", "object": "event",
                           "type": "checkout.session.completed", "created": int(time.time()),
                           "data": {"object": {"amount_total": 1000, "currency": "usd",
                                               "mode": "payment", "payment_status": "paid",
                                               "client_reference_id": ref}}}).encode()  # fmt: skip
        return lambda: client.post("/donations/webhook/", body, content_type="application/json",
                                   headers={"Stripe-Signature": signed(body)})  # fmt: skip

    n = args.donations
    print(
        f"Donation webhook, {connection.vendor}, in one process (test client), {n} requests each:"
    )
    for label, calls in (
        ("our format, new donations", [ours(i) for i in range(n)]),
        ("Stripe checkout.session.completed", [stripe(i) for i in range(n)]),
        ("replays of stored events", [ours(i) for i in range(n)]),
    ):
        rate, median, p95 = timed(calls)
        print(f"  {label:38} {rate:7.0f} req/s   median {median:5.2f} ms   p95 {p95:5.2f} ms")
    stored = Donation.objects.filter(appeal=target).count()
    print(f"  stored: {stored} (expected {2 * n}: replays store nothing)")

    print(f"\nFilling {APPEALS} appeals × 3 copies × {DAYS} days × {SHARDS} shards …")
    started = time.perf_counter()
    week = fill(Appeal, AppealCounter, Donation, AppealVariant, 7, "bench-week")
    year = [fill(Appeal, AppealCounter, Donation, AppealVariant, DAYS, f"bench-year-{i}")
            for i in range(APPEALS)]  # fmt: skip
    took = time.perf_counter() - started
    rows, gifts = AppealCounter.objects.count(), Donation.objects.count()
    print(f"  {rows:,} counter rows, {gifts:,} donations, in {took:.0f} s")
    user = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", "bench@example.com", None
    )
    client.force_login(user)

    def page(url, repeat=7):
        client.get(url)
        queries = []
        with connection.execute_wrapper(
            lambda run, sql, *rest: queries.append(sql) or run(sql, *rest)
        ):
            client.get(url)
        timings = []
        for _ in range(repeat):
            began = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append((time.perf_counter() - began) * 1000)
        return len(queries), statistics.median(timings)

    print("\nResults page (median of 7), queries and time:")
    figures = {}
    for label, appeal in (("one week of counters", week), ("a year of counters", year[0])):
        figures[label] = page(f"/admin/articles/appeal/{appeal.pk}/results/")
        q, ms = figures[label]
        print(f"  {label:28} {q:3} queries   {ms:7.1f} ms")
    (q1, ms1), (q2, ms2) = figures.values()
    print(f"  a year against a week: {q2 - q1:+d} queries, time × {ms2 / ms1:.2f}")
    q, ms = page("/admin/articles/appeal/")
    print(f"  the appeal list ({Appeal.objects.count()} appeals) {q:3} queries   {ms:7.1f} ms")
    Appeal.objects.filter(name__startswith="bench-").delete()
    Donation.objects.filter(event_id__startswith="bench-").delete()


if __name__ == "__main__":
    main()
