"""The scoring engine, case by case. Pure data in and out: no database."""

import datetime
from dataclasses import replace
from decimal import Decimal as D

from django.utils import translation

from matching.data import ApplicationData, SiteData, UnitData
from matching.filters import best_combination
from matching.scoring import WEIGHTS, explain, rank, score

TODAY = datetime.date(2026, 11, 23)


def site(**fields) -> SiteData:
    base = {
        "id": 1,
        "commune": "21004",
        "kind": "building",
        "total_surface": D(300),
        "units": (UnitData(id=11, surface=D(200), floor="0"), UnitData(id=12, surface=D(100))),
        "available_from": datetime.date(2027, 1, 1),
        "available_until": datetime.date(2029, 12, 31),
        "activities": frozenset({"studios", "cultural"}),
        "open_to_public": True,
        "step_free_access": True,
        "economic_model": "charges_only",
        "monthly_cost": D(300),
        "public_transport": "Metro Yser, 150 m",
        "latitude": 50.855,
        "longitude": 4.349,
    }
    base.update(fields)
    return SiteData(**base)


def request(**fields) -> ApplicationData:
    base = {
        "id": 7,
        "surface_min": D(150),
        "surface_ideal": D(200),
        "surface_max": D(300),
        "space_kind": "building",
        "activities": frozenset({"studios"}),
        "communes": frozenset({"21004"}),
        "desired_start": datetime.date(2027, 2, 1),
        "duration_months": 24,
        "max_monthly_budget": D(800),
        "waiting_since": datetime.date(2026, 5, 23),
    }
    base.update(fields)
    return ApplicationData(**base)


def codes(result) -> list[str]:
    return [line.code for line in result.lines]


def test_weights_add_up_to_100():
    assert sum(WEIGHTS.values()) == 100


def test_fitting_pair_scores_with_one_line_per_criterion():
    result = score(request(), site(), today=TODAY)

    assert result.excluded is False
    assert codes(result) == [
        "surface",
        "duration",
        "transport_any",
        "expectations",
        "horizon",
        "waiting",
    ]
    assert result.score == sum(line.points for line in result.lines)
    assert 0 <= result.score <= 100
    # 200 m² is exactly the ideal: the single 200 m² unit is chosen.
    assert result.unit_ids == (11,)
    assert result.lines[0].points == WEIGHTS["surface"]
    # Six months in the pool out of twelve: half the waiting points.
    assert result.lines[5].points == round(WEIGHTS["waiting"] / 2)


def test_open_ended_availability_gives_full_horizon_and_passes_dates():
    result = score(request(duration_months=120), site(available_until=None), today=TODAY)

    assert result.excluded is False
    horizon = next(line for line in result.lines if line.code == "horizon")
    assert horizon.points == WEIGHTS["horizon"]
    assert horizon.params == {"years": None}


def test_anywhere_accepts_every_commune():
    far = site(commune="21015")
    assert codes(score(request(), far, today=TODAY)) == ["commune"]
    assert score(request(anywhere=True, communes=frozenset()), far, today=TODAY).excluded is False


def test_free_site_passes_any_budget():
    free = site(economic_model="free", monthly_cost=D(0))
    assert score(request(max_monthly_budget=D(0)), free, today=TODAY).excluded is False


def test_unknown_cost_is_not_a_reason_to_exclude():
    assert (
        score(request(max_monthly_budget=D(1)), site(monthly_cost=None), today=TODAY).excluded
        is False
    )


def test_land_only_site_against_building_only_request():
    land = site(kind="land", units=(UnitData(id=21, surface=D(250), kind="open_land"),))

    result = score(request(), land, today=TODAY)

    assert result.excluded is True
    assert codes(result) == ["kind_land_only"]


def test_building_units_of_a_mixed_site_serve_a_building_request():
    both = site(
        kind="both",
        units=(UnitData(id=31, surface=D(400), kind="open_land"), UnitData(id=32, surface=D(180))),
    )

    result = score(request(), both, today=TODAY)

    assert result.excluded is False
    assert result.unit_ids == (32,)


