"""Counting what readers did with an appeal: the beacon endpoint and its atomic counters.

A page view first gets a token (`appeal_token`), then reports its events with it
(`appeal_events`); guards.py holds the rules that keep the counts honest.
"""

import contextlib
import json
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..caching.invalidation import APPEALS_REGISTRY
from ..caching.surfaces import cached
from ..models import Appeal, AppealCounter
from . import counters, guards, tally
from .selection import SELECTION_TTL

# A beacon is a handful of small events; anything much bigger is not ours.
MAX_BEACON_BYTES = 4096
MAX_BEACON_EVENTS = 50


class BeaconError(ValueError):
    """A beacon we refuse; the message is the short reason sent back with the 400."""


class UnknownAppeal(BeaconError):
    """An appeal or variant that is not among the known ones (which may be a moment old)."""


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
            raise UnknownAppeal(f"Unknown appeal: {appeal!r}.")
        if variant is not None and (not _is_id(variant) or variant not in known[appeal][1]):
            raise UnknownAppeal(f"Unknown variant of appeal {appeal}: {variant!r}.")
        if kind not in AppealCounter.BEACON_EVENTS:
            raise BeaconError(f"Unknown event type: {kind!r}.")
        counts[appeal, variant, kind] += 1
    return payload.get("token"), counts


def _is_id(value):
    return type(value) is int and 0 < value < 2**63


def count_events(counts, day=None, known=None):
    """Add `counts` ({(appeal, variant, event): n}) to the day's counters, atomically
    (counters.py)."""
    known = known if known is not None else known_appeals()
    counters.write_rows(counters.rows_of(counts, known), day or timezone.localdate())


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
    short reason, counting nothing; 429 past the rate limit; 503 if the database is away.

    Everything that needs no storage is checked first, so hostile input costs no round trip;
    then, with Redis, one round trip applies the guards and counts (tally.py)."""
    if request.content_type not in BEACON_CONTENT_TYPES:
        return _refuse("Send the events as text/plain or application/json.")
    if not guards.from_this_site(request):
        return _refuse(NOT_OURS)
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
            wait = receive(request, request.body)
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
    if wait:
        return _too_many(wait)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


def receive(request, body):
    """Check a beacon and count what its page view has not reported yet: 0 when answered, or
    the seconds to wait past the rate limit."""
    wait = tally.count_beacon(request, body, checked, known_appeals, UnknownAppeal)
    if wait is not None:
        return wait
    # No Redis, or it is down: the guards one by one, then the database.
    view, counts = checked(body, known_appeals())
    if wait := guards.seconds_to_wait(request, "beacons", settings.APPEAL_BEACONS_PER_MINUTE):
        return wait
    fresh = guards.first_reports(view, counts)
    if not fresh:
        return 0  # a replay, or events this view already reported: answered, counted once
    try:
        count_events(fresh, known=known_appeals())
    except BaseException:
        guards.forget(view, fresh)
        raise
    return 0


def checked(body, known):
    """(the page view, its counts) of a beacon that passes every check needing no storage
    (its shape, its appeals and variants among `known`, its token); else BeaconError."""
    token, counts = parse_beacon(body, known)
    if token is None:
        raise BeaconError("Events need the page view's token (from /appeals/token/).")
    view = guards.view_of(token)
    if view is None:
        raise BeaconError("The page view's token is not valid or has expired.")
    return view, counts


def _too_many(wait):
    response = HttpResponse("Too many events from your address; try again later.", status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response


def _refuse(reason):
    response = HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
