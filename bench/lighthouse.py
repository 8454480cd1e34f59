"""Lighthouse (mobile) on the seed story with a lead image and two inline images.

A documented bench step, not a test. Needs the npm package `lighthouse` (for example
`npm install lighthouse` in a folder of your choice; pass its binary with --lighthouse) and
Debian's Chromium at /usr/bin/chromium.

It prepares a production-like site (bench/harness.py: SQLite, DEBUG off, collected static
files, gunicorn), gives the seed story a lead image and two inline images from the library
(camera-like 2400×1600 JPEGs drawn with Pillow, renditions built as the worker would), serves
uploads from a second local server as a CDN would (an absolute MEDIA_URL), runs Lighthouse's
performance category with its default mobile emulation, and prints per run the score, TBT,
LCP, the main thread's time by kind and by script, the long tasks, the audits below 0.9, and
the "properly size images" and "modern image formats" findings (bytes they would save).

TBT is the noisy figure: Lighthouse multiplies the CPU time it observes by 4, so a loaded
machine (a low "benchmark index") inflates it many times over. Each run therefore also
measures the story with its scripts blocked (what the scripts add) and a bare floor page
(what this machine scores for almost no work); the per-script times vary far less.

    .venv/bin/python bench/lighthouse.py --lighthouse /path/to/node_modules/.bin/lighthouse
"""

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import PYTHON, ROOT, free_port, gunicorn, prepared_site  # noqa: E402

ADD_IMAGES = r"""
import io
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage, ImageDraw
from articles.images import build_image_renditions
from articles.models import Image, Story

def photo(name, seed):
    noise = PILImage.effect_noise((2400, 1600), 10 + seed).convert("RGB")
    sky = PILImage.new("RGB", (2400, 1600), (60 + 40 * seed, 100, 160 - 30 * seed))
    picture = PILImage.blend(sky, noise, 0.25)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 1060, 2400, 1600), fill=(60, 80, 50))
    draw.ellipse((500 + 500 * seed, 200, 800 + 500 * seed, 500), fill=(240, 200, 40))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    return SimpleUploadedFile(name, buffer.getvalue())

images = []
for n, alt in enumerate(["Leaders on a video call", "The Kremlin at dusk", "Beijing skyline"]):
    image = Image.objects.create(file=photo(f"bench{n}.jpg", n), title=alt, alt_text=alt,
                                 caption=f"{alt}.", credit="Photo: Newsroom")
    build_image_renditions.call(image.pk)
    images.append(image)
seed = Story.objects.get(headline__startswith="Putin Hails")
paragraphs = seed.body.split("</p>")
paragraphs.insert(3, f'<figure data-image-id="{images[1].pk}" data-layout="full"></figure>')
paragraphs.insert(7, f'<figure data-image-id="{images[2].pk}" data-layout="inset"></figure>')
seed.body = "</p>".join(paragraphs)
seed.lead_image = images[0]
seed.save()
print(seed.get_absolute_url())
"""


def serve_media(root):
    port = free_port()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=root)
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}/"


def summary(data):
    """One run's figures from a Lighthouse JSON report."""
    audits = data["audits"]
    failing = sorted(
        name
        for name, audit in audits.items()
        if audit.get("score") is not None
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        and audit["score"] < 0.9
    )
    # Main-thread time per script (Lighthouse's "JavaScript execution time", which is what
    # TBT is made of on a page with little other work): less noisy than TBT itself.
    scripts = {
        item["url"].rsplit("/", 1)[-1] or item["url"]: (item["total"], item.get("scripting", 0))
        for item in audits["bootup-time"].get("details", {}).get("items", [])
    }
    groups = {
        item["groupLabel"]: item["duration"]
        for item in audits["mainthread-work-breakdown"].get("details", {}).get("items", [])
    }
    long_tasks = [
        (item["url"].rsplit("/", 1)[-1] or item["url"], item["duration"])
        for item in audits["long-tasks"].get("details", {}).get("items", [])
    ]
    transferred = {
        item["resourceType"]: item["transferSize"]
        for item in audits["resource-summary"].get("details", {}).get("items", [])
    }
    return {
        "score": data["categories"]["performance"]["score"] * 100,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        # Lighthouse's measure of this machine's speed at the time: low when it is loaded,
        # which inflates TBT (its simulation multiplies observed CPU time by 4).
        "benchmark": data["environment"]["benchmarkIndex"],
        "failing": failing,
        "scripts": scripts,
        "groups": groups,
        "long_tasks": long_tasks,
        "transferred": transferred,
        "images": {
            name: audits[name].get("details", {}).get("overallSavingsBytes", 0)
            for name in ("uses-responsive-images", "modern-image-formats", "offscreen-images")
        },
    }


