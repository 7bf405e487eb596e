import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.accounts.services import user_set_role
from loket.organisations.enums import LegalForm, MemberRole
from loket.organisations.models import Membership, Organisation
from loket.reference.models import Condition, EconomicModel, SiteKind, UnitKind

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


# --- Sites -----------------------------------------------------------------------------------


def reference_item(model, code: str):
    return model.objects.get(code=code)


class SiteFactory(factory.django.DjangoModelFactory):
    """A complete site, as an owner would submit it; `state` is set directly only in tests."""

    class Meta:
        model = "properties.Site"
        skip_postgeneration_save = True

    owner = factory.SubFactory(OrganisationFactory)
    title_nl = factory.Sequence(lambda n: f"Leegstaand pand {n}")
    title_fr = factory.Sequence(lambda n: f"Bâtiment vacant {n}")
    description_nl = "Een voormalig kantoorgebouw met grote open ruimtes."
    description_fr = "Un ancien immeuble de bureaux avec de grands plateaux."
    street = "Rue de la Loi"
    number = factory.Sequence(lambda n: str(n + 1))
    postcode = "1000"
    commune_id = "21004"
    latitude = factory.LazyFunction(lambda: Decimal("50.846700"))
    longitude = factory.LazyFunction(lambda: Decimal("4.352500"))
    public_precision = "exact"
    kind = factory.LazyFunction(lambda: SiteKind.objects.get(code="building"))
    condition = factory.LazyFunction(lambda: Condition.objects.get(code="ready"))
    economic_model = factory.LazyFunction(lambda: EconomicModel.objects.get(code="charges_only"))
    charges_monthly = factory.LazyFunction(lambda: Decimal("300"))
    available_from = factory.LazyFunction(lambda: datetime.date(2027, 1, 1))
    available_until = factory.LazyFunction(lambda: datetime.date(2029, 12, 31))
    state = "published"
    publication = "public"
    reference = factory.Sequence(lambda n: f"S-2026-{n + 1:05d}")

    @factory.post_generation
    def units(obj, create, extracted, **kwargs):
        """`units=[120, 80]` gives two units of those surfaces; default one of 200 m²."""
        if not create:
            return
        for position, surface in enumerate(extracted if extracted is not None else [200]):
            UnitFactory(site=obj, surface_m2=Decimal(surface), position=position)
        if extracted != []:
            from properties.domain import site_refresh_figures

            site_refresh_figures(site=obj)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "properties.Unit"

    site = factory.SubFactory(SiteFactory, units=[])
    name = factory.Sequence(lambda n: f"Unit {n}")
    floor = "0"
    kind = factory.LazyFunction(lambda: UnitKind.objects.get(code="office"))
    surface_m2 = factory.LazyFunction(lambda: Decimal("100"))


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application for an organisation; `complete=True` fills what a submission needs."""

    class Meta:
        model = "projects.Application"
        skip_postgeneration_save = True

    class Params:
        complete = factory.Trait(
            title="Ateliers du canal",
            description="Studios for artists and a small public workshop.",
            surface_min=Decimal("100"),
            surface_ideal=Decimal("150"),
            surface_max=Decimal("200"),
            desired_start=factory.LazyFunction(
                lambda: datetime.date(datetime.date.today().year + 1, 3, 1)
            ),
            duration_value=24,
            max_monthly_budget=Decimal("800"),
            consent_to_share=True,
        )

    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def with_choices(obj, create, extracted, **kwargs):
        """A complete application also gets an activity type and commune 21004."""
        if create and obj.title and obj.consent_to_share:
            from loket.communes.models import Commune
            from loket.reference.models import ActivityType

            obj.activity_types.add(ActivityType.objects.order_by("pk").first())
            obj.communes.add(Commune.objects.get(nis_code="21004"))
