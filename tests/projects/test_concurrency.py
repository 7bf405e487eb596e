"""References stay unique when many applications are submitted at the same moment, and a
search saved by several requests at once is kept once."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from loket.communes.models import Commune
from loket.reference.models import ActivityType
from projects.domain import application_submit
from projects.domain.saved_searches import SearchAlreadySaved, saved_search_create
from projects.models import Application, SavedSearch

from ..ci import require
from ..factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]

APPLICATIONS = 50
THREADS = 10


def complete_draft(organisation) -> Application:
    application = Application.objects.create(
        organisation=organisation,
        title="Ateliers du canal",
        description="Studios for artists.",
        surface_min=Decimal("100"),
        surface_ideal=Decimal("150"),
        surface_max=Decimal("200"),
        desired_start=timezone.localdate() + datetime.timedelta(days=60),
        duration_value=12,
        max_monthly_budget=Decimal("500"),
        consent_to_share=True,
    )
    application.activity_types.set([ActivityType.objects.get(code="studios")])
    application.communes.set([Commune.objects.get(pk="21004")])
    return application


def test_50_parallel_submissions_get_50_distinct_references():
    require(
        connection.vendor == "postgresql",
        "The concurrency test needs PostgreSQL: row locks are what keep references unique.",
    )
    holder = UserFactory()
    organisation = OrganisationFactory()
    drafts = [complete_draft(organisation) for _ in range(APPLICATIONS)]
    barrier = threading.Barrier(THREADS)
    errors = []

    def submit(batch):
        try:
            barrier.wait(timeout=30)
            for application in batch:
                application_submit(application=application, actor=holder)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(drafts[index::THREADS],)) for index in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    year = timezone.localdate().year
    references = list(
        Application.objects.filter(state="submitted").values_list("reference", flat=True)
    )
    assert len(references) == APPLICATIONS
    assert sorted(references) == [f"LTG-{year}-{n:04d}" for n in range(1, APPLICATIONS + 1)]


def test_a_search_saved_twice_at_the_same_moment_is_kept_once():
    require(
        connection.vendor == "postgresql",
        "The concurrency test needs PostgreSQL: its unique index makes the second insert wait.",
    )
    holder = UserFactory()
    barrier = threading.Barrier(THREADS)
    outcomes = []

    def save():
        try:
            barrier.wait(timeout=30)
            saved_search_create(user=holder, name="Centre", query="commune=21004&kind=land")
            outcomes.append("created")
        except SearchAlreadySaved as error:
            outcomes.append(("kept", error.search.pk))
        except Exception as error:  # reported by the assertion below
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    search = SavedSearch.objects.get()
    assert sorted(outcomes, key=str) == sorted(
        ["created", *[("kept", search.pk)] * (THREADS - 1)], key=str
    )
    assert (search.name, search.kind.code, search.communes.count()) == ("Centre", "land", 1)
