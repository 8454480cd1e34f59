"""Beacon counts in one Redis round trip, moved into AppealCounter by a task, each exactly once.

With Redis, a beacon that passed the checks that need no storage (events.parse_beacon, the
token) makes one EVALSHA of BEACON: it checks that the known appeals it was validated against
are current (the CHANGES marker, surfaces.py), counts the address in its rate window, sets the
view's marks and adds the events they let through to a buffer hash, atomically, with the same
keys and rules as guards.py. No database query: the buffer is flushed by `flush_counts`, queued
by the first beacon after a flush (about every FLUSH_SECONDS; where the task backend cannot
wait, as the immediate one of the tests and a bare runserver, every beacon flushes at once).

A flush renames the buffer to a pending hash named by a new batch id, writes the batch's counts
and a CounterBatch row in one transaction, then deletes the pending hash. A flush that stops
after its commit leaves the pending hash, which the next flush finds already applied and
deletes; two at once take the same batch and the second finds it applied. So the counts are
exact, and survive a restart of the app servers and workers (they are in Redis until they are
in the database). Redis itself must keep them: persistence on, and an eviction policy that
spares keys without an expiry (noeviction or volatile-*; the buffer has none).

Without Redis, or while it is down (surfaces.guarded), beacons take guards.py's path and are
counted straight into the database (events.count_events).
"""

import contextlib
import hashlib
import uuid
from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.tasks import default_task_backend, task
from django.utils import timezone
from redis.exceptions import NoScriptError

from ..caching import surfaces
from ..models import Appeal, AppealVariant, CounterBatch
from . import counters, guards

BUFFER = "appeal-counts:buffer"
PENDING = "appeal-counts:pending"
DUE = "appeal-counts:flush-due"
BATCH = b"~batch"  # the pending hash's field naming its batch
FLUSH_SECONDS = 5

# KEYS: CHANGES, the rate window, the buffer, the flush-due flag, then one mark per claimed
# event. ARGV: the CHANGES value the beacon was checked against, the limit, the window, a
# mark's lifetime, FLUSH_SECONDS, then each mark's buffer field.
# Returns {"stale", CHANGES now}, {"wait"}, or {"ok", flush due (0/1), the fresh marks' numbers}.
BEACON = b"""
local changes = redis.call('GET', KEYS[1])
if changes ~= ARGV[1] then return {'stale', changes} end
redis.call('SET', KEYS[2], 0, 'EX', ARGV[3], 'NX')
if redis.call('INCR', KEYS[2]) > tonumber(ARGV[2]) then return {'wait'} end
local answer = {'ok', 0}
for i = 5, #KEYS do
  if redis.call('SET', KEYS[i], 1, 'EX', ARGV[4], 'NX') then
    redis.call('HINCRBY', KEYS[3], ARGV[i + 1], 1)
    answer[#answer + 1] = i - 4
  end
end
if #answer > 2 and redis.call('SET', KEYS[4], 1, 'EX', ARGV[5], 'NX') then answer[2] = 1 end
return answer
"""
# KEYS: the buffer, the pending hash. ARGV: a new batch id. The pending batch, as HGETALL.
CLAIM = b"""
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[2], '~batch', ARGV[1])
end
return redis.call('HGETALL', KEYS[2])
"""
# KEYS: the pending hash. ARGV: its batch id. Deletes it if it is still that batch.
DONE = b"""
if redis.call('HGET', KEYS[1], '~batch') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# CHANGES as Redis had it, and the known appeals read after it: (bytes, dict) or None.
memo = None
STALE_TRIES = 3


def count_beacon(request, body, checked, read_known, unknown):
    """Check a beacon (`checked(body, known)` gives its view and counts, or raises BeaconError),
    apply the guards and buffer what they let through, in one round trip. Returns 0 (answered:
    counted, or already counted for this view), the seconds to wait past the rate limit, or
    None without Redis (or when it failed): then count it the other way.

    `known` (`read_known()`, events.known_appeals) is kept in this process while CHANGES keeps
    its value; the script refuses a beacon checked against an older one, and the beacon is
    checked again. A beacon naming an appeal or variant that the kept ones lack (`unknown`, a
    BeaconError) is refused only once CHANGES shows that they are current: one GET."""
    global memo
    redis = _redis()
    if redis is None:
        return None
    client, make_key = redis
    for _ in range(STALE_TRIES):
        fresh = memo is None
        current = memo or _read_known(client, make_key, read_known)
        if current is None:
            return None
        marker, known = current
        try:
            view, counts = checked(body, known)  # outside `guarded`: BeaconError is an answer
        except unknown:
            if fresh or _changes(client, make_key) == marker:
                raise
            memo = None  # an appeal made live since: check again with the current ones
            continue
        keys, args = _beacon_call(request, view, counts, known, make_key)
        answer = None
        with surfaces.guarded("count a beacon"):
            answer = _run(client, BEACON, keys, [marker, *args])
        if answer is None:
            return None
        if answer[0] == b"stale":
            memo = None
            continue
        if answer[0] == b"wait":
            return guards.RATE_WINDOW
        if not default_task_backend.supports_defer:
            flush()  # no worker to wait for it (the immediate backend: tests, runserver)
        elif answer[1]:
            flush_later()
        return 0
    return None  # the appeals changed under every try: count it the other way


def _changes(client, make_key):
    """CHANGES as Redis has it now (bytes), or None if Redis failed."""
    with surfaces.guarded("read the changes marker"):
        return client.get(make_key(surfaces.CHANGES))
    return None


def _read_known(client, make_key, read_known):
    """(CHANGES, the known appeals read after it), kept in `memo`; None if Redis failed."""
    global memo
    marker = None
    with surfaces.guarded("read the changes marker"):
        marker = client.get(make_key(surfaces.CHANGES))
        if marker is None:  # an emptied cache: make one
            surfaces.changes_marker({})
            marker = client.get(make_key(surfaces.CHANGES))
    if marker is None:
        return None
    memo = (marker, read_known())  # outside `guarded`: a database error is retried
    return memo


def _beacon_call(request, view, counts, known, make_key):
    """BEACON's keys and arguments (after the marker) for a checked beacon."""
    claimed = guards.claims(counts)
    day = timezone.localdate().isoformat()
    keys = [
        make_key(surfaces.CHANGES),
        make_key(guards.rate_key(request, "beacons")),
        make_key(BUFFER),
        make_key(DUE),
        *(make_key(guards.mark(view, appeal, event)) for appeal, event in claimed),
    ]
    fields = [
        f"{day}|{appeal}|{variant or ''}|{known[appeal][0]}|{event}"
        for (appeal, event), variant in claimed.items()
    ]
    limit = settings.APPEAL_BEACONS_PER_MINUTE
    return keys, [limit, guards.RATE_WINDOW, guards.mark_lifetime(), FLUSH_SECONDS, *fields]


