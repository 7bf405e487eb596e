"""Which saved searches a published site fits (projects.selectors.saved_searches_fitting), and
the task that records them when a site is published."""

from decimal import Decimal

import pytest
from django.core import mail

from loket.notifications.models import Notification
from loket.reference.models import ActivityType, EconomicModel
from projects.domain.saved_searches import saved_search_create
from projects.models import SavedSearch, SavedSearchMatch
from projects.selectors import saved_searches_fitting
from projects.tasks import saved_searches_record_matches
from properties.domain import site_transition

from ..factories import SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def save(user, name: str, query: str) -> SavedSearch:
    return saved_search_create(user=user, name=name, query=query)


def fitting(site) -> list[str]:
    return sorted(saved_searches_fitting(site).values_list("name", flat=True))


def fits(site, query: str) -> bool:
    """Whether `site` fits a search saved from the catalogue query `query`."""
    SavedSearch.objects.all().delete()
    save(UserFactory(), "search", query)
    return fitting(site) == ["search"]


@pytest.fixture
def site():
    """200 m² building in Brussels City, charges only (€ 300 a month), 2027–2029."""
    return SiteFactory()


# --- Each criterion ----------------------------------------------------------------------------


def test_an_empty_search_fits_every_site(site):
    assert fits(site, "") is True


def test_surface_min(site):
    assert (fits(site, "surface_min=200"), fits(site, "surface_min=201")) == (True, False)


def test_surface_max(site):
    assert (fits(site, "surface_max=200"), fits(site, "surface_max=199")) == (True, False)


def test_surface_range(site):
    assert (
        fits(site, "surface_min=100&surface_max=300"),
        fits(site, "surface_min=250&surface_max=300"),
    ) == (True, False)


def test_commune(site):
    assert (fits(site, "commune=21004"), fits(site, "commune=21001")) == (True, False)


def test_several_communes_fit_if_one_is_the_sites(site):
    assert (
        fits(site, "commune=21001&commune=21004"),
        fits(site, "commune=21001&commune=21005"),
    ) == (True, False)


def test_no_communes_means_anywhere():
    assert (
        fits(SiteFactory(commune_id="21001"), ""),
        fits(SiteFactory(commune_id="21005"), ""),
    ) == (True, True)


def test_kind(site):
    assert (fits(site, "kind=building"), fits(site, "kind=land")) == (True, False)


def test_activity():
    site = SiteFactory()
    site.allowed_activities.set(ActivityType.objects.filter(code__in=["cultural", "studios"]))
    assert (fits(site, "activity=studios"), fits(site, "activity=sport")) == (True, False)


def test_activity_on_a_site_without_activities(site):
    assert (fits(site, ""), fits(site, "activity=cultural")) == (True, False)


def test_economic_model(site):
    assert (fits(site, "economic_model=charges_only"), fits(site, "economic_model=free")) == (
        True,
        False,
    )


def test_max_cost(site):
    assert (fits(site, "max_cost=300"), fits(site, "max_cost=299")) == (True, False)


def test_max_cost_leaves_out_a_site_whose_cost_is_unknown():
    site = SiteFactory(
        economic_model=EconomicModel.objects.get(code="fee_per_person"), fee_amount=Decimal("50")
    )
    assert site.estimated_monthly_cost is None
    assert (fits(site, ""), fits(site, "max_cost=100000")) == (True, False)


def test_open_to_public():
    closed, open_ = SiteFactory(open_to_public=False), SiteFactory(open_to_public=True)
    assert (
        fits(open_, "open_to_public=on"),
        fits(closed, "open_to_public=on"),
        fits(closed, ""),
    ) == (True, False, True)


def test_step_free():
    steps, step_free = SiteFactory(step_free_access=False), SiteFactory(step_free_access=True)
    assert (
        fits(step_free, "step_free_access=on"),
        fits(steps, "step_free_access=on"),
        fits(steps, ""),
    ) == (True, False, True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("available_from=2029-12-31", True),  # the last day of the site
        ("available_from=2030-01-01", False),  # after the site ends
        ("available_until=2027-01-01", True),  # the first day of the site
        ("available_until=2026-12-31", False),  # before the site starts
        ("available_from=2026-01-01&available_until=2030-12-31", True),  # around it
        ("available_from=2028-01-01&available_until=2028-06-30", True),  # inside it
        ("available_from=2025-01-01&available_until=2026-06-30", False),  # before
    ],
)
def test_availability_overlap(site, query, expected):
    assert fits(site, query) is expected


