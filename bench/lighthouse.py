"""Lighthouse (mobile) on the seed story with a lead image and two inline images.

A documented bench step, not a test. Needs the npm package `lighthouse` (for example
`npm install lighthouse` in a folder of your choice; pass its binary with --lighthouse) and
Debian's Chromium at /usr/bin/chromium.

It prepares a production-like site (bench/harness.py: SQLite, DEBUG off, collected static
files, gunicorn), gives the seed story a lead image and two inline images from the library
(camera-like 2400×1600 JPEGs drawn with Pillow, renditions built as the worker would), serves
uploads from a second local server as a CDN would (an absolute MEDIA_URL), runs Lighthouse's
performance category with its default mobile emulation, and prints the score, LCP, and the
"properly size images" and "modern image formats" findings (bytes they would save).

    .venv/bin/python bench/lighthouse.py --lighthouse /path/to/node_modules/.bin/lighthouse
"""

import argparse
import functools
import json
import os
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lighthouse", default="lighthouse", help="the lighthouse binary")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    media_root = tempfile.mkdtemp(prefix="bench-lighthouse-media-")
    media_server, media_url = serve_media(media_root)
    database = Path(tempfile.mkdtemp(prefix="bench-lighthouse-")) / "site.sqlite3"
    with prepared_site(f"sqlite:///{database}", MEDIA_ROOT=media_root, MEDIA_URL=media_url) as env:
        shell = [PYTHON, "manage.py", "shell", "-c", ADD_IMAGES]
        out = subprocess.run(shell, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        path = out.stdout.strip().splitlines()[-1]
        with gunicorn(env) as base:
            url = base + path
            print(f"page: {path} (uploads from {media_url})")
            scores = []
            for run in range(args.runs):
                report = database.parent / f"lighthouse-{run}.json"
                subprocess.run(
                    [args.lighthouse, url, "--only-categories=performance", "--output=json",
                     f"--output-path={report}", "--quiet",
                     "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                    check=True, env=os.environ | {"CHROME_PATH": "/usr/bin/chromium"},
                )  # fmt: skip
                data = json.loads(report.read_text())
                audits = data["audits"]
                scores.append(data["categories"]["performance"]["score"] * 100)
                findings = {
                    name: audits[name].get("details", {}).get("overallSavingsBytes", 0)
                    for name in ("uses-responsive-images", "modern-image-formats",
                                 "offscreen-images")
                }  # fmt: skip
                print(
                    f"run {run + 1}: performance {scores[-1]:.0f}, "
                    f"LCP {audits['largest-contentful-paint']['displayValue']}, "
                    f"CLS {audits['cumulative-layout-shift']['displayValue']}, "
                    + ", ".join(f"{k} saves {v / 1024:.1f} KB" for k, v in findings.items())
                )
            print(f"median performance: {sorted(scores)[len(scores) // 2]:.0f}")
    media_server.shutdown()


if __name__ == "__main__":
    main()