def print_run(run, figures):
    print(
        f"run {run}: performance {figures['score']:.0f}, TBT {figures['tbt']:.0f} ms, "
        f"LCP {figures['lcp'] / 1000:.1f} s, FCP {figures['fcp'] / 1000:.1f} s, "
        f"CLS {figures['cls']:.3f}, benchmark index {figures['benchmark']:.0f}"
    )
    print("  main thread: " + ", ".join(
        f"{label} {ms:.0f} ms" for label, ms in sorted(figures["groups"].items(),
                                                      key=lambda item: -item[1])
    ))  # fmt: skip
    print("  per script (total / scripting): " + (", ".join(
        f"{name} {total:.0f}/{scripting:.0f} ms"
        for name, (total, scripting) in figures["scripts"].items()
    ) or "none reported"))  # fmt: skip
    print("  long tasks: " + (", ".join(
        f"{name} {ms:.0f} ms" for name, ms in figures["long_tasks"]
    ) or "none"))  # fmt: skip
    print("  transferred: " + ", ".join(
        f"{kind} {size / 1024:.1f} KB" for kind, size in figures["transferred"].items() if size
    ))  # fmt: skip
    print("  image findings: " + ", ".join(
        f"{name} saves {size / 1024:.1f} KB" for name, size in figures["images"].items()
    ))  # fmt: skip
    print("  audits below 0.9: " + (", ".join(figures["failing"]) or "none"))


# A bare page from the uploads' server: what Lighthouse measures on this machine for almost
# no work, the floor the story page's figures stand on (a loaded machine raises both).
FLOOR = "<!doctype html><html lang=en><meta charset=utf-8><title>Floor</title><p>Floor.</p>"


def lighthouse(args, url, report, *extra):
    subprocess.run(
        [args.lighthouse, url, "--only-categories=performance", "--output=json",
         f"--output-path={report}", "--quiet", f"--port={free_port()}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
         *(["--save-assets"] if args.keep else []), *extra],
        check=True, env=os.environ | {"CHROME_PATH": "/usr/bin/chromium"},
    )  # fmt: skip
    return summary(json.loads(Path(report).read_text()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lighthouse", default="lighthouse", help="the lighthouse binary")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--keep", help="a folder to keep the JSON reports in, with each run's trace"
    )
    args = parser.parse_args()
    media_root = tempfile.mkdtemp(prefix="bench-lighthouse-media-")
    Path(media_root, "floor.html").write_text(FLOOR)
    media_server, media_url = serve_media(media_root)
    database = Path(tempfile.mkdtemp(prefix="bench-lighthouse-")) / "site.sqlite3"
    folder = Path(args.keep or database.parent)
    folder.mkdir(parents=True, exist_ok=True)
    with prepared_site(f"sqlite:///{database}", MEDIA_ROOT=media_root, MEDIA_URL=media_url) as env:
        shell = [PYTHON, "manage.py", "shell", "-c", ADD_IMAGES]
        out = subprocess.run(shell, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        path = out.stdout.strip().splitlines()[-1]
        with gunicorn(env) as base:
            print(f"page: {path} (uploads from {media_url})")
            # The story; the story with its scripts blocked (what they add); the floor.
            variants = {
                "story": (base + path, ()),
                "story without its scripts": (base + path, ("--blocked-url-patterns=*.js",)),
                "floor page": (media_url + "floor.html", ()),
            }
            runs = {name: [] for name in variants}
            for run in range(args.runs):
                for n, (name, (url, extra)) in enumerate(variants.items()):
                    report = folder / f"lighthouse-{run}-{n}.json"
                    runs[name].append(lighthouse(args, url, report, *extra))
                    print(f"[{name}]", end=" ")
                    print_run(run + 1, runs[name][-1])
            for name, figures in runs.items():
                median = {
                    key: statistics.median(r[key] for r in figures)
                    for key in ("score", "tbt", "lcp", "benchmark")
                }
                print(
                    f"{name}, median of {len(figures)}: performance {median['score']:.0f}, "
                    f"TBT {median['tbt']:.0f} ms, LCP {median['lcp'] / 1000:.1f} s "
                    f"(machine's benchmark index {median['benchmark']:.0f})"
                )
    media_server.shutdown()


if __name__ == "__main__":
    main()
