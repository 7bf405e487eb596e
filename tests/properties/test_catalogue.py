"""The public catalogue (/<lang>/sites/) and the site page (/<lang>/sites/<reference>/)."""

import datetime
import math
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from loket.reference.models import ActivityType, EconomicModel, SiteKind
from properties.serializers import site_point

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db


def catalogue_url(language: str = "nl") -> str:
    with translation.override(language):
        return reverse("properties:catalogue")


def detail_url(site, language: str = "nl") -> str:
    with translation.override(language):
        return reverse("properties:detail", kwargs={"reference": site.reference})


def found(client, query: str = "", language: str = "nl") -> list[str]:
    response = client.get(f"{catalogue_url(language)}?{query}")
    assert response.status_code == 200
    return [site.reference for site in response.context["page"].object_list]


def economic_model(code: str) -> EconomicModel:
    return EconomicModel.objects.get(code=code)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


# --- Which sites are listed --------------------------------------------------------------------


def test_catalogue_lists_visible_public_sites_by_reference(client):
    SiteFactory(reference="S-2026-00003", state="fully_occupied")
    SiteFactory(reference="S-2026-00001")
    SiteFactory(reference="S-2026-00002", state="partly_occupied")
    SiteFactory(reference="S-2026-00010", state="draft", publication="")
    SiteFactory(reference="S-2026-00011", state="submitted", publication="")
    SiteFactory(reference="S-2026-00012", state="under_review", publication="")
    SiteFactory(reference="S-2026-00013", publication="desk_only")
    SiteFactory(reference="S-2026-00014", state="suspended")
    SiteFactory(reference="S-2026-00015", state="withdrawn")

    assert found(client) == ["S-2026-00001", "S-2026-00002", "S-2026-00003"]


def test_catalogue_does_not_list_unpublished_sites_even_to_their_owner(owner_client, owner):
    SiteFactory(owner=owner.active_organisation, state="draft", publication="")

    assert found(owner_client) == []


# --- Filters ------------------------------------------------------------------------------------


def test_filter_commune_takes_several(client):
    SiteFactory(reference="S-2026-00001", commune_id="21004")
    SiteFactory(reference="S-2026-00002", commune_id="21009", postcode="1050")
    SiteFactory(reference="S-2026-00003", commune_id="21001", postcode="1070")

    assert found(client, "commune=21004&commune=21009") == ["S-2026-00001", "S-2026-00002"]


def test_filter_surface_range_is_inclusive(client):
    SiteFactory(reference="S-2026-00001", units=[50])
    SiteFactory(reference="S-2026-00002", units=[120, 80])
    SiteFactory(reference="S-2026-00003", units=[1000])

    assert found(client, "surface_min=200&surface_max=500") == ["S-2026-00002"]
    assert found(client, "surface_min=100") == ["S-2026-00002", "S-2026-00003"]
    assert found(client, "surface_max=200") == ["S-2026-00001", "S-2026-00002"]


def test_filter_site_kind_by_code(client):
    SiteFactory(reference="S-2026-00001")
    SiteFactory(reference="S-2026-00002", kind=SiteKind.objects.get(code="land"))

    assert found(client, "kind=land") == ["S-2026-00002"]


def test_filter_dates_keep_sites_whose_availability_overlaps(client):
    SiteFactory(
        reference="S-2026-00001",
        available_from=datetime.date(2027, 1, 1),
        available_until=datetime.date(2027, 6, 30),
    )
    SiteFactory(
        reference="S-2026-00002",
        available_from=datetime.date(2028, 1, 1),
        available_until=None,
    )
    SiteFactory(
        reference="S-2026-00003",
        available_from=None,
        available_until=datetime.date(2026, 12, 31),
    )

    assert found(client, "available_from=2027-03-01&available_until=2027-12-31") == ["S-2026-00001"]
    assert found(client, "available_from=2035-01-01") == ["S-2026-00002"]
    assert found(client, "available_until=2026-06-01") == ["S-2026-00003"]
    assert found(client, "available_from=2027-06-30&available_until=2028-01-01") == [
        "S-2026-00001",
        "S-2026-00002",
    ]


