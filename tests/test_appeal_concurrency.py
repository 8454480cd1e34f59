"""Counting is exact under concurrency: many clients, one live server, the same counter rows."""

import http.client
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from django.db import connection

from articles.models import AppealCounter
from tests.test_appeals import make_appeal

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 8
BEACONS_PER_CLIENT = 260  # 2,080 beacons in all


def beacons_for(client_no, appeal_id, variant_id):
    """A deterministic mix: every beacon hits rows the other clients are writing too."""
    kinds = ("rendered", "seen", "clicked", "snoozed", "supporter", "dismissed")
    for n in range(BEACONS_PER_CLIENT):
        events = [{"appeal": appeal_id, "variant": None, "type": "rendered"}]
        events.append({"appeal": appeal_id, "variant": variant_id, "type": kinds[n % 6]})
        if (n + client_no) % 3 == 0:
            events.append({"appeal": appeal_id, "variant": None, "type": kinds[(n + 1) % 6]})
        yield events


def send_all(address, client_no, appeal_id, variant_id):
    sent = Counter()
    statuses = Counter()
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        for events in beacons_for(client_no, appeal_id, variant_id):
            conn.request(
                "POST",
                "/appeals/events/",
                body=json.dumps({"events": events}),
                headers={"Content-Type": "text/plain;charset=UTF-8"},
            )
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
            if response.status == 204:
                for event in events:
                    sent[event["variant"], event["type"]] += 1
    finally:
        conn.close()
    return sent, statuses


def test_concurrent_beacons_never_lose_an_increment(live_server):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers (and its in-memory test database is "
            "shared by one connection), so it cannot show lost updates; CI runs this on PostgreSQL"
        )
    appeal = make_appeal(variants=["B"])
    variant = appeal.variants.get()
    address = urlsplit(live_server.url)
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(
            pool.map(lambda n: send_all(address, n, appeal.pk, variant.pk), range(CLIENTS))
        )
    sent = sum((result[0] for result in results), Counter())
    statuses = sum((result[1] for result in results), Counter())
    assert statuses == {204: CLIENTS * BEACONS_PER_CLIENT}

    stored = Counter()
    for row in AppealCounter.objects.filter(appeal=appeal):
        for event in AppealCounter.EVENTS:
            if getattr(row, event):
                stored[row.variant_id, event] += getattr(row, event)
    assert stored == sent
    assert sum(sent.values()) > 2 * CLIENTS * BEACONS_PER_CLIENT
