"""The site editor: every step saves the draft with only the checks that make sense on their
own; bad input is refused field by field, next to the field, and nothing is half-saved."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from loket.reference.models import ActivityType, Condition, EconomicModel, SiteKind, UnitKind
from properties.domain import site_create
from properties.models import Site, Unit

from ..factories import SiteFactory, UnitFactory
from ..html import field_error

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def step_url(site: Site, step: str) -> str:
    return url("properties:owner_step", pk=site.pk, step=step)


@pytest.fixture
def new_draft(owner):
    return site_create(actor=owner, owner=owner.active_organisation)


def units_data(*rows, initial: int = 0) -> dict:
    data = {
        "units-TOTAL_FORMS": str(len(rows)),
        "units-INITIAL_FORMS": str(initial),
        "units-MIN_NUM_FORMS": "0",
        "units-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"units-{index}-{name}"] = value
    return data


# --- Creating and saving each step ------------------------------------------------------------


def test_owner_create_opens_a_draft_for_the_active_organisation(owner, owner_client):
    response = owner_client.post(url("properties:owner_create"))
    site = Site.objects.get()
    assert response["Location"] == step_url(site, "where")
    assert (site.owner, site.state, site.created_by) == (owner.active_organisation, "draft", owner)
    assert site.reference == f"S-{site.created_at:%Y}-{site.pk:05d}"


def test_owner_create_page_explains_the_steps(owner_client):
    response = owner_client.get(url("properties:owner_create"))
    assert "Start the draft" in response.content.decode()
    assert Site.objects.count() == 0


def test_owner_where_step_saves_the_address_and_point(owner_client, new_draft):
    response = owner_client.post(
        step_url(new_draft, "where"),
        {
            "street": "Boulevard du Jardin Botanique",
            "number": "50",
            "box": "",
            "postcode": "1000",
            "commune": "21004",
            "latitude": "50.854000",
            "longitude": "4.360000",
            "cadastral_parcels": "21004A0123/00B004\n 21004a0124/00c005 \n\n",
            "public_precision": "hidden",
            "public_transport": "Metro Botanique, 200 m",
            "action": "continue",
        },
    )
    assert response["Location"] == step_url(new_draft, "what")
    site = Site.objects.get(pk=new_draft.pk)
    assert (site.street, site.number, site.postcode, site.commune_id) == (
        "Boulevard du Jardin Botanique",
        "50",
        "1000",
        "21004",
    )
    assert (site.latitude, site.longitude) == (Decimal("50.854000"), Decimal("4.360000"))
    assert site.cadastral_parcels == ["21004A0123/00B004", "21004A0124/00C005"]
    assert site.public_precision == "hidden"
    assert site.public_transport == "Metro Botanique, 200 m"
    assert site.state == "draft"


def test_owner_where_step_save_stays_on_the_step(owner_client, new_draft):
    response = owner_client.post(
        step_url(new_draft, "where"), {"street": "Rue Haute", "action": "stay"}
    )
    assert response["Location"] == step_url(new_draft, "where")
    assert Site.objects.get(pk=new_draft.pk).street == "Rue Haute"


def test_owner_where_step_places_an_address_without_a_point(owner_client, new_draft):
    response = owner_client.post(
        step_url(new_draft, "where"),
        {"street": "Rue Haute", "number": "10", "postcode": "1000", "commune": "21004"},
        follow=True,
    )
    site = Site.objects.get(pk=new_draft.pk)
    assert site.latitude is not None
    assert site.longitude is not None
    assert abs(site.latitude - site.commune.latitude) < Decimal("0.01")
    assert response.redirect_chain[-1][0] == step_url(new_draft, "where")
    assert "We placed the site from its address; correct the point if needed." in (
        response.content.decode()
    )


def test_owner_where_step_keeps_a_given_point(owner_client, new_draft):
    owner_client.post(
        step_url(new_draft, "where"),
        {"street": "Rue Haute", "commune": "21004", "latitude": "50.8", "longitude": "4.3"},
    )
    site = Site.objects.get(pk=new_draft.pk)
    assert (site.latitude, site.longitude) == (Decimal("50.800000"), Decimal("4.300000"))


def test_owner_where_step_shows_the_map_picker(owner_client, new_draft):
    html = owner_client.get(step_url(new_draft, "where")).content.decode()
    assert 'id="location-map"' in html
    assert "/static/loket/js/location-picker.js" in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert 'type="number" name="latitude"' in html
    assert '<label for="id_latitude">' in html
    assert "<script>" not in html


def test_owner_what_step_saves_both_languages(owner_client, new_draft):
    owner_client.post(
        step_url(new_draft, "what"),
        {
            "title_nl": "Oud postkantoor",
            "title_fr": "",
            "description_nl": "Grote zaal.",
            "description_fr": "Grande salle.",
            "internal_reference": "IC-12",
            "kind": SiteKind.objects.get(code="building").pk,
            "former_use": "Post office",
            "vacancy_reason": "Waiting for a permit",
            "future_project": "Housing",
            "future_project_start": "2029-01-01",
            "vacant_since": "2024-05-01",
            "condition": Condition.objects.get(code="ready").pk,
            "heritage_listed": "on",
        },
    )
    site = Site.objects.get(pk=new_draft.pk)
    assert (site.title_nl, site.title_fr) == ("Oud postkantoor", None)
    assert (site.description_nl, site.description_fr) == ("Grote zaal.", "Grande salle.")
    assert site.internal_reference == "IC-12"
    assert (site.kind.code, site.condition.code) == ("building", "ready")
    assert site.future_project_start == datetime.date(2029, 1, 1)
    assert site.vacant_since == datetime.date(2024, 5, 1)
    assert site.heritage_listed is True


def test_owner_what_step_saves_with_no_title_at_all(owner_client, new_draft):
    response = owner_client.post(step_url(new_draft, "what"), {"former_use": "Shop"})
    assert response.status_code == 302
    assert Site.objects.get(pk=new_draft.pk).former_use == "Shop"


def test_owner_availability_step_saves(owner_client, new_draft):
    owner_client.post(
        step_url(new_draft, "availability"),
        {
            "available_from": "2027-01-01",
            "available_until": "2028-06-30",
            "min_duration_months": "6",
            "max_duration_months": "18",
            "notice_period_months": "3",
            "extension_possible": "on",
        },
    )
    site = Site.objects.get(pk=new_draft.pk)
    assert (site.available_from, site.available_until) == (
        datetime.date(2027, 1, 1),
        datetime.date(2028, 6, 30),
    )
    assert (site.min_duration_months, site.max_duration_months, site.notice_period_months) == (
        6,
        18,
        3,
    )
    assert site.extension_possible is True


def test_owner_technical_step_saves(owner_client, new_draft):
    owner_client.post(
        step_url(new_draft, "technical"),
        {
            "has_electricity": "on",
            "has_water": "on",
            "ceiling_height_m": "3.20",
            "step_free_access": "on",
            "open_to_public": "on",
            "max_occupancy": "120",
            "fire_safety_status": "favourable",
            "fire_safety_date": "2026-02-01",
        },
    )
    site = Site.objects.get(pk=new_draft.pk)
    assert (site.has_electricity, site.has_water, site.has_heating) == (True, True, False)
    assert site.ceiling_height_m == Decimal("3.20")
    assert (site.step_free_access, site.open_to_public, site.max_occupancy) == (True, True, 120)
    assert (site.fire_safety_status, site.fire_safety_date) == (
        "favourable",
        datetime.date(2026, 2, 1),
    )


def test_owner_uses_step_saves_and_refreshes_the_cost(owner_client, owner):
    site = SiteFactory(state="draft", publication="", owner=owner.active_organisation, units=[100])
    activities = list(ActivityType.objects.order_by("pk")[:2])
    owner_client.post(
        step_url(site, "uses"),
        {
            "allowed_activities": [a.pk for a in activities],
            "restrictions": "No open fire",
            "noise_and_hours_limits": "Quiet after 22:00",
            "housing_allowed": "",
            "economic_model": EconomicModel.objects.get(code="fee_per_m2").pk,
            "fee_amount": "5",
            "charges_monthly": "200",
            "deposit": "1000",
            "insurance": "Owner insures the building",
            "owner_expectations": "About two years",
        },
    )
    site = Site.objects.get(pk=site.pk)
    assert list(site.allowed_activities.order_by("pk")) == activities
    assert (site.restrictions, site.noise_and_hours_limits) == ("No open fire", "Quiet after 22:00")
    assert (site.fee_amount, site.charges_monthly, site.deposit) == (
        Decimal("5"),
        Decimal("200"),
        Decimal("1000"),
    )
    assert site.estimated_monthly_cost == Decimal("700.00")


def test_owner_units_step_adds_changes_and_deletes_units(owner_client, owner):
    site = SiteFactory(state="draft", publication="", owner=owner.active_organisation, units=[])
    kept = UnitFactory(site=site, name="Hall", surface_m2=Decimal("100"), position=0)
    dropped = UnitFactory(site=site, name="Cellar", surface_m2=Decimal("40"), position=1)
    office = UnitKind.objects.get(code="office").pk
    response = owner_client.post(
        step_url(site, "units"),
        units_data(
            {
                "id": kept.pk,
                "site": site.pk,
                "name": "Big hall",
                "kind": office,
                "surface_m2": "150",
            },
            {
                "id": dropped.pk,
                "site": site.pk,
                "name": "Cellar",
                "kind": office,
                "surface_m2": "40",
                "DELETE": "on",
            },
            {
                "name": "Shop",
                "floor": "0",
                "kind": UnitKind.objects.get(code="shop").pk,
                "surface_m2": "60",
                "available_from": "2027-03-01",
                "fee_amount": "400",
                "open_to_public": "true",
            },
            {"name": "", "floor": "", "kind": "", "surface_m2": "", "open_to_public": "unknown"},
            initial=2,
        ),
    )
    assert response["Location"] == step_url(site, "media")
    units = list(Unit.objects.filter(site=site).values_list("name", "surface_m2", "position"))
    assert units == [("Big hall", Decimal("150.0"), 0), ("Shop", Decimal("60.0"), 2)]
    shop = Unit.objects.get(name="Shop")
    assert (shop.available_from, shop.fee_amount, shop.open_to_public) == (
        datetime.date(2027, 3, 1),
        Decimal("400"),
        True,
    )
    assert Site.objects.get(pk=site.pk).total_surface_m2 == Decimal("210")


def test_owner_units_step_without_js_offers_an_empty_row(owner_client, new_draft):
    html = owner_client.get(step_url(new_draft, "units")).content.decode()
    assert 'name="units-0-surface_m2"' in html
    assert 'name="units-TOTAL_FORMS" value="1"' in html
    assert "Save and add another unit" in html


def test_owner_steps_show_last_saved_and_the_step_navigation(owner_client, new_draft):
    html = owner_client.get(step_url(new_draft, "availability")).content.decode()
    assert "Last saved" in html
    assert f'datetime="{new_draft.updated_at.isoformat()}"' in html or "Last saved:" in html
    assert f'<a href="{step_url(new_draft, "availability")}" aria-current="step">' in html
    assert html.count('aria-current="step"') == 1
    for step in ("where", "what", "technical", "uses", "units", "media", "review"):
        assert f'href="{step_url(new_draft, step)}"' in html


def test_owner_caseworker_can_edit_a_site_for_the_desk(caseworker_client, new_draft):
    caseworker_client.post(step_url(new_draft, "what"), {"title_fr": "Ancienne poste"})
    assert Site.objects.get(pk=new_draft.pk).title_fr == "Ancienne poste"


# --- Fields an owner can never set --------------------------------------------------------------


def test_owner_cannot_set_workflow_fields_through_any_step(
    owner_client, new_draft, caseworker_user
):
    forged = {
        "state": "published",
        "publication": "public",
        "reviewer": caseworker_user.pk,
        "reference": "S-FORGED",
        "total_surface_m2": "9999",
        "estimated_monthly_cost": "1",
        "owner": "999",
        "desk_message": "forged",
        "submitted_at": "2020-01-01 00:00",
        "published_at": "2020-01-01 00:00",
    }
    for step in ("where", "what", "availability", "technical", "uses"):
        response = owner_client.post(step_url(new_draft, step), {"street": "Rue Haute", **forged})
        assert response.status_code == 302
    response = owner_client.post(step_url(new_draft, "units"), {**units_data(), **forged})
    assert response.status_code == 302
    site = Site.objects.get(pk=new_draft.pk)
    assert (site.state, site.publication, site.reviewer, site.reference) == (
        "draft",
        "",
        None,
        new_draft.reference,
    )
    assert (site.total_surface_m2, site.estimated_monthly_cost) == (Decimal("0"), None)
    assert (site.owner_id, site.desk_message, site.submitted_at, site.published_at) == (
        new_draft.owner_id,
        "",
        None,
        None,
    )
    assert site.transitions.count() == 0


# --- Bad input: a message next to the field, nothing saved --------------------------------------


@pytest.mark.parametrize("surface", ["0", "-5"])
def test_owner_units_refuse_a_surface_that_is_not_positive(owner_client, new_draft, surface):
    response = owner_client.post(
        step_url(new_draft, "units"),
        units_data(
            {"name": "Hall", "kind": UnitKind.objects.get(code="hall").pk, "surface_m2": "100"},
            {"name": "Shop", "kind": UnitKind.objects.get(code="shop").pk, "surface_m2": surface},
        ),
    )
    assert response.status_code == 200
    assert "The surface must be at least 1 m²." in field_error(response, "units-1-surface_m2")
    assert field_error(response, "units-0-surface_m2") == ""
    assert Unit.objects.filter(site=new_draft).count() == 0
    site = Site.objects.get(pk=new_draft.pk)
    assert (site.total_surface_m2, site.updated_at) == (Decimal("0"), new_draft.updated_at)


def test_owner_units_refuse_dates_in_the_wrong_order(owner_client, new_draft):
    response = owner_client.post(
        step_url(new_draft, "units"),
        units_data(
            {
                "name": "Hall",
                "kind": UnitKind.objects.get(code="hall").pk,
                "surface_m2": "100",
                "available_from": "2027-06-01",
                "available_until": "2027-01-01",
            },
        ),
    )
    assert "“Available until” must not be before “available from”." in field_error(
        response, "units-0-available_until"
    )
    assert Unit.objects.filter(site=new_draft).count() == 0


def test_owner_availability_refuses_until_before_from(owner_client, new_draft):
    response = owner_client.post(
        step_url(new_draft, "availability"),
        {
            "available_from": "2027-06-01",
            "available_until": "2027-01-01",
            "min_duration_months": "3",
        },
    )
    assert response.status_code == 200
    assert "“Available until” must not be before “available from”." in field_error(
        response, "available_until"
    )
    assert 'aria-invalid="true"' in response.content.decode()
    site = Site.objects.get(pk=new_draft.pk)
    assert (site.available_from, site.available_until, site.min_duration_months) == (
        None,
        None,
        None,
    )


def test_owner_availability_refuses_max_shorter_than_min(owner_client, new_draft):
    response = owner_client.post(
        step_url(new_draft, "availability"),
        {"min_duration_months": "12", "max_duration_months": "6"},
    )
    assert "must not be shorter than the minimum" in field_error(response, "max_duration_months")
    assert Site.objects.get(pk=new_draft.pk).min_duration_months is None


def test_owner_where_refuses_a_postcode_outside_the_commune(owner_client, new_draft):
    response = owner_client.post(
        step_url(new_draft, "where"),
        {"street": "Rue Haute", "postcode": "1190", "commune": "21004"},
    )
    assert response.status_code == 200
    assert "Postcode 1190 is not in" in field_error(response, "postcode")
    site = Site.objects.get(pk=new_draft.pk)
    assert (site.street, site.postcode, site.commune_id) == ("", "", None)


def test_owner_where_accepts_a_shared_postcode_of_brussels_city(owner_client, new_draft):
    response = owner_client.post(
        step_url(new_draft, "where"), {"postcode": "1050", "commune": "21004"}
    )
    assert response.status_code == 302
    assert Site.objects.get(pk=new_draft.pk).postcode == "1050"


@pytest.mark.parametrize("parcel", ["21001-A-0123", "21001A0123/00B04", "hello"])
def test_owner_where_refuses_a_malformed_capakey(owner_client, new_draft, parcel):
    response = owner_client.post(
        step_url(new_draft, "where"),
        {"street": "Rue Haute", "cadastral_parcels": f"21004A0123/00B004\n{parcel}"},
    )
    assert response.status_code == 200
    error = field_error(response, "cadastral_parcels")
    assert "is not a cadastral parcel number (CaPaKey) such as 21001A0123/00B004." in error
    assert parcel in error
    site = Site.objects.get(pk=new_draft.pk)
    assert (site.street, site.cadastral_parcels) == ("", [])


def test_owner_errors_render_in_the_page_language(owner_client, new_draft):
    with translation.override("fr"):
        path = reverse("properties:owner_step", kwargs={"pk": new_draft.pk, "step": "where"})
    response = owner_client.post(path, {"cadastral_parcels": "nope"})
    assert path.startswith("/fr/")
    assert response.status_code == 200
    assert field_error(response, "cadastral_parcels") != ""
    assert response["Content-Language"] == "fr"


# --- Read-only states -------------------------------------------------------------------------


def test_owner_published_site_is_read_only(owner_client, owner):
    site = SiteFactory(owner=owner.active_organisation, street="Rue Haute")
    response = owner_client.get(step_url(site, "where"))
    html = response.content.decode()
    assert "its details can no longer be changed here" in html
    assert 'name="street"' in html
    assert "disabled" in html
    assert "Save and continue" not in html
    response = owner_client.post(step_url(site, "where"), {"street": "Rue Basse"}, follow=True)
    assert "its details can no longer be changed here" in response.content.decode()
    assert Site.objects.get(pk=site.pk).street == "Rue Haute"


def test_owner_submitted_site_is_still_editable(owner_client, owner):
    site = SiteFactory(state="submitted", publication="", owner=owner.active_organisation)
    owner_client.post(step_url(site, "what"), {"title_nl": "Nieuwe titel"})
    site.refresh_from_db()
    assert (site.title_nl, site.state) == ("Nieuwe titel", "submitted")
