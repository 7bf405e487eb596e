"""Who belongs to which organisation, now. Every lookup of an organisation's objects goes
through `current_organisation_ids` or `acting_organisation_id`, never through
`user.memberships` or `user.active_organisation` directly, so that a removed or deactivated
member loses access on their next request."""

from django.db.models import QuerySet

from loket.accounts.models import User

from .enums import MemberRole
from .models import Membership, Organisation


def current_memberships(user: User) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.current().filter(user=user)


def current_organisation_ids(user: User) -> set[int]:
    """The organisations the user is a current member of."""
    return set(current_memberships(user).values_list("organisation_id", flat=True))


def acting_organisation_id(user: User) -> int | None:
    """The organisation the user acts for, if they are still a current member of it."""
    organisation_id = getattr(user, "active_organisation_id", None)
    if organisation_id is None:
        return None
    if not current_memberships(user).filter(organisation_id=organisation_id).exists():
        return None
    return organisation_id


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        pk__in=current_memberships(user).values("organisation_id")
    ).order_by("name")


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        current_memberships(user)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )


def members_of(organisation_id: int) -> list[User]:
    """The organisation's current members, in a stable order: who hears of its files."""
    return list(
        User.objects.filter(
            memberships__in=Membership.objects.current().filter(organisation_id=organisation_id)
        )
        .order_by("pk")
        .distinct()
    )


def is_admin_of(user: User, organisation: Organisation) -> bool:
    return (
        current_memberships(user).filter(organisation=organisation, role=MemberRole.ADMIN).exists()
    )
