"""Appeals under load: the beacon endpoint, and the story page with and without an appeal.

Figures are ratios to a static file served by the same stack in the same run (gunicorn with
production settings, DEBUG off, on PostgreSQL; `wrk` on 127.0.0.1; medians over alternating
rounds). The story page is measured with and without an appeal, both rendered on every request
(PAGE_CACHE_SECONDS=0, where an appeal could cost) and from the whole-page cache; then the
same page is rendered in one process with its appeal live and archived, which isolates the
appeal's own cost from the differences between two pages.

    .venv/bin/python bench/appeals.py [--rounds 3] [--seconds 4] [--workers 2]
    .venv/bin/python bench/appeals.py --money   (the webhook and the results page:
                                                 bench/appeal_money.py)
"""

import argparse
import json
import os
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

# Its own database unless told otherwise (BENCH_APPEALS_DATABASE_URL): it fills the counters.
DATABASE_URL = os.environ.get(
    "BENCH_APPEALS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nr_bench_appeals"
)
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

# The same page rendered in one process with its appeal live and then archived, alternating:
# the appeal's own cost, free of the differences between two pages.
IN_PROCESS = """
import json, statistics, time
from django.test import Client
from articles.models import Appeal
appeal = Appeal.objects.get(pk=%(appeal)d)
client, url, timings = Client(), "%(url)s", {"live": [], "archived": []}
for status in ["live", "archived"] * 10:
    appeal.status = status
    appeal.save(update_fields=["status"])  # what readers see follows (articles/signals.py)
    for _ in range(5):
        client.get(url)
    start = time.perf_counter()
    for _ in range(40):
        assert client.get(url).status_code == 200
    timings[status].append((time.perf_counter() - start) / 40 * 1000)
appeal.status = "live"
appeal.save(update_fields=["status"])
from timeit import timeit
from django.template.loader import render_to_string
from articles.appeals.selection import select_for_page
from articles.models import Story
story = Story.objects.prefetch_related("tags").get(slug=url.rstrip("/").rsplit("/", 1)[1])
tags = [tag.pk for tag in story.tags.all()]
chosen = select_for_page(story.section_id, tags).end
timings["select_ms"] = timeit(lambda: select_for_page(story.section_id, tags), number=2000) / 2
timings["render_ms"] = timeit(
    lambda: render_to_string("articles/appeal_partials.html#appeal", {"appeal": chosen}),
    number=2000,
) / 2
print(json.dumps({k: [statistics.median(v), min(v)] if isinstance(v, list) else v
                  for k, v in timings.items()}))
"""

# Each beacon carries its own page view's token (minted beforehand, cycled if wrk outruns
# them: a replay is then answered without a write) and the Origin a browser sends.
BEACON_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
wrk.headers["Origin"] = "%(origin)s"
local tokens = {}
for line in io.lines("%(tokens)s") do if line ~= "" then tokens[#tokens + 1] = line end end
local n = 0
request = function()
  n = n + 1
  local body = '{"token": "' .. tokens[(n - 1) %% #tokens + 1] .. '", "events": %(events)s}'
  return wrk.format(nil, nil, nil, body)
end
"""
TOKENS = 60_000
MINT = (
    "from articles.appeals.guards import issue_token; "
    "print('\\n'.join(issue_token() for _ in range(%d)))"
)
# The bench is one address sending thousands of beacons a second: lift the per-address limits.
UNLIMITED = {"APPEAL_TOKENS_PER_MINUTE": "1000000000", "APPEAL_BEACONS_PER_MINUTE": "1000000000"}


def shell(env, code):
    """What `code` prints, run by `manage.py shell` against the bench's site."""
    return subprocess.run(
        [PYTHON, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def setup(env):
    return json.loads(shell(env, SETUP).strip().splitlines()[-1])


def mint_tokens(env, count):
    return shell(env, MINT % count)


def main():
    if "--money" in sys.argv:
        argv = [arg for arg in sys.argv[1:] if arg != "--money"]
        sys.exit(subprocess.call([PYTHON, str(ROOT / "bench" / "appeal_money.py"), *argv]))
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
        events = json.dumps(
            [
                {"appeal": appeal, "variant": None, "type": "rendered"},
                {"appeal": appeal, "variant": None, "type": "seen"},
            ]
        )
        tokens = Path(scratch) / "tokens.txt"
        tokens.write_text(mint_tokens(env, TOKENS))
        script = Path(scratch) / "beacon.lua"
        with (
            gunicorn(env | {"PAGE_CACHE_SECONDS": "0"} | UNLIMITED, workers=args.workers) as plain,
            gunicorn(env | {"PAGE_CACHE_SECONDS": "60"}, workers=args.workers) as cached,
        ):
            script.write_text(BEACON_SCRIPT % {"origin": plain, "tokens": tokens, "events": events})
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
        rendering = json.loads(
            subprocess.run(
                [PYTHON, "manage.py", "shell", "-c", IN_PROCESS % {**pages, "url": pages["with"]}],
                cwd=ROOT,
                env=env | {"PAGE_CACHE_SECONDS": "0", "ALLOWED_HOSTS": "testserver"},
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
    print_table(
        figures,
        STATIC,
        f"gunicorn ({args.workers} sync workers each), wrk 1 thread 16 connections, "
        f"{args.rounds} alternating rounds of {args.seconds}s, PostgreSQL",
    )
    (live, live_best), (archived, archived_best) = rendering["live"], rendering["archived"]
    print(
        "\nThe same story page rendered in one process (PAGE_CACHE_SECONDS=0), its appeal live "
        "vs archived, 10 alternating rounds of 40 requests:\n"
        f"  median {live:.1f} ms vs {archived:.1f} ms ({live / archived - 1:+.1%} with the "
        f"appeal); best round {live_best:.1f} ms vs {archived_best:.1f} ms "
        f"({live_best / archived_best - 1:+.1%}).\n"
        f"  The appeal's parts: selection from the cache {rendering['select_ms']:.3f} ms, "
        f"rendering its template {rendering['render_ms']:.3f} ms."
    )


if __name__ == "__main__":
    main()
