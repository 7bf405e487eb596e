"""The owner's and the holder's proposal pages: what each side sees, and their answers going
through the domain (state, history rows, e-mails in the recipient's language)."""

import datetime
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from matching.domain import (
    match_answer,
    match_create,
    match_propose_to_holder,
    visit_slot_propose,
)
from matching.enums import MatchState
from matching.models import Match, MatchTransition, VisitSlot

from ..factories import ApplicationFactory, MembershipFactory, SiteFactory
from .helpers import fitting_pair, new_match, reason

pytestmark = pytest.mark.django_db
M = MatchState
BRUSSELS = timezone.get_default_timezone()


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


class _TextById(HTMLParser):
    """The text inside the element with a given id, whitespace collapsed."""

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id, self.depth, self.parts, self.found = element_id, 0, [], False

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(response, element_id: str) -> str | None:
    parser = _TextById(element_id)
    parser.feed(response.content.decode())
    return " ".join("".join(parser.parts).split()) if parser.found else None


def links(message) -> list[str]:
    """The message's own links, above the shared footer (portal, preferences, unsubscribe)."""
    body = message.body.split("\n--\n", 1)[0]
    return [word for word in body.split() if word.startswith("http")]


def history(match) -> list[tuple]:
    return list(
        MatchTransition.objects.filter(match=match).values_list(
            "side", "from_state", "to_state", "decline_reason__code", "reason"
        )
    )


@pytest.fixture
def pair(holder, owner):
    return fitting_pair(holder_org=holder.active_organisation, owner_org=owner.active_organisation)


@pytest.fixture
def proposed_to_owner(pair, caseworker_user):
    application, site = pair
    return match_create(
        application=application,
        site=site,
        actor=caseworker_user,
        to_state=M.PROPOSED_OWNER,
        message="A lively project that fits your ground floor.",
    )


@pytest.fixture
def proposed_to_holder(proposed_to_owner, owner, caseworker_user):
    match = match_answer(match=proposed_to_owner, actor=owner, accept=True)
    return match_propose_to_holder(
        match=match, actor=caseworker_user, message="The owner would welcome you."
    )


@pytest.fixture
def holder_accepted(proposed_to_holder, holder):
    return match_answer(match=proposed_to_holder, actor=holder, accept=True)


def offer(match, owner, *, days=4) -> VisitSlot:
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return visit_slot_propose(
        match=match,
        actor=owner,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        place="Main entrance",
    )


# --- The list --------------------------------------------------------------------------------


def test_list_puts_what_waits_for_the_owner_first(
    owner, owner_client, proposed_to_owner, caseworker_user
):
    site = SiteFactory(owner=owner.active_organisation, units=[150], available_until=None)
    answered = new_match(proposed_to_owner.application, site, caseworker_user, M.PROPOSED_OWNER)
    answered = match_answer(match=answered, actor=owner, accept=True)

    response = owner_client.get(url("matching:proposal_list"))

    assert [m.pk for m in response.context["owner_waiting"]] == [proposed_to_owner.pk]
    assert [m.pk for m in response.context["owner_rest"]] == [answered.pk]
    assert response.context["holder_matches"] == []
    assert text_of(response, "owner-waiting-title") == "Waiting for your answer"
    assert text_of(response, "owner-rest-title") == "Other proposals"
    assert text_of(response, "holder-title") is None


def test_list_tells_the_holder_a_visit_time_waits_for_them(
    holder, holder_client, owner, holder_accepted
):
    before = holder_client.get(url("matching:proposal_list"))
    offer(holder_accepted, owner)

    after = holder_client.get(url("matching:proposal_list"))

    assert [m.pk for m in before.context["holder_waiting"]] == []
    assert [m.pk for m in before.context["holder_rest"]] == [holder_accepted.pk]
    assert [m.pk for m in after.context["holder_waiting"]] == [holder_accepted.pk]
    assert text_of(before, "holder-waiting-empty") == "Nothing is waiting for your answer."


