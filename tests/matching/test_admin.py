"""The desk's admin for matches and occupations: the queue, the buttons through the domain, the
visit slots, the history, two caseworkers at once, and who may open it at all."""

import datetime

import pytest
from django.conf import settings
from django.contrib import messages
from django.utils import timezone, translation

from loket import formatting
from loket.reference.models import ContractType, PlanningRegime
from matching.domain import (
    MatchConflict,
    UnitsTaken,
    match_create,
    match_sign,
    match_withdraw,
    visit_slot_confirm,
    visit_slot_propose,
)
from matching.enums import MatchState, VisitState
from matching.models import (
    InsuranceCertificate,
    Match,
    MatchTransition,
    Occupation,
    OccupationTransition,
    OccupationUnit,
    VisitSlot,
)
from projects.models import Application
from properties.models import Site

from ..conftest import login_client
from ..factories import ApplicationFactory, OrganisationFactory, SiteFactory, caseworker
from .helpers import fitting_pair, reason, walk

pytestmark = pytest.mark.django_db
M = MatchState
MATCHES = "/admin/matching/match/"
OCCUPATIONS = "/admin/matching/occupation/"
TODAY = timezone.localdate()


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


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def act(client, match, action, *, seen=None, **data):
    """Press a button on the match's change page, as seen in state `seen`."""
    return client.post(
        f"{MATCHES}{match.pk}/desk-action/{action}/",
        {"seen_state": seen or Match.objects.get(pk=match.pk).state, **data},
        follow=True,
    )


def state_of(match) -> str:
    return Match.objects.get(pk=match.pk).state


def history(match) -> list[tuple[str, str, str]]:
    return list(
        MatchTransition.objects.filter(match=match).values_list("side", "from_state", "to_state")
    )


