"""Demo data for `make run`: organisations, one user per role, then each app's demo data (the
sites, the applications, the desk's matches and occupations), found by `loket.demo`. Safe to
run again."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.accounts.services import user_set_role
from loket.communes.models import Commune
from loket.demo import DemoPeople, demo_hooks
from loket.notifications.enums import Status
from loket.notifications.models import Notification
from loket.organisations.enums import LegalForm, MemberRole
from loket.organisations.models import Membership, Organisation

DEMO_PASSWORD = "loket-demo-2026"
# Fixed so that a newcomer can add it to an authenticator app, and browser tests can log in.
DEMO_TOTP_SECRET = "LOKETDEMOCASEWORKERTWOFACTORKEYS"

ORGANISATIONS = [
    # name, legal form, enterprise number, street, number, postcode, city, website
    (
        "Collectif Canal Créatif",
        LegalForm.NONPROFIT,
        "0456789034",
        "Quai de Mariemont",
        "12",
        "1080",
        "Molenbeek-Saint-Jean",
        "https://canal-creatif.example.org",
    ),
    (
        "Kunstenaarscoöperatie Zennewerk",
        LegalForm.COOPERATIVE,
        "0712345630",
        "Zennestraat",
        "40",
        "1000",
        "Brussel",
        "https://zennewerk.example.org",
    ),
    (
        "Immo Zenne NV",
        LegalForm.COMPANY,
        "0598765459",
        "Havenlaan",
        "86",
        "1000",
        "Brussel",
        "",
    ),
]

USERS = [
    # e-mail, first name, last name, role, language, organisation
    ("holder@demo.loket.brussels", "Amina", "El Idrissi", Role.HOLDER, "fr", 0),
    ("owner@demo.loket.brussels", "Pieter", "Janssens", Role.OWNER, "nl", 2),
    ("caseworker@demo.loket.brussels", "Sofie", "Dubois", Role.CASEWORKER, "nl", None),
    ("analyst@demo.loket.brussels", "Marc", "Lambert", Role.ANALYST, "fr", None),
    ("commune@demo.loket.brussels", "Lies", "Peeters", Role.COMMUNE, "nl", None),
]
COMMUNE_CONTACT_COMMUNES = ["21007", "21015"]  # Forest/Vorst and Schaerbeek/Schaarbeek


class Command(BaseCommand):
    help = (
        "Create or refresh the demo organisations, users (one per role), sites, applications, "
        "matches and occupations."
    )

    def handle(self, *args, **options):
        ready = self._seed()
        # Printed after the commit, so a closed pipe (`seed_demo | head`) cannot undo the data.
        for line in ready:
            self.stdout.write(line)
        self._print_logins()

    @transaction.atomic
    def _seed(self):
        outbox_before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
        organisations = [self._organisation(*row) for row in ORGANISATIONS]
        users = {}
        for email, first, last, role, language, org_index in USERS:
            user = self._user(email, first, last, role, language)
            users[role] = user
            if org_index is not None:
                organisation = organisations[org_index]
                Membership.objects.update_or_create(
                    user=user, organisation=organisation, defaults={"role": MemberRole.ADMIN}
                )
                user.active_organisation = organisation
                user.save(update_fields=["active_organisation"])
            if role == Role.CASEWORKER:
                Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
                TOTP.activate(user, DEMO_TOTP_SECRET)
            if role == Role.COMMUNE:
                user.communes.set(Commune.objects.filter(nis_code__in=COMMUNE_CONTACT_COMMUNES))
        people = DemoPeople(
            holder_org=organisations[0],
            coop=organisations[1],
            owner_org=organisations[2],
            users=users,
        )
        ready = [seed(people) for _label, seed in demo_hooks()]
        # The demo's history is made up, so nobody is told of it: the messages it wrote are
        # cancelled before the seed commits, and stay visible in the admin as such.
        Notification.objects.filter(pk__gt=outbox_before or 0).update(
            status=Status.CANCELLED, last_error="Demo history: not sent."
        )
        return ready

    def _organisation(self, name, legal_form, number, street, house, postcode, city, website):
        organisation, _created = Organisation.objects.update_or_create(
            enterprise_number=number,
            defaults={
                "name": name,
                "legal_form": legal_form,
                "street": street,
                "number": house,
                "postcode": postcode,
                "city": city,
                "website": website,
            },
        )
        return organisation

    def _user(self, email, first, last, role, language) -> User:
        user, _created = User.objects.update_or_create(
            email=email,
            defaults={"first_name": first, "last_name": last, "preferred_language": language},
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user_set_role(user=user, role=role)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    @translation.override("en")
    def _print_logins(self) -> None:
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at http://127.0.0.1:8000/")
        )
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        for email, _first, _last, role, language, _org in USERS:
            self.stdout.write(f"  {Role(role).label:<20} {email}  (e-mails in {language})")
        self.stdout.write(
            "The caseworker's admin (/admin/) asks for a TOTP code. Add this secret to an "
            f"authenticator app: {DEMO_TOTP_SECRET}"
        )
