from django.db import transaction

from loket.accounts.models import User

from .enums import MemberRole
from .models import Membership, Organisation


@transaction.atomic
def organisation_create(*, actor: User, organisation: Organisation) -> Organisation:
    """Register a new organisation; its creator becomes its administrator and acts for it."""
    organisation.save()
    Membership.objects.create(user=actor, organisation=organisation, role=MemberRole.ADMIN)
    actor.active_organisation = organisation
    actor.save(update_fields=["active_organisation"])
    return organisation


def organisation_switch(*, user: User, organisation: Organisation) -> None:
    """Act for another of the user's organisations from now on."""
    if not Membership.objects.current().filter(user=user, organisation=organisation).exists():
        raise PermissionError("Not a member of this organisation.")
    user.active_organisation = organisation
    user.save(update_fields=["active_organisation"])