def test_list_shows_both_sides_to_someone_who_is_owner_and_holder(
    holder, owner, owner_client, proposed_to_holder
):
    MembershipFactory(user=owner, organisation=holder.active_organisation)

    response = owner_client.get(url("matching:proposal_list"))

    assert [m.pk for m in response.context["owner_rest"]] == [proposed_to_holder.pk]
    assert [m.pk for m in response.context["holder_waiting"]] == [proposed_to_holder.pk]
    assert text_of(response, "owner-title") == "Projects proposed for your sites"
    assert text_of(response, "holder-title") == "Sites proposed for your applications"


def test_list_without_proposals_says_so(holder_client):
    response = holder_client.get(url("matching:proposal_list"))

    assert text_of(response, "no-proposals") == (
        "No proposals yet. When the desk finds a match, you will get an e-mail and find it here."
    )


def test_list_sends_a_caseworker_to_the_admin(caseworker_client, proposed_to_owner):
    response = caseworker_client.get(url("matching:proposal_list"))

    assert text_of(response, "no-proposals") == (
        "You act for the desk. Caseworkers follow matches in the desk admin."
    )


def test_list_costs_the_same_queries_for_one_match_and_for_many(
    holder, owner, owner_client, holder_client, caseworker_user, django_assert_num_queries
):
    def proposed_pair(number):
        site = SiteFactory(owner=owner.active_organisation, units=[150], available_until=None)
        application = ApplicationFactory(
            organisation=holder.active_organisation,
            complete=True,
            state="qualified",
            reference=f"LTG-2026-{number:04d}",
        )
        match = new_match(application, site, caseworker_user, M.PROPOSED_OWNER)
        match = match_answer(match=match, actor=owner, accept=True)
        return match_propose_to_holder(match=match, actor=caseworker_user)

    proposed_pair(1)
    counts = {}
    for client in (owner_client, holder_client):
        with CaptureQueriesContext(connection) as captured:
            client.get(url("matching:proposal_list"))
        counts[client] = len(captured.captured_queries)
    for number in range(2, 7):
        proposed_pair(number)

    for client in (owner_client, holder_client):
        with django_assert_num_queries(counts[client]):
            response = client.get(url("matching:proposal_list"))
        assert len(response.context["owner_matches"] or response.context["holder_matches"]) == 6


@pytest.mark.parametrize(
    ("client_fixture", "shown"),
    [
        ("owner_client", True),
        ("holder_client", True),
        ("caseworker_client", False),
        ("anonymous_client", False),
    ],
)
def test_the_menu_links_owners_and_holders_to_their_proposals(request, client_fixture, shown):
    client = request.getfixturevalue(client_fixture)

    content = client.get(url("pages:home")).content.decode()

    link = f'<a href="{url("matching:proposal_list")}">My proposals</a>'
    assert (link in content) == shown


# --- What each side sees ---------------------------------------------------------------------


def test_holder_sees_the_site_its_units_and_the_desks_message(holder_client, proposed_to_holder):
    response = holder_client.get(url("matching:proposal_detail", proposed_to_holder.pk))
    site = proposed_to_holder.site

    assert text_of(response, "site-address") == f"Rue de la Loi {site.number}, 1000"
    assert text_of(response, "site-public-link") == "See the site's public page"
    assert f'href="{url("properties:detail", site.reference)}"' in response.content.decode()
    assert [(u.name, u.surface_m2) for u in response.context["units"]] == [
        (u.name, u.surface_m2) for u in proposed_to_holder.units.all()
    ]
    assert [u.surface_m2 for u in response.context["units"]] == [120]
    assert text_of(response, "desk-message") == "The owner would welcome you."
    assert text_of(response, "match-state") == "Proposed to the holder"


