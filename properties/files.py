"""Checks and processing of uploaded photos and documents. Files are judged by their content,
never by their name or the type the browser claims."""

import io
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

PHOTO_MAX_BYTES = 15 * 1024 * 1024
# Pixels we agree to hold once decoded: Pillow keeps 4 bytes a pixel and shrinking needs about
# as much again, so one upload costs a worker about 100 MB at most.
PHOTO_DECODED_MAX_PIXELS = 12_000_000
# The size an upload may declare in its header, checked before any decoding. A JPEG is decoded
# at 1/2 to 1/8 scale when that is enough (`_jpeg_scale`), so 40 megapixels fit the budget. PNG
# is decoded whole, and a real PNG photo of 12 megapixels is over 15 MB anyway. WebP's decoder
# keeps a copy of its own, so less.
PHOTO_MAX_PIXELS = {"JPEG": 40_000_000, "PNG": PHOTO_DECODED_MAX_PIXELS, "WEBP": 6_000_000}
PHOTO_FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
PHOTO_MAX_SIDE = 2400
THUMBNAIL_SIDE = 480
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024

# Pillow's own guard, for every image this process opens: it warns past this and refuses
# twice this at `Image.open`. Ours is stricter per format, but the two must not disagree.
Image.MAX_IMAGE_PIXELS = max(PHOTO_MAX_PIXELS.values())

SRGB = ImageCms.createProfile("sRGB")


def _photo_error(message, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _sniffed_format(data: bytes) -> str:
    """The format from the first bytes, for when Pillow refuses an image before naming it."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return "JPEG"


def _too_many_pixels(fmt: str, size: tuple[int, int] | None = None) -> ValidationError:
    params = {
        "format": PHOTO_FORMAT_NAMES[fmt],
        "limit": number_format(PHOTO_MAX_PIXELS[fmt] // 1_000_000),
    }
    if size is None:
        message = _(
            "This photo has too many pixels; the limit for a %(format)s image is %(limit)s "
            "megapixels."
        )
    else:
        message = _(
            "This photo has %(width)s × %(height)s pixels; the limit for a %(format)s image is "
            "%(limit)s megapixels."
        )
        params["width"] = number_format(size[0], force_grouping=True)
        params["height"] = number_format(size[1], force_grouping=True)
    return ValidationError(message, code="too_many_pixels", params=params)


def process_photo(uploaded) -> tuple[ContentFile, ContentFile, int, int]:
    """Check an uploaded photo and return (image, thumbnail, width, height), re-encoded as JPEG
    in sRGB without any metadata. Raises ValidationError with a translated message.

    The size is judged from the header, before a single pixel is decoded."""
    if uploaded.size > PHOTO_MAX_BYTES:
        raise _photo_error(_("This photo is larger than 15 MB. Send a smaller one."), "too_large")
    data = uploaded.read()
    try:
        with warnings.catch_warnings():
            # Past Pillow's limit it only warns; our own, stricter check follows at once.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt, size = probe.format, probe.size
                frames = getattr(probe, "n_frames", 1)
    except Image.DecompressionBombError:
        # Beyond twice Pillow's limit it will not even open the image, nor say its size.
        raise _too_many_pixels(_sniffed_format(data)) from None
    except UnidentifiedImageError:
        raise _photo_error(
            _("This file is not a photo we can read. Send a JPEG, PNG or WebP image."),
            "not_an_image",
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise _photo_error(_("This photo is damaged and cannot be read."), "corrupt") from None
    if fmt not in PHOTO_MAX_PIXELS:
        raise _photo_error(_("Send a JPEG, PNG or WebP image."), "format")
    if size[0] * size[1] > PHOTO_MAX_PIXELS[fmt]:
        raise _too_many_pixels(fmt, size)
    if frames > 1:
        # Only a still is shown, and each frame would be decoded on top of the first.
        raise _photo_error(_("This image is an animation. Send a still photo."), "animated")
    try:
        image = _stripped_srgb(data, fmt)
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _photo_error(_("This photo is damaged and cannot be read."), "corrupt") from None
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


def _stripped_srgb(data: bytes, fmt: str) -> Image.Image:
    """Decode, shrink, turn upright, and bring the colours to sRGB on white. Each step that
    holds the full-size pixels drops the previous copy (so nothing else may hold the image),
    and the upload is held about twice at most. Returns a new RGB image that carries pixels and
    nothing else: no EXIF, GPS, XMP, ICC profile, comment or text chunk can reach the file."""
    image = Image.open(io.BytesIO(data))
    if fmt == "JPEG":
        scale = _jpeg_scale(*image.size)
        image.draft("RGB", (image.width // scale, image.height // scale))
    image.load()
    # Upright first, while the EXIF orientation is still there: compositing on white below
    # makes a new image without it.
    ImageOps.exif_transpose(image, in_place=True)
    icc_profile = image.info.get("icc_profile")
    if image.mode == "1":
        image = image.convert("L")
    elif image.mode in ("P", "PA"):
        # A palette is resized pixel by pixel (no smoothing), so expand it before shrinking.
        has_alpha = image.mode == "PA" or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    if "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "RGBa", "LA", "La"):
        # On white before shrinking: resizing with alpha would need a premultiplied copy.
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image)
        image = background
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    if image.mode in ("I", "I;16", "I;16B", "I;16L"):
        # 16-bit greys: scale to 8 bits rather than clip nearly everything to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if icc_profile and image.mode in ("RGB", "L", "CMYK"):
        image = _to_srgb(image, icc_profile)
    clean = Image.new("RGB", image.size)
    clean.paste(image.convert("RGB"))
    return clean


def _jpeg_scale(width: int, height: int) -> int:
    """The scale (1, 2, 4 or 8) at which libjpeg should decode: halved while half still fills
    the stored photo, or while the pixels would not fit the decoding budget."""
    scale = 1
    while scale < 8 and (
        max(width, height) // (scale * 2) >= PHOTO_MAX_SIDE
        or (width // scale) * (height // scale) > PHOTO_DECODED_MAX_PIXELS
    ):
        scale *= 2
    return scale


def _to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    """The pixels as the embedded profile means them, in sRGB, so colours stay right once the
    profile is dropped. A profile that does not fit or cannot be read is ignored."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    buffer = io.BytesIO()
    # The image is fresh (see `_stripped_srgb`): Pillow would otherwise copy a comment over.
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