def change_form_data(response) -> dict:
    """What the browser would send back from an untouched change page."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def offer_visit(client, match, starts_at):
    page = client.get(f"{MATCHES}{match.pk}/change/")
    data = change_form_data(page)
    local = timezone.localtime(starts_at)
    end = local + datetime.timedelta(hours=1)  # its own date: a late start ends the next day
    data.update(
        {
            "visit_slots-0-starts_at_0": local.strftime("%Y-%m-%d"),
            "visit_slots-0-starts_at_1": local.strftime("%H:%M:%S"),
            "visit_slots-0-ends_at_0": end.strftime("%Y-%m-%d"),
            "visit_slots-0-ends_at_1": end.strftime("%H:%M:%S"),
            "visit_slots-0-place": "Main entrance",
        }
    )
    return client.post(f"{MATCHES}{match.pk}/change/", data, follow=True)


def new_match(pair, desk, to_state=M.SUGGESTED):
    application, site = pair
    return match_create(application=application, site=site, actor=desk, to_state=to_state)


# --- Who may open it -------------------------------------------------------------------------


def test_every_matching_admin_url_is_closed_to_anonymous_owners_and_holders(
    pair, caseworker_user, anonymous_client, owner_client, holder_client
):
    application, site = pair
    match = new_match(pair, caseworker_user, M.SHORTLISTED)
    match = walk(
        match, M.DRAFTING, desk=caseworker_user, owner=caseworker_user, holder=caseworker_user
    )
    occupation = match_sign(match=match, actor=caseworker_user, starts_on=TODAY)
    gets = [
        MATCHES,
        f"{MATCHES}{match.pk}/change/",
        f"{MATCHES}for-application/{application.pk}/",
        f"{MATCHES}for-site/{site.pk}/",
        OCCUPATIONS,
        f"{OCCUPATIONS}{occupation.pk}/change/",
    ]
    posts = [
        (f"{MATCHES}{match.pk}/desk-action/withdraw/", {"seen_state": "signed"}),
        (f"{MATCHES}for-application/{application.pk}/", {"do": "recompute"}),
        (f"{MATCHES}for-site/{site.pk}/", {"do": "shortlist", "application": application.pk}),
        (f"{OCCUPATIONS}{occupation.pk}/desk-action/start_running/", {"seen_state": "preparing"}),
    ]

    for client in (anonymous_client, owner_client, holder_client):
        for url in gets:
            response = client.get(url)
            assert (response.status_code, response["Location"].split("?")[0]) == (
                302,
                "/admin/login/",
            ), url
        for url, data in posts:
            response = client.post(url, data)
            assert (response.status_code, response["Location"].split("?")[0]) == (
                302,
                "/admin/login/",
            ), url

    assert Match.objects.count() == 1
    assert Occupation.objects.get().state == "preparing"


def test_matches_cannot_be_added_or_deleted_in_the_admin(desk_client, pair, caseworker_user):
    match = new_match(pair, caseworker_user)

    assert desk_client.get(f"{MATCHES}add/").status_code == 403
    assert desk_client.get(f"{MATCHES}{match.pk}/delete/").status_code == 403


# --- The list --------------------------------------------------------------------------------


def test_match_list_opens_on_open_matches(desk_client, pair, caseworker_user):
    open_match = new_match(pair, caseworker_user, M.SHORTLISTED)
    application = ApplicationFactory(complete=True, state="qualified", reference="LTG-2026-0902")
    withdrawn = match_create(application=application, site=pair[1], actor=caseworker_user)
    asked = act(desk_client, withdrawn, "withdraw")
    assert list(asked.context["form"].fields) == ["decline_reason", "reason"]
    act(desk_client, withdrawn, "withdraw", decline_reason=reason("too_big").pk, apply="1")

    def listed(**params):
        response = desk_client.get(MATCHES, params)
        return [match.pk for match in response.context["cl"].result_list]

    assert state_of(withdrawn) == M.WITHDRAWN
    assert listed() == [open_match.pk]
    assert listed(queue="final") == [withdrawn.pk]
    assert sorted(listed(queue="all")) == sorted([open_match.pk, withdrawn.pk])
    assert listed(state__exact="withdrawn") == [withdrawn.pk]


def test_match_list_filters_by_caseworker_and_age(desk_client, pair, caseworker_user):
    mine = new_match(pair, caseworker_user)
    other_desk = caseworker(email="other@example.org")
    application = ApplicationFactory(complete=True, state="qualified", reference="LTG-2026-0902")
    theirs = match_create(application=application, site=pair[1], actor=other_desk)
    Match.objects.filter(pk=theirs.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=90)
    )

    def listed(**params):
        response = desk_client.get(MATCHES, params)
        return sorted(match.pk for match in response.context["cl"].result_list)

    assert listed() == sorted([mine.pk, theirs.pk])
    assert listed(caseworker="mine") == [mine.pk]
    assert listed(age="lt2w") == [mine.pk]
    assert listed(age="gt2m") == [theirs.pk]
    assert listed(age="2w-2m") == []


def test_match_list_searches_references_titles_and_organisations(
    desk_client, pair, caseworker_user
):
    application, site = pair
    match = new_match(pair, caseworker_user)
    other_site = SiteFactory(
        owner=OrganisationFactory(name="Bruxelles Environnement"), title_nl="Oude brouwerij"
    )
    other = match_create(application=application, site=other_site, actor=caseworker_user)

    def found(query):
        response = desk_client.get(MATCHES, {"q": query})
        return sorted(m.pk for m in response.context["cl"].result_list)

    assert found(application.reference) == sorted([match.pk, other.pk])
    assert found(site.reference) == [match.pk]
    assert found("brouwerij") == [other.pk]
    assert found("Bruxelles Environnement") == [other.pk]
    assert found("Collectief Zinne") == sorted([match.pk, other.pk])


def test_match_list_in_constant_queries(
    desk_client, pair, caseworker_user, django_assert_num_queries
):
    application, _site = pair
    new_match(pair, caseworker_user)
    desk_client.get(MATCHES)  # warm caches
    with django_assert_num_queries(7) as one:
        response = desk_client.get(MATCHES)
    assert response.context["cl"].result_count == 1
    for _ in range(12):
        site = SiteFactory(owner=OrganisationFactory())
        match_create(application=application, site=site, actor=caseworker(), to_state=M.SHORTLISTED)

    with django_assert_num_queries(len(one.captured_queries)):
        response = desk_client.get(MATCHES)

    assert response.context["cl"].result_count == 13


# --- The whole path, by the desk -------------------------------------------------------------


def test_caseworker_takes_a_match_from_shortlist_to_signature(desk_client, pair, caseworker_user):
    application, site = pair
    response = desk_client.post(
        f"{MATCHES}for-application/{application.pk}/",
        {"do": "shortlist", "site": site.pk},
        follow=True,
    )
    match = Match.objects.get()
    assert match.state == M.SHORTLISTED

    for action in ("propose_owner", "owner_accepts"):
        act(desk_client, match, action)
    act(desk_client, match, "propose_holder", message="A good fit for your studios.", apply="1")
    act(desk_client, match, "holder_accepts")
    starts_at = timezone.now().replace(microsecond=0, second=0) + datetime.timedelta(days=4)
    response = offer_visit(desk_client, match, starts_at)
    assert len(messages_of(response)) == 1
    assert "was changed successfully." in messages_of(response)[0]
    slot = VisitSlot.objects.get()
    assert (slot.starts_at, slot.place, slot.proposed_by) == (
        starts_at,
        "Main entrance",
        caseworker_user,
    )
    page = desk_client.get(f"{MATCHES}{match.pk}/change/")
    data = change_form_data(page)
    data["visit_slots-0-confirm"] = "on"
    desk_client.post(f"{MATCHES}{match.pk}/change/", data)
    assert state_of(match) == M.VISIT_PLANNED
    assert VisitSlot.objects.get().state == VisitState.CONFIRMED
    act(desk_client, match, "visit_done", report="Dry, bright, the lift works.", apply="1")
    act(desk_client, match, "agree")
    act(desk_client, match, "drafting")
    start = TODAY + datetime.timedelta(days=120)
    response = act(
        desk_client,
        match,
        "sign",
        apply="1",
        starts_on=start.isoformat(),
        ends_on=(start + datetime.timedelta(days=730)).isoformat(),
        contract_type=ContractType.objects.order_by("pk").first().pk,
        fee_monthly="450.00",
        charges_monthly="120.00",
        deposit="900",
        notice_months="3",
        planning_regime=PlanningRegime.objects.get(code="exempt_3_years").pk,
        planning_notified_on=TODAY.isoformat(),
        permit_reference="PU/2027/12",
        permit_expires_on=(start + datetime.timedelta(days=1000)).isoformat(),
        fire_safety_status="requested",
    )

    assert messages_of(response) == [
        f"Sign the agreement: done for {application.reference} ↔ {site.reference}."
    ]
    assert history(match) == [
        ("desk", "", "suggested"),
        ("desk", "suggested", "shortlisted"),
        ("desk", "shortlisted", "proposed_owner"),
        ("desk", "proposed_owner", "owner_accepted"),
        ("desk", "owner_accepted", "proposed_holder"),
        ("desk", "proposed_holder", "holder_accepted"),
        ("desk", "holder_accepted", "visit_planned"),
        ("desk", "visit_planned", "visit_done"),
        ("desk", "visit_done", "agreed"),
        ("desk", "agreed", "drafting"),
        ("desk", "drafting", "signed"),
    ]
    match = Match.objects.get()
    assert (match.state, match.message) == (M.SIGNED, "A good fit for your studios.")
    assert VisitSlot.objects.get().report == "Dry, bright, the lift works."
    occupation = Occupation.objects.get()
    assert (occupation.state, occupation.starts_on, occupation.fee_monthly) == (
        "preparing",
        start,
        450,
    )
    assert (occupation.permit_reference, occupation.fire_safety_status) == (
        "PU/2027/12",
        "requested",
    )
    assert list(OccupationUnit.objects.values_list("unit__surface_m2", flat=True)) == [120]
    # One of the two units is promised: partly occupied.
    assert Site.objects.get(pk=site.pk).state == "partly_occupied"
    assert Application.objects.get(pk=application.pk).state == "matched"


def test_change_page_shows_the_buttons_that_apply_history_and_explanation(
    desk_client, pair, caseworker_user
):
    match = new_match(pair, caseworker_user, M.PROPOSED_OWNER)

    content = desk_client.get(f"{MATCHES}{match.pk}/change/").content.decode()

    base = f"{MATCHES}{match.pk}/desk-action/"
    assert f"{base}owner_accepts/" in content
    assert f"{base}owner_declines/" in content
    assert f"{base}withdraw/" in content
    assert f"{base}shortlist/" not in content
    assert f"{base}sign/" not in content
    assert "120 m² for an ideal of 150 m²." in content
    assert '<span class="explanation-points">' in content
    assert "Proposed to the owner" in content  # the history's last row


def test_owner_declines_needs_a_reason_from_the_list(desk_client, pair, caseworker_user):
    match = new_match(pair, caseworker_user, M.PROPOSED_OWNER)

    response = act(desk_client, match, "owner_declines", apply="1", decline_reason=reason().pk)

    assert messages_of(response) == [
        f"Record: the owner declines failed for {match.application.reference} ↔ "
        f"{match.site.reference}: Explain the reason in a few words."
    ]
    assert state_of(match) == M.PROPOSED_OWNER

    act(
        desk_client,
        match,
        "owner_declines",
        apply="1",
        decline_reason=reason().pk,
        reason="They sold the building.",
    )

    match = Match.objects.get()
    assert (match.state, match.decline_reason.code, match.decline_text, match.ended_by) == (
        M.OWNER_DECLINED,
        "other",
        "They sold the building.",
        "desk",
    )


def test_visit_slot_in_the_past_is_refused_with_the_domains_reason(
    desk_client, pair, caseworker_user
):
    match = walk(new_match(pair, caseworker_user), M.HOLDER_ACCEPTED, desk=caseworker_user,
                 owner=caseworker_user, holder=caseworker_user)  # fmt: skip

    response = offer_visit(desk_client, match, timezone.now() - datetime.timedelta(days=1))

    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "visit_slots"
    )
    assert formset.errors == [{"__all__": ["Choose a time in the future."]}]
    assert VisitSlot.objects.count() == 0


def test_ticking_two_visit_times_plans_the_first_and_says_the_second_was_taken(
    desk_client, pair, caseworker_user
):
    match = walk(new_match(pair, caseworker_user), M.HOLDER_ACCEPTED, desk=caseworker_user,
                 owner=caseworker_user, holder=caseworker_user)  # fmt: skip
    start = timezone.now() + datetime.timedelta(days=3)
    for day in (0, 1):
        visit_slot_propose(
            match=match,
            actor=caseworker_user,
            starts_at=start + datetime.timedelta(days=day),
            ends_at=start + datetime.timedelta(days=day, hours=1),
        )
    page = desk_client.get(f"{MATCHES}{match.pk}/change/")
    data = change_form_data(page)
    data["visit_slots-0-confirm"] = data["visit_slots-1-confirm"] = "on"

    response = desk_client.post(f"{MATCHES}{match.pk}/change/", data, follow=True)

    taken, saved = messages_of(response)
    assert taken == (
        "Someone else was faster: a visit time for this match was confirmed a moment ago. "
        "Reload to see which one."
    )
    assert saved.endswith("was changed successfully.")
    assert list(VisitSlot.objects.order_by("starts_at").values_list("state", flat=True)) == [
        VisitState.CONFIRMED,
        VisitState.CANCELLED,
    ]
    assert MatchTransition.objects.filter(match=match, to_state=M.VISIT_PLANNED).count() == 1


def errors_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level == messages.ERROR]


@pytest.mark.parametrize("meanwhile", ["the holder took the other time", "withdrawn"])
def test_a_visit_time_confirmed_on_a_stale_page_changes_nothing_and_says_so(
    desk_client, pair, caseworker_user, holder, meanwhile
):
    desk_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    match = walk(new_match(pair, caseworker_user), M.HOLDER_ACCEPTED, desk=caseworker_user,
                 owner=caseworker_user, holder=caseworker_user)  # fmt: skip
    start = timezone.now() + datetime.timedelta(days=3)
    first, second = (
        visit_slot_propose(
            match=match,
            actor=caseworker_user,
            starts_at=start + datetime.timedelta(days=day),
            ends_at=start + datetime.timedelta(days=day, hours=1),
        )
        for day in (0, 1)
    )
    page = desk_client.get(f"{MATCHES}{match.pk}/change/")
    html = page.content.decode()
    # The page's own form posts the state it showed, as the buttons above it do.
    assert 'name="seen_state" value="holder_accepted"' in html[html.index('id="match_form"') :]
    data = change_form_data(page) | {"seen_state": M.HOLDER_ACCEPTED}
    data["visit_slots-0-confirm"] = "on"  # the first time
    if meanwhile == "withdrawn":
        match_withdraw(match=match, actor=caseworker_user, decline_reason=reason("too_big"))
    else:
        visit_slot_confirm(slot=second, actor=holder)
    before = (
        list(VisitSlot.objects.order_by("starts_at").values_list("state", flat=True)),
        MatchTransition.objects.count(),
        state_of(match),
    )

    response = desk_client.post(f"{MATCHES}{match.pk}/change/", data, follow=True)

    assert errors_of(response) == [
        "Iemand anders was sneller: deze koppeling is zonet gewijzigd. Laad de pagina opnieuw "
        "om de wijziging te zien."
    ]
    assert (
        list(VisitSlot.objects.order_by("starts_at").values_list("state", flat=True)),
        MatchTransition.objects.count(),
        state_of(match),
    ) == before
    assert VisitSlot.objects.get(pk=first.pk).confirmed_by is None


def test_a_visit_time_offered_on_a_stale_page_is_refused_next_to_its_row(
    desk_client, pair, caseworker_user
):
    match = walk(new_match(pair, caseworker_user), M.HOLDER_ACCEPTED, desk=caseworker_user,
                 owner=caseworker_user, holder=caseworker_user)  # fmt: skip
    page = desk_client.get(f"{MATCHES}{match.pk}/change/")
    match_withdraw(match=match, actor=caseworker_user, decline_reason=reason("too_big"))
    local = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
    data = change_form_data(page) | {
        "seen_state": M.HOLDER_ACCEPTED,
        "visit_slots-0-starts_at_0": local.strftime("%Y-%m-%d"),
        "visit_slots-0-starts_at_1": "10:00:00",
        "visit_slots-0-ends_at_0": local.strftime("%Y-%m-%d"),
        "visit_slots-0-ends_at_1": "11:00:00",
    }

    response = desk_client.post(f"{MATCHES}{match.pk}/change/", data)

    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "visit_slots"
    )
    assert formset.errors == [{"__all__": [MatchConflict().message]}]
    assert VisitSlot.objects.count() == 0


def test_visit_slot_before_the_owner_accepted_is_refused(desk_client, pair, caseworker_user):
    match = new_match(pair, caseworker_user, M.SHORTLISTED)

    page = desk_client.get(f"{MATCHES}{match.pk}/change/")
    offer_visit(desk_client, match, timezone.now() + datetime.timedelta(days=3))

    # Before the owner agreed, the change page has no row to offer a time, and a forged one
    # is ignored.
    assert 'name="visit_slots-0-place"' not in page.content.decode()
    assert VisitSlot.objects.count() == 0


def test_sign_reports_units_already_promised(desk_client, orgs, caseworker_user):
    application, site = fitting_pair(holder_org=orgs[0], owner_org=orgs[1], units=(150,))
    other = ApplicationFactory(complete=True, state="qualified", reference="LTG-2026-0902")
    first = match_create(application=application, site=site, actor=caseworker_user)
    second = match_create(application=other, site=site, actor=caseworker_user)
    for match in (first, second):
        walk(match, M.DRAFTING, desk=caseworker_user, owner=caseworker_user, holder=caseworker_user)
    match_sign(match=Match.objects.get(pk=first.pk), actor=caseworker_user, starts_on=TODAY)

    response = act(
        desk_client,
        second,
        "sign",
        apply="1",
        starts_on=TODAY.isoformat(),
        fire_safety_status="not_requested",
    )

    unit = site.units.get()
    assert messages_of(response) == [
        f"Sign the agreement failed for {other.reference} ↔ {site.reference}: "
        f"{UnitsTaken([unit.name]).message}"
    ]
    assert state_of(second) == M.DRAFTING
    assert Occupation.objects.count() == 1


def test_sign_form_refuses_an_end_before_the_start(desk_client, pair, caseworker_user):
    match = walk(new_match(pair, caseworker_user), M.DRAFTING, desk=caseworker_user,
                 owner=caseworker_user, holder=caseworker_user)  # fmt: skip

    response = act(
        desk_client,
        match,
        "sign",
        apply="1",
        starts_on="2027-05-01",
        ends_on="2027-04-01",
        fire_safety_status="not_requested",
    )

    assert response.context["form"].errors == {"__all__": ["The end must not be before the start."]}
    assert state_of(match) == M.DRAFTING


# --- Two caseworkers at once -----------------------------------------------------------------


def test_two_caseworkers_press_at_once_exactly_one_wins(desk_client, pair, caseworker_user):
    other_client = login_client(caseworker(email="other@example.org"), with_mfa=True)
    other_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    match = new_match(pair, caseworker_user, M.SHORTLISTED)
    # Both pages show the match as shortlisted.

    first = act(desk_client, match, "propose_owner", seen=M.SHORTLISTED)
    second = act(
        other_client,
        match,
        "withdraw",
        seen=M.SHORTLISTED,
        apply="1",
        decline_reason=reason("too_big").pk,
    )

    assert messages_of(first) == [
        f"Propose to the owner: done for {match.application.reference} ↔ {match.site.reference}."
    ]
    assert messages_of(second) == [
        f"Withdraw failed for {match.application.reference} ↔ {match.site.reference}: "
        f"{MatchConflict().message}"
    ]
    assert state_of(match) == M.PROPOSED_OWNER
    assert MatchTransition.objects.filter(from_state=M.SHORTLISTED).count() == 1
    assert Match.objects.get().decline_reason is None


def test_changelist_action_on_a_stale_list_reports_the_conflict_in_french(
    desk_client, pair, caseworker_user
):
    desk_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    match = new_match(pair, caseworker_user, M.SHORTLISTED)
    page = desk_client.get(MATCHES).content.decode()
    assert f'name="seen_state_{match.pk}" value="shortlisted"' in page
    Match.objects.filter(pk=match.pk).update(state=M.PROPOSED_OWNER)  # someone else, meanwhile

    response = desk_client.post(
        MATCHES,
        {
            "action": "propose_owner",
            "_selected_action": [match.pk],
            "index": 0,
            f"seen_state_{match.pk}": M.SHORTLISTED,
        },
        follow=True,
    )

    with translation.override("fr"):
        expected = translation.gettext("%(action)s failed for %(name)s: %(error)s") % {
            "action": translation.gettext("Propose to the owner"),
            "name": f"{match.application.reference} ↔ {match.site.reference}",
            "error": MatchConflict().message,
        }
    assert messages_of(response) == [expected]
    assert MatchTransition.objects.filter(to_state=M.PROPOSED_OWNER).count() == 0


def test_changelist_action_records_no_answer_the_side_was_not_asked_for(
    desk_client, pair, caseworker_user
):
    match = walk(new_match(pair, caseworker_user), M.PROPOSED_HOLDER, desk=caseworker_user,
                 owner=caseworker_user, holder=caseworker_user)  # fmt: skip

    response = desk_client.post(
        MATCHES,
        {
            "action": "owner_accepts",
            "_selected_action": [match.pk],
            "index": 0,
            f"seen_state_{match.pk}": M.PROPOSED_HOLDER,
        },
        follow=True,
    )

    # match_answer answers for whichever side is asked: the base checks the declared move first.
    assert messages_of(response) == [
        f"Record: the owner accepts failed for {match.application.reference} ↔ "
        f"{match.site.reference}: “Record: the owner accepts” does not apply when the state is "
        "“Proposed to the holder”."
    ]
    assert state_of(match) == M.PROPOSED_HOLDER


def test_changelist_action_shortlists_the_selected_matches(desk_client, pair, caseworker_user):
    match = new_match(pair, caseworker_user)

    response = desk_client.post(
        MATCHES,
        {
            "action": "shortlist",
            "_selected_action": [match.pk],
            "index": 0,
            f"seen_state_{match.pk}": M.SUGGESTED,
        },
        follow=True,
    )

    assert messages_of(response) == [
        f"Shortlist: done for {match.application.reference} ↔ {match.site.reference}."
    ]
    assert state_of(match) == M.SHORTLISTED


# --- Occupations -----------------------------------------------------------------------------


def signed(orgs, desk, *, starts_on=TODAY, **terms):
    application, site = fitting_pair(
        holder_org=orgs[0], owner_org=orgs[1], open_to_public=terms.pop("open_to_public", False)
    )
    match = walk(
        match_create(application=application, site=site, actor=desk),
        M.DRAFTING,
        desk=desk,
        owner=desk,
        holder=desk,
    )
    return match_sign(match=match, actor=desk, starts_on=starts_on, **terms)


def occupation_act(client, occupation, action, **data):
    return client.post(
        f"{OCCUPATIONS}{occupation.pk}/desk-action/{action}/",
        {"seen_state": Occupation.objects.get(pk=occupation.pk).state, **data},
        follow=True,
    )


def test_occupation_start_needs_the_insurance_when_open_to_the_public(
    desk_client, orgs, caseworker_user
):
    occupation = signed(orgs, caseworker_user, open_to_public=True)
    reference = f"{occupation.site.reference} – {occupation.application.reference}"

    content = desk_client.get(f"{OCCUPATIONS}{occupation.pk}/change/").content.decode()
    assert "Before it can start: Open to the public: add a valid public-liability" in content

    response = occupation_act(desk_client, occupation, "start_running")

    assert messages_of(response) == [
        "Start: the occupation is running failed for "
        f"{reference}: Open to the public: add a valid public-liability and fire insurance first."
    ]
    assert Occupation.objects.get().state == "preparing"
    InsuranceCertificate.objects.create(
        occupation=occupation,
        kind="liability_fire",
        insurer="Ethias",
        expires_on=TODAY + datetime.timedelta(days=365),
    )

    occupation_act(desk_client, occupation, "start_running")

    assert Occupation.objects.get().state == "running"
    assert list(OccupationTransition.objects.values_list("from_state", "to_state")) == [
        ("", "preparing"),
        ("preparing", "running"),
    ]


def test_occupation_change_page_shows_the_planning_warning(desk_client, orgs, caseworker_user):
    occupation = signed(
        orgs,
        caseworker_user,
        starts_on=TODAY + datetime.timedelta(days=50),
        planning_regime=PlanningRegime.objects.get(code="exempt_3_years"),
    )
    due = occupation.starts_on - datetime.timedelta(days=60)

    content = desk_client.get(f"{OCCUPATIONS}{occupation.pk}/change/").content.decode()

    assert (
        '<li class="warning">The planning notification was due on '
        f"{formatting.day(due, language='en')} and has not been recorded.</li>"
    ) in content


def test_occupation_end_with_the_checklist(desk_client, orgs, caseworker_user):
    occupation = signed(orgs, caseworker_user, starts_on=TODAY - datetime.timedelta(days=200))
    occupation_act(desk_client, occupation, "start_running")

    occupation_act(
        desk_client,
        occupation,
        "end",
        apply="1",
        ended_on=TODAY.isoformat(),
        exit_inspection_on=TODAY.isoformat(),
        final_report="Forty artists, two exhibitions.",
        stays_in_future_project="true",
        extension_decision="not_extended",
    )

    occupation = Occupation.objects.get()
    assert (
        occupation.state,
        occupation.ended_on,
        occupation.exit_inspection_on,
        occupation.final_report,
        occupation.stays_in_future_project,
        occupation.extension_decision,
    ) == ("ended", TODAY, TODAY, "Forty artists, two exhibitions.", True, "not_extended")
    assert Application.objects.get(pk=occupation.application_id).state == "closed"
    assert OccupationUnit.objects.get().ends_on == TODAY


def test_occupation_extend_moves_the_planned_end(desk_client, orgs, caseworker_user):
    end = TODAY + datetime.timedelta(days=300)
    occupation = signed(orgs, caseworker_user, ends_on=end)
    later = end + datetime.timedelta(days=365)

    response = occupation_act(desk_client, occupation, "extend", apply="1", ends_on=later)

    assert messages_of(response) == [
        f"Extend: done for {occupation.site.reference} – {occupation.application.reference}."
    ]
    occupation = Occupation.objects.get()
    assert (occupation.ends_on, occupation.extension_decision) == (later, "extended")
    assert OccupationUnit.objects.get().ends_on == later


def test_occupation_state_cannot_be_edited_in_the_form(desk_client, orgs, caseworker_user):
    occupation = signed(orgs, caseworker_user)
    page = desk_client.get(f"{OCCUPATIONS}{occupation.pk}/change/")
    data = change_form_data(page)
    data.update(state="ended", permit_reference="PU/2027/99")

    response = desk_client.post(f"{OCCUPATIONS}{occupation.pk}/change/", data)

    assert response.status_code == 302
    occupation = Occupation.objects.get()
    assert (occupation.state, occupation.permit_reference) == ("preparing", "PU/2027/99")


def test_occupation_list_shows_occupants_and_ending_soon(desk_client, orgs, caseworker_user):
    occupation = signed(orgs, caseworker_user, ends_on=TODAY + datetime.timedelta(days=30))

    response = desk_client.get(OCCUPATIONS, {"state__exact": "preparing"})

    assert [o.pk for o in response.context["cl"].result_list] == [occupation.pk]
    content = response.content.decode()
    assert "Collectief Zinne" in content
    assert 'alt="True"' in content  # ending soon
