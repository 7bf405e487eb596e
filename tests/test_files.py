"""Every URL that sends an uploaded file sends it the same guarded way (`loket.files`): its type
from what we stored, no sniffing, a sandbox with no rights, documents as downloads, and no
shared cache unless anyone may see the file."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver
from django.utils import translation
from PIL import Image

from loket.files import private_file_response
from matching.domain import match_answer
from matching.enums import MatchState
from projects.models import ApplicationDocument
from properties.domain import site_photo_add
from properties.models import SiteDocument

from .factories import ApplicationFactory, SiteFactory
from .matching.helpers import fitting_pair, new_match, walk

pytestmark = pytest.mark.django_db

# A PDF that runs a script when a browser's viewer opens it inline.
PDF = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n"
SANDBOX = "sandbox; default-src 'none'"
PLAN = "attachment; filename=\"plan.pdf\"; filename*=UTF-8''plan.pdf"
HEADERS = [
    "Content-Type",
    "Content-Disposition",
    "X-Content-Type-Options",
    "Content-Security-Policy",
    "Cache-Control",
]
# A URL name that ends in one of these words serves a file; add_/delete_ actions do not.
FILE_URL_NAME = re.compile(r"(^|[_:])(photo|document|file|attachment|download)$")


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def headers(response) -> dict[str, str]:
    return {name: response.get(name) for name in HEADERS}


def a_photo(site):
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), "olive").save(buffer, "JPEG")
    return site_photo_add(site=site, uploaded=SimpleUploadedFile("p.jpg", buffer.getvalue()))


def site_photo_public(request):
    site = SiteFactory(owner=request.getfixturevalue("owner").active_organisation)
    photo = a_photo(site)
    address = url("properties:photo", site_pk=site.pk, photo_pk=photo.pk, size="full")
    return request.getfixturevalue("anonymous_client"), address, photo.image


def site_photo_draft(request):
    owner = request.getfixturevalue("owner")
    site = SiteFactory(state="draft", publication="", owner=owner.active_organisation)
    photo = a_photo(site)
    address = url("properties:photo", site_pk=site.pk, photo_pk=photo.pk, size="thumb")
    return request.getfixturevalue("owner_client"), address, photo.thumbnail


def site_document(request):
    site = SiteFactory(owner=request.getfixturevalue("owner").active_organisation)
    document = SiteDocument.objects.create(
        site=site, title="Plan", file=ContentFile(PDF, name="x.pdf"), is_public=True
    )
    address = url("properties:document", site_pk=site.pk, document_pk=document.pk)
    return request.getfixturevalue("anonymous_client"), address, document.file


def application_document(request):
    holder = request.getfixturevalue("holder")
    application = ApplicationFactory(organisation=holder.active_organisation)
    document = ApplicationDocument.objects.create(
        application=application, kind="statutes", title="Plan", file=ContentFile(PDF, name="x.pdf")
    )
    address = url("projects:holder_document", pk=application.pk, document_pk=document.pk)
    return request.getfixturevalue("holder_client"), address, document.file


def proposal_document(request):
    holder, owner = request.getfixturevalue("holder"), request.getfixturevalue("owner")
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    document = ApplicationDocument.objects.create(
        application=application, kind="statutes", title="Plan", file=ContentFile(PDF, name="x.pdf")
    )
    desk = request.getfixturevalue("caseworker_user")
    match = walk(
        new_match(application, site, desk),
        MatchState.PROPOSED_HOLDER,
        desk=desk,
        owner=owner,
        holder=holder,
    )
    match_answer(match=match, actor=holder, accept=True)  # the holder shares their file
    address = url("matching:proposal_document", pk=match.pk, document_pk=document.pk)
    return request.getfixturevalue("owner_client"), address, document.file


# Each file URL, how to reach one of its files, and the headers it must carry.
FILE_URLS = {
    "properties:photo": [
        (
            site_photo_public,
            ["image/jpeg", "inline", "nosniff", SANDBOX, "public, max-age=86400"],
        ),
        (site_photo_draft, ["image/jpeg", "inline", "nosniff", SANDBOX, "private, no-store"]),
    ],
    "properties:document": [
        (site_document, ["application/pdf", PLAN, "nosniff", SANDBOX, "private, no-store"]),
    ],
    "projects:holder_document": [
        (application_document, ["application/pdf", PLAN, "nosniff", SANDBOX, "private, no-store"]),
    ],
    "matching:proposal_document": [
        (proposal_document, ["application/pdf", PLAN, "nosniff", SANDBOX, "private, no-store"]),
    ],
}
CASES = [
    pytest.param(arrange, expected, id=f"{name}-{arrange.__name__}")
    for name, cases in FILE_URLS.items()
    for arrange, expected in cases
]


@pytest.mark.parametrize(("arrange", "expected"), CASES)
def test_file_url_sends_the_guarded_headers(request, arrange, expected):
    client, address, stored = arrange(request)
    response = client.get(address)
    assert headers(response) == dict(zip(HEADERS, expected, strict=True))
    served = b"".join(response.streaming_content)
    with stored.storage.open(stored.name) as file:
        file.seek(0)  # the in-memory storage of the tests shares one file object
        assert served == file.read()


def url_names(resolver=None, prefix: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= url_names(pattern, namespace)
        elif pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_file_urls_are_all_covered_by_the_header_test():
    # A new file URL must be added to FILE_URLS, and so be sent through `private_file_response`.
    assert {name for name in url_names() if FILE_URL_NAME.search(name)} == set(FILE_URLS)


def test_file_gone_from_storage_is_a_404_not_a_500(owner_client, owner):
    site = SiteFactory(state="draft", publication="", owner=owner.active_organisation)
    document = SiteDocument.objects.create(
        site=site, title="Plan", file=ContentFile(PDF, name="x.pdf")
    )
    document.file.storage.delete(document.file.name)
    response = owner_client.get(
        url("properties:document", site_pk=site.pk, document_pk=document.pk)
    )
    assert (response.status_code, response["Content-Type"]) == (404, "text/html; charset=utf-8")


def test_file_name_beyond_ascii_keeps_an_ascii_fallback(owner):
    site = SiteFactory(owner=owner.active_organisation)
    document = SiteDocument.objects.create(
        site=site, title="Plan", file=ContentFile(PDF, name="x.pdf")
    )
    response = private_file_response(
        document.file, content_type="application/pdf", filename="Plan d’étage.pdf"
    )
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Plan dtage.pdf\"; filename*=UTF-8''Plan%20d%E2%80%99%C3%A9tage.pdf"
    )
    response.close()


def test_private_storage_gives_no_url_so_a_forgotten_link_fails(owner):
    site = SiteFactory(owner=owner.active_organisation)
    document = SiteDocument.objects.create(
        site=site, title="Plan", file=ContentFile(PDF, name="plan.pdf")
    )

    with pytest.raises(ValueError) as raised:
        document.file.url  # noqa: B018

    assert str(raised.value) == (
        f"“{document.file.name}” is a private file: link to the view that checks who may see it."
    )
