import pytest
from django.core import mail

from loket.notifications.models import Notification
from matching.models import MatchTransition

from ..factories import caseworker
from ..matching.helpers import fitting_pair, new_match


@pytest.fixture
def transition(holder, owner):
    """A match just proposed to `owner`, with an empty outbox: something to write about."""
    application, site = fitting_pair(
        holder_org=holder.memberships.get().organisation,
        owner_org=owner.memberships.get().organisation,
    )
    match = new_match(application, site, caseworker(), to_state="proposed_owner")
    Notification.objects.all().delete()
    mail.outbox.clear()
    return MatchTransition.objects.get(match=match, to_state="proposed_owner")