def test_too_small_counts_the_units_that_can_be_combined():
    small = site(units=(UnitData(id=1, surface=D(60)), UnitData(id=2, surface=D(70))))

    together = score(request(surface_min=D(120)), small, today=TODAY)
    alone = score(request(surface_min=D(120), several_units_ok=False), small, today=TODAY)

    assert together.excluded is False
    assert together.unit_ids == (1, 2)
    assert codes(alone) == ["too_small"]
    assert alone.lines[0].params == {"usable": 70, "min": 120}


def test_too_big_when_the_smallest_part_exceeds_the_maximum():
    big = site(units=(UnitData(id=1, surface=D(900)),))

    result = score(request(), big, today=TODAY)

    assert codes(result) == ["too_big"]
    assert result.lines[0].params == {"smallest": 900, "max": 300}


def test_site_without_units_is_let_whole():
    whole = site(units=(), total_surface=D(250))
    result = score(request(), whole, today=TODAY)
    assert result.excluded is False
    assert result.unit_ids == ()
    assert result.surface == D(250)


def test_dates_need_the_wished_duration_unless_flexible():
    short = site(available_until=datetime.date(2028, 3, 31))

    strict = score(request(), short, today=TODAY)
    flexible = score(request(duration_flexible=True), short, today=TODAY)

    assert codes(strict) == ["dates"]
    assert strict.lines[0].params == {"overlap": 13, "required": 24}
    assert flexible.excluded is False


def test_every_failed_hard_filter_is_listed():
    result = score(
        request(
            activities=frozenset({"sport"}),
            must_be_open_to_public=True,
            needs_step_free=True,
            needs_kitchen=True,
            max_monthly_budget=D(100),
            communes=frozenset({"21001"}),
        ),
        site(open_to_public=False, step_free_access=False),
        today=TODAY,
    )

    assert result.excluded is True
    assert codes(result) == [
        "activity",
        "not_public",
        "not_accessible",
        "features",
        "too_expensive",
        "commune",
    ]
    assert result.lines[0].params == {"activities": ["sport"]}
    assert result.lines[3].params == {"features": ["kitchen"]}


def test_housing_needs_the_sites_permission():
    result = score(request(housing=True), site(housing_allowed=False), today=TODAY)
    assert codes(result) == ["housing"]
    assert score(request(housing=True), site(housing_allowed=True), today=TODAY).excluded is False


def test_cost_scales_with_the_part_taken_for_a_fee_per_m2():
    per_m2 = site(economic_model="fee_per_m2", monthly_cost=D(1200))  # for 300 m²

    # 200 m² of 300: two thirds of the cost, 800 €, within a budget of 800.
    assert score(request(max_monthly_budget=D(800)), per_m2, today=TODAY).excluded is False
    assert codes(score(request(max_monthly_budget=D(799)), per_m2, today=TODAY)) == [
        "too_expensive"
    ]


def test_long_term_request_needs_two_years_and_scores_the_horizon():
    long_term = request(long_term=True, duration_months=360)

    five_years = score(long_term, site(available_until=datetime.date(2032, 2, 1)), today=TODAY)
    one_year = score(long_term, site(available_until=datetime.date(2028, 2, 1)), today=TODAY)

    assert five_years.excluded is False
    horizon = next(line for line in five_years.lines if line.code == "horizon_long")
    assert horizon.params == {"years": 5.0}
    assert horizon.points == 7  # half of 15, just under: 5.0 of 10 years, rounded down
    assert codes(one_year) == ["dates"]


def test_transport_and_centrality():
    wants = request(wants_public_transport=True, wants_central=True)
    metro_central = score(wants, site(), today=TODAY).lines[2]
    bus_far = score(
        wants, site(public_transport="Bus 49", latitude=50.80, longitude=4.25), today=TODAY
    ).lines[2]

    assert metro_central.points == WEIGHTS["transport"]
    assert bus_far.points == 6
    assert bus_far.params["level"] == 1


def test_best_combination_prefers_the_ideal_then_fewer_units():
    units = (
        UnitData(id=1, surface=D(100)),
        UnitData(id=2, surface=D(100)),
        UnitData(id=3, surface=D(200)),
    )
    combo = best_combination(units, low=D(150), ideal=D(200), high=D(300), several=True)
    assert [u.id for u in combo] == [3]
    assert best_combination(units, low=D(450), ideal=D(450), high=D(500), several=True) is None


