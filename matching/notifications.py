"""Who hears of a match's change. The sending is `tasks.match_notify`'s."""

from loket.accounts.models import User

from .enums import MatchState, Side
from .models import MatchTransition

M = MatchState


def _members(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(memberships__organisation_id=organisation_id, is_active=True)
        .order_by("pk")
        .distinct()
    )


def recipients_for(transition: MatchTransition) -> list[tuple[User, str]]:
    """(user, audience) pairs; the audience is "owner", "holder" or "desk". Whoever made the
    change is not told of it."""
    match = transition.match
    to = transition.to_state
    owners = [(u, "owner") for u in _members(match.site.owner_id)]
    holders = [(u, "holder") for u in _members(match.application.organisation_id)]
    desk = [(match.caseworker, "desk")] if match.caseworker else []
    if to == M.PROPOSED_OWNER:
        chosen = owners
    elif to == M.PROPOSED_HOLDER:
        chosen = holders
    elif to in (M.OWNER_ACCEPTED, M.OWNER_DECLINED, M.HOLDER_ACCEPTED, M.HOLDER_DECLINED):
        chosen = desk
    elif to in (M.VISIT_PLANNED, M.SIGNED):
        chosen = owners + holders + desk
    elif to == M.WITHDRAWN:
        chosen = list(desk) if transition.side != Side.DESK else []
        if match.proposed_to_owner_at:
            chosen += owners
        if match.proposed_to_holder_at:
            chosen += holders
    else:
        chosen = []
    return [(user, audience) for user, audience in chosen if user != transition.actor]
