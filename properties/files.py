"""Checks and processing of uploaded photos and documents. Files are judged by their content,
never by their name or the type the browser claims."""

import io
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_MAX_BYTES = 15 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # 40 megapixels: any camera, no decompression bombs
PHOTO_MAX_SIDE = 2400
THUMBNAIL_SIDE = 480
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


def _photo_error(message, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def process_photo(uploaded) -> tuple[ContentFile, ContentFile, int, int]:
    """Check an uploaded photo and return (image, thumbnail, width, height), re-encoded as JPEG
    without any metadata. Raises ValidationError with a translated message."""
    if uploaded.size > PHOTO_MAX_BYTES:
        raise _photo_error(_("This photo is larger than 15 MB. Send a smaller one."), "too_large")
    data = uploaded.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            fmt = probe.format
            width, height = probe.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses to even open images far beyond its own limit: so far beyond ours.
        raise _photo_error(
            _("This photo has too many pixels; the limit is 40 megapixels."), "too_many_pixels"
        ) from None
    except UnidentifiedImageError:
        raise _photo_error(
            _("This file is not a photo we can read. Send a JPEG, PNG or WebP image."),
            "not_an_image",
        ) from None
    except OSError:
        raise _photo_error(_("This photo is damaged and cannot be read."), "corrupt") from None
    if fmt not in PHOTO_FORMATS:
        raise _photo_error(_("Send a JPEG, PNG or WebP image."), "format")
    if width * height > PHOTO_MAX_PIXELS:
        raise ValidationError(
            _("This photo has %(width)s × %(height)s pixels; the limit is 40 megapixels."),
            code="too_many_pixels",
            params={"width": width, "height": height},
        )
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError):
        raise _photo_error(_("This photo is damaged and cannot be read."), "corrupt") from None
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    image = image.convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    name = secrets.token_hex(8)
    full = _jpeg(image, quality=85)
    thumb_image = image.copy()
    thumb_image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    thumb = _jpeg(thumb_image, quality=80)
    return (
        ContentFile(full, name=f"{name}.jpg"),
        ContentFile(thumb, name=f"{name}-thumb.jpg"),
        image.width,
        image.height,
    )


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    buffer = io.BytesIO()
    # A fresh save carries no EXIF, GPS or comments: nothing of the original's metadata.
    image.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def validate_pdf(uploaded) -> None:
    """A PDF starts with %PDF- and ends with %%EOF; an HTML page renamed .pdf does not."""
    if uploaded.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(_("This document is larger than 20 MB."), code="too_large")
    uploaded.seek(0)
    head = uploaded.read(1024)
    uploaded.seek(max(uploaded.size - 2048, 0))
    tail = uploaded.read()
    uploaded.seek(0)
    if not head.lstrip().startswith(b"%PDF-") or b"%%EOF" not in tail:
        raise ValidationError(
            _("This file is not a PDF document. Send plans and documents as PDF."),
            code="not_a_pdf",
        )