def test_best_combination_is_greedy_beyond_twelve_units():
    units = tuple(UnitData(id=i, surface=D(100)) for i in range(1, 16))
    combo = best_combination(units, low=D(500), ideal=D(700), high=D(800), several=True)
    assert sum(u.surface for u in combo) == D(700)


def test_rank_keeps_the_best_not_excluded():
    results = [
        score(request(id=1), site(), today=TODAY),
        score(
            request(id=2, surface_min=D(5000), surface_ideal=D(5000), surface_max=D(6000)),
            site(),
            today=TODAY,
        ),
        score(request(id=3, waiting_since=datetime.date(2025, 1, 1)), site(), today=TODAY),
    ]
    assert [r.application_id for r in rank(results, 5)] == [3, 1]


def test_explanations_are_in_the_readers_language():
    line = score(
        request(surface_min=D(5000), surface_ideal=D(9000), surface_max=D(10000)),
        site(),
        today=TODAY,
    ).lines[0]

    with translation.override("nl"):
        nl = explain(line.as_dict())
    with translation.override("fr"):
        fr = explain(line.as_dict())
    with translation.override("en"):
        en = explain(line.as_dict())

    assert en == "Too small: 300 m² usable, at least 5,000 m² asked."
    assert nl == "Te klein: 300 m² bruikbaar, minstens 5.000 m² gevraagd."
    assert fr == "Trop petit : 300 m² utilisables, au moins 5\u202f000 m² demandés."


def test_too_expensive_writes_both_amounts_as_money_the_readers_way():
    line = score(
        request(max_monthly_budget=D(800)),
        site(economic_model="all_in", monthly_cost=D(2400)),
        today=TODAY,
    ).lines[0]

    sentences = {}
    for language in ("nl", "fr", "en"):
        with translation.override(language):
            sentences[language] = explain(line.as_dict())

    assert sentences == {
        "nl": "Te duur: ongeveer € 2.400,00 per maand, het budget is € 800,00.",
        "fr": "Trop cher : environ 2\u202f400,00 € par mois, pour un budget de 800,00 €.",
        "en": "Too expensive: about € 2,400.00 a month, the budget is € 800.00.",
    }


def test_every_line_code_has_a_sentence():
    lines = []
    for result in (
        score(request(), site(), today=TODAY),
        score(request(long_term=True), site(available_until=None), today=TODAY),
        score(request(space_kind="land"), site(), today=TODAY),
        score(request(), site(kind="land"), today=TODAY),
        score(request(housing=True, needs_water=True), site(), today=TODAY),
    ):
        lines.extend(result.lines)
    for line in lines:
        assert explain(line.as_dict()) != line.code


def test_site_replace_keeps_engine_inputs_immutable():
    base = site()
    assert replace(base, commune="21001").commune == "21001"
    assert base.commune == "21004"


def test_duration_line_names_what_limits_it():
    terms = site(min_duration_months=36)
    line = score(request(duration_flexible=True), terms, today=TODAY).lines[1]

    assert (line.points, line.params) == (10, {"wish": 24, "limit": "min", "months": 36})
    with translation.override("en"):
        assert explain(line.as_dict()) == "24 months asked; the owner wants at least 36."
        full = score(request(), site(), today=TODAY).lines[1]
        assert explain(full.as_dict()) == "The 24 months asked fit the owner's terms and the dates."


def test_a_site_whose_units_are_all_taken_offers_nothing():
    # Divided into units, every one promised to an occupation: no free unit is left, and the
    # site is not the empty whole it would be without units.
    full = site(units=(), total_surface=D(0), divided=True)

    result = score(request(surface_min=D(0), surface_ideal=D(0)), full, today=TODAY)

    assert (result.excluded, codes(result)) == (True, ["no_free_units"])
    with translation.override("fr"):
        assert explain(result.lines[0].as_dict()) == (
            "Aucun espace libre : tous les espaces du site sont occupés."
        )


def test_a_site_without_units_is_still_let_as_a_whole():
    whole = site(units=(), total_surface=D(200))

    result = score(request(), whole, today=TODAY)

    assert (result.excluded, result.unit_ids, result.surface) == (False, (), D(200))