def test_filter_activity_allowed(client):
    cultural = SiteFactory(reference="S-2026-00001")
    cultural.allowed_activities.set(ActivityType.objects.filter(code__in=["cultural", "social"]))
    social = SiteFactory(reference="S-2026-00002")
    social.allowed_activities.set(ActivityType.objects.filter(code="social"))

    assert found(client, "activity=cultural") == ["S-2026-00001"]
    assert found(client, "activity=social") == ["S-2026-00001", "S-2026-00002"]


def test_filter_open_to_public_only_when_ticked(client):
    SiteFactory(reference="S-2026-00001", open_to_public=True)
    SiteFactory(reference="S-2026-00002", open_to_public=False)

    assert found(client, "open_to_public=on") == ["S-2026-00001"]
    assert found(client, "") == ["S-2026-00001", "S-2026-00002"]


def test_filter_step_free_access_only_when_ticked(client):
    SiteFactory(reference="S-2026-00001", step_free_access=False)
    SiteFactory(reference="S-2026-00002", step_free_access=True)

    assert found(client, "step_free_access=on") == ["S-2026-00002"]


def test_filter_economic_model_by_code(client):
    SiteFactory(reference="S-2026-00001", economic_model=economic_model("free"))
    SiteFactory(reference="S-2026-00002")

    assert found(client, "economic_model=free") == ["S-2026-00001"]


def test_filter_max_cost_leaves_out_unknown_costs(client):
    SiteFactory(reference="S-2026-00001", economic_model=economic_model("free"))
    SiteFactory(reference="S-2026-00002")  # charges only: € 300
    SiteFactory(
        reference="S-2026-00003",
        economic_model=economic_model("fee_per_person"),
        fee_amount=Decimal("50"),
    )
    SiteFactory(
        reference="S-2026-00004",
        economic_model=economic_model("all_in"),
        fee_amount=Decimal("1200"),
    )

    assert found(client, "max_cost=300") == ["S-2026-00001", "S-2026-00002"]
    assert found(client) == ["S-2026-00001", "S-2026-00002", "S-2026-00003", "S-2026-00004"]


def test_filters_combine(client):
    SiteFactory(reference="S-2026-00001", units=[300], open_to_public=True)
    SiteFactory(reference="S-2026-00002", units=[300], open_to_public=False)
    SiteFactory(reference="S-2026-00003", units=[30], open_to_public=True)

    assert found(client, "surface_min=100&open_to_public=on&commune=21004") == ["S-2026-00001"]


def test_filters_stay_in_the_form_and_the_links(client):
    SiteFactory(commune_id="21004")

    response = client.get(
        f"{catalogue_url()}?commune=21004&surface_min=100&surface_max=&kind=building&page=1"
    )
    html = response.content.decode()

    assert re.search(r'name="surface_min" value="100"', html)
    assert re.search(r'value="21004"[^>]*checked', html)
    assert re.search(r'<option value="building" selected>', html)
    assert (
        'data-map-url="/nl/sites/map.json?commune=21004&amp;surface_min=100&amp;kind=building"'
        in html
    )
    assert 'href="/api/sites.csv?commune=21004&amp;surface_min=100&amp;kind=building"' in html


def test_invalid_filters_show_a_message_next_to_the_field(client):
    response = client.get(f"{catalogue_url('en')}?surface_min=lots&commune=99999")

    assert response.context["page"] is None
    assert response.context["form"].errors == {
        "surface_min": ["Enter a number."],
        "commune": ["Select a valid choice. 99999 is not one of the available choices."],
    }
    assert 'aria-invalid="true"' in response.content.decode()


