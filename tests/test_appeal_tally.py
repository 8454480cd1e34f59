"""Beacon counts buffered in Redis (articles/appeals/tally.py): one round trip and no query per
beacon; hostile beacons answered 4xx without touching Redis; a flush moves every count into
the counter rows exactly once, also when it stopped halfway (a restart) or ran twice at once.

With a task backend that waits (production's), beacons leave their counts in the buffer and the
first one after a flush queues the next; the tests use Django's dummy backend for that, and
call the flush the worker would run.
"""

import json

import pytest
from django.test import Client
from redis.connection import AbstractConnection

from articles.appeals import counters, tally
from articles.models import Appeal, AppealCounter, CounterBatch
from tests.factories import make_appeal
from tests.services import redis_cache_settings

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
WAITING_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def redis_and_a_waiting_worker(settings):
    settings.CACHES = redis_cache_settings()
    settings.TASKS = WAITING_TASKS
    tally.memo = None
    yield
    tally.memo = None


@pytest.fixture
def round_trips(monkeypatch):
    """The commands sent to Redis, one entry per round trip (a pipeline is one)."""
    sent = []
    send = AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        first = command[0] if isinstance(command, list) else command
        sent.append(bytes(first).split(b"\r\n")[2].decode())
        return send(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    return sent


def token(client):
    response = client.post("/appeals/token/", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    return response.json()["token"]


def beacon(client, events, view_token, **extra):
    body = json.dumps({"token": view_token, "events": events})
    return client.post(
        "/appeals/events/",
        body,
        content_type="text/plain;charset=UTF-8",
        headers={"Origin": ORIGIN},
        **extra,
    )


def new_view(client, appeal, kind="seen"):
    """A new page view's beacon of one event: its status."""
    return beacon(client, [{"appeal": appeal.pk, "type": kind}], token(client)).status_code


def stored(appeal):
    return {k: v for k, v in AppealCounter.objects.filter(appeal=appeal).totals().items() if v}


def test_a_beacon_is_one_round_trip_to_redis_and_no_query(round_trips, django_assert_num_queries):
    appeal = make_appeal(variants=["B"])
    variant = appeal.variants.get()
    client = Client()
    assert new_view(client, appeal) == 204  # the script loaded, the known appeals read
    view = token(client)
    round_trips.clear()
    events = [
        {"appeal": appeal.pk, "variant": variant.pk, "type": "rendered"},
        {"appeal": appeal.pk, "variant": variant.pk, "type": "seen"},
    ]
    with django_assert_num_queries(0):
        assert beacon(client, events, view).status_code == 204
    assert round_trips == ["EVALSHA"]
    assert stored(appeal) == {}  # in the buffer until the flush
    assert tally.flush() == 3
    assert stored(appeal) == {"rendered": 1, "seen": 2}


def test_the_first_beacon_after_a_flush_queues_the_next_one():
    from django.tasks import default_task_backend

    appeal = make_appeal()
    client = Client()
    for _ in range(3):
        assert new_view(client, appeal) == 204
    queued = [result.task.name for result in default_task_backend.results]
    assert queued == ["flush_counts"]  # one for the window, not one per beacon
    assert tally.flush() == 3
    assert tally.flush() == 0
    assert stored(appeal) == {"seen": 3}


@pytest.mark.parametrize(
    "case",
    ["not json", "too big", "no events", "bad token", "unknown appeal", "unknown variant",
     "unknown type", "extra field", "GET"],
)  # fmt: skip
def test_a_hostile_beacon_gets_a_4xx_costs_no_round_trip_and_counts_nothing(case, round_trips):
    appeal = make_appeal(variants=["B"])
    other = make_appeal(name="Other", variants=["C"])
    client = Client()
    view = token(client)
    good = {"appeal": appeal.pk, "type": "seen"}
    assert beacon(client, [good], view).status_code == 204  # the known appeals are in memory
    round_trips.clear()
    body = {
        "not json": b"{'events': [",
        "too big": json.dumps({"token": view, "events": [good] * 40, "pad": "x" * 4096}),
        "no events": json.dumps({"token": view, "events": []}),
        "bad token": json.dumps({"token": view[:-2] + "xx", "events": [good]}),
        "unknown appeal": json.dumps({"token": view, "events": [{**good, "appeal": 10**9}]}),
        "unknown variant": json.dumps({"token": view, "events": [
            {"appeal": appeal.pk, "variant": other.variants.get().pk, "type": "clicked"}]}),
        "unknown type": json.dumps({"token": view, "events": [{"appeal": appeal.pk, "type": "x"}]}),
        "extra field": json.dumps({"token": view, "events": [{**good, "n": 1000}]}),
    }.get(case)  # fmt: skip
    if case == "GET":
        response = client.get("/appeals/events/")
        assert response.status_code == 405
    else:
        response = client.post(
            "/appeals/events/", body, content_type="text/plain", headers={"Origin": ORIGIN}
        )
        assert response.status_code == 400
        assert 0 < len(response.text) < 200
    # An appeal or variant the process does not know may have gone live a moment ago: one GET
    # of the CHANGES marker says that what it knows is current.
    assert round_trips == (["GET"] if case in ("unknown appeal", "unknown variant") else [])
    tally.flush()
    assert stored(appeal) == {"seen": 1} and stored(other) == {}


def test_a_replayed_beacon_is_answered_and_counted_once():
    appeal = make_appeal()
    client = Client()
    view = token(client)
    batch = [{"appeal": appeal.pk, "type": t} for t in ("rendered", "seen", "clicked")]
    for _ in range(4):
        assert beacon(client, batch, view).status_code == 204
    tally.flush()
    assert stored(appeal) == {"rendered": 1, "seen": 1, "clicked": 1}


def test_beacons_are_checked_against_the_appeals_as_they_are_now():
    """The known appeals are kept in the process while nothing changes; a change (an appeal
    deleted, another made live) is seen by the very next beacon."""
    first = make_appeal()
    client = Client()
    assert new_view(client, first) == 204
    second = make_appeal(name="Second")
    assert new_view(client, second) == 204  # not known to the process yet, but it is live
    Appeal.objects.filter(pk=first.pk).delete()  # a bulk delete bumps the appeals' registry
    assert new_view(client, first) == 400
    assert new_view(client, second) == 204
    tally.flush()  # the deleted appeal's buffered count has no row to go to
    assert stored(second) == {"seen": 2}
    assert list(AppealCounter.objects.values_list("appeal", flat=True).distinct()) == [second.pk]


def test_the_rate_limit_holds_in_the_same_round_trip(settings):
    settings.APPEAL_BEACONS_PER_MINUTE = 3
    appeal = make_appeal()
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [new_view(client, appeal) for _ in range(5)]
    assert statuses == [204, 204, 204, 429, 429]
    tally.flush()
    assert stored(appeal) == {"seen": 3}


def test_a_flush_stopped_after_its_commit_is_not_counted_twice(monkeypatch):
    """A worker killed between the database's commit and emptying the pending batch: the next
    flush finds the batch applied and only deletes it."""
    appeal = make_appeal()
    client = Client()
    for _ in range(2):
        new_view(client, appeal, "clicked")
    run = tally._run

    def killed_before_done(client, script, keys, args):
        if script is tally.DONE:
            raise SystemExit("worker stopped")
        return run(client, script, keys, args)

    monkeypatch.setattr(tally, "_run", killed_before_done)
    with pytest.raises(SystemExit):
        tally.flush()
    assert stored(appeal) == {"clicked": 2}
    monkeypatch.setattr(tally, "_run", run)
    new_view(client, appeal, "clicked")  # meanwhile
    assert tally.flush() == 1  # the pending batch is skipped, the new beacon moved
    assert stored(appeal) == {"clicked": 3}
    assert CounterBatch.objects.count() == 2


def test_a_flush_that_failed_before_its_commit_is_done_by_the_next(monkeypatch):
    appeal = make_appeal()
    client = Client()
    new_view(client, appeal)
    write = counters.write_rows

    def failing(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(counters, "write_rows", failing)
    with pytest.raises(RuntimeError):
        tally.flush()
    assert stored(appeal) == {} and not CounterBatch.objects.exists()
    monkeypatch.setattr(counters, "write_rows", write)
    assert tally.flush() == 1
    assert stored(appeal) == {"seen": 1}
