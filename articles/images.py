"""Lead images: which uploads a story accepts, and the resized copies readers are served.

Django's image form field already refuses files Pillow cannot read (not an image, truncated,
corrupt). On top of that the newsroom accepts only the formats every browser and social
network shows (JPEG, PNG and WebP, with one of their file name endings) up to 10 MB.

Readers never get that original. When a story is saved with a new image, `refresh_renditions`
writes upright, metadata-free JPEG copies at a few widths next to it in storage
(`stories/2026/11/call.960w.jpg`) and records them on the story (`Story.image_renditions`), so
pages, metadata and feeds choose a copy without touching storage or the database.
"""

import io
import os
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps

# Pillow's name for each format, and the file name endings that go with it.
FORMATS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "WEBP": ("webp",)}
MAX_BYTES = 10 * 1024 * 1024
ACCEPT = "image/jpeg,image/png,image/webp"

_MESSAGE = "Upload a JPEG, PNG or WebP image."
_extension = FileExtensionValidator(
    allowed_extensions=[ext for exts in FORMATS.values() for ext in exts],
    message=f"{_MESSAGE} “.%(extension)s” files are not accepted.",
)


def validate_lead_image(image):
    """Refuse a new upload that is too large, or not really a JPEG, PNG or WebP file.

    A file already in storage passed when it was uploaded; it is not read again on every save.
    """
    if getattr(image, "_committed", False):
        return
    if image.size > MAX_BYTES:
        raise ValidationError(
            f"The image is {filesizeformat(image.size)}; the limit is "
            f"{filesizeformat(MAX_BYTES)}. Export a smaller JPEG or WebP and upload that.",
            code="too_large",
        )
    _extension(image)
    image.seek(0)
    try:
        with Image.open(image) as opened:
            image_format = opened.format
    except Exception as error:  # Pillow raises many kinds for files it cannot read
        raise ValidationError(f"{_MESSAGE} This file is not one.", code="invalid") from error
    finally:
        image.seek(0)
    if image_format not in FORMATS:
        raise ValidationError(
            f"{_MESSAGE} This file is {image_format or 'in another format'}.", code="format"
        )


# --- Renditions ---

# The widths built (never wider than the original), and the one pages and feeds use by
# default: a phone at 2x or a desktop story column at 1x.
WIDTHS = (480, 960, 1600)
DEFAULT_WIDTH = 960
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}
# What reading an original can raise: missing or unreadable file, or too many pixels.
UNREADABLE = (OSError, Image.DecompressionBombError)


@dataclass(frozen=True)
class Rendition:
    """One resized copy, as recorded in `Story.image_renditions`."""

    name: str
    width: int
    height: int
    bytes: int

    @property
    def url(self):
        return default_storage.url(self.name)


class LeadImage:
    """What readers are shown of a story's lead image: the renditions when there are some,
    else the original exactly as uploaded. Built from the story's columns alone."""

    def __init__(self, story):
        self.original_url = story.image.url
        self.renditions = sorted(
            (Rendition(**r) for r in story.image_renditions), key=lambda r: r.width
        )
        if self.renditions:
            self.largest = self.renditions[-1]
            self.default = max(
                (r for r in self.renditions if r.width <= DEFAULT_WIDTH),
                key=lambda r: r.width,
                default=self.renditions[0],
            )
        else:
            self.largest = self.default = None
        # The largest copy has the picture's upright proportions (EXIF applied); the stored
        # original size may be sideways.
        self.width = self.largest.width if self.largest else story.image_width
        self.height = self.largest.height if self.largest else story.image_height

    @property
    def src(self):
        return self.default.url if self.default else self.original_url

    @property
    def srcset(self):
        return ", ".join(f"{r.url} {r.width}w" for r in self.renditions)

    @property
    def social_url(self):
        """For social cards and JSON-LD: the largest copy (at most 1,600 px wide)."""
        return self.largest.url if self.largest else self.original_url


def rendition_widths(original_width):
    """The widths to build: each standard width narrower than the original, then the
    original's own width, capped at the widest standard one. Never an upscale."""
    largest = min(original_width, WIDTHS[-1])
    return [w for w in WIDTHS if w < largest] + [largest]


def renditions_belong_to(name, renditions):
    """Whether `renditions` were built from the image stored as `name` (they share its stem)."""
    stem = os.path.splitext(name)[0] + "."
    return bool(renditions) and all(r["name"].startswith(stem) for r in renditions)


def refresh_renditions(story):
    """Before `story` is saved: build renditions for a new upload, or for an image whose
    recorded renditions belong to another one (a restored revision, an older story); clear them
    without an image. Otherwise nothing is read or written, so ordinary saves stay cheap.

    An original that cannot be read leaves the story without renditions (pages then serve the
    original); `manage.py build_renditions` reports such stories.
    """
    image = story.image
    if not image:
        story.image_renditions = []
        return
    new_upload = not image._committed
    if not new_upload and renditions_belong_to(image.name, story.image_renditions):
        return
    if new_upload:
        # Store the upload now (the model field would on save) to learn its final name.
        image.save(image.name, image.file, save=False)
    try:
        story.image_renditions = build_renditions(image.name)
    except UNREADABLE:
        story.image_renditions = []


def build_renditions(name, storage=default_storage):
    """Write the JPEG renditions of the image stored as `name`; return their records.

    Raises one of UNREADABLE when the original is missing or cannot be read.
    """
    with storage.open(name) as file, Image.open(file) as opened:
        # A JPEG can decode at a fraction of its size: far quicker for camera photos, and
        # still at least as large as the widest rendition.
        opened.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))
        picture = _upright_rgb(opened)
    stem = os.path.splitext(name)[0]
    renditions = []
    for width in rendition_widths(picture.width):
        height = max(1, round(picture.height * width / picture.width))
        copy = picture.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        copy.save(buffer, "JPEG", **JPEG_OPTIONS)  # no exif= or icc_profile=: metadata stripped
        saved = storage.save(f"{stem}.{width}w.jpg", ContentFile(buffer.getvalue()))
        renditions.append(
            {"width": width, "height": height, "name": saved, "bytes": len(buffer.getvalue())}
        )
    return renditions


def _upright_rgb(image):
    """The picture turned as its EXIF orientation says, in RGB, transparency on white."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB")
