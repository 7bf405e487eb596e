"""Every proposal URL for every persona: the site's owner and the application's holder may, each
only once the desk proposed the match to them; other owners, other holders and caseworkers (who
use the admin) get a 404 and change nothing; anonymous visitors are sent to log in."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation

from matching.domain import match_answer, match_propose_to_holder, visit_slot_propose
from matching.enums import MatchState
from matching.models import Match, MatchTransition, VisitSlot
from projects.models import ApplicationDocument

from ..factories import MembershipFactory, SiteFactory
from .helpers import fitting_pair, new_match, reason

pytestmark = pytest.mark.django_db
M = MatchState
PDF = b"%PDF-1.4\n%%EOF\n"


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def match(holder, owner, caseworker_user):
    """A match the owner accepted and the desk then proposed to the holder, with a visit time
    offered and a document in the holder's file."""
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    match = new_match(application, site, caseworker_user, to_state=M.PROPOSED_OWNER)
    match = match_answer(match=match, actor=owner, accept=True)
    match = match_propose_to_holder(match=match, actor=caseworker_user)
    start = timezone.now() + datetime.timedelta(days=5)
    visit_slot_propose(
        match=match, actor=owner, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    ApplicationDocument.objects.create(
        application=application,
        kind="statutes",
        title="Statutes",
        file=ContentFile(PDF, name="statutes.pdf"),
    )
    return match


def get_urls(match) -> list[str]:
    document = match.application.documents.get()
    return [
        url("matching:proposal_detail", match.pk),
        url("matching:proposal_document", match.pk, document.pk),
    ]


def post_urls(match) -> list[str]:
    slot = match.visit_slots.get()
    return [
        url("matching:proposal_accept", match.pk),
        url("matching:proposal_decline", match.pk),
        url("matching:proposal_withdraw", match.pk),
        url("matching:proposal_slot_propose", match.pk),
        url("matching:proposal_slot_confirm", match.pk, slot.pk),
    ]


def snapshot(match) -> tuple:
    match = Match.objects.get(pk=match.pk)
    return (
        match.state,
        MatchTransition.objects.filter(match=match).count(),
        list(VisitSlot.objects.filter(match=match).values_list("pk", "state")),
    )


DECLINE = {"decline-decline_reason": "", "withdraw-decline_reason": ""}


def test_anonymous_visitors_are_sent_to_log_in(anonymous_client, match):
    before = snapshot(match)
    login = url("account_login")

    for path in [url("matching:proposal_list"), *get_urls(match)]:
        response = anonymous_client.get(path)
        assert (response.status_code, response.url) == (302, f"{login}?next={path}"), path
    for path in post_urls(match):
        response = anonymous_client.post(path, DECLINE)
        assert (response.status_code, response.url) == (302, f"{login}?next={path}"), path

    assert snapshot(match) == before


@pytest.mark.parametrize(
    "client_fixture", ["other_owner_client", "other_holder_client", "caseworker_client"]
)
def test_everyone_else_gets_a_404_and_changes_nothing(request, client_fixture, match):
    client = request.getfixturevalue(client_fixture)
    before = snapshot(match)

    for path in get_urls(match):
        assert client.get(path).status_code == 404, path
    for path in post_urls(match):
        reason_id = reason("too_small").pk
        data = {"decline-decline_reason": reason_id, "withdraw-decline_reason": reason_id}
        assert client.post(path, data).status_code == 404, path

    assert snapshot(match) == before


@pytest.mark.parametrize(
    "client_fixture", ["other_owner_client", "other_holder_client", "caseworker_client"]
)
def test_everyone_else_sees_an_empty_list(request, client_fixture, match):
    client = request.getfixturevalue(client_fixture)

    response = client.get(url("matching:proposal_list"))

    assert response.status_code == 200
    assert response.context["owner_matches"] == []
    assert response.context["holder_matches"] == []


def test_the_owner_and_the_holder_see_the_proposal(owner_client, holder_client, match):
    for client in (owner_client, holder_client):
        detail = client.get(url("matching:proposal_detail", match.pk))
        listed = client.get(url("matching:proposal_list"))

        assert detail.status_code == 200
        assert detail.context["match"] == match
        listed_pks = [m.pk for m in listed.context["owner_matches"]] + [
            m.pk for m in listed.context["holder_matches"]
        ]
        assert listed_pks == [match.pk]


def test_the_owner_sees_their_side_only(owner_client, match):
    proposal = owner_client.get(url("matching:proposal_detail", match.pk)).context["proposal"]

    assert (proposal.as_owner, proposal.as_holder) == (True, False)


def test_the_holder_sees_their_side_only(holder_client, match):
    proposal = holder_client.get(url("matching:proposal_detail", match.pk)).context["proposal"]

    assert (proposal.as_owner, proposal.as_holder) == (False, True)


def test_the_holder_does_not_see_a_match_before_it_is_proposed_to_them(
    holder, owner, holder_client, owner_client, caseworker_user
):
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    match = new_match(application, site, caseworker_user, to_state=M.PROPOSED_OWNER)

    assert holder_client.get(url("matching:proposal_detail", match.pk)).status_code == 404
    assert holder_client.get(url("matching:proposal_list")).context["holder_matches"] == []
    assert owner_client.get(url("matching:proposal_detail", match.pk)).status_code == 200


def test_the_owner_does_not_see_a_match_the_desk_has_not_proposed(
    holder, owner, owner_client, caseworker_user
):
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    match = new_match(application, site, caseworker_user, to_state=M.SHORTLISTED)

    assert owner_client.get(url("matching:proposal_detail", match.pk)).status_code == 404


def test_the_owner_gets_the_holders_documents_only_once_shared(
    owner_client, holder_client, holder, match
):
    document = match.application.documents.get()
    path = url("matching:proposal_document", match.pk, document.pk)
    assert owner_client.get(path).status_code == 404
    # The holder's own documents are on their application pages, not here.
    assert holder_client.get(path).status_code == 404

    match_answer(match=match, actor=holder, accept=True)
    response = owner_client.get(path)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_a_caseworker_who_is_a_member_of_the_owner_sees_the_proposal(
    caseworker_user, caseworker_client, owner, match
):
    MembershipFactory(user=caseworker_user, organisation=owner.active_organisation)

    response = caseworker_client.get(url("matching:proposal_detail", match.pk))

    assert response.status_code == 200


def test_the_answer_endpoints_take_only_post(owner_client, match):
    for path in post_urls(match):
        assert owner_client.get(path).status_code == 405, path


def test_a_slot_of_another_match_is_a_404(holder, owner, holder_client, caseworker_user, match):
    match_answer(match=match, actor=holder, accept=True)
    site = SiteFactory(owner=owner.active_organisation, units=[150], available_until=None)
    other = new_match(match.application, site, caseworker_user, to_state=M.PROPOSED_OWNER)
    other = match_answer(match=other, actor=owner, accept=True)
    start = timezone.now() + datetime.timedelta(days=6)
    foreign = visit_slot_propose(
        match=other, actor=owner, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )

    response = holder_client.post(url("matching:proposal_slot_confirm", match.pk, foreign.pk))

    assert response.status_code == 404
    assert VisitSlot.objects.get(pk=foreign.pk).state == "proposed"