def test_holder_sees_only_what_the_site_shows_the_public(
    holder, owner, holder_client, caseworker_user
):
    application, site = fitting_pair(
        holder_org=holder.active_organisation,
        owner_org=owner.active_organisation,
        public_precision="commune",
        publication="private",
    )
    match = new_match(application, site, caseworker_user, M.PROPOSED_OWNER)
    match = match_answer(match=match, actor=owner, accept=True)
    match = match_propose_to_holder(match=match, actor=caseworker_user)

    response = holder_client.get(url("matching:proposal_detail", match.pk))

    assert text_of(response, "site-address") == (
        "The owner shows only the commune. The desk gives the address for the visit."
    )
    assert text_of(response, "site-public-link") is None
    assert "Rue de la Loi" not in response.content.decode()


def test_owner_sees_the_project_but_not_the_holder_before_they_accept(
    owner_client, proposed_to_holder
):
    response = owner_client.get(url("matching:proposal_detail", proposed_to_holder.pk))
    content = response.content.decode()

    assert text_of(response, "project-name") == "Ateliers du canal"
    assert text_of(response, "project-surface") == "100 to 200 m² (ideally 150 m²)"
    assert text_of(response, "project-duration") == "24 months"
    assert text_of(response, "holder-file-note") == (
        "The project holder's file – organisation, contact person, description, documents "
        "and partners – will be shared with you once they accept the proposal."
    )
    assert text_of(response, "holder-organisation") is None
    assert "Collectief Zinne" not in content
    assert "Studios for artists and a small public workshop." not in content


def test_owner_sees_the_holders_file_once_they_accept(holder, owner_client, proposed_to_holder):
    match_answer(match=proposed_to_holder, actor=holder, accept=True)
    application = proposed_to_holder.application
    application.created_by = holder
    application.save(update_fields=["created_by"])

    response = owner_client.get(url("matching:proposal_detail", proposed_to_holder.pk))

    assert text_of(response, "holder-organisation") == "Collectief Zinne"
    assert text_of(response, "holder-description") == (
        "Studios for artists and a small public workshop."
    )
    assert text_of(response, "holder-contact") == (f"{holder.get_full_name()} <{holder.email}>")
    assert text_of(response, "holder-file-note") is None


def test_owner_does_not_see_the_file_of_a_holder_who_did_not_consent(
    holder, owner_client, proposed_to_holder
):
    proposed_to_holder.application.consent_to_share = False
    proposed_to_holder.application.save(update_fields=["consent_to_share"])
    match_answer(match=proposed_to_holder, actor=holder, accept=True)

    response = owner_client.get(url("matching:proposal_detail", proposed_to_holder.pk))

    assert text_of(response, "holder-organisation") is None
    assert "Collectief Zinne" not in response.content.decode()
    assert text_of(response, "holder-file-note") == (
        "The project holder accepted but did not agree to share their file. "
        "The desk will put you in touch."
    )


def test_history_shows_sides_and_reasons_but_no_names(
    holder, owner, holder_client, caseworker_user, proposed_to_holder
):
    response = holder_client.get(url("matching:proposal_detail", proposed_to_holder.pk))
    content = response.content.decode()

    assert [
        (t.get_side_display(), t.get_from_state_display(), t.get_to_state_display())
        for t in response.context["transitions"]
    ] == [
        ("The desk", "Suggested", "Proposed to the owner"),
        ("The owner", "Proposed to the owner", "Owner accepted"),
        ("The desk", "Owner accepted", "Proposed to the holder"),
    ]
    for person in (owner, caseworker_user):
        assert person.email not in content
        # The full name: a generated last name such as "Ho" can be part of "Home".
        assert person.get_full_name() not in content


# --- Answers ---------------------------------------------------------------------------------


