"""The application editor's caps, checked on the server: text lengths, the programme, lists and
documents. Too much is a message next to the field, and nothing is saved."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from loket.communes.models import Commune
from projects.domain.applications import application_create
from projects.models import Application, ApplicationDocument

from ..html import field_error

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def step_url(application: Application, step: str) -> str:
    return url("projects:holder_step", pk=application.pk, step=step)


@pytest.fixture
def draft(holder):
    return application_create(actor=holder, organisation=holder.active_organisation)


def test_a_description_longer_than_5000_characters_is_refused(holder_client, draft):
    response = holder_client.post(
        step_url(draft, "project"), {"title": "Ateliers", "description": "a" * 5001}
    )

    assert "Ensure this value has at most 5000 characters (it has 5001)." in field_error(
        response, "description"
    )
    draft.refresh_from_db()
    assert (draft.title, draft.description) == ("", "")


@pytest.mark.parametrize("field", ["nuisance", "references_text", "earlier_occupations"])
def test_every_long_text_of_a_step_is_capped(holder_client, draft, field):
    response = holder_client.post(step_url(draft, "neighbourhood"), {field: "b" * 5001})

    assert "Ensure this value has at most 5000 characters (it has 5001)." in field_error(
        response, field
    )
    draft.refresh_from_db()
    assert getattr(draft, field) == ""


@pytest.mark.parametrize(
    ("programme", "error"),
    [
        (
            "\n".join(f"use {n}: 1" for n in range(21)),
            "A programme has at most 20 uses.",
        ),
        ("studios: 60\ncafé\x00: 40", "Null characters are not allowed."),
        ("studios: ²\ncafé: 100", "“studios: ²” is not a use with its share, as in “studios: 60”."),
        (
            "studios: " + "9" * 4400,
            f"“studios: {'9' * 4400}” is not a use with its share, as in “studios: 60”.",
        ),
    ],
)
def test_a_programme_that_cannot_be_read_is_refused(holder_client, draft, programme, error):
    response = holder_client.post(
        step_url(draft, "project"), {"title": "Ateliers", "programme": programme}
    )

    assert response.status_code == 200
    assert error in field_error(response, "programme")
    draft.refresh_from_db()
    assert (draft.title, draft.programme) == ("", [])


def test_a_commune_list_longer_than_the_communes_is_refused(holder_client, draft):
    response = holder_client.post(
        step_url(draft, "place"), {"communes": ["21004"] * 20, "wants_central": "on"}
    )

    assert "Choose at most 19 items." in field_error(response, "communes")
    draft.refresh_from_db()
    assert (draft.wants_central, draft.communes.count()) == (False, 0)
    assert Commune.objects.count() == 19


def test_the_21st_document_is_refused_next_to_the_file(holder_client, draft):
    for n in range(20):
        ApplicationDocument.objects.create(
            application=draft, kind="statutes", title=f"Doc {n}", file=ContentFile(PDF, "a.pdf")
        )

    response = holder_client.post(
        url("projects:holder_document_add", pk=draft.pk),
        {
            "kind": "statutes",
            "title": "One more",
            "file": SimpleUploadedFile("statuten.pdf", PDF, "application/pdf"),
        },
    )

    assert response.status_code == 200
    assert (
        "An application has at most 20 documents. Remove one before adding another."
        in field_error(response, "file")
    )
    assert ApplicationDocument.objects.filter(application=draft).count() == 20


def test_an_activity_number_past_the_integer_range_is_an_invalid_choice(holder_client, draft):
    response = holder_client.post(
        step_url(draft, "project"),
        {"activity_types": ["1", "-9223372036854775809"], "title": "Ateliers"},
    )

    assert (
        "Select a valid choice. -9223372036854775809 is not one of the available choices."
        in field_error(response, "activity_types")
    )
    draft.refresh_from_db()
    assert draft.title == ""
