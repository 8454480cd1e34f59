"""Time the revision compare page for a 5,000-word body (budget: under half a second).

Builds a throwaway SQLite database (or uses DATABASE_URL), stores a story whose body is 5,000
words in 50 paragraphs, and two revisions of it, then renders the admin compare page through
Django's test client as a logged-in editor, with settings as in production (DEBUG off).
Prints the median and max of several runs for three kinds of edit:

- "copy edit": 60 scattered word changes, one paragraph added, one removed
- "heavy rewrite": every other paragraph rewritten
- "replaced": a completely different body of the same length
- "one paragraph": the copy edit, with the body as one unpunctuated 5,000-word paragraph

    .venv/bin/python bench/revisions.py [--runs 15]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import in_process_settings  # noqa: E402

_tmp = tempfile.mkdtemp(prefix="bench-revisions-")
in_process_settings(DATABASE_URL=f"sqlite:///{_tmp}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles.editorial.revisions import compare, snapshot  # noqa: E402
from articles.html import paragraphs_to_html  # noqa: E402
from articles.models import Revision, Section, Story  # noqa: E402

BUDGET_SECONDS = 0.5
# The vocabulary of the generated prose: small on purpose, since repeated words are what
# make difflib slow.
VOCABULARY = (
    "the president said on wednesday that talks with the delegation had been constructive "
    "but officials warned a final agreement on energy prices grain exports and border "
    "crossings could take months ministers met in the capital after a week of protests "
    "analysts expect the central bank to hold interest rates while inflation stays high "
    "according to figures published by the statistics office unemployment fell slightly"
)
WORDS = VOCABULARY.split()


def words(seed, count):
    """Deterministic, varied prose-like words (a linear congruential walk over WORDS)."""
    state, out = seed, []
    for _ in range(count):
        state = (state * 1103515245 + 12345) % 2**31
        out.append(WORDS[(state >> 16) % len(WORDS)])  # the low bits of an LCG cycle fast
    return out


def paragraphs(seed, count=50, length=100):
    return [" ".join(words(seed * 1000 + i, length)).capitalize() + "." for i in range(count)]


def copy_edit(paras):
    edited = []
    for i, p in enumerate(paras):
        tokens = p.split(" ")
        if i % 5 == 0:  # six word changes in every fifth paragraph (60 in all)
            for k in range(6):
                tokens[(k * 17 + i) % len(tokens)] = "amended"
        edited.append(" ".join(tokens))
    edited.insert(20, "A new paragraph added by the editor, with a fresh quote from a minister.")
    del edited[35]
    return edited


def heavy_rewrite(paras):
    return [p if i % 2 else " ".join(words(9000 + i, 100)) + "." for i, p in enumerate(paras)]


def setup():
    """One story per case, each with two revisions: (name, story, old, new)."""
    call_command("migrate", verbosity=0, interactive=False)
    section = Section.objects.get_or_create(slug="bench", defaults={"name": "Bench"})[0]
    editor = User.objects.filter(username="bench-editor").first() or User.objects.create_superuser(
        "bench-editor", "bench@example.com", None
    )
    original = paragraphs(1)
    assert sum(len(p.split()) for p in original) == 5000
    as_one = [" ".join(p.rstrip(".") for p in original)]
    cases = []
    for name, old, new in (
        ("copy edit", original, copy_edit(original)),
        ("heavy rewrite", original, heavy_rewrite(original)),
        ("replaced", original, paragraphs(2)),
        ("one paragraph", as_one, [" ".join(p.rstrip(".") for p in copy_edit(original))]),
    ):
        story = Story.objects.create(
            headline="Talks with the delegation were constructive, the president says",
            slug=f"bench-revisions-{name.replace(' ', '-')}-{time.time_ns()}",
            standfirst="Officials warned a final agreement could take months.",
            body=paragraphs_to_html(old),
            section=section,
        )
        first = snapshot(story, editor, "Original")
        story.body = paragraphs_to_html(new)
        story.headline += " (updated)"
        story.save()
        cases.append((name, story, first, snapshot(story, editor, name)))
    return editor, cases


def time_it(func, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    editor, cases = setup()
    client = Client()
    client.force_login(editor)
    print(f"5,000-word body; median and max of {args.runs} runs")
    print(f"{'edit':<15}{'diff only (ms)':>18}{'whole page (ms)':>20}{'page size':>12}")
    worst = 0.0
    for name, story, first, revision in cases:
        old = Revision.objects.get(pk=first.pk)
        diff_median, diff_max = time_it(lambda old=old, new=revision: compare(old, new), args.runs)
        url = reverse("admin:articles_story_compare", args=[story.pk])

        def page(url=url, numbers=(first.number, revision.number)):
            response = client.get(url, {"from": numbers[0], "to": numbers[1]})
            assert response.status_code == 200, response.status_code
            return response

        size = len(page().content)
        page_median, page_max = time_it(page, args.runs)
        worst = max(worst, page_median)
        print(
            f"{name:<15}{diff_median * 1000:>9.1f} / {diff_max * 1000:<6.1f}"
            f"{page_median * 1000:>11.1f} / {page_max * 1000:<7.1f}{size / 1024:>9.0f} KB"
        )
    verdict = "within" if worst < BUDGET_SECONDS else "OVER"
    budget = f"the {BUDGET_SECONDS * 1000:.0f} ms budget"
    print(f"slowest median page: {worst * 1000:.0f} ms, {verdict} {budget}")
    return 0 if worst < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
