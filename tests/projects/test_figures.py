"""Demand figures: exact numbers, computed in a fixed number of queries."""

from decimal import Decimal

import pytest
from django.conf import settings

from loket.communes.models import Commune
from loket.reference.models import ActivityType
from projects.enums import ApplicationState
from projects.figures import (
    m2_asked,
    open_requests_by_activity,
    open_requests_by_commune,
    open_requests_by_surface_band,
)
from projects.models import Application

from ..factories import OrganisationFactory

pytestmark = pytest.mark.django_db
S = ApplicationState


def make(state, surface_min, surface_ideal=None, *, communes=(), activities=(), anywhere=False):
    application = Application.objects.create(
        organisation=OrganisationFactory(),
        state=state,
        surface_min=None if surface_min is None else Decimal(surface_min),
        surface_ideal=None if surface_ideal is None else Decimal(surface_ideal),
        anywhere=anywhere,
    )
    application.communes.set(communes)
    application.activity_types.set(ActivityType.objects.filter(code__in=activities))
    return application


@pytest.fixture
def demand(db):
    make(S.SUBMITTED, 50, 80, communes=["21004", "21015"], activities=["studios", "cultural"])
    make(S.QUALIFIED, 100, 150, communes=["21004"], activities=["studios"])
    make(S.SEARCHING, 499, 600, anywhere=True, activities=["sport"])
    make(S.MATCHED, 500, 700, communes=["21015"], activities=["cultural"])
    make(S.INCOMPLETE, 2000, 3000, anywhere=True, activities=["studios"])
    make(S.SUBMITTED, None, None, communes=["21001"])
    # Not open: never counted.
    make(S.DRAFT, 300, 400, communes=["21004"], activities=["studios"], anywhere=True)
    make(S.OCCUPYING, 300, 400, communes=["21004"], activities=["studios"])
    make(S.CLOSED, 5000, 6000, communes=["21015"], activities=["sport"], anywhere=True)


def test_open_requests_by_commune(demand, django_assert_num_queries):
    with django_assert_num_queries(2):
        figures = open_requests_by_commune()

    counts = {commune.pk: commune.open_requests for commune in figures["communes"]}
    assert len(counts) == Commune.objects.count()
    assert (counts["21004"], counts["21015"], counts["21001"], counts["21009"]) == (2, 2, 1, 0)
    assert figures["anywhere"] == 2


def test_open_requests_by_activity(demand, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = {
            activity.code: activity.open_requests for activity in open_requests_by_activity()
        }

    assert (figures["studios"], figures["cultural"], figures["sport"], figures["shelter"]) == (
        3,
        2,
        1,
        0,
    )


def test_open_requests_by_surface_band(demand, django_assert_num_queries):
    with django_assert_num_queries(1):
        bands = open_requests_by_surface_band()

    assert [(band["code"], band["count"]) for band in bands] == [
        ("lt100", 1),
        ("100-499", 2),
        ("500-1999", 1),
        ("2000plus", 1),
    ]


def test_m2_asked(demand, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = m2_asked()

    assert figures == {"minimum": Decimal("3149"), "ideal": Decimal("4530")}


def test_figures_without_open_requests_are_zero(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert m2_asked() == {"minimum": Decimal(0), "ideal": Decimal(0)}
    assert [band["count"] for band in open_requests_by_surface_band()] == [0, 0, 0, 0]
    assert open_requests_by_commune()["anywhere"] == 0


def test_the_application_list_writes_the_m2_asked_the_french_way(demand, caseworker_client):
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    content = caseworker_client.get("/admin/projects/application/").content.decode()

    assert "m² demandés : 3\u202f149 au minimum, 4\u202f530 idéalement." in content
    assert "de 500 à 1\u202f999 m²" in content
    assert "3\xa0149" not in content
