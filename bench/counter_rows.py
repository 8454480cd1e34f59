"""One hot counter row against the sharded rows the beacon writes (AppealCounter.SHARDS), with
pgbench on PostgreSQL: transactions per second for the same upsert at 1, 8 and 32 clients.

Every beacon of a busy appeal adds to the same day's counter. One row means every beacon waits
for the previous one's row lock, so throughput stops growing with clients; spread over shards
(summed when read), the waits mostly vanish. A row lock is held until the commit reaches the
database: with the database on another machine that is at least one network round trip, which
`--latency-ms` (default 0.5) adds inside the transaction as a pg_sleep, since here the database
is on the same machine.

    .venv/bin/python bench/counter_rows.py [--seconds 10] [--latency-ms 0.5] [--database URL]
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


def main():
    from articles.models.appeals import AppealCounter

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=0.5)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/nr_bench_rows")
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


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    main()
