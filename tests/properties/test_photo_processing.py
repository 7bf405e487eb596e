"""What an uploaded photo becomes: a fresh JPEG in sRGB with its pixels and nothing else, and an
image too big to hold in memory is refused from its header, before any pixel is decoded."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageCms, PngImagePlugin

from properties.domain import site_create, site_photo_add
from properties.files import process_photo
from properties.models import SitePhoto

pytestmark = pytest.mark.django_db

SECRET = b"secret-4711"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>' + SECRET + b"</rdf:Description>"
SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
RED = (200, 30, 30)
COM, APP0, SOS = 0xFE, 0xE0, 0xDA
JFIF_KEYS = ["jfif", "jfif_density", "jfif_unit", "jfif_version"]


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = SECRET.decode()  # camera make
    exif[0x8825] = {1: "N", 2: (50.0, 51.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)}
    return exif


def encoded(fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), RED).save(buffer, fmt, **options)
    return buffer.getvalue()


def png_text() -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode())  # tEXt
    info.add_itxt("Author", SECRET.decode())  # iTXt
    info.add_text("Software", SECRET.decode(), zip=True)  # zTXt
    return info


def png(width: int, height: int, idat: bytes, *, bit_depth: int = 1, colour: int = 0) -> bytes:
    """A PNG written by hand, so its header may promise any size whatever the data holds."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def white_png(side: int) -> bytes:
    """A valid 1-bit white square, a few hundred kilobytes at most."""
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return png(side, side, idat)


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to the image data (SOS), in order."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while True:
        assert data[at] == 0xFF
        marker = data[at + 1]
        markers.append(marker)
        if marker == SOS:
            return markers
        at += 2 + struct.unpack(">H", data[at + 2 : at + 4])[0]


def stored_files(photo: SitePhoto) -> list[bytes]:
    files = []
    for field in (photo.image, photo.thumbnail):
        with field.storage.open(field.name) as file:
            files.append(file.read())
    return files


@pytest.fixture
def draft(owner):
    return site_create(actor=owner, owner=owner.active_organisation)


UPLOADS_WITH_METADATA = {
    "jpeg": lambda: encoded(
        "JPEG", comment=SECRET, exif=gps_exif(), xmp=XMP, icc_profile=SRGB_PROFILE
    ),
    "png": lambda: encoded("PNG", pnginfo=png_text(), exif=gps_exif(), icc_profile=SRGB_PROFILE),
    "webp": lambda: encoded("WEBP", exif=gps_exif(), xmp=XMP, icc_profile=SRGB_PROFILE),
}


@pytest.mark.parametrize("kind", UPLOADS_WITH_METADATA)
def test_photo_stored_without_any_metadata(draft, kind):
    upload = UPLOADS_WITH_METADATA[kind]()
    assert SECRET in upload
    photo = site_photo_add(site=draft, uploaded=SimpleUploadedFile(f"p.{kind}", upload))
    for data in stored_files(photo):
        assert SECRET not in data
        assert [m for m in jpeg_markers(data) if m == COM or (APP0 < m <= 0xEF)] == []
        with Image.open(io.BytesIO(data)) as image:
            assert sorted(image.info) == JFIF_KEYS
            assert dict(image.getexif()) == {}


def test_photo_jpeg_comment_does_not_survive_re_encoding(draft):
    photo = site_photo_add(
        site=draft, uploaded=SimpleUploadedFile("p.jpg", encoded("JPEG", comment=SECRET))
    )
    for data in stored_files(photo):
        assert SECRET not in data
        assert COM not in jpeg_markers(data)


def test_photo_with_a_colour_profile_keeps_its_colours(draft):
    upload = encoded("JPEG", icc_profile=SRGB_PROFILE, quality=95)
    photo = site_photo_add(site=draft, uploaded=SimpleUploadedFile("p.jpg", upload))
    with Image.open(io.BytesIO(stored_files(photo)[0])) as image:
        assert "icc_profile" not in image.info
        pixel = image.getpixel((150, 100))
    assert max(abs(got - want) for got, want in zip(pixel, RED, strict=True)) <= 4


def test_photo_with_an_unreadable_colour_profile_is_kept_without_it(draft):
    upload = encoded("JPEG", icc_profile=b"not a profile at all")
    photo = site_photo_add(site=draft, uploaded=SimpleUploadedFile("p.jpg", upload))
    with Image.open(io.BytesIO(stored_files(photo)[0])) as image:
        assert "icc_profile" not in image.info
        assert image.size == (300, 200)


