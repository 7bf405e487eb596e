"""The daily reminders: a site's availability ending, and an occupation's planning
notification, insurance certificate and end. Each goes to the right people, in their language,
on the right day, and once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from loket.accounts.enums import Role
from loket.notifications.models import Notification
from loket.reference.models import PlanningRegime
from matching.domain import match_sign, occupation_transition
from matching.models import InsuranceCertificate
from matching.notifications import (
    notify_insurance_expiring,
    notify_occupations_ending,
    notify_planning_due,
)
from matching.tasks import occupation_reminders_daily
from properties.notifications import notify_availability_ending
from properties.tasks import availability_ending_daily

from ..factories import SiteFactory, UnitFactory, caseworker, member_of
from ..matching.helpers import fitting_pair, new_match, walk

pytestmark = pytest.mark.django_db

# A fixed end, far enough ahead for any signing date; the functions take `today`.
END = datetime.date(2031, 5, 15)
DAY = datetime.timedelta(days=1)
PORTAL = "http://127.0.0.1:8000"


def sent():
    return sorted((m.to[0], m.subject) for m in mail.outbox)


def mail_to(email):
    [message] = [m for m in mail.outbox if m.to == [email]]
    return message


def html_of(message):
    return message.alternatives[0][0]


# --- Sites: availability ending in 30 days ---------------------------------------------------


def test_availability_ending_tells_the_owners_members_from_30_days_once(
    owner, other_owner, django_capture_on_commit_callbacks
):
    colleague = member_of(owner.active_organisation, role=Role.OWNER, preferred_language="fr")
    desk = caseworker(preferred_language="nl")
    site = SiteFactory(
        owner=owner.active_organisation,
        reference="S-2026-00042",
        title_nl="Oude brouwerij",
        title_fr="Ancienne brasserie",
        available_until=END,
    )
    # Another owner's site, ending later: its members hear nothing now.
    SiteFactory(owner=other_owner.active_organisation, available_until=END + 60 * DAY)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert notify_availability_ending(today=END - 31 * DAY) == 0
    assert mail.outbox == []

    for today in (END - 30 * DAY, END - 30 * DAY, END - 10 * DAY, END):
        with django_capture_on_commit_callbacks(execute=True):
            notify_availability_ending(today=today)

    assert sent() == sorted(
        [
            (
                owner.email,
                "Loket: de beschikbaarheid van je site S-2026-00042 eindigt op 15 mei 2031",
            ),
            (
                colleague.email,
                "Loket : la disponibilité de votre site S-2026-00042 se termine le 15 mai 2031",
            ),
        ]
    )
    dutch, french = mail_to(owner.email), mail_to(colleague.email)
    assert (
        "Je site S-2026-00042 – “Oude brouwerij” wordt op Loket aangeboden tot 15 mei 2031."
        in dutch.body
    )
    assert f"{PORTAL}/nl/my/sites/{site.pk}/" in dutch.body
    assert f"{PORTAL}/nl/my/sites/{site.pk}/" in html_of(dutch)
    assert (
        "Votre site S-2026-00042 – « Ancienne brasserie » est proposé sur Loket jusqu’au "
        "15 mai 2031." in french.body
    )
    assert f"{PORTAL}/fr/my/sites/{site.pk}/" in french.body
    assert other_owner.email not in {m.to[0] for m in mail.outbox}
    assert desk.email not in {m.to[0] for m in mail.outbox}
    assert Notification.objects.filter(kind="site_availability_ending").count() == 2


def test_availability_ending_of_units_names_them_but_not_past_or_unpublished_ones(
    owner, django_capture_on_commit_callbacks
):
    site = SiteFactory(
        owner=owner.active_organisation,
        reference="S-2026-00043",
        title_nl="Oude brouwerij",
        available_until=None,
        units=[],
    )
    UnitFactory(site=site, name="Hal", position=0, available_until=END)
    UnitFactory(site=site, name="Atelier", position=1, available_until=END)
    UnitFactory(site=site, name="Kelder", position=2, available_until=END - 31 * DAY)  # past
    UnitFactory(site=site, name="Zolder", position=3)  # open-ended, as the site
    # A draft is not offered: its end is nobody's concern yet.
    SiteFactory(owner=owner.active_organisation, state="draft", available_until=END)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        notify_availability_ending(today=END - 30 * DAY)

    assert sent() == [
        (owner.email, "Loket: de beschikbaarheid van je site S-2026-00043 eindigt op 15 mei 2031")
    ]
    assert (
        "Op je site S-2026-00043 – “Oude brouwerij” worden deze ruimten aangeboden tot "
        "15 mei 2031:\n- Hal\n- Atelier\n" in mail.outbox[0].body
    )
    assert "Kelder" not in mail.outbox[0].body


def test_availability_ending_task_run_twice_sends_nothing_twice(
    owner, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    SiteFactory(
        owner=owner.active_organisation,
        available_from=today - 300 * DAY,
        available_until=today + 30 * DAY,
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        availability_ending_daily()
    rows = list(Notification.objects.values_list("pk", "key"))
    with django_capture_on_commit_callbacks(execute=True):
        availability_ending_daily()

    assert len(mail.outbox) == 1
    assert list(Notification.objects.values_list("pk", "key")) == rows


# --- Occupations -----------------------------------------------------------------------------


@pytest.fixture
def desk():
    return caseworker(preferred_language="fr")


def signed_occupation(owner, holder, desk, *, starts_on, ends_on=None, running=False, **terms):
    """An occupation signed on `owner`'s site for `holder`'s application, with the desk's
    caseworker assigned; the messages of the way there are cleared."""
    application, site = fitting_pair(
        holder_org=holder.active_organisation,
        owner_org=owner.active_organisation,
        title_nl="Oude brouwerij",
        title_fr="Ancienne brasserie",
    )
    match = walk(
        new_match(application, site, desk), "drafting", desk=desk, owner=owner, holder=holder
    )
    occupation = match_sign(match=match, actor=desk, starts_on=starts_on, ends_on=ends_on, **terms)
    if running:
        occupation = occupation_transition(occupation=occupation, to_state="running", actor=desk)
    Notification.objects.all().delete()
    mail.outbox.clear()
    return occupation


def test_planning_notification_due_tells_the_holder_and_the_desk_once(
    owner, holder, other_holder, desk, django_capture_on_commit_callbacks
):
    colleague = member_of(holder.active_organisation, role=Role.HOLDER, preferred_language="fr")
    other_desk = caseworker(preferred_language="nl")
    today = timezone.localdate()
    occupation = signed_occupation(
        owner,
        holder,
        desk,
        starts_on=today + 50 * DAY,
        planning_regime=PlanningRegime.objects.get(code="exempt_3_years"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        # 61 days before the start the admin does not warn yet, and nobody is told.
        assert notify_planning_due(today=occupation.starts_on - 61 * DAY) == 0
    assert mail.outbox == []
    for _run in range(2):  # today's run, and a second one: nothing twice
        with django_capture_on_commit_callbacks(execute=True):
            occupation_reminders_daily()

    assert sent() == sorted(
        [
            (holder.email, "Loket: stedenbouwkundige melding te doen voor Oude brouwerij"),
            (colleague.email, "Loket : notification urbanistique à faire pour Ancienne brasserie"),
            (desk.email, "Loket : notification urbanistique à faire pour Ancienne brasserie"),
        ]
    )
    dutch, french = mail_to(holder.email), mail_to(desk.email)
    assert (
        "Verstuur ze meteen als je dat nog niet deed, en laat het loket weten op welke datum je "
        "ze verstuurde." in dutch.body
    )
    assert "moest de stedenbouwkundige melding uiterlijk op" in dutch.body
    assert f"{PORTAL}/nl/my/applications/{occupation.application_id}/" in dutch.body
    assert (
        "Dès que le porteur de projet confirme l’envoi, enregistrez la date sur l’occupation."
        in french.body
    )
    assert f"{PORTAL}/admin/matching/occupation/{occupation.pk}/change/" in french.body
    assert f"/admin/matching/occupation/{occupation.pk}/change/" in html_of(french)
    for stranger in (owner, other_holder, other_desk):
        assert stranger.email not in {m.to[0] for m in mail.outbox}
    assert Notification.objects.filter(kind="occupation_planning_due").count() == 3


def test_planning_notification_recorded_is_not_reminded(
    owner, holder, desk, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    signed_occupation(
        owner,
        holder,
        desk,
        starts_on=today + 50 * DAY,
        planning_regime=PlanningRegime.objects.get(code="exempt_3_years"),
        planning_notified_on=today - 5 * DAY,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert notify_planning_due() == 0

    assert mail.outbox == []


def test_insurance_certificate_expiring_tells_the_holder_and_the_desk_once(
    owner, holder, desk, django_capture_on_commit_callbacks
):
    occupation = signed_occupation(
        owner, holder, desk, starts_on=timezone.localdate(), ends_on=END + 400 * DAY, running=True
    )
    fire = InsuranceCertificate.objects.create(
        occupation=occupation, kind="fire", insurer="Ethias", policy_number="B-77", expires_on=END
    )
    # A liability certificate expiring the same day, already renewed: nothing to tell.
    for expires_on in (END, END + 365 * DAY):
        InsuranceCertificate.objects.create(
            occupation=occupation, kind="liability", insurer="AG", expires_on=expires_on
        )

    with django_capture_on_commit_callbacks(execute=True):
        assert notify_insurance_expiring(today=END - 31 * DAY) == 0
    for today in (END - 30 * DAY, END - 30 * DAY, END - 5 * DAY, END + DAY):
        with django_capture_on_commit_callbacks(execute=True):
            notify_insurance_expiring(today=today)

    assert sent() == sorted(
        [
            (holder.email, "Loket: verzekeringsattest voor Oude brouwerij verloopt op 15 mei 2031"),
            (
                desk.email,
                "Loket : l’attestation d’assurance pour Ancienne brasserie expire le 15 mai 2031",
            ),
        ]
    )
    dutch, french = mail_to(holder.email), mail_to(desk.email)
    assert (
        "Het verzekeringsattest “Brand” (Ethias) voor de bezetting van Oude brouwerij door "
        "LTG-2026-0901 – “Ateliers du canal” verloopt op 15 mei 2031. Polisnummer: B-77."
        in dutch.body
    )
    assert "Bezorg het loket het vernieuwde attest vóór die datum." in dutch.body
    assert f"{PORTAL}/nl/my/applications/{occupation.application_id}/" in dutch.body
    assert (
        "L’attestation d’assurance « Incendie » (Ethias) pour l’occupation de Ancienne "
        "brasserie par LTG-2026-0901 – « Ateliers du canal » expire le 15 mai 2031." in french.body
    )
    assert owner.email not in {m.to[0] for m in mail.outbox}
    keys = Notification.objects.filter(kind="occupation_insurance_expiring").values_list(
        "key", flat=True
    )
    assert sorted(keys) == sorted(
        f"occupation-insurance-expiring:{fire.pk}:{fire.expires_on}:{user.pk}"
        for user in (holder, desk)
    )


def test_occupation_ending_is_told_at_60_then_at_30_days_to_all_three(
    owner, holder, other_owner, other_holder, desk, django_capture_on_commit_callbacks
):
    holder.preferred_language = "fr"
    holder.save()
    other_desk = caseworker(preferred_language="nl")
    occupation = signed_occupation(owner, holder, desk, starts_on=timezone.localdate(), ends_on=END)

    with django_capture_on_commit_callbacks(execute=True):
        # Not started yet: its end is not told.
        assert notify_occupations_ending(today=END - 30 * DAY) == 0
    occupation = occupation_transition(occupation=occupation, to_state="running", actor=desk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_occupations_ending(today=END - 61 * DAY) == 0
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        notify_occupations_ending(today=END - 60 * DAY)
    first = sent()
    for today in (END - 60 * DAY, END - 45 * DAY, END - 31 * DAY):
        with django_capture_on_commit_callbacks(execute=True):
            notify_occupations_ending(today=today)
    assert sent() == first
    for today in (END - 30 * DAY, END - 30 * DAY, END - DAY, END + DAY):
        with django_capture_on_commit_callbacks(execute=True):
            notify_occupations_ending(today=today)

    dutch_subject = "Loket: de bezetting van Oude brouwerij eindigt op 15 mei 2031"
    french_subject = "Loket : l’occupation de Ancienne brasserie se termine le 15 mai 2031"
    assert first == sorted(
        [(owner.email, dutch_subject), (holder.email, french_subject), (desk.email, french_subject)]
    )
    assert sent() == sorted(first + first)
    sixty, thirty = [m for m in mail.outbox if m.to == [owner.email]]
    assert (
        "De bezetting van Oude brouwerij door LTG-2026-0901 – “Ateliers du canal” eindigt op "
        "15 mei 2031." in sixty.body
    )
    assert "Nog twee maanden: tijd om te beslissen over een verlenging" in sixty.body
    assert "Nog een maand: tenzij een verlenging is afgesproken" in thirty.body
    assert f"{PORTAL}/nl/my/sites/{occupation.site_id}/" in sixty.body
    french = [m for m in mail.outbox if m.to == [holder.email]][1]
    assert (
        "Plus qu’un mois : sauf prolongation convenue, l’état des lieux de sortie et la remise "
        "des clés sont à planifier dès maintenant." in french.body
    )
    assert f"{PORTAL}/fr/my/applications/{occupation.application_id}/" in french.body
    for stranger in (other_owner, other_holder, other_desk):
        assert stranger.email not in {m.to[0] for m in mail.outbox}
    assert Notification.objects.filter(kind="occupation_ending").count() == 6


def test_occupation_reminders_task_run_twice_sends_nothing_twice(
    owner, holder, desk, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    occupation = signed_occupation(
        owner, holder, desk, starts_on=today - 300 * DAY, ends_on=today + 30 * DAY, running=True
    )
    InsuranceCertificate.objects.create(
        occupation=occupation, kind="fire", insurer="Ethias", expires_on=today + 20 * DAY
    )

    with django_capture_on_commit_callbacks(execute=True):
        occupation_reminders_daily()
    rows = list(Notification.objects.order_by("pk").values_list("pk", "key"))
    with django_capture_on_commit_callbacks(execute=True):
        occupation_reminders_daily()

    # The end to the owner, the holder and the desk; the insurance to the holder and the desk.
    assert len(mail.outbox) == 5
    assert list(Notification.objects.order_by("pk").values_list("pk", "key")) == rows
