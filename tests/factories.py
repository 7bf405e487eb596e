import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.accounts.services import user_set_role
from loket.organisations.enums import LegalForm, MemberRole
from loket.organisations.models import Membership, Organisation

PASSWORD = "correct-horse-battery-staple"
# A fixed base32 secret so tests can compute the caseworker's TOTP codes.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def valid_enterprise_number(n: int) -> str:
    """A BCE/KBO number with correct check digits, built from an 8-digit body."""
    body = f"0{n:07d}"
    return f"{body}{97 - int(body) % 97:02d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.HOLDER
    preferred_language = "nl"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Users can sign in only with a verified address; factories give them one."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    legal_form = LegalForm.NONPROFIT
    enterprise_number = factory.Sequence(lambda n: valid_enterprise_number(1000 + n))
    street = "Rue de la Loi"
    number = "1"
    postcode = "1000"
    city = "Bruxelles"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MemberRole.ADMIN


def member_of(organisation: Organisation, **user_fields) -> User:
    """A user who acts for `organisation`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation)
    user.active_organisation = organisation
    user.save(update_fields=["active_organisation"])
    return user


def caseworker(**user_fields) -> User:
    user = UserFactory(**user_fields)
    user_set_role(user=user, role=Role.CASEWORKER)
    TOTP.activate(user, TOTP_SECRET)
    return user