def test_owner_accepts_and_the_desk_hears_of_it_in_their_language(
    owner_client, caseworker_user, proposed_to_owner, django_capture_on_commit_callbacks
):
    caseworker_user.preferred_language = "fr"
    caseworker_user.save(update_fields=["preferred_language"])

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url("matching:proposal_accept", proposed_to_owner.pk))

    assert response.status_code == 302
    assert response.url == url("matching:proposal_detail", proposed_to_owner.pk)
    assert Match.objects.get(pk=proposed_to_owner.pk).state == M.OWNER_ACCEPTED
    assert history(proposed_to_owner)[-1] == ("owner", "proposed_owner", "owner_accepted", None, "")
    assert [m.to for m in mail.outbox] == [[caseworker_user.email]]
    assert links(mail.outbox[0]) == [
        f"http://127.0.0.1:8000/admin/matching/match/{proposed_to_owner.pk}/change/"
    ]
    page = owner_client.get(response.url)
    assert text_of(page, "match-state") == "Owner accepted"
    assert [str(m) for m in page.context["messages"]] == [
        "You accepted the proposal. The desk has been told."
    ]


def test_a_second_accept_gets_the_conflict_message_and_no_second_row(
    owner_client, proposed_to_owner
):
    path = url("matching:proposal_accept", proposed_to_owner.pk)
    owner_client.post(path, follow=True)

    second = owner_client.post(path, follow=True)

    assert [str(m) for m in second.context["messages"]] == [
        "Someone else was faster: this match changed a moment ago. Reload to see it."
    ]
    rows = MatchTransition.objects.filter(match=proposed_to_owner, to_state=M.OWNER_ACCEPTED)
    assert rows.count() == 1
    assert Match.objects.get(pk=proposed_to_owner.pk).state == M.OWNER_ACCEPTED


def test_decline_with_other_and_no_text_shows_the_error_at_the_field_and_saves_nothing(
    owner_client, proposed_to_owner
):
    before = history(proposed_to_owner)

    response = owner_client.post(
        url("matching:proposal_decline", proposed_to_owner.pk),
        {"decline-decline_reason": reason("other").pk, "decline-reason": "  "},
    )

    assert response.status_code == 200
    assert text_of(response, "id_decline-reason_error") == "Explain the reason in a few words."
    assert 'aria-describedby="id_decline-reason_helptext id_decline-reason_error"' in (
        response.content.decode()
    )
    assert Match.objects.get(pk=proposed_to_owner.pk).state == M.PROPOSED_OWNER
    assert history(proposed_to_owner) == before


def test_decline_without_a_reason_asks_for_one(owner_client, proposed_to_owner):
    response = owner_client.post(url("matching:proposal_decline", proposed_to_owner.pk), {})

    assert text_of(response, "id_decline-decline_reason_error") == "Choose a reason from the list."
    assert Match.objects.get(pk=proposed_to_owner.pk).state == M.PROPOSED_OWNER


def test_owner_declines_with_a_reason(
    owner_client, caseworker_user, proposed_to_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            url("matching:proposal_decline", proposed_to_owner.pk),
            {"decline-decline_reason": reason("other").pk, "decline-reason": "We sold it."},
        )

    match = Match.objects.get(pk=proposed_to_owner.pk)
    assert (match.state, match.ended_by, match.decline_reason.code, match.decline_text) == (
        M.OWNER_DECLINED,
        "owner",
        "other",
        "We sold it.",
    )
    assert history(match)[-1] == (
        "owner",
        "proposed_owner",
        "owner_declined",
        "other",
        "We sold it.",
    )
    assert [m.to for m in mail.outbox] == [[caseworker_user.email]]
    # The caseworker reads Dutch: the reason from the list is in Dutch too.
    reason_line = mail.outbox[0].body.splitlines()[4]
    assert reason_line.endswith(" Andere (met toelichting) – We sold it.")


