"""Counting what readers did with an appeal: the beacon endpoint and its atomic counters.

A page view first gets a token (`appeal_token`), then reports its events with it
(`appeal_events`); guards.py holds the rules that keep the counts honest.
"""

import contextlib
import json
import random
import time
from collections import Counter

from django.conf import settings
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..caching.invalidation import APPEALS_REGISTRY
from ..caching.surfaces import cached
from ..models import Appeal, AppealCounter
from . import guards
from .selection import SELECTION_TTL

# A beacon is a handful of small events; anything much bigger is not ours.
MAX_BEACON_BYTES = 4096
MAX_BEACON_EVENTS = 50
EVENT_TYPES = AppealCounter.EVENTS


class BeaconError(ValueError):
    """A beacon we refuse; the message is the short reason sent back with the 400."""


def known_appeals():
    """{appeal id: (sample rate, {variant ids})} for every appeal that may send events."""
    return cached("appeals:known", [APPEALS_REGISTRY], _known_appeals, SELECTION_TTL)


def _known_appeals():
    known = {}
    rows = Appeal.objects.exclude(status=Appeal.Status.DRAFT).values_list(
        "pk", "sample_rate", "variants__pk"
    )
    for pk, sample_rate, variant_pk in rows:
        known.setdefault(pk, (sample_rate, set()))
        if variant_pk is not None:
            known[pk][1].add(variant_pk)
    return known


def parse_beacon(body: bytes, known=None):
    """Validate a beacon body; return (its token, Counter({(appeal, variant, event): n})), or
    raise BeaconError."""
    if len(body) > MAX_BEACON_BYTES:
        raise BeaconError(f"The body is larger than {MAX_BEACON_BYTES} bytes.")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BeaconError("The body is not JSON.") from None
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list) or not events:
        raise BeaconError('Expected {"events": [...]} with at least one event.')
    if len(events) > MAX_BEACON_EVENTS:
        raise BeaconError(f"At most {MAX_BEACON_EVENTS} events per beacon.")
    known = known if known is not None else known_appeals()
    counts = Counter()
    for event in events:
        if not isinstance(event, dict) or not set(event) <= {"appeal", "variant", "type"}:
            raise BeaconError('Each event is {"appeal": id, "variant": id|null, "type": …}.')
        appeal, variant, kind = event.get("appeal"), event.get("variant"), event.get("type")
        if not _is_id(appeal) or appeal not in known:
            raise BeaconError(f"Unknown appeal: {appeal!r}.")
        if variant is not None and (not _is_id(variant) or variant not in known[appeal][1]):
            raise BeaconError(f"Unknown variant of appeal {appeal}: {variant!r}.")
        if kind not in AppealCounter.BEACON_EVENTS:
            raise BeaconError(f"Unknown event type: {kind!r}.")
        counts[appeal, variant, kind] += 1
    return payload.get("token"), counts


def _is_id(value):
    return type(value) is int and 0 < value < 2**63


def count_events(counts, day=None, known=None):
    """Add `counts` ({(appeal, variant, event): n}) to the day's counters, atomically.

    One `INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n` per counter row: the
    database adds under its row lock, so concurrent beacons never lose an increment (SQLite
    3.24+ and PostgreSQL share this syntax). The beacon's rows are all in one shard, picked at
    random (AppealCounter.SHARDS), and written in a fixed order, so concurrent beacons mostly
    take different rows and can never deadlock.
    """
    day = day or timezone.localdate()
    shard = random.randrange(AppealCounter.SHARDS)
    known = known if known is not None else known_appeals()
    rows = {}
    for (appeal, variant, kind), n in counts.items():
        rows.setdefault((appeal, variant), Counter())[kind] += n
    ordered = sorted(rows.items(), key=_row_order)
    if connection.vendor == "postgresql" and len(ordered) == 1 and not connection.in_atomic_block:
        # The usual beacon, one row: one statement, its own transaction, so no BEGIN, SET and
        # COMMIT round trips; set_config tells it not to wait for the disk (below).
        (appeal, variant), events = ordered[0]
        with connection.cursor() as cursor:
            cursor.execute(*_upsert(appeal, variant, events, day, shard, known, no_wait=True))
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Counters need not wait for the disk: a crash could lose the last moment's
            # counts, never an increment raced by another beacon. Measured: ~10x throughput.
            cursor.execute("SET LOCAL synchronous_commit = off")
        for (appeal, variant), events in ordered:
            cursor.execute(*_upsert(appeal, variant, events, day, shard, known))


