"""The W3C Nu HTML checker (vnu) over the reader's pages of the demo site: errors per page.

A documented bench step, not a test. Needs Java (Debian's `default-jre-headless`) and the npm
package `vnu-jar` (for example `npm install vnu-jar` in a folder of your choice; pass its
vnu.jar with --vnu). It prepares a production-like site on the demo data (bench/harness.py:
SQLite, DEBUG off, collected static files, gunicorn), fetches the front page, a section, the
listing with filters, the seed story, and a tag, an author and a source page the story links
to, checks them in one run of vnu, and prints each page's errors (and, with --warnings, its
warnings). The exit status is 1 when any page has an error.

    .venv/bin/python bench/vnu.py --vnu /path/to/node_modules/vnu-jar/build/dist/vnu.jar
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import gunicorn, prepared_site  # noqa: E402

SEED_URL = "/2021/12/15/putin-hails-russia-china-ties-as-example-for-the-21st-century/"


def fetch(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return response.read().decode()


def first_link(html, prefix):
    found = re.search(rf'href="({re.escape(prefix)}[^"?#]+/)"', html)
    if not found:
        sys.exit(f"No {prefix}… link on the seed story: is the demo loaded?")
    return found.group(1)


def pages(base):
    """(label, path) of the pages to check, the facet pages taken from the seed story's links."""
    story = fetch(base, SEED_URL)
    section = first_link(story, "/sections/")
    slug = section.rstrip("/").rsplit("/", 1)[1]
    return [
        ("front page", "/"),
        ("section page", section),
        ("listing with filters", f"/stories/?q=putin&section={slug}&ordering=newest"),
        ("story", SEED_URL),
        ("tag page", first_link(story, "/tags/")),
        ("author page", first_link(story, "/authors/")),
        ("source page", first_link(story, "/sources/")),
    ]


def check(vnu, files):
    """vnu's messages per file: {path: [message, …]} (its JSON output)."""
    run = subprocess.run(
        ["java", "-jar", vnu, "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = {str(path): [] for path in files}
    for message in json.loads(run.stderr or run.stdout)["messages"]:
        path = message.get("url", "").removeprefix("file:")
        messages.setdefault(path, []).append(message)
    return messages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vnu", required=True, help="path to vnu.jar (npm package vnu-jar)")
    parser.add_argument("--warnings", action="store_true", help="print warnings too")
    args = parser.parse_args()
    errors = 0
    with tempfile.TemporaryDirectory(prefix="newsroom-vnu-") as folder:
        database = Path(folder) / "db.sqlite3"
        with prepared_site(f"sqlite:///{database}") as env, gunicorn(env) as base:
            checked = []
            for n, (label, path) in enumerate(pages(base)):
                file = Path(folder) / f"page{n}.html"
                file.write_text(fetch(base, path))
                checked.append((label, path, file))
        found = check(args.vnu, [file for _, _, file in checked])
        print(f"{'page':<22} {'errors':>6} {'warnings':>8}  URL")
        for label, path, file in checked:
            messages = found[str(file)]
            bad = [m for m in messages if m["type"] == "error"]
            warned = [m for m in messages if m["type"] != "error"]
            errors += len(bad)
            print(f"{label:<22} {len(bad):6d} {len(warned):8d}  {path}")
            for message in bad + (warned if args.warnings else []):
                where = f"line {message.get('lastLine', '?')}"
                print(f"    {message['type']}: {message['message']} ({where})")
                if message.get("extract"):
                    print(f"        {' '.join(message['extract'].split())[:160]}")
    print(f"{errors} error{'s' if errors != 1 else ''} in all")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
