from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.limits import DOUBLE_SUBMIT_WINDOW

from .enums import MemberRole
from .models import Membership, Organisation

ENTERPRISE_NUMBER_TAKEN = _(
    "An organisation with this enterprise number is already registered. "
    "Ask one of its administrators to add you, or contact the desk."
)

# How long after registering an organisation the same form, sent again by the same person, is
# taken for a double submit rather than a second organisation. A public-service portal's users
# double-click, retry on a slow line, or go back and send the page again. Such a resend is
# recognised by what it says (same person, same name, same number) rather than by a one-time
# token in the form: a token kept in the session is read by both requests before either saves
# it, so it fails just when the two arrive together, and it would not cover a second tab. Two
# different organisations with the same name, registered by one person within minutes, are
# not a real case; the message shown on a resend says what happened.


@transaction.atomic
def organisation_create(*, actor: User, organisation: Organisation) -> tuple[Organisation, bool]:
    """Register a new organisation; its creator becomes its administrator and acts for it.

    Returns the organisation and whether it is new: the same form sent again by the same person
    within DOUBLE_SUBMIT_WINDOW returns the organisation the first one registered. The actor's
    row is locked first, so two such requests at once queue and the second finds the first's
    organisation. An enterprise number registered by someone else (even a moment ago, by a
    request running alongside this one) raises a ValidationError on `enterprise_number`.
    """
    User.objects.select_for_update().only("pk").get(pk=actor.pk)
    resent = (
        Organisation.objects.filter(
            pk__in=Membership.objects.current()
            .filter(user=actor, role=MemberRole.ADMIN)
            .values("organisation_id"),
            name__iexact=organisation.name.strip(),
            enterprise_number=organisation.enterprise_number,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if resent is not None:
        return resent, False
    _save_with_unique_number(organisation)
    Membership.objects.create(user=actor, organisation=organisation, role=MemberRole.ADMIN)
    actor.active_organisation = organisation
    actor.save(update_fields=["active_organisation"])
    return organisation, True


@transaction.atomic
def organisation_update(*, organisation: Organisation) -> Organisation:
    """Save an organisation's edited details; a number taken meanwhile is a field error."""
    _save_with_unique_number(organisation)
    return organisation


def _save_with_unique_number(organisation: Organisation) -> None:
    """The form checks the number beforehand, but two requests can pass that check at the same
    moment; the unique constraint then refuses the second, which gets the same field error."""
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        number = organisation.enterprise_number
        taken = Organisation.objects.filter(enterprise_number=number).exclude(pk=organisation.pk)
        if not number or not taken.exists():
            raise
        raise ValidationError(
            {
                "enterprise_number": ValidationError(
                    ENTERPRISE_NUMBER_TAKEN, code="enterprise_number_taken"
                )
            }
        ) from None


def organisation_switch(*, user: User, organisation: Organisation) -> None:
    """Act for another of the user's organisations from now on."""
    if not Membership.objects.current().filter(user=user, organisation=organisation).exists():
        raise PermissionError("Not a member of this organisation.")
    user.active_organisation = organisation
    user.save(update_fields=["active_organisation"])
