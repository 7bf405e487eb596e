"""The candidate screens: the best sites for an application and the best applications for a
site, each line explained, with one-click matches, a recompute button and the suggested
sharing of a large site."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from matching.domain import (
    match_create,
    suggestions_refresh_for_application,
    suggestions_refresh_for_site,
)
from matching.enums import Direction, MatchState
from matching.models import Match, MatchTransition, Suggestion
from projects.models import Application

from ..factories import ApplicationFactory, OrganisationFactory, SiteFactory
from .helpers import fitting_pair

pytestmark = pytest.mark.django_db
M = MatchState


@pytest.fixture
def desk_client(caseworker_client):
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return caseworker_client


@pytest.fixture
def orgs(holder, owner):
    return holder.memberships.get().organisation, owner.memberships.get().organisation


@pytest.fixture
def pair(orgs):
    return fitting_pair(holder_org=orgs[0], owner_org=orgs[1])


def for_application(application) -> str:
    return f"/admin/matching/match/for-application/{application.pk}/"


def for_site(site) -> str:
    return f"/admin/matching/match/for-site/{site.pk}/"


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def another_application(number: int, **fields) -> Application:
    return ApplicationFactory(
        complete=True,
        state="qualified",
        reference=f"LTG-2026-{number:04d}",
        submitted_at=timezone.now() - datetime.timedelta(days=30),
        **fields,
    )


# --- Sites for an application ----------------------------------------------------------------


def test_application_screen_ranks_the_stored_suggestions_with_their_explanation(desk_client, pair):
    application, site = pair
    suggestions_refresh_for_application(application_id=application.pk)
    suggestion = Suggestion.objects.get(direction=Direction.SITES_FOR_APPLICATION)

    response = desk_client.get(for_application(application))

    content = response.content.decode()
    assert [row["suggestion"] for row in response.context["rows"]] == [suggestion]
    assert [(line.points, line.max_points) for line in response.context["rows"][0]["lines"]] == [
        (line["points"], line["max"]) for line in suggestion.lines
    ]
    assert str(site) in content
    assert f"{suggestion.score}/100" in content
    assert "120 m² for an ideal of 150 m²." in content
    assert "Waiting in the pool for 2 months." in content
    assert "Shortlist" in content
    assert "Propose to the owner" in content


def test_application_screen_recompute_now_writes_the_suggestions(desk_client, pair):
    application, site = pair
    assert Suggestion.objects.count() == 0

    response = desk_client.post(for_application(application), {"do": "recompute"}, follow=True)

    assert messages_of(response) == ["Recomputed: 1 suggestion."]
    assert list(
        Suggestion.objects.filter(application=application).values_list("direction", "site")
    ) == [("a", site.pk)]


@pytest.mark.parametrize(
    ("button", "state"), [("shortlist", "shortlisted"), ("propose", "proposed_owner")]
)
def test_application_screen_one_click_creates_the_match(
    desk_client, pair, caseworker_user, button, state
):
    application, site = pair
    suggestions_refresh_for_application(application_id=application.pk)

    response = desk_client.post(
        for_application(application), {"do": button, "site": site.pk}, follow=True
    )

    match = Match.objects.get()
    assert (match.application, match.site, match.state, match.caseworker) == (
        application,
        site,
        state,
        caseworker_user,
    )
    assert list(MatchTransition.objects.values_list("to_state", flat=True)) == [
        "suggested",
        state,
    ]
    assert messages_of(response)[0].startswith(f"{application.reference} ↔ {site.reference}: ")
    content = response.content.decode()
    # The row now points to its match, and the match is listed as open.
    assert f"/admin/matching/match/{match.pk}/change/" in content
    assert "In a match: " in content
    assert [m.pk for m in response.context["open_matches"]] == [match.pk]


def test_application_screen_second_click_says_the_match_exists(desk_client, pair, caseworker_user):
    application, site = pair
    match_create(application=application, site=site, actor=caseworker_user)

    response = desk_client.post(
        for_application(application), {"do": "shortlist", "site": site.pk}, follow=True
    )

    assert messages_of(response) == ["This site is already in an open match with this application."]
    assert Match.objects.count() == 1


def test_application_screen_check_one_site_lists_each_failed_filter(desk_client, orgs, pair):
    application, _site = pair
    small = SiteFactory(owner=orgs[1], units=[50], commune_id="21015", open_to_public=False)

    response = desk_client.get(for_application(application), {"site": small.reference})

    content = response.content.decode()
    assert f"{small} is excluded:" in content
    sentences = [line.sentence for line in response.context["check"]["lines"]]
    assert sentences == [
        "Too small: 50 m² usable, at least 100 m² asked.",
        "Schaerbeek is not among the communes asked for.",
    ]
    for sentence in sentences:
        assert f"<li>{sentence}</li>" in content


def test_application_screen_check_a_fitting_site_shows_its_score(desk_client, pair):
    application, site = pair

    response = desk_client.get(for_application(application), {"site": site.reference.lower()})

    check = response.context["check"]
    assert (check["site"], check["excluded"]) == (site, False)
    assert f"{site} passes every hard filter, with a score of {check['score']}/100" in (
        response.content.decode()
    )


def test_application_screen_check_an_unknown_reference(desk_client, pair):
    application, _site = pair

    response = desk_client.get(for_application(application), {"site": "S-1999-00001"})

    assert "No site has the reference S-1999-00001." in response.content.decode()


def test_application_screen_in_constant_queries(desk_client, orgs, pair, django_assert_num_queries):
    application, _site = pair
    suggestions_refresh_for_application(application_id=application.pk)
    desk_client.get(for_application(application))  # warm caches
    with django_assert_num_queries(10) as one:
        response = desk_client.get(for_application(application))
    assert len(response.context["rows"]) == 1
    for number in range(8):
        owner = OrganisationFactory()
        SiteFactory(owner=owner, units=[100 + number, 60], available_until=None)
    suggestions_refresh_for_application(application_id=application.pk)

    with django_assert_num_queries(len(one.captured_queries)):
        response = desk_client.get(for_application(application))

    assert len(response.context["rows"]) == 9


# --- Applications for a site -----------------------------------------------------------------


def test_site_screen_ranks_applications_and_suggests_a_sharing(desk_client, pair):
    application, site = pair
    second = another_application(902)
    suggestions_refresh_for_site(site_id=site.pk)

    response = desk_client.get(for_site(site))

    content = response.content.decode()
    ranked = [row["suggestion"].application for row in response.context["rows"]]
    assert ranked == [application, second]  # waited longer, so scores higher
    assert "120 m² for an ideal of 150 m²." in content
    # Units 120 and 80: the first gets 120 m², the 80 m² left are too small for the second.
    sharing = response.context["sharing"]
    assert [(row["application"], row["share"].surface) for row in sharing["shares"]] == [
        (application, 120)
    ]
    assert sharing["skipped"] == [second]
    assert "In all: 120 m² used, 80 m² free, 60% occupied." in content
    assert "the applications are taken in the order of their score for this" in content


def test_site_screen_one_click_proposes_to_the_owner(desk_client, pair):
    application, site = pair

    desk_client.post(for_site(site), {"do": "propose", "application": application.pk})

    match = Match.objects.get()
    assert (match.application, match.site, match.state) == (application, site, M.PROPOSED_OWNER)


def test_site_screen_recompute_now(desk_client, pair):
    application, site = pair

    response = desk_client.post(for_site(site), {"do": "recompute"}, follow=True)

    assert messages_of(response) == ["Recomputed: 1 suggestion."]
    assert sorted(Suggestion.objects.values_list("direction", "application", "site")) == [
        ("a", application.pk, site.pk),
        ("s", application.pk, site.pk),
    ]


def test_site_screen_in_constant_queries(desk_client, pair, django_assert_num_queries):
    _application, site = pair
    suggestions_refresh_for_site(site_id=site.pk)
    desk_client.get(for_site(site))  # warm caches
    # The sharing is read as stored (one query), not ranked again.
    with django_assert_num_queries(13) as one:
        response = desk_client.get(for_site(site))
    assert len(response.context["rows"]) == 1
    for number in range(902, 910):
        another_application(number)
    suggestions_refresh_for_site(site_id=site.pk)

    with django_assert_num_queries(len(one.captured_queries)):
        response = desk_client.get(for_site(site))

    assert len(response.context["rows"]) == 9
    assert len(response.context["sharing"]["skipped"]) == 8


# --- Links from the application and site pages -----------------------------------------------


def test_application_and_site_pages_link_to_their_candidates(desk_client, pair):
    application, site = pair

    application_page = desk_client.get(f"/admin/projects/application/{application.pk}/change/")
    site_page = desk_client.get(f"/admin/properties/site/{site.pk}/change/")

    assert f'href="{for_application(application)}"' in application_page.content.decode()
    assert f'href="{for_site(site)}"' in site_page.content.decode()


# --- Numbers the reader's way ----------------------------------------------------------------


def test_candidate_screens_write_surfaces_and_money_the_french_way(caseworker_client, orgs):
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    application, site = fitting_pair(holder_org=orgs[0], owner_org=orgs[1], units=(1200, 800))
    Application.objects.filter(pk=application.pk).update(
        surface_min=1000, surface_ideal=1500, surface_max=2000
    )
    expensive = SiteFactory(
        owner=orgs[1], units=[1500], available_until=None, charges_monthly=Decimal("2400")
    )
    suggestions_refresh_for_application(application_id=application.pk)
    suggestions_refresh_for_site(site_id=site.pk)

    sites = caseworker_client.get(for_application(application), {"site": expensive.reference})
    applications = caseworker_client.get(for_site(site))

    assert [line.sentence for line in sites.context["check"]["lines"]] == [
        "Trop cher : environ 2\u202f400,00 € par mois, pour un budget de 800,00 €."
    ]
    content = sites.content.decode()
    assert "Surface demandée : 1\u202f000 à 2\u202f000 m², idéalement 1\u202f500 m²." in content
    assert "<td>1\u202f200\u202fm²</td>" in content
    assert "1\u202f200 m² pour un idéal de 1\u202f500 m²." in content
    content = applications.content.decode()
    assert "2\u202f000 m² au total." in content
    assert "<td>1\u202f200\u202fm²</td>" in content
    assert "Au total : 1\u202f200 m² utilisés, 800 m² libres, taux d’occupation de 60 %." in content
    # Django's own separator (a no-break space) is nowhere: one formatter writes every number.
    assert ("\xa0000" in sites.content.decode(), "\xa0000" in content) == (False, False)
