"""Builders for the tests' objects: small, deterministic, overridable with keywords."""

import io
import itertools
from datetime import timedelta

from django.utils import timezone

from articles.models import Author, Byline, Section, Story, Tag

_counter = itertools.count(1)


def make_section(**overrides):
    n = next(_counter)
    overrides.setdefault("name", f"Section {n}")
    overrides.setdefault("slug", f"section-{n}")
    return Section.objects.create(**overrides)


def make_tag(**overrides):
    n = next(_counter)
    overrides.setdefault("name", f"Tag {n}")
    overrides.setdefault("slug", f"tag-{n}")
    return Tag.objects.create(**overrides)


def make_author(**overrides):
    n = next(_counter)
    overrides.setdefault("name", f"Author {n}")
    overrides.setdefault("slug", f"author-{n}")
    return Author.objects.create(**overrides)


def make_story(*, authors=(), tags=(), **overrides):
    """A published story (one hour old) unless told otherwise."""
    n = next(_counter)
    overrides.setdefault("headline", f"Story number {n}")
    overrides.setdefault("slug", f"story-number-{n}")
    overrides.setdefault("standfirst", f"The standfirst of story {n}.")
    overrides.setdefault("body", f"<p>First paragraph of story {n}.</p><p>Second paragraph.</p>")
    overrides.setdefault("status", Story.Status.PUBLISHED)
    overrides.setdefault("published_at", timezone.now() - timedelta(hours=1))
    if "section" not in overrides:
        overrides["section"] = Section.objects.first() or make_section()
    story = Story.objects.create(**overrides)
    for position, author in enumerate(authors):
        Byline.objects.create(story=story, author=author, position=position)
    story.tags.set(tags)
    return story


def make_appeal(*, variants=(), **overrides):
    """A live end-of-story appeal that shows everywhere, unless told otherwise."""
    from articles.models import Appeal, AppealVariant

    overrides.setdefault("name", "Spring drive")
    overrides.setdefault("heading", "A Message from The Newsroom")
    overrides.setdefault("body", "<p>Please support independent journalism.</p>")
    overrides.setdefault("donation_url", "https://donate.example.org/monthly")
    overrides.setdefault("status", Appeal.Status.LIVE)
    overrides.setdefault("starts_at", timezone.now() - timedelta(hours=1))
    appeal = Appeal.objects.create(**overrides)
    for name in variants:
        AppealVariant.objects.create(appeal=appeal, name=name, heading=f"Heading {name}")
    return appeal


def image_file(name="lead.png", size=(1200, 675), image_format="PNG", extra=b""):
    """An image upload drawn with Pillow: a sky, a horizon and a sun, the same every time.

    `extra` bytes go after the image data (to make a file too large but still readable)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size, (70, 110, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(60, 80, 50))
    draw.ellipse(
        (width * 2 // 3, height // 6, width * 5 // 6, height // 6 + width // 6), fill="gold"
    )
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue() + extra)


def make_image(file=None, build=True, **overrides):
    """A library image (use the `media_root` fixture so it lands in a temporary folder), with
    its renditions built unless `build=False` (as the task would, after the commit)."""
    from articles.images import build_image_renditions
    from articles.models import Image

    overrides.setdefault("title", "Video call")
    overrides.setdefault("alt_text", "Two presidents on a video call")
    overrides.setdefault("caption", "The call lasted two hours.")
    overrides.setdefault("credit", "Photo: Kremlin press service")
    image = Image.objects.create(file=file or image_file(), **overrides)
    if build:
        build_image_renditions.call(image.pk)
        image.refresh_from_db()
    return image


def with_lead_image(story, image=None, build=True, **words):
    """Give `story` a library image as its lead image (see `make_image`)."""
    story.lead_image = make_image(image, build=build, **words)
    story.save()
    return story


def make_staff(username, role, password=None):
    """An account in one of the newsroom's role groups (see articles/editorial/roles.py), which
    is what makes it staff (articles/editorial/staff.py).

    No password unless asked for: force_login needs none."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, f"{username}@example.com", password)
    user.first_name = username.title()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


STAFF_PASSWORD = "pw-for-tests"
