"""Instructions per request for the reader's pages: a figure that does not move with machine noise.

Requests/second on a shared 2-core machine vary by 20 % from run to run; the number of CPU
instructions the Python process executes for a request does not (the same total twice, to four
digits). Each page is requested in-process (the WSGI handler, production settings, PostgreSQL)
under valgrind's cachegrind, once with no measured requests and once with N, and the difference
is divided by N. Database server work is not counted: this is the app server's own cost.

    .venv/bin/python bench/instructions.py [--requests 30] [page ...]

`poll304` is a live blog's poll answered 304 from the page cache (its ETag sent back, as an
open page does; bench/live_poll.py's story, page cache on, Redis when REDIS_URL is set): the
request the live blog's readers make most.

Use it to compare two versions of the code (A/B); bench/pages.py gives throughput. Runs use
PYTHONHASHSEED=0, so two runs of the same code agree exactly (hash randomisation otherwise moves
dict and set layouts, and so the count, by a few tenths of a percent), and pages that cost less
than a million instructions get ten times the requests. Each page is also shown as a multiple of
the static file: the figure to hold against another framework's pages measured the same way.
"""

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import PYTHON, hashed_static_path, prepared_site  # noqa: E402
from bench.live_poll import MAKE_LIVE, manage_output  # noqa: E402

BEACON_URL = "/appeals/events/"
SEED_URL = "/2021/12/15/putin-hails-russia-china-ties-as-example-for-the-21st-century/"
PAGES = {
    "static": None,  # the hashed site.css, found once the static files are collected
    "view": "/_floor/view/",
    "query": "/_floor/query/",
    "layout": "/_floor/layout/",
    "story": SEED_URL,
    "front": "/",
    "listing": "/stories/?section=news&tag=russia&ordering=newest",
    "section": "/sections/news/",
    "beacon": BEACON_URL,  # a POST: one "rendered" event of the seed's appeal, a new view each
    "poll304": None,  # a live blog's poll URL, found once its story is made live
}
# Pages asked for as an open page asks: the first answer's ETag sent back (a 304 each time).
CONDITIONAL = {"poll304"}
WARMUP = 20


def beacons(count):
    """Bodies for `count` beacons, each of a new page view (its own token, issued here: the
    signing is counted too, about 2 % of a beacon)."""
    from articles.appeals.guards import issue_token
    from articles.models import Appeal

    appeal = Appeal.objects.filter(status=Appeal.Status.LIVE).values_list("pk", flat=True)[0]
    event = {"appeal": appeal, "variant": None, "type": "rendered"}
    return [json.dumps({"token": issue_token(), "events": [event]}).encode() for _ in range(count)]


def serve(path, count):
    """In the child process: WARMUP requests, then `count` more, through the WSGI handler."""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    route, _, query = path.partition("?")
    status = []
    bodies = beacons(WARMUP + count) if path == BEACON_URL else None
    validator = {}

    def start_response(line, headers, exc_info=None):
        status.append(line)
        if os.environ.get("BENCH_CONDITIONAL") and "HTTP_IF_NONE_MATCH" not in validator:
            validator["HTTP_IF_NONE_MATCH"] = dict(headers)["ETag"]

    for number in range(WARMUP + count):
        status.clear()
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": route,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.input": io.BytesIO(),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            **validator,
        }
        if bodies:
            body = bodies[number]
            environ |= {
                "REQUEST_METHOD": "POST",
                "CONTENT_TYPE": "text/plain",
                "CONTENT_LENGTH": str(len(body)),
                "HTTP_ORIGIN": "http://127.0.0.1",
                "wsgi.input": io.BytesIO(body),
            }
        b"".join(application(environ, start_response))
        if not status[0].startswith(("200", "204", "304" if validator else "200")):
            sys.exit(f"{path}: {status[0]}")


def instructions(env, path, count):
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        PYTHON,
        __file__,
        "--child",
        path,
        str(count),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if result.returncode or not found:
        sys.exit(f"cachegrind failed for {path}:\n{result.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", choices=list(PAGES), help="default: all")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("This benchmark needs valgrind: apt-get install valgrind")
    with prepared_site() as env:
        env = env | {
            "PAGE_CACHE_SECONDS": "0",
            "DJANGO_SETTINGS_MODULE": "bench.floor_settings",
            "APPEAL_BEACONS_PER_MINUTE": "1000000",  # one client sends them all
        }
        names = args.pages or list(PAGES)
        urls = PAGES | {"static": hashed_static_path(env, "articles/site.css")}
        if "poll304" in names:
            urls["poll304"] = f"/live/{manage_output(env, MAKE_LIVE)}/updates/"
        env = env | {"PYTHONHASHSEED": "0"}
        conditional = env | {"PAGE_CACHE_SECONDS": "3600", "BENCH_CONDITIONAL": "1"}
        figures = {}
        for name in {"static", *names}:
            page_env = conditional if name in CONDITIONAL else env
            if name in CONDITIONAL:
                # A shared cache (Redis) keeps the page between runs: store it before either
                # measured run, so both find it (with the in-process cache, both render it).
                instructions(page_env, urls[name], 0)
            figures[name] = per_request(page_env, urls[name], args.requests)
        print(f"\nmillion instructions per request (cachegrind, {args.requests}+ requests)")
        print(f"{'page':<10}{'M instr':>9}{'x static':>10}  url")
        for name in names:
            ratio = figures[name] / figures["static"]
            print(f"{name:<10}{figures[name] / 1e6:>9.2f}{ratio:>9.1f}x  {urls[name]}")


def per_request(env, url, requests):
    """Instructions per request for `url`: cheap pages get more requests, for four digits."""
    base = instructions(env, url, 0)
    total = instructions(env, url, requests)
    if (total - base) / requests < 1e6:
        requests *= 10
        total = instructions(env, url, requests)
    return (total - base) / requests


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floor_settings")
        django.setup()
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        main()
