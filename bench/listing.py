"""Time the filtered listing (/stories/) for a set of filter combinations, in process.

Each combination is requested through Django's test client (settings as in production, DEBUG
off), in alternating rounds so that background noise spreads evenly; the script prints p50
and p95 per combination in milliseconds and the SQL queries the page ran. Fill the database
first with bench/make_archive.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nr_bench_100k \\
        .venv/bin/python bench/listing.py [--rounds 40]
    .venv/bin/python bench/listing.py [--rounds 40] [--repeats 3] \\
        --compare postgres://…/nr_bench_1k postgres://…/nr_bench_100k
    .venv/bin/python bench/listing.py --explain   # EXPLAIN ANALYZE of every query it times
    .venv/bin/python bench/listing.py --sql [--rounds 40]   # each page's SQL alone, re-run

Budgets (issue 5): at most 4 queries per listing page; p95 at most 50 ms at 100,000 stories;
(issue 15) every reader page, front, tag, author, story and sitemap pages too, grows at most
1.5x from 1,000 to 100,000 stories. Pages other than the listing have their own query counts
(the front page 4 or 5, a story page 7 or 8), fixed whatever the archive's size.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import in_process_settings  # noqa: E402

in_process_settings(PAGE_CACHE_SECONDS="0")  # measure the listing, not the page cache

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Author, Section, Source, Story, Tag  # noqa: E402

QUERY_BUDGET = 4
P95_BUDGET_MS = 50
GROWTH_BUDGET = 1.5  # from 1,000 to 100,000 stories (issue 15)


def combinations():
    """(label, URL) pairs, with filter values picked from the data: busy, not exotic ones."""
    published = Story.objects.published()
    section = Section.objects.annotate(n=Count("stories")).order_by("-n").first()
    tags = list(Tag.objects.annotate(n=Count("stories")).order_by("-n")[:20])
    tag = tags[len(tags) // 2]  # a mid-popular tag
    author = Author.objects.annotate(n=Count("bylines")).order_by("-n").first()
    source = (
        Source.objects.annotate(n=Count("quotes", filter=Q(quotes__status="confirmed")))
        .order_by("-n")
        .first()
    )
    newest = published.order_by("-published_at").values_list("published_at", flat=True).first()
    year_ago = newest.date().replace(year=newest.year - 1)
    deep = max(1, min(published.count(), 10_000) // 10 // 2)
    # A story with tags and quoted sources, so its related stories are drawn from both.
    story = published.filter(tags=tags[0], quotes__status="confirmed").order_by("-pk").first()
    dates = f"published_after={year_ago}&published_before={newest.date()}"
    return [
        ("none", "/stories/"),
        ("section", f"/stories/?section={section.slug}"),
        ("tag", f"/stories/?tag={tag.slug}"),
        ("two tags", f"/stories/?tag={tags[0].slug}&tag={tags[1].slug}"),
        ("section + tag", f"/stories/?section={section.slug}&tag={tags[0].slug}"),
        ("date range", f"/stories/?{dates}"),
        ("oldest first", "/stories/?ordering=oldest"),
        ("tag + date range", f"/stories/?tag={tag.slug}&{dates}"),
        ("author", f"/stories/?author={author.slug}"),
        ("source", f"/stories/?source={source.slug}"),
        ("q common word", "/stories/?q=minister"),
        ("q rare word", "/stories/?q=quasar"),
        ("q + section", f"/stories/?q=minister&section={section.slug}"),
        ("deep page", f"/stories/?page={deep}"),
        ("section page", f"/sections/{section.slug}/"),
        ("source page", f"/sources/{source.slug}/"),
        # The other reader pages (issue 15): every one's cost independent of the archive.
        ("front page", "/"),
        ("tag page", f"/tags/{tag.slug}/"),
        ("busy tag page", f"/tags/{tags[0].slug}/"),
        ("author page", f"/authors/{author.slug}/"),
        ("story page", story.get_absolute_url()),
        ("sitemap index", "/sitemap.xml"),
        ("last sitemap page", last_sitemap_page()),
        # Not the listing: the cost of any request on this machine at this moment, for scale.
        ("baseline robots.txt", "/robots.txt"),
    ]


def last_sitemap_page():
    """The stories sitemap's last page: the deepest, at any archive size."""
    from articles.sitemaps import StorySitemap

    pages = StorySitemap().paginator.num_pages
    return f"/sitemap-stories.xml?p={pages}" if pages > 1 else "/sitemap-stories.xml"


def measure(rounds):
    """[(label, url, p50 ms, p95 ms, queries)] for this process's database."""
    client = Client()
    combos = combinations()
    queries = {}
    for label, url in combos:  # warm-up: caches, connection, PostgreSQL's buffers
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[label] = len(captured)
    timings = {label: [] for label, _ in combos}
    for _ in range(rounds):
        for label, url in combos:
            started = time.perf_counter()
            client.get(url)
            timings[label].append((time.perf_counter() - started) * 1000)
    rows = []
    for label, url in combos:
        ordered = sorted(timings[label])
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        rows.append((label, url, statistics.median(ordered), p95, queries[label]))
    return rows


def report(rows, rounds):
    stories = Story.objects.count()
    public = Story.objects.published().count()
    print(f"{connection.vendor}, {stories:,} stories ({public:,} public), {rounds} rounds")
    print(f"{'combination':<19} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  URL")
    failed = []
    for label, url, p50, p95, queries in rows:
        print(f"{label:<19} {p50:8.1f} {p95:8.1f} {queries:8d}  {url}")
        if queries > QUERY_BUDGET and url.startswith(("/stories/", "/sections/", "/sources/")):
            failed.append(f"{label}: {queries} queries")
        if p95 > P95_BUDGET_MS:
            failed.append(f"{label}: p95 {p95:.1f} ms")
    print("over budget: " + "; ".join(failed) if failed else "all within budget")


