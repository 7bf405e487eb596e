"""The application editor: every step saves the draft with only the checks that make sense on
their own; bad input is refused next to the field, and nothing is half-saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from loket.communes.models import Commune
from loket.reference.models import ActivityType
from projects.domain.applications import application_create
from projects.models import Application, ApplicationDocument

from ..factories import ApplicationFactory
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


def test_new_application_opens_a_draft_for_the_active_organisation(holder, holder_client):
    assert holder_client.get(url("projects:holder_create")).status_code == 200
    response = holder_client.post(url("projects:holder_create"))
    application = Application.objects.get()
    assert response["Location"] == step_url(application, "project")
    assert application.organisation == holder.active_organisation
    assert (application.state, application.reference) == ("draft", None)


def test_new_application_can_start_from_an_earlier_one(holder, holder_client):
    earlier = ApplicationFactory(organisation=holder.active_organisation, complete=True)
    holder_client.post(url("projects:holder_create"), {"prefill_from": earlier.pk})
    copy = Application.objects.exclude(pk=earlier.pk).get()
    assert (copy.title, copy.prefilled_from_id, copy.consent_to_share) == (
        earlier.title,
        earlier.pk,
        False,
    )


def test_new_application_cannot_start_from_another_organisations(holder_client):
    foreign = ApplicationFactory(complete=True)
    holder_client.post(url("projects:holder_create"), {"prefill_from": foreign.pk})
    assert Application.objects.count() == 1


def test_without_organisation_the_holder_registers_one_first(db):
    from ..conftest import login_client
    from ..factories import UserFactory

    client = login_client(UserFactory())
    for name in ("projects:holder_create", "projects:holder_dashboard"):
        response = client.get(url(name))
        assert response["Location"] == url("organisations:create")


def test_project_step_saves_with_activities_and_programme(holder_client, draft):
    activity = ActivityType.objects.first()
    response = holder_client.post(
        step_url(draft, "project"),
        {
            "title": "Ateliers",
            "description": "Studios",
            "activity_types": [activity.pk],
            "programme": "studios: 60\nhousing: 30 %\npublic space: 10",
            "partners_text": "A land trust",
            "action": "continue",
        },
    )
    assert response["Location"] == step_url(draft, "space")
    draft.refresh_from_db()
    assert draft.title == "Ateliers"
    assert draft.programme == [
        {"use": "studios", "share": 60},
        {"use": "housing", "share": 30},
        {"use": "public space", "share": 10},
    ]
    assert list(draft.activity_types.all()) == [activity]
    page = holder_client.get(step_url(draft, "project")).content.decode()
    assert "studios: 60" in page
    assert 'aria-current="step"' in page
    assert "Last saved" in page


@pytest.mark.parametrize(
    ("programme", "message"),
    [
        ("studios 60", "is not a use with its share"),
        ("studios: 60\nhousing: 30", "add up to 90 %, not 100 %"),
    ],
)
def test_a_bad_programme_is_refused_at_the_field(holder_client, draft, programme, message):
    response = holder_client.post(
        step_url(draft, "project"), {"title": "Changed", "programme": programme}
    )
    assert response.status_code == 200
    assert message in field_error(response, "programme")
    draft.refresh_from_db()
    assert (draft.title, draft.programme) == ("", [])


def test_save_stays_on_the_step(holder_client, draft):
    response = holder_client.post(
        step_url(draft, "money"),
        {"max_monthly_budget": "800", "fitout_budget": "5000", "action": "stay"},
    )
    assert response["Location"] == step_url(draft, "money")
    draft.refresh_from_db()
    assert draft.max_monthly_budget == Decimal("800")


def test_space_step_saves(holder_client, draft):
    holder_client.post(
        step_url(draft, "space"),
        {
            "surface_min": "4500",
            "surface_ideal": "9000",
            "surface_max": "10000",
            "space_kind": "building",
            "needs_water": "on",
        },
    )
    draft.refresh_from_db()
    assert (draft.surface_min, draft.surface_ideal, draft.space_kind, draft.needs_water) == (
        Decimal("4500"),
        Decimal("9000"),
        "building",
        True,
    )


def test_place_step_saves_communes(holder_client, draft):
    commune = Commune.objects.get(nis_code="21004")
    holder_client.post(step_url(draft, "place"), {"communes": ["21004"], "wants_central": "on"})
    draft.refresh_from_db()
    assert list(draft.communes.all()) == [commune]
    assert draft.wants_central


def test_time_step_saves(holder_client, draft):
    start = timezone.localdate() + datetime.timedelta(days=60)
    holder_client.post(
        step_url(draft, "time"),
        {
            "desired_start": start.isoformat(),
            "duration_value": "3",
            "duration_unit": "years",
            "tenure": "long_term",
        },
    )
    draft.refresh_from_db()
    assert (draft.desired_start, draft.duration_value, draft.duration_unit, draft.tenure) == (
        start,
        3,
        "years",
        "long_term",
    )


def test_use_step_saves_and_keeps_choices_when_empty(holder_client, draft):
    holder_client.post(step_url(draft, "use"), {"regular_users": "12", "public_access": ""})
    draft.refresh_from_db()
    assert (draft.regular_users, draft.public_access) == (12, "closed")


def test_neighbourhood_step_saves(holder_client, draft):
    holder_client.post(
        step_url(draft, "neighbourhood"),
        {"neighbourhood_value": "A repair café", "consent_to_share": "on"},
    )
    draft.refresh_from_db()
    assert draft.neighbourhood_value == "A repair café"
    assert draft.consent_to_share


@pytest.mark.parametrize(
    ("step", "data", "field", "message"),
    [
        (
            "space",
            {"surface_min": "300", "surface_max": "200"},
            "surface_min",
            "The minimum surface is above the maximum.",
        ),
        (
            "space",
            {"surface_min": "100", "surface_ideal": "250", "surface_max": "200"},
            "surface_ideal",
            "The ideal surface must lie between the minimum and the maximum.",
        ),
        ("time", {"desired_start": "2001-01-01"}, "desired_start", "The desired start is in"),
        ("money", {"max_monthly_budget": "eight hundred"}, "max_monthly_budget", "Enter a number"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(
    holder_client, draft, step, data, field, message
):
    before = draft.updated_at
    response = holder_client.post(step_url(draft, step), {**data, "fitout_budget": "10"})
    assert response.status_code == 200
    assert message in field_error(response, field)
    draft.refresh_from_db()
    assert draft.updated_at == before
    assert draft.surface_min is None and draft.desired_start is None
    assert draft.fitout_budget is None


def test_workflow_fields_cannot_be_set_through_a_form(holder_client, draft, caseworker_user):
    for step in ("project", "space", "place", "time", "money", "use", "neighbourhood"):
        holder_client.post(
            step_url(draft, step),
            {
                "state": "qualified",
                "assignee": caseworker_user.pk,
                "reference": "LTG-2000-0001",
                "closed_reason": "withdrawn",
                "desk_message": "hacked",
                "confirmed_at": "2030-01-01T00:00",
            },
        )
    draft.refresh_from_db()
    assert (draft.state, draft.assignee, draft.reference) == ("draft", None, None)
    assert (draft.closed_reason, draft.desk_message, draft.confirmed_at) == ("", "", None)


# --- Documents -------------------------------------------------------------------------------


def test_documents_are_added_listed_downloaded_and_removed(holder_client, draft):
    response = holder_client.post(
        url("projects:holder_document_add", pk=draft.pk),
        {
            "kind": "statutes",
            "title": "Our statutes",
            "file": SimpleUploadedFile("statuten.pdf", PDF, "application/pdf"),
        },
    )
    assert response["Location"] == step_url(draft, "documents")
    document = ApplicationDocument.objects.get()
    assert "statuten" not in document.file.name
    page = holder_client.get(step_url(draft, "documents")).content.decode()
    assert "Our statutes" in page
    download = holder_client.get(
        url("projects:holder_document", pk=draft.pk, document_pk=document.pk)
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    holder_client.post(url("projects:holder_document_delete", pk=draft.pk, document_pk=document.pk))
    assert not ApplicationDocument.objects.exists()


def test_a_document_that_is_not_a_pdf_is_refused(holder_client, draft):
    response = holder_client.post(
        url("projects:holder_document_add", pk=draft.pk),
        {
            "kind": "plans",
            "title": "Plans",
            "file": SimpleUploadedFile("plans.pdf", b"<html>not a pdf</html>", "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "This file is not a PDF document" in field_error(response, "file")
    assert not ApplicationDocument.objects.exists()