def flush_later():
    """Queue a flush for when this window's beacons are in. A queue that fails leaves the
    counts in the buffer for the next window's flush."""
    at = timezone.now() + timedelta(seconds=FLUSH_SECONDS)
    with contextlib.suppress(DatabaseError):
        flush_counts.using(run_after=at).enqueue()


@task
def flush_counts():
    return flush()


def flush():
    """Move the buffered counts into AppealCounter; returns how many events it moved."""
    redis = _redis()
    if redis is None:
        return 0
    client, make_key = redis
    moved = 0
    for _ in range(10):  # beacons keep coming: a few batches, then the next flush
        pending = _run(client, CLAIM, [make_key(BUFFER), make_key(PENDING)], [uuid.uuid4().hex])
        if not pending:
            break
        fields = dict(zip(pending[::2], pending[1::2], strict=True))
        batch = fields.pop(BATCH).decode()
        moved += _apply(batch, fields)
        _run(client, DONE, [make_key(PENDING)], [batch])
    return moved


def _apply(batch, fields):
    """Write one batch's counts with its CounterBatch row, unless it is already written."""
    days = {}
    for field, n in fields.items():
        day, appeal, variant, sample_rate, event = field.decode().split("|")
        row = (int(appeal), int(variant) if variant else None, int(sample_rate))
        days.setdefault(date.fromisoformat(day), {}).setdefault(row, Counter())[event] += int(n)
    with transaction.atomic():
        _, new = CounterBatch.objects.get_or_create(batch=batch)
        if not new:
            return 0
        # An appeal or variant deleted since its beacons has no counters to add to.
        rows = [row for day_rows in days.values() for row in day_rows]
        appeals = set(_ids(Appeal, {row[0] for row in rows}))
        variants = set(_ids(AppealVariant, {row[1] for row in rows if row[1]}))
        moved = 0
        for day, day_rows in days.items():
            kept = {
                row: events
                for row, events in day_rows.items()
                if row[0] in appeals and (row[1] is None or row[1] in variants)
            }
            if kept:
                counters.write_rows(kept, day, durable=True)
                moved += sum(sum(events.values()) for events in kept.values())
        CounterBatch.objects.filter(applied_at__lt=timezone.now() - timedelta(days=2)).delete()
    return moved


def _ids(model, ids):
    return model.objects.filter(pk__in=ids).values_list("pk", flat=True)


def _redis():
    """(client, make_key) of the shared cache's Redis, or None: another cache, or Redis failed
    a moment ago (surfaces.guarded's pause)."""
    try:
        return surfaces.redis()
    except surfaces.CacheUnavailable:
        return None


def _run(client, script, keys, args):
    """EVALSHA of `script`; EVAL (which also loads it) if this Redis does not have it yet."""
    try:
        return client.evalsha(_SHAS[script], len(keys), *keys, *args)
    except NoScriptError:
        return client.eval(script, len(keys), *keys, *args)


_SHAS = {script: hashlib.sha1(script).hexdigest() for script in (BEACON, CLAIM, DONE)}
