"""Library images: which uploads are accepted, and the resized copies readers are served.

Django's image form field already refuses files Pillow cannot read (not an image, truncated,
corrupt). On top of that the newsroom accepts only the formats every browser and social
network shows (JPEG, PNG and WebP, with one of their file name endings) up to 10 MB.

Readers never get that original once its renditions exist. Saving an image with a new file or
focal point enqueues `build_image_renditions` (Django's Tasks framework): off the request, it
writes upright, metadata-free sRGB copies in JPEG and WebP at a few widths for each shape
(the picture as it is, and crops around the focal point for cards and structured data), and
records them on the image (`Image.renditions`), shape by shape, so the admin can show progress
and pages choose a copy without touching storage. Until then pages show the original, bounded
by the layout.

Files nothing names any more are removed once the change that dropped them has committed
(`delete_after_commit`): the copies of a replaced file or focal point, and, when an image is
deleted, its copies and its original. A rolled-back change removes nothing, and a file that
cannot be removed is logged and left, never an error for the editor.
"""

import hashlib
import io
import logging
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import FileExtensionValidator
from django.db import transaction
from django.tasks import task
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps

# Pillow's name for each format, and the file name endings that go with it.
FORMATS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "WEBP": ("webp",)}
MAX_BYTES = 10 * 1024 * 1024
ACCEPT = "image/jpeg,image/png,image/webp"

_MESSAGE = "Upload a JPEG, PNG or WebP image."
_extension = FileExtensionValidator(
    allowed_extensions=[ext for exts in FORMATS.values() for ext in exts],
    message=f"{_MESSAGE} “.%(extension)s” files are not accepted.",
)


def validate_image(image):
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
        with PILImage.open(image) as opened:
            image_format = opened.format
    except Exception as error:  # Pillow raises many kinds for files it cannot read
        raise ValidationError(f"{_MESSAGE} This file is not one.", code="invalid") from error
    finally:
        image.seek(0)
    if image_format not in FORMATS:
        raise ValidationError(
            f"{_MESSAGE} This file is {image_format or 'in another format'}.", code="format"
        )


validate_lead_image = validate_image  # the name migration 0010 refers to


# --- Renditions ---

# Each shape's proportions (None: the picture's own) and the widths built for it, never wider
# than the picture. "free" fits the story column (720 is the step between 480 and 960 that
# phones at 2x want); 16:9 fits cards; 16:9, 4:3 and 1:1 at 1200 are what Google asks of
# NewsArticle.image.
SHAPES = {
    "free": (None, (480, 720, 960, 1280, 1600)),
    "16:9": (16 / 9, (320, 480, 720, 960, 1200)),
    "4:3": (4 / 3, (1200,)),
    "1:1": (1.0, (1200,)),
}
DEFAULT_WIDTH = 960
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}
WEBP_OPTIONS = {"quality": 80, "method": 4}
# What reading an original can raise: missing or unreadable file, or too many pixels.
UNREADABLE = (OSError, SyntaxError, PILImage.DecompressionBombError)
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

logger = logging.getLogger(__name__)


def rendition_key(image):
    """What an image's renditions were built from: its file and its focal point."""
    return f"{image.file.name} {image.focal_x:.3f} {image.focal_y:.3f}" if image.file else ""


def progress(image):
    """(shapes built, shapes wanted) for the admin's "2 of 4 renditions built"."""
    return sum(shape in image.renditions for shape in SHAPES), len(SHAPES)


class Picture:
    """What a page shows of a library image in one shape: JPEG and WebP srcsets when its
    renditions exist, else the original (which the layout bounds, and CSS crops to shape)."""

    def __init__(self, image, shape="free"):
        self.image = image
        self.shape = shape
        self.renditions = sorted(image.renditions.get(shape) or [], key=lambda r: r["width"])
        self.built = bool(self.renditions)
        if self.built:
            self.largest = self.renditions[-1]
            self.default = max(
                (r for r in self.renditions if r["width"] <= DEFAULT_WIDTH),
                key=lambda r: r["width"],
                default=self.renditions[0],
            )
            self.width, self.height = self.largest["width"], self.largest["height"]
        else:
            self.largest = self.default = None
            self.width, self.height = self._original_size()

    def _original_size(self):
        width, height = self.image.width, self.image.height
        ratio = SHAPES.get(self.shape, (None,))[0]
        if not (width and height) or ratio is None:
            return width, height
        return crop_box(width, height, ratio, 0.5, 0.5)[2:]

    @property
    def src(self):
        return _url(self.default["jpeg"]) if self.built else self.image.file.url

    @property
    def jpeg_srcset(self):
        return ", ".join(f"{_url(r['jpeg'])} {r['width']}w" for r in self.renditions)

    @property
    def webp_srcset(self):
        return ", ".join(f"{_url(r['webp'])} {r['width']}w" for r in self.renditions)

    @property
    def largest_url(self):
        """For social cards, JSON-LD and feeds: the largest JPEG copy."""
        return _url(self.largest["jpeg"]) if self.built else self.image.file.url

    @property
    def largest_bytes(self):
        return self.largest["jpeg_bytes"] if self.built else self.image.file.size


def _url(name):
    return default_storage.url(name)


def crop_box(width, height, ratio, focal_x, focal_y):
    """The (left, top, crop width, crop height) of the largest `ratio` box inside a picture
    of `width` x `height`, centred on the focal point as far as the edges allow."""
    if width / height > ratio:
        crop_w, crop_h = max(1, round(height * ratio)), height
    else:
        crop_w, crop_h = width, max(1, round(width / ratio))
    left = min(max(round(focal_x * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal_y * height - crop_h / 2), 0), height - crop_h)
    return left, top, crop_w, crop_h


