import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from loket.communes.models import Commune
from loket.reference.models import (
    REFERENCE_MODELS,
    ActivityType,
    DeclineReason,
    EconomicModel,
    PlanningRegime,
)

pytestmark = pytest.mark.django_db


def test_the_19_communes_are_loaded_by_nis_code():
    assert Commune.objects.count() == 19
    assert list(Commune.objects.values_list("nis_code", flat=True)) == [
        f"210{n:02d}" for n in range(1, 20)
    ]


@pytest.mark.parametrize(
    ("nis", "nl", "fr"),
    [
        ("21004", "Brussel", "Bruxelles"),
        ("21012", "Sint-Jans-Molenbeek", "Molenbeek-Saint-Jean"),
        ("21017", "Watermaal-Bosvoorde", "Watermael-Boitsfort"),
    ],
)
def test_commune_names_follow_the_language(nis, nl, fr):
    commune = Commune.objects.get(pk=nis)
    with translation.override("nl"):
        assert commune.name == nl
    with translation.override("fr"):
        assert commune.name == fr


def test_brussels_city_has_six_postcodes():
    assert Commune.objects.get(pk="21004").postcodes == [
        "1000",
        "1020",
        "1040",
        "1050",
        "1120",
        "1130",
    ]


@pytest.mark.parametrize(
    ("nis", "postcode", "fits"),
    [
        ("21004", "1020", True),  # Laeken is Brussels City
        ("21004", "1050", True),  # part of 1050 is Brussels City
        ("21009", "1050", True),
        ("21005", "1040", True),
        ("21009", "1030", False),
        ("21015", "1000", False),
    ],
)
def test_postcode_must_fit_the_commune(nis, postcode, fits):
    commune = Commune.objects.get(pk=nis)
    assert commune.accepts_postcode(postcode) is fits


def test_postcode_mismatch_has_a_translated_message():
    commune = Commune.objects.get(pk="21009")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        commune.check_postcode("1030")
    assert error.value.messages == ["Postcode 1030 is not in Ixelles (it has 1050)."]


def test_reference_lists_match_the_brief():
    counts = {model.__name__: model.objects.count() for model in REFERENCE_MODELS}
    assert counts == {
        "ActivityType": 12,
        "SiteKind": 3,
        "UnitKind": 8,
        "Condition": 4,
        "EconomicModel": 6,
        "ContractType": 6,
        "PlanningRegime": 7,
        "DeclineReason": 11,
    }


def test_every_reference_item_has_nl_fr_and_en_names():
    for model in REFERENCE_MODELS:
        missing = model.objects.filter(name_nl="") | model.objects.filter(name_fr="")
        missing |= model.objects.filter(name_en="")
        assert list(missing) == [], model.__name__


def test_reference_labels_follow_the_language():
    item = ActivityType.objects.get(code="studios")
    with translation.override("fr"):
        assert item.name == "Ateliers d'artistes et création"
    with translation.override("nl"):
        assert item.name == "Ateliers en creatie"
    with translation.override("en"):
        assert item.name == "Artists' studios and creation"


def test_missing_translation_falls_back_to_the_other_language():
    item = EconomicModel.objects.get(code="free")
    EconomicModel.objects.filter(pk=item.pk).update(name_fr="", name_en="")
    item.refresh_from_db()
    with translation.override("fr"):
        assert item.name == "Gratis"
    with translation.override("en"):
        assert item.name == "Gratis"


def test_exempted_regimes_need_a_60_day_notice():
    assert dict(
        PlanningRegime.objects.exclude(notice_days=None).values_list("code", "notice_days")
    ) == {"exempt_6_months": 60, "exempt_1_year": 60, "exempt_3_years": 60}


def test_only_other_decline_reason_needs_text():
    assert list(DeclineReason.objects.filter(needs_text=True).values_list("code", flat=True)) == [
        "other"
    ]