def test_holder_accepts_and_the_consent_is_recorded(holder_client, proposed_to_holder):
    holder_client.post(url("matching:proposal_accept", proposed_to_holder.pk))

    match = Match.objects.get(pk=proposed_to_holder.pk)
    assert match.state == M.HOLDER_ACCEPTED
    assert match.holder_consented_at is not None
    assert history(match)[-1] == ("holder", "proposed_holder", "holder_accepted", None, "")


def test_a_second_accept_by_the_holder_gets_the_conflict_message(holder_client, proposed_to_holder):
    path = url("matching:proposal_accept", proposed_to_holder.pk)
    holder_client.post(path, follow=True)

    response = holder_client.post(path, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Someone else was faster: this match changed a moment ago. Reload to see it."
    ]
    rows = MatchTransition.objects.filter(match=proposed_to_holder, to_state=M.HOLDER_ACCEPTED)
    assert rows.count() == 1


def test_holder_withdraws_and_the_owner_hears_of_it_in_their_language(
    owner, holder_client, holder_accepted, django_capture_on_commit_callbacks
):
    owner.preferred_language = "fr"
    owner.save(update_fields=["preferred_language"])

    with django_capture_on_commit_callbacks(execute=True):
        response = holder_client.post(
            url("matching:proposal_withdraw", holder_accepted.pk),
            {"withdraw-decline_reason": reason("too_small").pk, "withdraw-reason": ""},
        )

    match = Match.objects.get(pk=holder_accepted.pk)
    assert response.status_code == 302
    assert (match.state, match.ended_by) == (M.WITHDRAWN, "holder")
    assert history(match)[-1] == ("holder", "holder_accepted", "withdrawn", "too_small", "")
    to_owner = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(to_owner) == 1
    assert to_owner[0].body.splitlines()[4].endswith(" Trop petit")
    assert links(to_owner[0]) == [f"http://127.0.0.1:8000/fr/my/proposals/{match.pk}/"]


def test_withdraw_with_other_and_no_text_saves_nothing(holder_client, holder_accepted):
    response = holder_client.post(
        url("matching:proposal_withdraw", holder_accepted.pk),
        {"withdraw-decline_reason": reason("other").pk},
    )

    assert text_of(response, "id_withdraw-reason_error") == "Explain the reason in a few words."
    assert Match.objects.get(pk=holder_accepted.pk).state == M.HOLDER_ACCEPTED


# --- Visits ----------------------------------------------------------------------------------


def test_owner_offers_a_visit_in_brussels_time(owner_client, holder_accepted):
    day = timezone.localdate() + datetime.timedelta(days=10)

    response = owner_client.post(
        url("matching:proposal_slot_propose", holder_accepted.pk),
        {
            "slot-day": day.isoformat(),
            "slot-starts": "14:30",
            "slot-ends": "15:30",
            "slot-place": "Main entrance",
        },
    )

    assert response.status_code == 302
    slot = VisitSlot.objects.get(match=holder_accepted)
    assert (timezone.localtime(slot.starts_at, BRUSSELS).date(), slot.place, slot.state) == (
        day,
        "Main entrance",
        "proposed",
    )
    assert timezone.localtime(slot.starts_at, BRUSSELS).time() == datetime.time(14, 30)
    assert timezone.localtime(slot.ends_at, BRUSSELS).time() == datetime.time(15, 30)


def test_visit_times_are_shown_in_brussels_time(owner, holder_client, holder_accepted):
    starts_at = datetime.datetime(2027, 3, 15, 13, 30, tzinfo=datetime.UTC)
    slot = visit_slot_propose(
        match=holder_accepted,
        actor=owner,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        place="Main entrance",
    )

    response = holder_client.get(url("matching:proposal_detail", holder_accepted.pk))

    assert text_of(response, f"slot-{slot.pk}") == "March 15, 2027, 14:30–15:30 · Main entrance"