def test_photo_turned_upright_by_its_exif_orientation(draft):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    photo = site_photo_add(
        site=draft, uploaded=SimpleUploadedFile("p.jpg", encoded("JPEG", exif=exif))
    )
    assert (photo.width, photo.height) == (200, 300)


def test_photo_transparent_png_turned_upright_by_its_exif_orientation(draft):
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 200), (0, 128, 0, 128)).save(buffer, "PNG", exif=exif)
    photo = site_photo_add(site=draft, uploaded=SimpleUploadedFile("p.png", buffer.getvalue()))
    assert (photo.width, photo.height) == (200, 400)


def test_photo_transparent_png_is_put_on_white(draft):
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 30), (255, 0, 0, 0)).save(buffer, "PNG")
    photo = site_photo_add(site=draft, uploaded=SimpleUploadedFile("p.png", buffer.getvalue()))
    with Image.open(io.BytesIO(stored_files(photo)[0])) as image:
        assert image.getpixel((20, 15)) == (255, 255, 255)


# --- Size, judged from the header -------------------------------------------------------------


def add_photo(client, site, content: bytes, name: str):
    with translation.override("en"):
        address = reverse("properties:owner_photo_add", kwargs={"pk": site.pk})
    return client.post(address, {"photo": SimpleUploadedFile(name, content)})


def field_error(response) -> str:
    html = response.content.decode()
    start = html.index('id="id_photo_error"')
    return html[start : html.index("</ul>", start)]


def test_photo_png_of_40_megapixels_in_a_hundred_kilobytes_is_refused(owner_client, draft):
    upload = white_png(6_300)  # 39.7 megapixels: under Pillow's limit, over ours
    assert len(upload) < 200_000
    response = add_photo(owner_client, draft, upload, "flat.png")
    assert (
        "This photo has 6,300 × 6,300 pixels; the limit for a PNG image is 12 megapixels."
        in field_error(response)
    )
    assert SitePhoto.objects.count() == 0


def test_photo_size_is_judged_before_decoding(owner_client, draft):
    # The header promises 5000 × 5000 but the pixel data is garbage: decoding would fail with
    # "damaged", so the size message proves nothing was decoded.
    upload = png(5_000, 5_000, b"not zlib data at all")
    response = add_photo(owner_client, draft, upload, "liar.png")
    assert (
        "This photo has 5,000 × 5,000 pixels; the limit for a PNG image is 12 megapixels."
        in field_error(response)
    )
    assert SitePhoto.objects.count() == 0


def test_photo_damaged_png_within_the_limit_is_refused_as_damaged(owner_client, draft):
    response = add_photo(owner_client, draft, png(500, 500, b"not zlib data at all"), "x.png")
    assert "This photo is damaged and cannot be read." in field_error(response)
    assert SitePhoto.objects.count() == 0


def test_photo_webp_limit_is_lower(owner_client, draft):
    buffer = io.BytesIO()
    Image.new("RGB", (3_000, 2_100), "white").save(buffer, "WEBP")
    response = add_photo(owner_client, draft, buffer.getvalue(), "wide.webp")
    assert (
        "This photo has 3,000 × 2,100 pixels; the limit for a WebP image is 6 megapixels."
        in field_error(response)
    )
    assert SitePhoto.objects.count() == 0


def test_photo_jpeg_of_15_megapixels_is_decoded_at_reduced_scale_and_kept(draft):
    buffer = io.BytesIO()
    Image.new("RGB", (5_000, 3_000), "white").save(buffer, "JPEG")
    photo = site_photo_add(site=draft, uploaded=SimpleUploadedFile("p.jpg", buffer.getvalue()))
    assert (photo.width, photo.height) == (2_400, 1_440)


def test_photo_animation_is_refused(owner_client, draft):
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (60, 40), colour) for colour in ("red", "blue")]
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])
    response = add_photo(owner_client, draft, buffer.getvalue(), "moving.png")
    assert "This image is an animation. Send a still photo." in field_error(response)
    assert SitePhoto.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "nl",
            "Deze foto heeft 7.000 × 7.000 pixels; de limiet voor een PNG-afbeelding is "
            "12 megapixel.",
        ),
        (
            "fr",
            "Cette photo fait 7\xa0000 × 7\xa0000 pixels ; la limite pour une image PNG est de "
            "12 mégapixels.",
        ),
    ],
)
def test_photo_size_message_in_the_readers_numbers(language, message):
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            process_photo(SimpleUploadedFile("big.png", white_png(7_000)))
        assert refused.value.messages == [message]