def compare(small_url, large_url, rounds, repeats=3):
    """Run the benchmark on two databases, alternating, and print how page cost grows.

    Each database is measured `repeats` times in turn (small, large, small, …) so background
    load affects both alike; the figures per database are the medians of its runs' p50s and
    p95s (the worst p95 of any run is printed too), with the page's queries at each size,
    which must be equal. The load average before and after says how busy the machine was.
    """
    urls = (small_url, large_url)
    p50s, p95s, queries, counts = ({url: {} for url in urls} for _ in range(4))
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    for _ in range(repeats):
        for url in urls:
            env = dict(os.environ, DATABASE_URL=url)
            command = [sys.executable, __file__, "--rounds", str(rounds), "--json"]
            run = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            counts[url], rows = json.loads(run.stdout.splitlines()[-1])
            for label, _, p50, p95, n in rows:
                p50s[url].setdefault(label, []).append(p50)
                p95s[url].setdefault(label, []).append(p95)
                queries[url][label] = n
    print(f"load average after:  {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    small, large = counts[small_url], counts[large_url]
    print(f"medians of {repeats} alternating runs of {rounds} rounds each, in ms; growth of p50")
    print(f"(budget {GROWTH_BUDGET}x), p95 at {large:,} stories (budget {P95_BUDGET_MS} ms)")
    print(
        f"{'combination':<19} {'p50':>7} {'p95':>7} {'p50':>7} {'p95':>7} {'worst':>7} "
        f"{'growth':>7} {'queries':>8}"
    )
    print(f"{'':<19} {f'at {small:,}':>15} {f'at {large:,} stories':>23}")
    failed = []
    for label, runs in p50s[small_url].items():
        a, b = statistics.median(runs), statistics.median(p50s[large_url][label])
        a95, b95 = (
            statistics.median(p95s[small_url][label]),
            statistics.median(p95s[large_url][label]),
        )
        worst = max(p95s[large_url][label])
        n, m = queries[small_url][label], queries[large_url][label]
        print(
            f"{label:<19} {a:7.1f} {a95:7.1f} {b:7.1f} {b95:7.1f} {worst:7.1f} "
            f"{b / a:6.2f}x {n:>4} {m:>3}"
        )
        if label.startswith("baseline"):
            continue
        if b / a > GROWTH_BUDGET:
            failed.append(f"{label}: grows {b / a:.2f}x")
        if b95 > P95_BUDGET_MS:
            failed.append(f"{label}: p95 {b95:.1f} ms")
        if n != m:
            failed.append(f"{label}: {n} queries at {small:,}, {m} at {large:,}")
    print("over budget: " + "; ".join(failed) if failed else "all within budget")


def explain():
    """EXPLAIN ANALYZE every query each combination runs: the plans behind the figures, then
    per page its queries' execution time and shared buffers (the buffer count does not move
    with machine noise: it is the database's work)."""
    client = Client()
    summary = []
    for label, url in combinations():
        client.get(url)  # warm caches
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        print(f"\n=== {label}: {url}")
        took, buffers = 0.0, 0
        for query in captured.captured_queries:
            print(f"--- {' '.join(query['sql'].split())[:120]}…")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + query["sql"])
                lines = [line for (line,) in cursor.fetchall()]
            for line in lines:
                print("    " + line)
            took += sum(float(m) for m in re.findall(r"Execution Time: ([\d.]+)", "\n".join(lines)))
            top = next((line for line in lines[1:3] if "Buffers:" in line), "")
            buffers += sum(int(n) for n in re.findall(r"(?:hit|read)=(\d+)", top))
        summary.append((label, len(captured), took, buffers))
    print(f"\n{Story.objects.count():,} stories")
    print(f"{'combination':<19} {'queries':>7} {'exec ms':>8} buffers")
    for label, queries, took, buffers in summary:
        print(f"{label:<19} {queries:7d} {took:8.2f} {buffers:7d}")


def sql_times(rounds):
    """Each combination's queries re-run `rounds` times as captured: the median time the
    database takes for the page (less noisy than the page's time; no template rendering)."""
    client = Client()
    print(f"{Story.objects.count():,} stories, median of {rounds} runs of each page's SQL")
    print(f"{'combination':<19} {'SQL ms':>8} {'largest':>8}  queries")
    for label, url in combinations():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        times = []
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                runs = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    cursor.execute(query["sql"])
                    cursor.fetchall()
                    runs.append((time.perf_counter() - started) * 1000)
                times.append(statistics.median(runs))
        print(f"{label:<19} {sum(times):8.2f} {max(times, default=0):8.2f}  {len(times)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--json", action="store_true", help="one JSON line, for --compare")
    parser.add_argument(
        "--repeats", type=int, default=3, help="with --compare: runs per database, alternating"
    )
    parser.add_argument("--explain", action="store_true", help="print the query plans instead")
    parser.add_argument("--sql", action="store_true", help="time each page's SQL alone")
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("SMALL_URL", "LARGE_URL"),
        help="database URLs of a small and a large archive: print p50 growth between them",
    )
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare, args.rounds, args.repeats)
        return
    if args.explain:
        explain()
        return
    if args.sql:
        sql_times(args.rounds)
        return
    rows = measure(args.rounds)
    if args.json:
        print(json.dumps([Story.objects.count(), rows]))
    else:
        report(rows, args.rounds)


if __name__ == "__main__":
    main()
