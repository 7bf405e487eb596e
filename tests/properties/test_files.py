"""Site photos and documents come only through the permission-checked views: public sites'
photos for everyone (and cacheable), everything else for the owner and the desk only."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from properties.domain import site_photo_add
from properties.models import SiteDocument

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
EVERYONE = [
    "anonymous_client",
    "holder_client",
    "other_owner_client",
    "owner_client",
    "caseworker_client",
]
MANAGERS = ["owner_client", "caseworker_client"]


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def a_photo(site):
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "olive").save(buffer, "JPEG")
    return site_photo_add(site=site, uploaded=SimpleUploadedFile("p.jpg", buffer.getvalue()))


def a_document(site, *, is_public: bool):
    return SiteDocument.objects.create(
        site=site,
        title="Plan of the ground floor",
        file=ContentFile(PDF, name="x.pdf"),
        is_public=is_public,
    )


def photo_url(photo, size="full") -> str:
    return url("properties:photo", site_pk=photo.site_id, photo_pk=photo.pk, size=size)


def document_url(document) -> str:
    return url("properties:document", site_pk=document.site_id, document_pk=document.pk)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def public_site(owner):
    return SiteFactory(owner=owner.active_organisation)


@pytest.fixture
def draft(owner):
    return SiteFactory(state="draft", publication="", owner=owner.active_organisation)


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("size", ["full", "thumb"])
def test_photo_of_a_public_site_is_served_to_everyone_and_cached(
    request, public_site, persona, size
):
    photo = a_photo(public_site)
    response = request.getfixturevalue(persona).get(photo_url(photo, size))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"
    stored = photo.image if size == "full" else photo.thumbnail
    served = body(response)
    with stored.storage.open(stored.name) as file:
        file.seek(0)
        assert served == file.read()


@pytest.mark.parametrize("persona", MANAGERS)
def test_photo_of_a_draft_is_served_privately_to_owner_and_desk(request, draft, persona):
    photo = a_photo(draft)
    response = request.getfixturevalue(persona).get(photo_url(photo))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("persona", ["anonymous_client", "holder_client", "other_owner_client"])
def test_photo_of_a_draft_is_404_for_others(request, draft, persona):
    photo = a_photo(draft)
    for size in ("full", "thumb"):
        assert request.getfixturevalue(persona).get(photo_url(photo, size)).status_code == 404


def test_photo_of_a_desk_only_site_is_404_for_the_public(anonymous_client, holder_client, owner):
    site = SiteFactory(owner=owner.active_organisation, publication="desk_only")
    photo = a_photo(site)
    assert anonymous_client.get(photo_url(photo)).status_code == 404
    assert holder_client.get(photo_url(photo)).status_code == 404


def test_photo_unknown_size_or_wrong_site_is_404(owner_client, public_site, draft):
    photo = a_photo(public_site)
    assert owner_client.get(photo_url(photo, "huge")).status_code == 404
    wrong_site = url("properties:photo", site_pk=draft.pk, photo_pk=photo.pk, size="full")
    assert owner_client.get(wrong_site).status_code == 404


@pytest.mark.parametrize("persona", EVERYONE)
def test_public_document_of_a_public_site_is_served_to_everyone(request, public_site, persona):
    document = a_document(public_site, is_public=True)
    response = request.getfixturevalue(persona).get(document_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="plan-of-the-ground-floor.pdf"; '
        "filename*=UTF-8''plan-of-the-ground-floor.pdf"
    )
    assert response["Cache-Control"] == "private, no-store"
    assert body(response) == PDF


@pytest.mark.parametrize("persona", MANAGERS)
def test_private_document_is_served_to_owner_and_desk(request, public_site, persona):
    document = a_document(public_site, is_public=False)
    response = request.getfixturevalue(persona).get(document_url(document))
    assert response.status_code == 200
    assert body(response) == PDF


@pytest.mark.parametrize("persona", ["anonymous_client", "holder_client", "other_owner_client"])
def test_private_document_is_404_for_others(request, public_site, draft, persona):
    client = request.getfixturevalue(persona)
    assert client.get(document_url(a_document(public_site, is_public=False))).status_code == 404
    assert client.get(document_url(a_document(draft, is_public=True))).status_code == 404


def test_document_of_another_site_is_404(owner_client, public_site, draft):
    document = a_document(draft, is_public=True)
    wrong = url("properties:document", site_pk=public_site.pk, document_pk=document.pk)
    assert owner_client.get(wrong).status_code == 404
