"""The demo catalogue that `seed_demo` builds: broad enough to show every feature."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from loket.organisations.models import Organisation
from loket.organisations.validators import enterprise_number_is_valid
from properties.enums import Publication, SiteState
from properties.models import Site, SitePhoto, SiteTransition, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=StringIO())


def counts() -> tuple[int, ...]:
    return (
        Site.objects.count(),
        Unit.objects.count(),
        SitePhoto.objects.count(),
        SiteTransition.objects.count(),
        Organisation.objects.count(),
    )


def test_seed_demo_builds_at_least_40_sites_in_12_communes(seeded):
    assert Site.objects.count() >= 40
    assert Site.objects.values("commune").distinct().count() >= 12


def test_seed_demo_sites_range_from_30_to_12000_m2(seeded):
    surfaces = list(Site.objects.values_list("total_surface_m2", flat=True))

    assert (min(surfaces), max(surfaces)) == (Decimal("30"), Decimal("12000"))


def test_seed_demo_has_the_large_office_near_a_metro_station(seeded):
    office = Site.objects.get(internal_reference="DEMO-001")

    assert Decimal("6000") <= office.total_surface_m2 <= Decimal("9000")
    assert (office.state, office.publication, office.commune_id) == (
        SiteState.PUBLISHED,
        Publication.PUBLIC,
        "21004",
    )
    assert office.units.count() >= 4
    assert "IJzer" in office.title_nl
    assert "Yser" in office.title_fr


def test_seed_demo_postcodes_fit_their_communes(seeded):
    misfits = [
        site.internal_reference
        for site in Site.objects.select_related("commune")
        if not site.commune.accepts_postcode(site.postcode)
    ]

    assert misfits == []


def test_seed_demo_sites_mix_kinds_states_and_languages(seeded):
    kinds = set(Site.objects.values_list("kind__code", flat=True))
    states = list(Site.objects.values_list("state", flat=True))
    publications = set(
        Site.objects.filter(state=SiteState.PUBLISHED).values_list("publication", flat=True)
    )

    assert kinds == {"building", "land", "both"}
    assert states.count(SiteState.PUBLISHED) > len(states) / 2
    assert {
        SiteState.DRAFT,
        SiteState.SUBMITTED,
        SiteState.UNDER_REVIEW,
        SiteState.PARTLY_OCCUPIED,
        SiteState.SUSPENDED,
    } <= set(states)
    assert publications == {Publication.PUBLIC, Publication.DESK_ONLY}
    assert Site.objects.filter(title_nl="").exclude(title_fr="").exists()
    assert Site.objects.filter(title_fr="").exclude(title_nl="").exists()
    assert set(Site.objects.values_list("public_precision", flat=True)) == {
        "exact",
        "approximate",
        "hidden",
    }
    assert 10 <= SitePhoto.objects.count() <= 20
    assert (
        Site.objects.filter(units__kind__code="office").filter(units__kind__code="storage").exists()
    )


def test_seed_demo_states_come_from_transitions(seeded):
    published = Site.objects.get(internal_reference="DEMO-001")

    assert list(published.transitions.values_list("from_state", "to_state")) == [
        (SiteState.DRAFT, SiteState.SUBMITTED),
        (SiteState.SUBMITTED, SiteState.UNDER_REVIEW),
        (SiteState.UNDER_REVIEW, SiteState.PUBLISHED),
    ]
    assert published.transitions.last().actor.email == "caseworker@demo.loket.brussels"
    assert all(site.reference for site in Site.objects.all())
    assert not SiteTransition.objects.filter(site__state=SiteState.DRAFT).exists()


def test_seed_demo_owner_organisations_have_valid_enterprise_numbers(seeded):
    owners = Organisation.objects.filter(sites__isnull=False).distinct()

    assert owners.count() == 4
    assert all(enterprise_number_is_valid(owner.enterprise_number) for owner in owners)


def test_seed_demo_sites_twice_changes_no_counts(seeded):
    before = counts()

    call_command("seed_demo", stdout=StringIO())

    assert counts() == before
