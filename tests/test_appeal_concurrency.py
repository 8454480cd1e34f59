"""Counting is exact under concurrency: many clients, one live server, the same counter rows;
replays count once and the rate limit holds however many clients send at once.

These need PostgreSQL: SQLite serialises writers (and its in-memory test database is shared by
one connection across the live server's threads), so it cannot show lost updates. CI runs them
on PostgreSQL; tests/test_appeal_beacons.py checks the same rules one request at a time.
"""

import http.client
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from django.db import connection

from articles.appeals import tally
from articles.caching import copies
from articles.models import AppealCounter
from tests.factories import make_appeal

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 8
VIEWS_PER_CLIENT = 130  # two beacons a view: 2,080 beacons in all
KINDS = ("rendered", "seen", "clicked", "snoozed", "supporter", "dismissed")


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (see the module docstring); CI runs this on PostgreSQL")


class Reader:
    """One reader's browser: a keep-alive connection sending what appeals.js sends."""

    def __init__(self, live_server):
        address = urlsplit(live_server.url)
        self.origin = live_server.url
        self.conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)

    def post(self, path, body=b""):
        self.conn.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": self.origin},
        )
        response = self.conn.getresponse()
        return response.status, response.read()

    def token(self):
        status, body = self.post("/appeals/token/")
        assert status == 200, body
        return json.loads(body)["token"]

    def beacon(self, token, events):
        return self.post("/appeals/events/", json.dumps({"token": token, "events": events}))[0]

    def close(self):
        self.conn.close()


def page_views(client_no, appeal_id, variant_id):
    """A deterministic mix of page views, each with its own variant and distinct events, in two
    beacons (as the script sends them: what happened on load, then what the reader did)."""
    for n in range(VIEWS_PER_CLIENT):
        variant = variant_id if (n + client_no) % 2 else None
        first = [{"appeal": appeal_id, "variant": variant, "type": t} for t in KINDS[:2]]
        second = [{"appeal": appeal_id, "variant": variant, "type": KINDS[2 + n % 4]}]
        if (n + client_no) % 3 == 0:
            second.append({"appeal": appeal_id, "variant": variant, "type": KINDS[2 + (n + 1) % 4]})
        yield first, second


def stored(appeal):
    counts = Counter()
    for row in AppealCounter.objects.filter(appeal=appeal):
        for event in AppealCounter.EVENTS:
            if getattr(row, event):
                counts[row.variant_id, event] += getattr(row, event)
    return counts


def unlimited(settings):
    settings.APPEAL_BEACONS_PER_MINUTE = settings.APPEAL_TOKENS_PER_MINUTE = 10**6


def send_views(live_server, appeal, variant):
    """Every client's page views, eight clients at once: (events answered 204, statuses)."""

    def send_all(client_no):
        reader, sent, statuses = Reader(live_server), Counter(), Counter()
        try:
            for beacons in page_views(client_no, appeal.pk, variant.pk):
                token = reader.token()
                for events in beacons:
                    status = reader.beacon(token, events)
                    statuses[status] += 1
                    if status == 204:
                        sent.update((e["variant"], e["type"]) for e in events)
        finally:
            reader.close()
        return sent, statuses

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(send_all, range(CLIENTS)))
    sent = sum((result[0] for result in results), Counter())
    statuses = sum((result[1] for result in results), Counter())
    return sent, statuses


def test_eight_clients_sending_valid_events_get_exact_counts(live_server, settings):
    """With Redis and the tests' immediate task backend, every beacon also flushes the buffer:
    eight flushes at once, each batch written once."""
    unlimited(settings)
    appeal = make_appeal(variants=["B"])
    sent, statuses = send_views(live_server, appeal, appeal.variants.get())
    assert statuses == {204: CLIENTS * VIEWS_PER_CLIENT * 2}
    assert stored(appeal) == sent
    assert sum(sent.values()) > 3 * CLIENTS * VIEWS_PER_CLIENT


def test_eight_clients_counted_in_the_redis_buffer_get_exact_counts_once_flushed(
    live_server, settings
):
    """Production's way: beacons only add to the buffer (one round trip each) and the worker's
    flush moves it."""
    if not copies.shared_cache():
        pytest.skip("the buffer is in Redis: run with REDIS_URL")
    unlimited(settings)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    appeal = make_appeal(variants=["B"])
    sent, statuses = send_views(live_server, appeal, appeal.variants.get())
    assert statuses == {204: CLIENTS * VIEWS_PER_CLIENT * 2}
    assert stored(appeal) == Counter()  # nothing written by the beacons themselves
    assert tally.flush() == sum(sent.values())
    assert stored(appeal) == sent


def test_a_batch_replayed_by_eight_clients_at_once_counts_once(live_server, settings):
    unlimited(settings)
    appeal = make_appeal()
    token = Reader(live_server).token()
    batch = [{"appeal": appeal.pk, "variant": None, "type": t} for t in ("seen", "clicked")]

    def replay(_):
        reader = Reader(live_server)
        try:
            return Counter(reader.beacon(token, batch) for _ in range(25))
        finally:
            reader.close()

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = sum(pool.map(replay, range(CLIENTS)), Counter())
    assert statuses == {204: CLIENTS * 25}  # a replay is answered, and counts nothing
    assert stored(appeal) == {(None, "seen"): 1, (None, "clicked"): 1}


def test_eight_clients_past_the_limit_get_429_and_exactly_the_limit_is_counted(
    live_server, settings
):
    unlimited(settings)
    settings.APPEAL_BEACONS_PER_MINUTE = 40
    appeal = make_appeal()

    def send(_):
        reader = Reader(live_server)
        try:
            return Counter(
                reader.beacon(reader.token(), [{"appeal": appeal.pk, "type": "clicked"}])
                for _ in range(10)
            )
        finally:
            reader.close()

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = sum(pool.map(send, range(CLIENTS)), Counter())
    assert statuses == {204: 40, 429: CLIENTS * 10 - 40}
    assert stored(appeal) == {(None, "clicked"): 40}
