"""Lead images: which uploads a story accepts.

Django's image form field already refuses files Pillow cannot read (not an image, truncated,
corrupt). On top of that the newsroom accepts only the formats every browser and social
network shows (JPEG, PNG and WebP, with one of their file name endings) up to 10 MB.
"""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.template.defaultfilters import filesizeformat
from PIL import Image

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