def test_invalid_filter_message_is_translated(client):
    response = client.get(f"{catalogue_url('fr')}?surface_min=lots")

    assert response.context["form"].errors == {"surface_min": ["Saisissez un nombre."]}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            "surface_min=1e-99999999",
            {"surface_min": ["Ensure that there are no more than 1 decimal place."]},
        ),
        (
            "surface_max=1e99999999",
            {"surface_max": ["Ensure this value is less than or equal to 10000000."]},
        ),
        ("surface_min=-5", {"surface_min": ["Ensure this value is greater than or equal to 0."]}),
        (
            "max_cost=1e-99999999",
            {"max_cost": ["Ensure that there are no more than 2 decimal places."]},
        ),
        (
            "max_cost=99999999999999999999",
            {"max_cost": ["Ensure this value is less than or equal to 1000000000."]},
        ),
        ("max_cost=NaN", {"max_cost": ["Enter a number."]}),
    ],
)
def test_numbers_out_of_range_are_refused_next_to_the_field(client, query, errors):
    SiteFactory()
    response = client.get(f"{catalogue_url('en')}?{query}")

    assert (response.status_code, response.context["page"]) == (200, None)
    assert response.context["form"].errors == errors


def test_zeros_after_the_last_decimal_do_not_count(client):
    SiteFactory(reference="S-2026-00001", units=[200])

    response = client.get(
        f"{catalogue_url('en')}?surface_min=199.9000&max_cost=300.000&surface_max=0e-9"
    )

    assert response.context["form"].errors == {
        "surface_max": ["The maximum surface must not be below the minimum surface."]
    }
    response = client.get(f"{catalogue_url('en')}?surface_min=199.9000&max_cost=300.000")
    assert [site.reference for site in response.context["page"].object_list] == ["S-2026-00001"]


def test_out_of_range_message_is_translated(client):
    response = client.get(f"{catalogue_url('fr')}?surface_min=1e-99999999")

    assert response.context["form"].errors == {
        "surface_min": ["Assurez-vous qu'il n'y a pas plus de 1 chiffre après la virgule."]
    }


def test_dates_in_the_wrong_order_are_refused(client):
    response = client.get(
        f"{catalogue_url('en')}?available_from=2028-01-01&available_until=2027-01-01"
    )

    assert response.context["form"].errors == {
        "available_until": ["“Needed until” must not be before “needed from”."]
    }


def test_catalogue_pages_by_twenty_and_keeps_the_filters(client):
    for number in range(1, 26):
        SiteFactory(reference=f"S-2026-{number:05d}")

    first = client.get(f"{catalogue_url('en')}?commune=21004")
    second = client.get(f"{catalogue_url('en')}?commune=21004&page=2")

    assert len(first.context["page"].object_list) == 20
    assert [site.reference for site in second.context["page"].object_list] == [
        f"S-2026-{number:05d}" for number in range(21, 26)
    ]
    assert "25 sites found" in first.content.decode()
    assert 'href="?commune=21004&amp;page=2"' in first.content.decode()


def pagination_links(html: str) -> list[str]:
    """The links of the page's one pagination block, in order."""
    (nav,) = re.findall(r'<nav class="pagination".*?</nav>', html, re.DOTALL)
    return re.findall(r"<a [^>]*>[^<]*</a>", nav)


@pytest.mark.parametrize(
    ("language", "nav", "status", "previous", "next_", "label"),
    [
        (
            "nl",
            "Resultaatpagina's",
            "Pagina 2 van 3",
            "Vorige pagina",
            "Volgende pagina",
            "Pagina",
        ),
        ("fr", "Pages de résultats", "Page 2 sur 3", "Page précédente", "Page suivante", "Page"),
    ],
)
def test_catalogue_page_links_keep_the_filters_in_the_readers_language(
    client, language, nav, status, previous, next_, label
):
    SiteFactory.create_batch(45)

    html = client.get(
        f"{catalogue_url(language)}?commune=21004&surface_max=&page=2"
    ).content.decode()

    # The form's empty fields are left out of the links; the filter is kept.
    query = "?commune=21004&amp;page="
    assert pagination_links(html) == [
        f'<a href="{query}1" rel="prev">{previous}</a>',
        f'<a href="{query}1" aria-label="{label} 1">1</a>',
        f'<a href="{query}2" aria-current="page" aria-label="{label} 2">2</a>',
        f'<a href="{query}3" aria-label="{label} 3">3</a>',
        f'<a href="{query}3" rel="next">{next_}</a>',
    ]
    assert html.count(f'<nav class="pagination" aria-label="{nav}">') == 1
    assert html.count(f'<p class="pagination-status">{status}</p>') == 1