def test_a_visit_that_ends_before_it_starts_is_refused_at_the_field(owner_client, holder_accepted):
    day = timezone.localdate() + datetime.timedelta(days=10)

    response = owner_client.post(
        url("matching:proposal_slot_propose", holder_accepted.pk),
        {"slot-day": day.isoformat(), "slot-starts": "15:00", "slot-ends": "14:00"},
    )

    assert text_of(response, "id_slot-ends_error") == "A visit must end after it starts."
    assert VisitSlot.objects.filter(match=holder_accepted).count() == 0


def test_a_visit_in_the_past_is_refused_with_the_domains_message(owner_client, holder_accepted):
    day = timezone.localdate() - datetime.timedelta(days=1)

    response = owner_client.post(
        url("matching:proposal_slot_propose", holder_accepted.pk),
        {"slot-day": day.isoformat(), "slot-starts": "10:00", "slot-ends": "11:00"},
    )

    assert response.status_code == 200
    assert list(response.context["slot_form"].non_field_errors()) == [
        "Choose a time in the future."
    ]
    assert VisitSlot.objects.filter(match=holder_accepted).count() == 0


def test_holder_cannot_offer_a_visit(holder_client, holder_accepted):
    day = timezone.localdate() + datetime.timedelta(days=10)

    response = holder_client.post(
        url("matching:proposal_slot_propose", holder_accepted.pk),
        {"slot-day": day.isoformat(), "slot-starts": "10:00", "slot-ends": "11:00"},
    )

    assert list(response.context["slot_form"].non_field_errors()) == [
        "Only the desk or the owner offers visit times."
    ]
    assert VisitSlot.objects.filter(match=holder_accepted).count() == 0


def test_holder_confirms_a_visit_and_everyone_hears_of_it(
    owner,
    holder,
    holder_client,
    caseworker_user,
    holder_accepted,
    django_capture_on_commit_callbacks,
):
    owner.preferred_language = "fr"
    owner.save(update_fields=["preferred_language"])
    chosen, other = offer(holder_accepted, owner, days=4), offer(holder_accepted, owner, days=5)
    page = holder_client.get(url("matching:proposal_detail", holder_accepted.pk))
    confirm = url("matching:proposal_slot_confirm", holder_accepted.pk, chosen.pk)
    assert f'action="{confirm}"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        holder_client.post(confirm)

    match = Match.objects.get(pk=holder_accepted.pk)
    assert match.state == M.VISIT_PLANNED
    assert history(match)[-1] == ("holder", "holder_accepted", "visit_planned", None, "")
    assert list(VisitSlot.objects.filter(match=match).values_list("pk", "state")) == [
        (chosen.pk, "confirmed"),
        (other.pk, "cancelled"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, caseworker_user.email])
    to_owner = next(m for m in mail.outbox if m.to == [owner.email])
    assert links(to_owner) == [f"http://127.0.0.1:8000/fr/my/proposals/{match.pk}/"]


def test_a_second_confirm_changes_nothing(owner, holder_client, holder_accepted):
    slot = offer(holder_accepted, owner)
    path = url("matching:proposal_slot_confirm", holder_accepted.pk, slot.pk)
    holder_client.post(path, follow=True)

    second = holder_client.post(path, follow=True)

    assert [str(m) for m in second.context["messages"]] == [
        "Someone else was faster: a visit time for this match was confirmed a moment ago. "
        "Reload to see which one."
    ]
    assert (
        MatchTransition.objects.filter(match=holder_accepted, to_state=M.VISIT_PLANNED).count() == 1
    )


def test_the_holder_cannot_confirm_before_accepting(owner, holder_client, proposed_to_holder):
    slot = offer(proposed_to_holder, owner)

    response = holder_client.post(
        url("matching:proposal_slot_confirm", proposed_to_holder.pk, slot.pk), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "A match cannot go from “Proposed to the holder” to “Visit planned”."
    ]
    assert VisitSlot.objects.get(pk=slot.pk).state == "proposed"
    assert Match.objects.get(pk=proposed_to_holder.pk).state == M.PROPOSED_HOLDER
