"""One hot counter row against the sharded rows the beacon writes (AppealCounter.SHARDS), with
pgbench on PostgreSQL: transactions per second for the same upsert at 1, 8 and 32 clients.

Every beacon of a busy appeal adds to the same day's counter. One row means every beacon waits
for the previous one's row lock, so throughput stops growing with clients; spread over shards
(summed when read), the waits mostly vanish. A row lock is held until the commit reaches the
database: with the database on another machine that is at least one network round trip, which
`--latency-ms` (default 0.5) adds inside the transaction as a pg_sleep, since here the database
is on the same machine.

Beacons no longer write a row each: they add to one buffer in Redis (articles/appeals/tally.py),
and a flush writes each row once per few seconds. So the figure that matters is how many beacon
scripts one Redis runs on that single buffer key at once: with `--redis URL`, redis-benchmark
runs the beacon's own script (every beacon a new page view with two fresh events, all of them
on one buffer hash and one address's rate window) at 1, 8 and 32 clients.

    .venv/bin/python bench/counter_rows.py [--seconds 10] [--latency-ms 0.5] [--database URL]
                                           [--redis redis://127.0.0.1:6379/15]
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ensure_postgres_database  # noqa: E402

SETUP = """
DROP TABLE IF EXISTS bench_counter;
CREATE TABLE bench_counter (
    appeal_id int, day date, shard int, seen bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (appeal_id, day, shard)
);
"""
UPSERT = """
BEGIN;
SET LOCAL synchronous_commit = off;
INSERT INTO bench_counter (appeal_id, day, shard, seen) VALUES (1, CURRENT_DATE, %(shard)s, 1)
ON CONFLICT (appeal_id, day, shard) DO UPDATE SET seen = bench_counter.seen + 1;
SELECT pg_sleep(%(latency)s);
COMMIT;
"""


def pgbench(url, script, clients, seconds):
    parts = urlsplit(url)
    command = [
        "pgbench", "-n", "-h", parts.hostname, "-p", str(parts.port or 5432),
        "-U", parts.username or "postgres", "-c", str(clients), "-j", str(min(clients, 4)),
        "-T", str(seconds), "-f", script, parts.path.lstrip("/"),
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return float(re.search(r"tps = ([\d.]+)", output).group(1))


def redis_scripts(url, requests=200_000):
    """Beacon scripts per second on one buffer key (redis-benchmark), at 1, 8 and 32 clients."""
    import redis

    from articles.appeals.tally import BEACON

    parts = urlsplit(url)
    client = redis.Redis.from_url(url)
    prefix = "bench-counter-rows"
    sha = client.script_load(BEACON)
    client.set(f"{prefix}:changes", "m")
    keys = [f"{prefix}:{name}" for name in ("changes", "rate", "buffer", "due")]
    keys += [f"{prefix}:mark:__rand_int__:rendered", f"{prefix}:mark:__rand_int__:seen"]
    limits = ["1000000000", "60", "3660", "5"]  # rate limit, window, mark lifetime, flush
    args = ["m", *limits, "2026-12-01|1||1|rendered", "2026-12-01|1||1|seen"]
    figures = {}
    for clients in (1, 8, 32):
        command = [
            "redis-benchmark", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 6379),
            "--dbnum", parts.path.strip("/") or "0", "-n", str(requests), "-c", str(clients),
            "-r", "100000000", "-q", "EVALSHA", sha, str(len(keys)), *keys, *args,
        ]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        figures[clients] = float(re.search(r"([\d.]+) requests per second", output).group(1))
    # Every script counted its two events (not refused as stale or over the limit), but for the
    # few random page views that came up twice (their marks count them once).
    buffered = sum(int(n) for n in client.hvals(f"{prefix}:buffer"))
    assert buffered > 0.99 * 2 * 3 * requests, buffered
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.unlink(key)
    return figures


def main():
    from articles.models.appeals import AppealCounter

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=0.5)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/nr_bench_rows")
    parser.add_argument("--redis", help="also run the beacon's script on this Redis")
    args = parser.parse_args()
    if not shutil.which("pgbench"):
        sys.exit("This benchmark needs pgbench (Debian's postgresql-contrib or postgresql).")
    ensure_postgres_database(args.database)
    import psycopg

    with psycopg.connect(args.database, autocommit=True) as conn:
        conn.execute(SETUP)
    scripts = {}
    for name, shard in (("one row", "0"), (f"{AppealCounter.SHARDS} shards", None)):
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
            if shard is None:
                handle.write(f"\\set shard random(0, {AppealCounter.SHARDS - 1})\n")
                shard = ":shard"
            handle.write(UPSERT % {"shard": shard, "latency": args.latency_ms / 1000})
        scripts[name] = handle.name
    print(
        f"\nupserts per second (pgbench, {args.seconds}s each, synchronous_commit off, "
        f"the row held {args.latency_ms} ms longer as if the database were that far away)"
    )
    print(f"{'clients':>8}" + "".join(f"{name:>14}" for name in scripts))
    for clients in (1, 8, 32):
        figures = [pgbench(args.database, s, clients, args.seconds) for s in scripts.values()]
        print(f"{clients:>8}" + "".join(f"{tps:>14.0f}" for tps in figures))
    if args.redis:
        if not shutil.which("redis-benchmark"):
            sys.exit("The Redis figure needs redis-benchmark (Debian's redis-tools).")
        print("\nbeacon scripts per second on one Redis buffer key (redis-benchmark, EVALSHA)")
        print(f"{'clients':>8}{'scripts/s':>14}")
        for clients, per_second in redis_scripts(args.redis).items():
            print(f"{clients:>8}{per_second:>14.0f}")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    main()