def _upsert(appeal, variant, events, day, shard, known, no_wait=False):
    """One counter row's INSERT … ON CONFLICT … DO UPDATE: (sql, params). With `no_wait`
    (PostgreSQL, a statement that is its own transaction) the row comes from a SELECT that also
    turns synchronous_commit off for that transaction."""
    quote = connection.ops.quote_name
    table = quote(AppealCounter._meta.db_table)
    names = ["appeal_id", "day", "sample_rate", "shard", *EVENT_TYPES]
    values = [appeal, day, known[appeal][0], shard, *(events[name] for name in EVENT_TYPES)]
    if variant is None:
        target = "(appeal_id, day, sample_rate, shard) WHERE variant_id IS NULL"
    else:
        names.insert(1, "variant_id")
        values.insert(1, variant)
        target = "(appeal_id, variant_id, day, sample_rate, shard) WHERE variant_id IS NOT NULL"
    placeholders = ", ".join(["%s"] * len(values))
    source = (
        f"SELECT {placeholders} FROM (SELECT set_config('synchronous_commit', 'off', true)) AS s"
        if no_wait
        else f"VALUES ({placeholders})"
    )
    updates = ", ".join(
        f"{name} = {table}.{name} + excluded.{name}" for name in EVENT_TYPES if events[name]
    )
    columns = ", ".join(quote(name) for name in names)
    return (
        f"INSERT INTO {table} ({columns}) {source} ON CONFLICT {target} DO UPDATE SET {updates}",
        values,
    )


def _row_order(item):
    (appeal, variant), _ = item
    return appeal, variant or 0


BEACON_CONTENT_TYPES = {"text/plain", "application/json"}
# SQLite answers "database is locked" to a second writer at once: a few quick tries. On
# PostgreSQL the likely fault is a dropped connection (a restart, a failover, an idle timeout):
# one more try, on a new connection.
SQLITE_WRITE_ATTEMPTS = 5
NOT_OURS = "Events are accepted from this site's own pages only."


@csrf_exempt  # Pages are cached whole, with no CSRF token; this issues a token, nothing else.
@require_POST
def appeal_token(request):
    """A token for one page view's events: the page itself is the same for every reader."""
    if not guards.from_this_site(request):
        return _refuse(NOT_OURS)
    if wait := guards.seconds_to_wait(request, "tokens", settings.APPEAL_TOKENS_PER_MINUTE):
        return _too_many(wait)
    response = JsonResponse(
        {"token": guards.issue_token(), "max_age": settings.APPEAL_TOKEN_MAX_AGE}
    )
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # Beacons cannot carry a CSRF token; this view only adds to counters.
@require_POST
def appeal_events(request):
    """The beacon endpoint: 204 when counted (or already counted for this view); 400 with a
    short reason, counting nothing; 429 past the rate limit; 503 if the database is away."""
    if request.content_type not in BEACON_CONTENT_TYPES:
        return _refuse("Send the events as text/plain or application/json.")
    if not guards.from_this_site(request):
        return _refuse(NOT_OURS)
    if wait := guards.seconds_to_wait(request, "beacons", settings.APPEAL_BEACONS_PER_MINUTE):
        return _too_many(wait)
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return _refuse("Bad Content-Length.")
    if length > MAX_BEACON_BYTES:
        return _refuse(f"The body is larger than {MAX_BEACON_BYTES} bytes.")
    attempts = SQLITE_WRITE_ATTEMPTS if connection.vendor == "sqlite" else 2
    # The write is tried again on a new connection if this one has died, which is what the
    # connection's health check (a SELECT 1 before a request's first query) is for: skipped,
    # a round trip less per beacon.
    connection.health_check_done = True
    for attempt in range(attempts):
        try:
            receive(request.body)
            break
        except BeaconError as error:
            return _refuse(str(error))
        except IntegrityError:  # the appeal or variant was deleted a moment ago
            return _refuse("Unknown appeal or variant.")
        except (OperationalError, InterfaceError):
            # The transaction rolled back whole, so trying again cannot count twice.
            if attempt == attempts - 1:
                response = HttpResponse("Busy, events not counted.", status=503)
                response["Retry-After"] = "2"
                return response
            if connection.vendor == "sqlite":
                time.sleep(0.01 * 2**attempt)
            else:
                with contextlib.suppress(DatabaseError):
                    connection.close()  # the next query opens a new connection
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


def receive(body):
    """Check a beacon and count what its page view has not reported yet."""
    known = known_appeals()
    token, counts = parse_beacon(body, known)
    if token is None:
        raise BeaconError("Events need the page view's token (from /appeals/token/).")
    view = guards.view_of(token)
    if view is None:
        raise BeaconError("The page view's token is not valid or has expired.")
    fresh = guards.first_reports(view, counts)
    if not fresh:
        return  # a replay, or events this view already reported: answered, counted once
    try:
        count_events(fresh, known=known)
    except BaseException:
        guards.forget(view, fresh)
        raise


def _too_many(wait):
    response = HttpResponse("Too many events from your address; try again later.", status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response


def _refuse(reason):
    response = HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
