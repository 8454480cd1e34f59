"""Appeals under load: the beacon endpoint, and the story page with and without an appeal.

Figures are ratios to a static file served by the same stack in the same run (gunicorn with
production settings, DEBUG off, on PostgreSQL; `wrk` on 127.0.0.1; medians over alternating
rounds). The story page is measured with and without an appeal, both rendered on every request
(PAGE_CACHE_SECONDS=0, where an appeal could cost) and from the whole-page cache.

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
    Target,
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
    with (
        prepared_site(DATABASE_URL) as env,
        tempfile.TemporaryDirectory() as scratch,
    ):
        pages = setup(env)
        appeal = pages["appeal"]
        beacon = json.dumps(
            {
                "events": [
                    {"appeal": appeal, "variant": None, "type": "rendered"},
                    {"appeal": appeal, "variant": None, "type": "seen"},
                ]
            }
        )
        script = Path(scratch) / "beacon.lua"
        script.write_text(BEACON_SCRIPT % beacon)
        with (
            gunicorn(env | {"PAGE_CACHE_SECONDS": "0"}, workers=args.workers) as plain,
            gunicorn(env | {"PAGE_CACHE_SECONDS": "60"}, workers=args.workers) as cached,
        ):
            figures = measure(
                {
                    STATIC: Target(plain + hashed_static_path(env, "articles/site.css")),
                    "beacon (2 events, POST)": Target(plain + "/appeals/events/", str(script)),
                    "story with appeal, uncached": Target(plain + pages["with"]),
                    "story without appeal, uncached": Target(plain + pages["without"]),
                    "story with appeal, page cache": Target(cached + pages["with"]),
                    "story without appeal, page cache": Target(cached + pages["without"]),
                },
                rounds=args.rounds,
                seconds=args.seconds,
            )
    print_table(
        figures,
        STATIC,
        f"gunicorn ({args.workers} sync workers each), wrk 1 thread 16 connections, "
        f"{args.rounds} alternating rounds of {args.seconds}s, PostgreSQL",
    )
    with_appeal = figures["story with appeal, uncached"][0]
    without = figures["story without appeal, uncached"][0]
    print(
        f"\nThe appeal changes the uncached story page's throughput by "
        f"{with_appeal / without - 1:+.1%} (noise on this machine is about ±10%)."
    )


if __name__ == "__main__":
    main()
