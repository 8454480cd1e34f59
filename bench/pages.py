"""Throughput of the reader's pages, as a ratio to a static file served by the same stack.

Runs gunicorn with production settings (DEBUG off) on PostgreSQL (DATABASE_URL, default a
`nr_bench_pages` database on 127.0.0.1) and `wrk` on 127.0.0.1; medians over alternating rounds.

    .venv/bin/python bench/pages.py [--rounds 3] [--seconds 4]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    gunicorn,
    hashed_static_path,
    measure,
    prepared_site,
    print_table,
    require_wrk,
)  # noqa: E402,E501

SEED_URL = "/2021/12/15/putin-hails-russia-china-ties-as-example-for-the-21st-century/"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    require_wrk()
    with prepared_site() as env, gunicorn(env, workers=args.workers) as base:
        targets = {
            "static file (site.css)": hashed_static_path(env, "articles/site.css"),
            "story page": SEED_URL,
            "front page": "/",
            "section page": "/sections/news/",
        }
        figures = measure(base, targets, rounds=args.rounds, seconds=args.seconds)
    print_table(
        figures,
        "static file (site.css)",
        f"gunicorn ({args.workers} sync workers), wrk 1 thread 16 connections, "
        f"{args.rounds} alternating rounds of {args.seconds}s, PostgreSQL",
    )


if __name__ == "__main__":
    main()