@pytest.mark.parametrize(("asked", "shown"), [("99", 2), ("abc", 1), ("0", 2)])
def test_catalogue_shows_the_nearest_page_for_a_page_number_it_does_not_have(client, asked, shown):
    SiteFactory.create_batch(25)

    response = client.get(f"{catalogue_url('en')}?page={asked}")

    assert (response.status_code, response.context["page"].number) == (200, shown)


# --- What a result shows ------------------------------------------------------------------------


def test_catalogue_result_shows_the_public_facts(client):
    site = SiteFactory(
        reference="S-2026-00007",
        title_nl="Oude drukkerij",
        title_fr="Ancienne imprimerie",
        units=[120, 80],
    )

    nl = client.get(catalogue_url("nl")).content.decode()
    fr = client.get(catalogue_url("fr")).content.decode()

    assert f'<a href="/nl/sites/{site.reference}/">Oude drukkerij</a>' in nl
    assert f'<a href="/fr/sites/{site.reference}/">Ancienne imprimerie</a>' in fr
    assert "Brussel" in nl
    assert "Bruxelles" in fr
    assert "200 m²" in nl
    assert "€ 300,00" in nl


def test_catalogue_notes_a_title_only_in_the_other_language(client):
    SiteFactory(title_nl="", title_fr="Atelier partagé")

    en = client.get(catalogue_url("en")).content.decode()
    nl = client.get(catalogue_url("nl")).content.decode()
    fr = client.get(catalogue_url("fr")).content.decode()

    assert "Not translated: title in French" in en
    assert 'lang="fr">Atelier partagé</a>' in nl
    assert 'class="other-language"' in nl
    assert 'class="other-language"' not in fr


def test_catalogue_map_is_configured_from_settings(client):
    html = client.get(catalogue_url("fr")).content.decode()

    assert f'data-tile-url="{settings.MAP_TILE_URL}"' in html
    assert 'data-tile-attribution="© OpenStreetMap contributors"' in html
    assert 'data-map-url="/fr/sites/map.json"' in html
    assert 'data-language="fr"' in html
    assert 'role="region"' in html
    assert '<script src="/static/loket/js/catalogue-map.js"></script>' in html
    assert "<script>" not in html
    assert "style=" not in html


# --- The site page ------------------------------------------------------------------------------


def test_detail_page_in_dutch_and_french(client):
    site = SiteFactory(
        title_nl="Oude drukkerij",
        title_fr="Ancienne imprimerie",
        description_nl="Grote zalen.",
        description_fr="Grandes salles.",
        units=[120, 80],
    )
    site.allowed_activities.set(ActivityType.objects.filter(code="cultural"))

    nl = client.get(detail_url(site, "nl")).content.decode()
    fr = client.get(detail_url(site, "fr")).content.decode()

    assert "<h1>Oude drukkerij</h1>" in nl
    assert "<p>Grote zalen.</p>" in nl
    assert "Cultureel of feestelijk" in nl
    assert "<h1>Ancienne imprimerie</h1>" in fr
    assert "<p>Grandes salles.</p>" in fr
    assert "Culturel ou festif" in fr
    assert "Grote zalen." not in fr


