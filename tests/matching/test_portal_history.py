"""What the owner and the holder read of a match's history: the desk's own steps before the
proposal (suggested, shortlisted) are never named; the move out of them starts from the
desk's preparation."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from matching.domain import match_answer, match_create, match_propose_to_holder, match_transition
from matching.enums import MatchState

from .helpers import fitting_pair

pytestmark = pytest.mark.django_db
M = MatchState

# (language, "Prepared by the desk", the desk-only state names that must not show)
LANGUAGES = [
    ("nl", "In voorbereiding bij het loket", ("Op de shortlist", "Gesuggereerd")),
    ("fr", "En préparation au guichet", ("Présélectionnée", "Suggérée")),
]


@pytest.fixture
def shortlisted_then_proposed(holder, owner, caseworker_user):
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    match = match_create(application=application, site=site, actor=caseworker_user)
    match = match_transition(match=match, to_state=M.SHORTLISTED, actor=caseworker_user)
    match = match_transition(match=match, to_state=M.PROPOSED_OWNER, actor=caseworker_user)
    match = match_answer(match=match, actor=owner, accept=True)
    return match_propose_to_holder(match=match, actor=caseworker_user)


def history_cells(html: str) -> list[list[str]]:
    """The history table's rows, as the text of their From and To cells."""
    table = html.split('id="history-title"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    return [
        [" ".join(cell.split()) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)[2:4]]
        for row in rows
    ]


@pytest.mark.parametrize(("language", "prepared", "hidden"), LANGUAGES)
@pytest.mark.parametrize("side", ["owner", "holder"])
def test_history_never_names_the_desks_own_states(
    request, shortlisted_then_proposed, side, language, prepared, hidden
):
    client = request.getfixturevalue(f"{side}_client")
    with translation.override(language):
        url = reverse("matching:proposal_detail", args=[shortlisted_then_proposed.pk])
        html = client.get(url).content.decode()
        proposed_owner, owner_accepted, proposed_holder = (
            str(M.PROPOSED_OWNER.label),
            str(M.OWNER_ACCEPTED.label),
            str(M.PROPOSED_HOLDER.label),
        )

    assert history_cells(html) == [
        [prepared, proposed_owner],
        [proposed_owner, owner_accepted],
        [owner_accepted, proposed_holder],
    ]
    assert [name for name in hidden if name in html] == []
