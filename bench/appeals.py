"""Appeals under load: the beacon endpoint, and the story page with and without an appeal.

Figures are ratios to a static file served by the same stack in the same run (gunicorn with
production settings, DEBUG off, on PostgreSQL; `wrk` on 127.0.0.1; medians over alternating
rounds). The story page is measured twice: as served (the whole-page cache, when the site has
one) and rendered on every request (PAGE_CACHE_SECONDS=0), which is where an appeal costs.

    .venv/bin/python bench/appeals.py [--rounds 3] [--seconds 4] [--workers 2]
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    PYTHON,
    ROOT,
    gunicorn,
    hashed_static_path,
    measure,
    prepared_site,
    print_table,
    require_wrk,
)

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/nr_bench_appeals"
STATIC = "static file (site.css)"

# A twin of the seed story (same text, same size) that the appeal's targeting leaves out.
SETUP = """
import json
from articles.models import Appeal, Story, Tag
seed = Story.objects.get(slug="putin-hails-russia-china-ties-as-example-for-the-21st-century")
appeal = Appeal.objects.get(status="live", placement="end")
tag, _ = Tag.objects.get_or_create(slug="bench-no-appeal", defaults={"name": "Bench: no appeal"})
twin = Story.objects.filter(slug="bench-twin-without-appeal").first() or Story(
    slug="bench-twin-without-appeal")
for field in ("headline", "standfirst", "body", "dateline", "section", "status", "published_at"):
    setattr(twin, field, getattr(seed, field))
twin.save()
twin.tags.set([*seed.tags.all(), tag])
appeal.exclude_tags.set([tag])
print(json.dumps({"appeal": appeal.pk, "with": seed.get_absolute_url(),
                  "without": twin.get_absolute_url()}))
"""

BEACON_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
wrk.body = '%s'
"""


def setup(env):
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    require_wrk()
    setting = (
        f"gunicorn ({args.workers} sync workers), wrk 1 thread 16 connections, "
        f"{args.rounds} alternating rounds of {args.seconds}s, PostgreSQL"
    )
    with prepared_site(DATABASE_URL) as env, tempfile.TemporaryDirectory() as scratch:
        pages = setup(env)
        beacon = json.dumps(
            {
                "events": [
                    {"appeal": pages["appeal"], "variant": None, "type": "rendered"},
                    {"appeal": pages["appeal"], "variant": None, "type": "seen"},
                ]
            }
        )
        script = Path(scratch) / "beacon.lua"
        script.write_text(BEACON_SCRIPT % beacon)
        static = hashed_static_path(env, "articles/site.css")

        with gunicorn(env, workers=args.workers) as base:
            served = measure(
                base,
                {
                    STATIC: static,
                    "beacon endpoint (2 events, POST)": ("/appeals/events/", script),
                    "story page with appeal": pages["with"],
                    "story page without appeal": pages["without"],
                },
                rounds=args.rounds,
                seconds=args.seconds,
            )
        print_table(served, STATIC, f"As served: {setting}")

        with gunicorn({**env, "PAGE_CACHE_SECONDS": "0"}, workers=args.workers) as base:
            rendered = measure(
                base,
                {
                    STATIC: static,
                    "story page with appeal": pages["with"],
                    "story page without appeal": pages["without"],
                },
                rounds=args.rounds,
                seconds=args.seconds,
            )
        print_table(rendered, STATIC, f"Rendered every time (PAGE_CACHE_SECONDS=0): {setting}")

    with_appeal = rendered["story page with appeal"][0]
    without = rendered["story page without appeal"][0]
    change = with_appeal / without - 1
    print(f"\nAn appeal changes the rendered story page's throughput by {change:+.1%}.")


if __name__ == "__main__":
    main()