def rendition_widths(original_width, widths):
    """The widths to build: each one narrower than the original, then the original's own
    width capped at the widest. Never an upscale."""
    largest = min(original_width, widths[-1])
    return [w for w in widths if w < largest] + [largest]


def open_for_renditions(name, storage=default_storage):
    """The stored original, decoded no larger than needed, upright (EXIF orientation applied),
    converted to sRGB from its colour profile, in RGB with transparency on white.

    Raises one of UNREADABLE when the original is missing or cannot be read.
    """
    widest = max(widths[-1] for _, widths in SHAPES.values())
    with storage.open(name) as file, PILImage.open(file) as opened:
        # A JPEG can decode at a fraction of its size: far quicker for camera photos, and
        # still at least as large as the widest rendition.
        opened.draft("RGB", (widest, widest))
        picture = ImageOps.exif_transpose(opened)
        picture.load()
    return _flatten(_to_srgb(picture))


def _to_srgb(picture):
    icc = picture.info.get("icc_profile")
    if picture.mode not in ("RGB", "RGBA", "CMYK", "L"):
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
    if not icc:
        return picture  # untagged pictures are taken to be sRGB already
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if picture.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(picture, source, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture  # a broken profile: better the colours as they are than no picture


def _has_alpha(picture):
    return picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info


def _flatten(picture):
    if _has_alpha(picture):
        picture = picture.convert("RGBA")
        flat = PILImage.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.getchannel("A"))
        return flat
    return picture.convert("RGB")


def build_shape(picture, stem, shape, focal, storage=default_storage):
    """Write one shape's JPEG and WebP copies of `picture`; return their records. If writing
    fails part way, the copies already written are removed before the error goes on."""
    ratio, widths = SHAPES[shape]
    if ratio is not None:
        left, top, crop_w, crop_h = crop_box(picture.width, picture.height, ratio, *focal)
        picture = picture.crop((left, top, left + crop_w, top + crop_h))
    tag = "" if ratio is None else "." + shape.replace(":", "x")
    records, written = [], []
    try:
        for width in rendition_widths(picture.width, widths):
            height = max(1, round(picture.height * width / picture.width))
            copy = picture.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
            record = {"width": width, "height": height}
            for fmt, key, options in (
                ("JPEG", "jpeg", JPEG_OPTIONS),
                ("WEBP", "webp", WEBP_OPTIONS),
            ):
                buffer = io.BytesIO()
                copy.save(buffer, fmt, **options)  # no exif= or icc_profile=: metadata stripped
                data = buffer.getvalue()
                # Named by their content too: a copy that changes (a new focal point, say)
                # gets a new address, so no cache holds on to the old picture under it.
                digest = hashlib.blake2b(data, digest_size=4).hexdigest()
                ext = "jpg" if key == "jpeg" else key
                name = f"{stem}.{digest}{tag}.{width}w.{ext}"
                written.append(storage.save(name, ContentFile(data)))
                record[key], record[f"{key}_bytes"] = written[-1], len(data)
            records.append(record)
    except BaseException:
        delete_files(written, storage)
        raise
    return records


# --- Files nothing names any more ---


def rendition_files(renditions):
    """Every file an image's renditions record names."""
    return [
        record[key]
        for shape in SHAPES
        for record in renditions.get(shape) or []
        for key in ("jpeg", "webp")
        if record.get(key)
    ]


def delete_after_commit(names, keep=None, storage=default_storage):
    """Remove `names` from storage once the current transaction commits, but those `keep`
    then says to keep; nothing if it rolls back (the rows naming them are as they were)."""
    names = [name for name in names if name]

    def delete():
        delete_files([name for name in names if not (keep and keep(name))], storage)

    if names:
        transaction.on_commit(delete, robust=True)


def delete_files(names, storage=default_storage):
    """Remove each file, logging (never raising) the ones storage refuses."""
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # any storage backend's failure: the file is left, the work goes on
            logger.warning("Could not delete %s from storage; it is left behind.", name,
                           exc_info=True)  # fmt: skip


@task
def build_image_renditions(image_id):
    """Build every shape the image lacks, recording each as it is done. Stops if the image's
    file or focal point changed (or it was deleted) meanwhile, removing the copies it had just
    written: the save that changed it enqueued a fresh build, and removes what was recorded."""
    from .caching.invalidation import image_changed
    from .models import Image

    image = Image.objects.filter(pk=image_id).first()
    if image is None or not image.file:
        return "gone"
    key = rendition_key(image)
    current = Image.objects.filter(pk=image_id, file=image.file.name)
    current = current.filter(focal_x=image.focal_x, focal_y=image.focal_y)
    renditions = dict(image.renditions) if image.renditions.get("of") == key else {"of": key}
    try:
        picture = open_for_renditions(image.file.name)
    except UNREADABLE as error:
        current.update(renditions={"of": key, "error": str(error)[:200]})
        return "unreadable"
    stem = os.path.splitext(image.file.name)[0]
    for shape in SHAPES:
        if shape in renditions:
            continue
        renditions[shape] = build_shape(picture, stem, shape, (image.focal_x, image.focal_y))
        if not current.update(renditions=renditions):
            delete_files(rendition_files({shape: renditions[shape]}))
            return "superseded"
    image_changed(image_id)
    return "built"