def test_detail_page_shows_units_terms_and_how_to_apply(client):
    site = SiteFactory(units=[120, 80], has_water=True, deposit=Decimal("900"))
    en = client.get(detail_url(site, "en"))
    html = en.content.decode()

    assert [unit.surface_m2 for unit in en.context["units"]] == [Decimal("120"), Decimal("80")]
    assert [str(feature) for feature in en.context["features"]] == ["water"]
    assert "€ 900.00" in html
    assert 'href="/en/accounts/signup/"' in html
    assert 'href="/en/accounts/login/?next=/en/sites/' in html


def test_detail_page_notes_a_description_only_in_the_other_language(client):
    site = SiteFactory(description_nl="Alleen in het Nederlands.", description_fr="")

    en = client.get(detail_url(site, "en")).content.decode()
    fr = client.get(detail_url(site, "fr")).content.decode()

    assert "This description has not been translated: it is in Dutch." in en
    assert '<div class="site-description" lang="nl"><p>Alleen in het Nederlands.</p></div>' in fr


def test_detail_page_shows_the_address_when_the_location_is_exact(client):
    site = SiteFactory(street="Rue Haute", number="12", postcode="1000")

    html = client.get(detail_url(site)).content.decode()

    assert "Rue Haute 12, 1000" in html
    assert 'data-latitude="50.846700" data-longitude="4.352500"' in html


def test_hidden_location_never_leaks_in_html(client):
    site = SiteFactory(
        street="Geheimstraat",
        number="13",
        latitude=Decimal("50.812345"),
        longitude=Decimal("4.361234"),
        public_precision="hidden",
    )

    pages = [
        client.get(catalogue_url()).content.decode(),
        client.get(detail_url(site)).content.decode(),
    ]

    for html in pages:
        assert "Geheimstraat" not in html
        assert "50.81" not in html
        assert "4.36" not in html
        assert "Brussel" in html
    assert "data-site-map" not in pages[1]


def test_approximate_location_is_shifted_100_to_250_m_and_shows_no_street(client):
    site = SiteFactory(street="Geheimstraat", public_precision="approximate")

    html = client.get(detail_url(site)).content.decode()
    latitude = float(re.search(r'data-latitude="([0-9.]+)"', html).group(1))
    longitude = float(re.search(r'data-longitude="([0-9.]+)"', html).group(1))

    assert (latitude, longitude) == site_point(site)
    assert 100 <= distance_m((latitude, longitude), (50.8467, 4.3525)) <= 250
    assert "Geheimstraat" not in html
    assert "50.846700" not in html


def test_detail_page_never_shows_owner_or_private_data(client):
    site = SiteFactory(
        owner__name="Immo Geheim NV",
        internal_reference="INT-SECRET-42",
        desk_message="Interne opmerking",
    )
    site.documents.create(title="Privé plan", file="sites/x/documents/a.pdf", is_public=False)

    html = client.get(detail_url(site)).content.decode()

    assert "Immo Geheim NV" not in html
    assert "INT-SECRET-42" not in html
    assert "Interne opmerking" not in html
    assert "Privé plan" not in html
    assert 'aria-labelledby="documents-title"' not in html


def test_detail_page_links_public_documents_only(client):
    site = SiteFactory()
    site.documents.create(title="Privé plan", file="sites/x/documents/a.pdf", is_public=False)
    public = site.documents.create(
        title="Grondplan", file="sites/x/documents/b.pdf", is_public=True
    )

    html = client.get(detail_url(site)).content.decode()

    assert (
        f'<a href="{reverse("properties:document", args=[site.pk, public.pk])}">Grondplan</a>'
        in html
    )
    assert "Privé plan" not in html


def test_detail_page_shows_thumbnails_linking_to_full_photos(client):
    site = SiteFactory()
    photo = site.photos.create(
        image="sites/x/photos/a.jpg",
        thumbnail="sites/x/photos/a-thumb.jpg",
        width=800,
        height=600,
        caption_nl="De grote hal",
        caption_fr="Le grand hall",
    )

    html = client.get(detail_url(site, "fr")).content.decode()

    assert (
        f'<a href="/fr/sites/{site.pk}/photos/{photo.pk}/full/">'
        f'<img src="/fr/sites/{site.pk}/photos/{photo.pk}/thumb/" alt="Le grand hall"'
    ) in html


