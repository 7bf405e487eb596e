from django.db.models import QuerySet

from loket.accounts.models import User

from .enums import MemberRole
from .models import Membership, Organisation


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def members_of(organisation_id: int) -> list[User]:
    """The organisation's active members, in a stable order: who hears of its files."""
    return list(
        User.objects.filter(memberships__organisation_id=organisation_id, is_active=True)
        .order_by("pk")
        .distinct()
    )


def is_admin_of(user: User, organisation: Organisation) -> bool:
    return Membership.objects.filter(
        user=user, organisation=organisation, role=MemberRole.ADMIN
    ).exists()
