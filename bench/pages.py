"""Throughput of the reader's pages, as a ratio to a static file served by the same stack.

Two gunicorn servers run side by side with production settings (DEBUG off) on PostgreSQL
(DATABASE_URL, default a `nr_bench_pages` database on 127.0.0.1): one with the server-side page
cache off (every request renders) and one with it on. `wrk` on 127.0.0.1 loads each target in
turn, for several alternating rounds; the table shows medians.

    .venv/bin/python bench/pages.py [--rounds 3] [--seconds 4]

The uncached server also answers three floor pages (bench/floor_urls.py): a view with no query
and no template, one ORM query, and the bare site layout. They show what any rendered page costs
before it does its own work.

Targets (issue 7): story page uncached >= 35 % of the static file, story page from cache
>= 85 %; (issue 16) filtered listing and section page uncached >= 15 %.

Then a working newsroom (bench/page_cache_mix.py): 65 reader URLs in turn from the page cache
(in Redis when there is one), first alone, then while a colleague saves a draft every second.
It prints the page cache's hit rate and the mix's throughput (target, issue 18: hit rate
>= 99.9 % and throughput >= 95 % of the figure without saves, while saving).
"""

import argparse
import os
import sys
import urllib.request
from contextlib import ExitStack, nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    Target,
    gunicorn,
    hashed_static_path,
    measure,
    prepared_site,
    print_table,
    require_wrk,
    wrk,
)
from bench.page_cache_mix import (  # noqa: E402
    MIX_SIZE,
    mix_urls,
    saving_drafts,
    write_script,
    wrk_mix,
)

SEED_URL = "/2021/12/15/putin-hails-russia-china-ties-as-example-for-the-21st-century/"
LISTING_URL = "/stories/?section=news&tag=russia&ordering=newest"
SECTION_URL = "/sections/news/"
STATIC = "static file (site.css)"
# The uncached server also serves the floor pages (bench/floor_urls.py): the cost of the
# framework, of one query and of the layout alone, the ceiling for any page that renders.
UNCACHED = {"PAGE_CACHE_SECONDS": "0", "DJANGO_SETTINGS_MODULE": "bench.floor_settings"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="also serve the page cache from this Redis (flushed first); 'none' to skip",
    )
    parser.add_argument(
        "--mix-only", action="store_true", help="only the 65-URL mix, with and without saves"
    )
    args = parser.parse_args()
    require_wrk()
    with ExitStack() as stack:
        env = stack.enter_context(prepared_site())
        plain = stack.enter_context(gunicorn(env | UNCACHED, workers=args.workers))
        cached = stack.enter_context(gunicorn(env | {"PAGE_CACHE_SECONDS": "60"}, args.workers))
        in_redis, redis_env = None, None
        if args.redis != "none" and redis_flushed(args.redis):
            redis_env = env | {"PAGE_CACHE_SECONDS": "60", "REDIS_URL": args.redis}
            in_redis = stack.enter_context(gunicorn(redis_env, workers=args.workers))
        etag = urllib.request.urlopen(cached + SEED_URL).headers["ETag"]
        targets = {
            STATIC: Target(plain + hashed_static_path(env, "articles/site.css")),
            "story page, uncached": Target(plain + SEED_URL),
            "story page, page cache in memory": Target(cached + SEED_URL),
            "story page, 304 (If-None-Match)": Target(
                cached + SEED_URL, headers=(f"If-None-Match: {etag}",)
            ),
            "front page, uncached": Target(plain + "/"),
            "floor: view, no query, no template": Target(plain + "/_floor/view/"),
            "floor: one ORM query, no template": Target(plain + "/_floor/query/"),
            "floor: site layout, no query": Target(plain + "/_floor/layout/"),
            "filtered listing, uncached": Target(plain + LISTING_URL),
            "filtered listing, page cache in memory": Target(cached + LISTING_URL),
            "section page, uncached": Target(plain + SECTION_URL),
        }
        if in_redis:
            targets["story page, page cache in Redis"] = Target(in_redis + SEED_URL)
        figures = {} if args.mix_only else measure(targets, args.rounds, args.seconds)
        # The colleague saving drafts shares the server's cache (Redis); with per-process
        # memory caches a save elsewhere could not reach the servers' caches at all.
        mix = measure_mix(redis_env or env, in_redis or cached, args, static=targets[STATIC].url)
    if figures:
        print_table(
            figures,
            STATIC,
            f"gunicorn ({args.workers} sync workers each), wrk 1 thread 16 connections, "
            f"{args.rounds} alternating rounds of {args.seconds}s, PostgreSQL, DEBUG off",
        )
    print_mix(mix, "Redis" if in_redis else "each process's memory")


def measure_mix(env, base, args, static):
    """Medians of (static rps, mix rps, hit rate) per phase: without saves, while saving."""
    import statistics

    script = write_script(mix_urls(env))
    wrk_mix(base, script, seconds=1)  # warm the cache
    runs = {"without saves": [], "while a draft is saved every second": []}
    for phase, values in runs.items():
        saving = phase.startswith("while")
        bound = (args.seconds + 2) * args.rounds * 2 + 5
        with saving_drafts(env, seconds=bound) if saving else nullcontext():
            for _ in range(args.rounds):
                static_rps, _ = wrk(static, seconds=args.seconds)
                values.append((static_rps, *wrk_mix(base, script, seconds=args.seconds)))
    return {
        phase: tuple(statistics.median(run[i] for run in values) for i in range(3))
        for phase, values in runs.items()
    }


def print_mix(mix, where):
    print(f"\nA mix of {MIX_SIZE} reader URLs from the page cache in {where}:")
    print(f"{'':<40}{'req/s':>10}{'vs static':>12}{'hit rate':>12}")
    first = None
    for phase, (static_rps, rps, hit_rate) in mix.items():
        first = first or rps
        print(f"{phase:<40}{rps:>10.0f}{rps / static_rps:>11.1%}{hit_rate:>12.2%}")
    print(f"throughput while saving: {rps / first:.1%} of the figure without saves")


def redis_flushed(url):
    """Empty the benchmark's Redis database; False (with a note) when none answers."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError as error:
        print(f"No Redis at {url} ({error}): the Redis row is left out.", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    main()
