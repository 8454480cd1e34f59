"""Throughput of the live blog's poll endpoint, as a ratio to a static file (issue 14).

The oldest published story other than the seed becomes a live blog with 40 updates (the seed
stays as it is: bench/pages.py and bench/instructions.py measure it in the same database);
gunicorn (production settings, page cache on) serves it, and `wrk` loads the static file, the
poll endpoint answering 200 from the page cache, and the poll endpoint answering 304 to its
ETag (what an open page gets when nothing is new), for several alternating rounds; the table
shows medians. Then the arithmetic for 1,000 readers with the page open.

    .venv/bin/python bench/live_poll.py [--rounds 3] [--seconds 4] [--readers 1000]

Target: the 304 poll >= 80 % of the static file.
"""

import argparse
import subprocess
import sys
import urllib.request
from contextlib import ExitStack
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
)

STATIC = "static file (site.css)"
MAKE_LIVE = """
from datetime import timedelta
from django.utils import timezone
from articles.demo import demo_data
from articles.models import LiveUpdate, Story
seed = demo_data()["seed"]["slug"]
story = Story.objects.published().exclude(slug=seed).order_by("published_at", "pk").first()
story.live_since, story.live_until = timezone.now() - timedelta(hours=4), None
story.save()
LiveUpdate.objects.filter(story=story).delete()
LiveUpdate.objects.bulk_create(
    LiveUpdate(story=story, body=f"<p>Update {n}: the talks went on into the night.</p>",
               key_event=n % 10 == 0, published_at=timezone.now() - timedelta(minutes=5 * n))
    for n in range(40)
)
print(story.pk)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=25, help="seconds between polls")
    args = parser.parse_args()
    require_wrk()
    with ExitStack() as stack:
        env = stack.enter_context(prepared_site())
        story_pk = manage_output(env, MAKE_LIVE)
        site = stack.enter_context(gunicorn(env | {"PAGE_CACHE_SECONDS": "60"}, args.workers))
        poll = f"{site}/live/{story_pk}/updates/"
        answer = urllib.request.urlopen(poll)
        etag, size = answer.headers["ETag"], len(answer.read())
        targets = {
            STATIC: Target(site + hashed_static_path(env, "articles/site.css")),
            "poll, 200 from the page cache": Target(poll),
            "poll, 304 (If-None-Match)": Target(poll, headers=(f"If-None-Match: {etag}",)),
        }
        figures = measure(targets, args.rounds, args.seconds)
    print_table(
        figures,
        STATIC,
        f"gunicorn ({args.workers} sync workers), wrk 1 thread 16 connections, "
        f"{args.rounds} alternating rounds of {args.seconds}s, page cache on, DEBUG off",
    )
    polls = args.readers / args.interval
    not_modified = figures["poll, 304 (If-None-Match)"][0]
    print(
        f"\n{args.readers:,} readers with the page open, each polling every {args.interval:.0f} s "
        f"on average: {polls:.0f} polls/s, {polls / not_modified:.1%} of what these "
        f"{args.workers} workers answer as 304s ({not_modified:.0f}/s); each 304 sends no body, "
        f"against {size:,} bytes (before compression) for a changed list. "
        f"A hidden tab polls at most every 5 minutes, so the real load is lower."
    )


def manage_output(env, code):
    """Run `code` in `manage.py shell` with the site's environment; its last printed line."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    main()
