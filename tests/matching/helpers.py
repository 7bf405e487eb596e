"""Building blocks for the matching tests: a fitting pair, and a match walked to a state
through the domain functions, as the desk would."""

import datetime
from decimal import Decimal

from django.utils import timezone

from loket.reference.models import DeclineReason
from matching.domain import (
    match_answer,
    match_create,
    match_propose_to_holder,
    match_transition,
    match_visit_done,
    visit_slot_confirm,
    visit_slot_propose,
)
from matching.enums import MatchState

from ..factories import ApplicationFactory, SiteFactory

M = MatchState


def fitting_pair(*, holder_org, owner_org, units=(120, 80), **site_fields):
    """A published site of `owner_org` and a qualified application of `holder_org` that fits it
    (100–200 m², ideal 150, commune 21004, from next March for 24 months)."""
    site_fields.setdefault("available_until", None)
    site = SiteFactory(owner=owner_org, units=list(units), **site_fields)
    application = ApplicationFactory(
        organisation=holder_org,
        complete=True,
        state="qualified",
        reference="LTG-2026-0901",
        submitted_at=timezone.now() - datetime.timedelta(days=90),
    )
    return application, site


def reason(code="other"):
    return DeclineReason.objects.get(code=code)


def walk(match, to_state, *, desk, owner, holder):
    """Take `match` from where it is to `to_state` along the main path."""
    path = [
        M.SHORTLISTED,
        M.PROPOSED_OWNER,
        M.OWNER_ACCEPTED,
        M.PROPOSED_HOLDER,
        M.HOLDER_ACCEPTED,
        M.VISIT_PLANNED,
        M.VISIT_DONE,
        M.AGREED,
        M.DRAFTING,
    ]
    for state in path[path.index(match.state) + 1 if match.state in path else 0 :]:
        if state == M.OWNER_ACCEPTED:
            match = match_answer(match=match, actor=owner, accept=True)
        elif state == M.PROPOSED_HOLDER:
            match = match_propose_to_holder(match=match, actor=desk)
        elif state == M.HOLDER_ACCEPTED:
            match = match_answer(match=match, actor=holder, accept=True)
        elif state == M.VISIT_PLANNED:
            start = timezone.now() + datetime.timedelta(days=3)
            slot = visit_slot_propose(
                match=match,
                actor=desk,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
            )
            visit_slot_confirm(slot=slot, actor=holder)
            match.refresh_from_db()
        elif state == M.VISIT_DONE:
            match = match_visit_done(match=match, actor=desk, report="Went well.")
        else:
            match = match_transition(match=match, to_state=state, actor=desk)
        if state == to_state:
            break
    return match


def new_match(application, site, desk, to_state=M.SUGGESTED):
    return match_create(application=application, site=site, actor=desk, to_state=to_state)


MONEY = Decimal("450.00")
