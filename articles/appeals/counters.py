"""Adding to AppealCounter rows, atomically: the beacons' counts when there is no Redis buffer
(events.py), a flushed batch from the buffer (tally.py), and the reminder task's.

One `INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n` per counter row: the database adds
under its row lock, so concurrent writers never lose an increment (SQLite 3.24+ and PostgreSQL
share this syntax). A write's rows are all in one shard, picked at random (AppealCounter.SHARDS),
and written in a fixed order, so concurrent writers mostly take different rows and can never
deadlock.
"""

import random
from collections import Counter

from django.db import connection, transaction

from ..models import AppealCounter

EVENT_TYPES = AppealCounter.EVENTS


def write_rows(rows, day, durable=False):
    """Add `rows` ({(appeal, variant, sample_rate): Counter({event: n})}) to `day`'s counters.

    Unless `durable`, PostgreSQL does not wait for the disk: a crash could lose the last
    moment's counts, never an increment raced by another writer (measured: ~10x throughput). A
    flush from the Redis buffer is durable: the buffer is emptied once the write commits."""
    shard = random.randrange(AppealCounter.SHARDS)
    ordered = sorted(rows.items(), key=_row_order)
    postgresql = connection.vendor == "postgresql"
    if postgresql and not durable and len(ordered) == 1 and not connection.in_atomic_block:
        # The usual beacon, one row: one statement, its own transaction, so no BEGIN, SET and
        # COMMIT round trips; set_config tells it not to wait for the disk.
        (row, events) = ordered[0]
        with connection.cursor() as cursor:
            cursor.execute(*_upsert(*row, events, day, shard, no_wait=True))
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql and not durable:
            cursor.execute("SET LOCAL synchronous_commit = off")
        for row, events in ordered:
            cursor.execute(*_upsert(*row, events, day, shard))


def _upsert(appeal, variant, sample_rate, events, day, shard, no_wait=False):
    """One counter row's INSERT … ON CONFLICT … DO UPDATE: (sql, params). With `no_wait`
    (PostgreSQL, a statement that is its own transaction) the row comes from a SELECT that also
    turns synchronous_commit off for that transaction."""
    quote = connection.ops.quote_name
    table = quote(AppealCounter._meta.db_table)
    names = ["appeal_id", "day", "sample_rate", "shard", *EVENT_TYPES]
    values = [appeal, day, sample_rate, shard, *(events[name] for name in EVENT_TYPES)]
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
    (appeal, variant, sample_rate), _ = item
    return appeal, variant or 0, sample_rate


def rows_of(counts, known):
    """{(appeal, variant, sample_rate): Counter({event: n})} for `counts` ({(appeal, variant,
    event): n}), each appeal's sample rate from `known` (events.known_appeals)."""
    rows = {}
    for (appeal, variant, kind), n in counts.items():
        rows.setdefault((appeal, variant, known[appeal][0]), Counter())[kind] += n
    return rows
