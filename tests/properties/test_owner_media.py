"""Photos and documents in the owner's editor: files are judged by their content, photos are
re-encoded without their metadata, and a refused file leaves nothing behind."""

import io
import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from properties.domain import site_create, site_photo_add
from properties.models import SiteDocument, SitePhoto

from ..factories import SiteFactory
from ..html import field_error

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def jpeg(*, size=(64, 48), exif=None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "steelblue").save(buffer, "JPEG", **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def huge_png(side: int = 20_000) -> bytes:
    """A real, valid 1-bit PNG of side × side pixels. All white, so it compresses to a few
    kilobytes; built row by row so the test never holds the pixels in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.fixture
def draft(owner):
    return site_create(actor=owner, owner=owner.active_organisation)


def add_photo(client, site, content: bytes, name: str = "photo.jpg", caption: str = ""):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return client.post(
        url("properties:owner_photo_add", pk=site.pk), {"photo": upload, "caption": caption}
    )


def test_owner_photo_upload_stores_a_photo_and_thumbnail(owner_client, draft):
    response = add_photo(owner_client, draft, jpeg(size=(1200, 900)), caption="The main hall")
    assert response["Location"] == url("properties:owner_step", pk=draft.pk, step="media")
    photo = SitePhoto.objects.get(site=draft)
    assert (photo.width, photo.height, photo.caption) == (1200, 900, "The main hall")
    with Image.open(photo.thumbnail) as thumbnail:
        assert thumbnail.size == (480, 360)
    page = owner_client.get(url("properties:owner_step", pk=draft.pk, step="media"))
    html = page.content.decode()
    assert url("properties:photo", site_pk=draft.pk, photo_pk=photo.pk, size="thumb") in html
    assert 'alt="The main hall"' in html


def test_owner_photo_upload_strips_exif_and_gps(owner_client, draft):
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x8825] = {1: "N", 2: (50.0, 51.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)}
    original = jpeg(exif=exif)
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(0x8825) != {}
    add_photo(owner_client, draft, original)
    photo = SitePhoto.objects.get(site=draft)
    for stored in (photo.image, photo.thumbnail):
        stored.open("rb")
        data = stored.read()
        with Image.open(io.BytesIO(data)) as image:
            assert dict(image.getexif()) == {}
            assert "exif" not in image.info
        assert b"Canon" not in data


def test_owner_photo_refuses_a_text_file_renamed_jpg(owner_client, draft):
    response = add_photo(owner_client, draft, b"just some notes, not a picture\n" * 20, "notes.jpg")
    assert response.status_code == 200
    assert "This file is not a photo we can read." in field_error(response, "photo")
    assert SitePhoto.objects.count() == 0


def test_owner_photo_refuses_a_20000_pixel_square_png(owner_client, draft):
    response = add_photo(owner_client, draft, huge_png(), "huge.png")
    assert response.status_code == 200
    assert (
        "This photo has too many pixels; the limit for a PNG image is 12 megapixels."
        in field_error(response, "photo")
    )
    assert SitePhoto.objects.count() == 0


def test_owner_photo_refuses_the_21st(owner_client, draft):
    for position in range(20):
        SitePhoto.objects.create(
            site=draft,
            image=ContentFile(b"x", name=f"{position}.jpg"),
            thumbnail=ContentFile(b"x", name=f"{position}-thumb.jpg"),
            width=1,
            height=1,
            position=position,
        )
    response = add_photo(owner_client, draft, jpeg())
    assert response.status_code == 200
    assert "A site has at most 20 photos. Remove one before adding another." in field_error(
        response, "photo"
    )
    assert SitePhoto.objects.filter(site=draft).count() == 20


def test_owner_photo_delete_removes_row_and_files(
    owner_client, draft, django_capture_on_commit_callbacks
):
    photo = site_photo_add(site=draft, uploaded=SimpleUploadedFile("a.jpg", jpeg()))
    storage, names = photo.image.storage, (photo.image.name, photo.thumbnail.name)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(url("properties:owner_photo_delete", pk=draft.pk, photo_pk=photo.pk))
    assert SitePhoto.objects.count() == 0
    assert [storage.exists(name) for name in names] == [False, False]


def test_owner_document_upload_stores_a_pdf_under_a_random_name(owner_client, draft):
    response = owner_client.post(
        url("properties:owner_document_add", pk=draft.pk),
        {
            "title": "Floor plan",
            "file": SimpleUploadedFile("../plan ground.pdf", PDF),
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    document = SiteDocument.objects.get(site=draft)
    assert (document.title, document.is_public) == ("Floor plan", True)
    assert document.file.name.startswith(f"sites/{draft.pk}/documents/")
    assert "plan" not in document.file.name
    document.file.open("rb")
    assert document.file.read() == PDF


def test_owner_document_refuses_html_renamed_pdf(owner_client, draft):
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    response = owner_client.post(
        url("properties:owner_document_add", pk=draft.pk),
        {"title": "Plan", "file": SimpleUploadedFile("plan.pdf", html, "application/pdf")},
    )
    assert response.status_code == 200
    assert "This file is not a PDF document. Send plans and documents as PDF." in field_error(
        response, "file"
    )
    assert SiteDocument.objects.count() == 0


def test_owner_document_delete(owner_client, draft):
    document = SiteDocument.objects.create(
        site=draft, title="Plan", file=ContentFile(PDF, name="plan.pdf")
    )
    owner_client.post(url("properties:owner_document_delete", pk=draft.pk, document_pk=document.pk))
    assert SiteDocument.objects.count() == 0


def test_owner_media_of_a_published_site_cannot_change(owner_client, owner):
    site = SiteFactory(owner=owner.active_organisation)
    response = add_photo(owner_client, site, jpeg())
    assert response.status_code == 302
    assert SitePhoto.objects.count() == 0


def test_owner_photo_past_pillows_warning_is_refused_with_its_size(owner_client, draft):
    response = add_photo(owner_client, draft, huge_png(side=7_000), "big.png")
    assert (
        "This photo has 7,000 × 7,000 pixels; the limit for a PNG image is 12 megapixels."
        in field_error(response, "photo")
    )
    assert SitePhoto.objects.count() == 0
