"""The site editor's caps, checked on the server: units, text lengths, parcels, activities and
documents. Too much is a message next to the field on a normal page, fast, and nothing saved."""

import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from loket.reference.models import ActivityType, UnitKind
from properties.domain import site_create
from properties.models import Site, SiteDocument, Unit

from ..factories import SiteFactory
from ..html import field_error

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def step_url(site: Site, step: str) -> str:
    return url("properties:owner_step", pk=site.pk, step=step)


@pytest.fixture
def draft(owner):
    return site_create(actor=owner, owner=owner.active_organisation)


def unit_rows(count: int) -> dict:
    kind = UnitKind.objects.get(code="office").pk
    data = {"units-TOTAL_FORMS": str(count), "units-INITIAL_FORMS": "0"}
    for index in range(count):
        data |= {
            f"units-{index}-name": f"Office {index}",
            f"units-{index}-kind": kind,
            f"units-{index}-surface_m2": "20",
        }
    return data


# --- Units --------------------------------------------------------------------------------------


def test_a_forged_form_count_is_an_error_on_a_normal_page_fast(owner_client, draft):
    started = time.monotonic()
    response = owner_client.post(
        step_url(draft, "units"), {"units-TOTAL_FORMS": "100000000", "units-INITIAL_FORMS": "0"}
    )
    elapsed = time.monotonic() - started

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [
        "A site has at most 80 units. Remove one before adding another."
    ]
    assert html.count('name="units-79-name"') == 1
    assert 'name="units-80-name"' not in html
    assert elapsed < 5
    assert Unit.objects.count() == 0


def test_81_units_are_refused_and_none_is_saved(owner_client, draft):
    response = owner_client.post(step_url(draft, "units"), unit_rows(81))

    assert response.context["formset"].non_form_errors() == [
        "A site has at most 80 units. Remove one before adding another."
    ]
    assert Unit.objects.count() == 0


def test_80_units_are_saved(owner_client, draft):
    response = owner_client.post(step_url(draft, "units"), unit_rows(80))

    assert response.status_code == 302
    assert Unit.objects.filter(site=draft).count() == 80


def test_the_unit_cap_message_is_translated(owner_client, draft):
    with translation.override("fr"):
        address = reverse("properties:owner_step", kwargs={"pk": draft.pk, "step": "units"})
    response = owner_client.post(address, {"units-TOTAL_FORMS": "81", "units-INITIAL_FORMS": "0"})

    assert response.context["formset"].non_form_errors() == [
        "Un site compte au maximum 80 espaces. Supprimez-en un avant d’en ajouter un autre."
    ]


# --- Text and lists -----------------------------------------------------------------------------


def test_a_description_longer_than_5000_characters_is_refused(owner_client, draft):
    response = owner_client.post(
        step_url(draft, "what"), {"description_nl": "a" * 5001, "title_nl": "Loods"}
    )

    assert "Ensure this value has at most 5000 characters (it has 5001)." in field_error(
        response, "description_nl"
    )
    assert 'maxlength="5000"' in response.content.decode()
    draft.refresh_from_db()
    assert (draft.title_nl, draft.description_nl) == (None, None)


def test_a_description_of_5000_characters_is_saved(owner_client, draft):
    owner_client.post(step_url(draft, "what"), {"description_nl": "a" * 5000})

    draft.refresh_from_db()
    assert draft.description_nl == "a" * 5000


def test_more_than_50_cadastral_parcels_are_refused(owner_client, draft):
    parcels = "\n".join(f"21001A{n:04d}/00A000" for n in range(51))
    response = owner_client.post(
        step_url(draft, "where"), {"cadastral_parcels": parcels, "street": "Rue Haute"}
    )

    assert "A site has at most 50 cadastral parcels." in field_error(response, "cadastral_parcels")
    draft.refresh_from_db()
    assert (draft.cadastral_parcels, draft.street) == ([], "")


def test_a_parcel_list_with_a_nul_is_refused(owner_client, draft):
    response = owner_client.post(
        step_url(draft, "where"), {"cadastral_parcels": "21001A0123/00B004\x00"}
    )

    assert "Null characters are not allowed." in field_error(response, "cadastral_parcels")
    draft.refresh_from_db()
    assert draft.cadastral_parcels == []


def test_an_activity_list_longer_than_the_choices_is_refused(owner_client, draft):
    activity = ActivityType.objects.get(code="cultural").pk
    response = owner_client.post(
        step_url(draft, "uses"), {"allowed_activities": [activity] * 50, "restrictions": "None"}
    )

    count = ActivityType.objects.count()
    assert f"Choose at most {count} items." in field_error(response, "allowed_activities")
    draft.refresh_from_db()
    assert (draft.restrictions, draft.allowed_activities.count()) == ("", 0)


# --- Documents ----------------------------------------------------------------------------------


def test_the_21st_document_is_refused_next_to_the_file(owner_client, draft):
    for n in range(20):
        SiteDocument.objects.create(
            site=draft, title=f"Plan {n}", file=ContentFile(PDF, name="plan.pdf")
        )

    response = owner_client.post(
        url("properties:owner_document_add", pk=draft.pk),
        {"title": "One more", "file": SimpleUploadedFile("plan.pdf", PDF, "application/pdf")},
    )

    assert response.status_code == 200
    assert "A site has at most 20 documents. Remove one before adding another." in field_error(
        response, "file"
    )
    assert SiteDocument.objects.filter(site=draft).count() == 20


# --- The public page ----------------------------------------------------------------------------


def test_a_reference_with_a_nul_is_not_found(client):
    SiteFactory(reference="S-2026-00001")

    response = client.get("/en/sites/S-2026-00001%00/")

    assert response.status_code == 404


def test_an_activity_number_past_the_integer_range_is_an_invalid_choice(owner_client, draft):
    response = owner_client.post(
        step_url(draft, "uses"), {"allowed_activities": "9223372036854775808", "deposit": "5"}
    )

    assert (
        "Select a valid choice. 9223372036854775808 is not one of the available choices."
        in field_error(response, "allowed_activities")
    )
    draft.refresh_from_db()
    assert draft.deposit is None
