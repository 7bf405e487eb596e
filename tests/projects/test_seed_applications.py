"""The demo applications: enough of them, over every state, with the brief's consortium."""

import time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from projects.demo import CONSORTIUM_MARKER
from projects.enums import ApplicationState, Tenure
from projects.models import Application, ApplicationTransition

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def test_seed_demo_adds_120_applications_over_every_state_and_many_communes():
    started = time.monotonic()
    seed()
    assert time.monotonic() - started < 30

    assert Application.objects.count() >= 120
    assert set(Application.objects.values_list("state", flat=True)) == set(ApplicationState)
    assert Application.objects.values("communes").distinct().count() >= 15
    assert Application.objects.values("organisation").distinct().count() >= 10
    assert Application.objects.filter(organisation__name="Collectif Canal Créatif").count() >= 3
    submitted = Application.objects.exclude(state=ApplicationState.DRAFT)
    assert submitted.filter(reference=None).count() == 0
    # Every state change went through the domain and left a history row.
    assert ApplicationTransition.objects.filter(application__in=submitted).count() >= len(submitted)


def test_seed_demo_includes_the_brief_consortium():
    seed()
    consortium = Application.objects.get(references_text__startswith=CONSORTIUM_MARKER)

    assert consortium.organisation.name == "Kunstenaarscoöperatie Zennewerk"
    assert consortium.state == ApplicationState.QUALIFIED
    assert (consortium.surface_min, consortium.surface_ideal, consortium.surface_max) == (
        Decimal("4500"),
        Decimal("9000"),
        Decimal("10000"),
    )
    assert consortium.tenure == Tenure.LONG_TERM
    assert consortium.several_units_ok and consortium.wants_central
    assert consortium.wants_public_transport
    assert consortium.programme == [
        {"use": "studios", "share": 50},
        {"use": "affordable housing (land trust)", "share": 30},
        {"use": "public spaces", "share": 20},
    ]
    partners = sorted(consortium.partners.values_list("name", flat=True))
    assert len(partners) == 2
    assert "Fonds foncier solidaire du Canal (démo)" in partners
    assert any("Université" in name for name in partners)
    assert "community land trust" in consortium.partners_text


def test_seed_demo_twice_adds_no_application():
    seed()
    counts = (Application.objects.count(), ApplicationTransition.objects.count())
    seed()
    assert (Application.objects.count(), ApplicationTransition.objects.count()) == counts
