"""What a 24-megapixel upload costs the admin request, and what its renditions cost the worker.

Builds a throwaway SQLite database, signs in an editor through Django's test client with
production settings (DEBUG off, the django-tasks-db backend: renditions are queued for
`manage.py db_worker`), and posts a 6000×4000 camera JPEG to the library's Add form several
times. Then it runs the queued task in-process, as the worker would. Prints medians:

- the admin request (store the original, queue the task): this is what the editor waits for;
- building every rendition of one image (4 shapes, JPEG and WebP), off the request;
- the bytes of each free-shape rendition, JPEG and WebP, to show the 720 step and WebP's saving.

    .venv/bin/python bench/uploads.py [--runs 5]
"""

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import in_process_settings  # noqa: E402

_tmp = tempfile.mkdtemp(prefix="bench-uploads-")
in_process_settings(
    DATABASE_URL=f"sqlite:///{_tmp}/bench.sqlite3",
    MEDIA_ROOT=f"{_tmp}/media",
    TASKS_BACKEND="database",
)

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import ImageDraw  # noqa: E402

from articles.images import build_image_renditions  # noqa: E402
from articles.models import Image  # noqa: E402


def camera_jpeg():
    """A 6000×4000 JPEG with detail everywhere (noise compresses like a photo, flat colour
    does not), as a camera would send."""
    noise = PILImage.effect_noise((6000, 4000), 12).convert("RGB")
    picture = PILImage.blend(
        PILImage.linear_gradient("L").resize((6000, 4000)).convert("RGB"), noise, 0.5
    )
    draw = ImageDraw.Draw(picture)
    for n in range(0, 6000, 150):
        draw.line((n, 0, 6000 - n, 4000), fill=(n % 255, 90, 160), width=9)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    User.objects.create_superuser("bench", "bench@example.com", "x")
    client = Client()
    client.force_login(User.objects.get())
    data = camera_jpeg()
    print(f"original: 6000×4000 JPEG, {len(data) / 1e6:.1f} MB")
    requests = []
    for run in range(args.runs):
        upload = SimpleUploadedFile(f"camera{run}.jpg", data, content_type="image/jpeg")
        fields = {"file": upload, "title": f"Camera {run}", "alt_text": "A test photo",
                  "focal_x": "0.5", "focal_y": "0.5"}  # fmt: skip
        started = time.perf_counter()
        response = client.post(reverse("admin:articles_image_add"), fields)
        requests.append(time.perf_counter() - started)
        assert response.status_code == 302, response.content[:500]
    assert all(image.renditions == {} for image in Image.objects.all()), "built in the request"
    print(f"admin request (store + queue): median {statistics.median(requests) * 1000:.0f} ms, "
          f"max {max(requests) * 1000:.0f} ms over {args.runs} uploads")  # fmt: skip
    builds = []
    for image in Image.objects.order_by("pk")[: max(1, args.runs // 2)]:
        started = time.perf_counter()
        build_image_renditions.call(image.pk)
        builds.append(time.perf_counter() - started)
    print(f"renditions in the worker: median {statistics.median(builds):.2f} s per image")
    image = Image.objects.exclude(renditions={}).first()
    print("free-shape renditions (width: JPEG / WebP bytes):")
    for record in image.renditions["free"]:
        print(f"  {record['width']:>5}: {record['jpeg_bytes'] / 1024:7.1f} KB / "
              f"{record['webp_bytes'] / 1024:7.1f} KB "
              f"({record['webp_bytes'] / record['jpeg_bytes']:.0%})")  # fmt: skip


if __name__ == "__main__":
    main()