# --- Who sees an unpublished site ---------------------------------------------------------------

HIDDEN_SITES = [
    {"state": "draft", "publication": ""},
    {"state": "submitted", "publication": ""},
    {"state": "published", "publication": "desk_only"},
    {"state": "suspended", "publication": "public"},
    {"state": "withdrawn", "publication": "public"},
]


@pytest.mark.parametrize("fields", HIDDEN_SITES)
@pytest.mark.parametrize("persona", ["anonymous_client", "holder_client", "other_owner_client"])
def test_unpublished_site_is_a_404_for_outsiders(request, owner, fields, persona):
    site = SiteFactory(owner=owner.active_organisation, **fields)
    client = request.getfixturevalue(persona)

    assert client.get(detail_url(site)).status_code == 404


@pytest.mark.parametrize("fields", HIDDEN_SITES)
@pytest.mark.parametrize("persona", ["owner_client", "caseworker_client"])
def test_unpublished_site_is_shown_with_a_banner_to_owner_and_desk(request, owner, fields, persona):
    site = SiteFactory(owner=owner.active_organisation, **fields)
    client = request.getfixturevalue(persona)

    response = client.get(detail_url(site, "en"))

    assert response.status_code == 200
    assert response.context["is_public"] is False
    assert "This site is not public." in response.content.decode()
    assert f"Its state is “{site.get_state_display()}”." in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["anonymous_client", "holder_client", "other_owner_client", "owner_client"]
)
def test_published_site_is_open_to_everyone_without_banner(request, owner, persona):
    site = SiteFactory(owner=owner.active_organisation)
    client = request.getfixturevalue(persona)

    response = client.get(detail_url(site, "en"))

    assert response.status_code == 200
    assert "This site is not public." not in response.content.decode()


def test_unknown_reference_is_a_404(client):
    assert client.get("/nl/sites/S-2026-99999/").status_code == 404


# --- Queries ------------------------------------------------------------------------------------

# The count and the page of sites, and the four reference lists read into the empty cache.
CATALOGUE_QUERIES = 6


@pytest.mark.parametrize("count", [1, 30])
def test_catalogue_runs_a_constant_number_of_queries(client, django_assert_num_queries, count):
    activities = list(ActivityType.objects.filter(code__in=["cultural", "social"]))
    for _ in range(count):
        site = SiteFactory(units=[120, 80])
        site.allowed_activities.set(activities)

    with django_assert_num_queries(CATALOGUE_QUERIES):
        response = client.get(f"{catalogue_url()}?commune=21004&surface_min=10")

    assert len(response.context["page"].object_list) == min(count, 20)


def test_site_page_leads_a_signed_in_visitor_to_the_application_form(holder_client):
    site = SiteFactory()
    html = holder_client.get(f"/en/sites/{site.reference}/").content.decode()
    assert 'href="/en/my/applications/new/"' in html
    assert site.reference in html.split('id="interested-title"')[1]


def test_site_page_leads_an_anonymous_visitor_to_signup(client):
    site = SiteFactory()
    html = client.get(f"/en/sites/{site.reference}/").content.decode()
    assert 'href="/en/accounts/signup/"' in html
    assert 'href="/en/my/applications/new/"' not in html


@pytest.mark.parametrize(
    "language, expected",
    [
        ("nl", "Oppervlakte vanaf (m²): Voer een getal in."),
        ("fr", "Superficie à partir de (m²) : Saisissez un nombre."),
    ],
)
def test_the_error_summary_names_the_field_in_the_readers_typography(client, language, expected):
    html = client.get(f"{catalogue_url(language)}?surface_min=abc").content.decode()

    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert re.findall(r'<a href="#id_surface_min">(.*?)</a>', summary) == [expected]