def test_open_ended_site_fits_any_later_period():
    site = SiteFactory(available_from=None, available_until=None)
    assert (fits(site, "available_from=2040-01-01&available_until=2041-01-01"), fits(site, "")) == (
        True,
        True,
    )


def test_several_criteria_must_all_fit(site):
    user = UserFactory()
    save(user, "all fit", "commune=21004&surface_min=100&kind=building&max_cost=500")
    save(user, "cost too low", "commune=21004&surface_min=100&kind=building&max_cost=100")
    save(user, "wrong commune", "commune=21001&surface_min=100&kind=building")
    save(user, "anywhere", "")
    assert fitting(site) == ["all fit", "anywhere"]


def test_a_search_with_several_communes_is_listed_once(site):
    save(UserFactory(), "two communes", "commune=21004&commune=21001&commune=21005")
    assert list(saved_searches_fitting(site).values_list("name", flat=True)) == ["two communes"]


# --- Constant number of queries ----------------------------------------------------------------


def many_searches(count: int) -> None:
    users = [UserFactory(), UserFactory()]
    searches = SavedSearch.objects.bulk_create(
        SavedSearch(
            user=users[n % 2],
            name=f"search {n}",
            surface_min=Decimal(n % 300),
            max_cost=Decimal(200 + n) if n % 3 else None,
            needs_open_to_public=n % 7 == 0,
        )
        for n in range(count)
    )
    through = SavedSearch.communes.through
    through.objects.bulk_create(
        through(savedsearch_id=search.pk, commune_id=("21004", "21001")[n % 2])
        for n, search in enumerate(searches)
        if n % 5 == 0
    )


@pytest.mark.parametrize("count", [1, 500])
def test_fitting_takes_the_same_queries_however_many_searches(count, django_assert_num_queries):
    site = SiteFactory()
    many_searches(count)
    # One for the site's activities, one for the searches.
    with django_assert_num_queries(2):
        found = list(saved_searches_fitting(site))
    assert len(found) == len({search.pk for search in found})


def test_fitting_with_500_searches_finds_exactly_the_fitting_ones(site):
    many_searches(500)
    expected = sorted(
        f"search {n}"
        for n in range(500)
        if n % 300 <= 200
        and (n % 3 == 0 or 200 + n >= 300)
        and n % 7 != 0
        and (n % 5 != 0 or n % 2 == 0)
    )
    assert fitting(site) == expected


# --- Recording matches when a site is published ------------------------------------------------


def test_publishing_records_matches_for_the_fitting_searches(
    caseworker_user, django_capture_on_commit_callbacks
):
    user = UserFactory()
    save(user, "Brussels", "commune=21004")
    save(user, "anywhere", "")
    save(user, "Anderlecht", "commune=21001")
    save(user, "too small", "surface_min=1000")
    site = SiteFactory(state="under_review", publication="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        site_transition(
            site=site, to_state="published", actor=caseworker_user, publication="public"
        )
    # The publication's own callback, then the two alerts it wrote to the outbox.
    assert len(callbacks) == 3
    assert sorted(
        SavedSearchMatch.objects.filter(site=site).values_list("saved_search__name", flat=True)
    ) == ["Brussels", "anywhere"]
    first = set(SavedSearchMatch.objects.values_list("pk", "saved_search_id", "site_id"))
    alerts = sorted(m.subject for m in mail.outbox if m.to == [user.email])
    assert alerts == [
        "Loket: een nieuwe site past bij je zoekopdracht “Brussels”",
        "Loket: een nieuwe site past bij je zoekopdracht “anywhere”",
    ]
    # Running the task again (a retry, a second publication) adds, and sends, nothing.
    assert saved_searches_record_matches(site.pk) == 0
    assert saved_searches_record_matches.delay(site.pk).get() == 0
    assert set(SavedSearchMatch.objects.values_list("pk", "saved_search_id", "site_id")) == first
    assert len(first) == 2
    assert Notification.objects.filter(kind="saved_search_match").count() == 2


def test_a_desk_only_publication_records_nothing(
    caseworker_user, django_capture_on_commit_callbacks
):
    save(UserFactory(), "anywhere", "")
    site = SiteFactory(state="under_review", publication="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        site_transition(
            site=site, to_state="published", actor=caseworker_user, publication="desk_only"
        )
    assert (len(callbacks), SavedSearchMatch.objects.count()) == (0, 0)


def test_the_task_for_a_deleted_site_does_nothing():
    save(UserFactory(), "anywhere", "")
    assert (saved_searches_record_matches(999_999), SavedSearchMatch.objects.count()) == (0, 0)
