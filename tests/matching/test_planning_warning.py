"""The planning warning on an occupation under an exemption, which must be notified online at
least 60 days before the start: missing close to the start, or recorded as sent too late."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone, translation

from loket import formatting
from loket.notifications.models import Notification
from loket.reference.models import PlanningRegime
from matching.domain import match_create, match_sign, planning_warning
from matching.enums import MatchState
from matching.models import Occupation
from matching.notifications import notify_planning_due

from ..factories import caseworker
from .helpers import fitting_pair, walk

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START = TODAY + datetime.timedelta(days=40)
DUE = START - datetime.timedelta(days=60)


@pytest.fixture
def occupation(holder, owner):
    desk = caseworker()
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    match = match_create(application=application, site=site, actor=desk)
    match = walk(match, MatchState.DRAFTING, desk=desk, owner=owner, holder=holder)
    return match_sign(
        match=match,
        actor=desk,
        starts_on=START,
        planning_regime=PlanningRegime.objects.get(code="exempt_3_years"),
    )


def late(sent_on: datetime.date) -> str:
    return (
        f"The planning notification was sent on {formatting.day(sent_on)}, after "
        f"{formatting.day(DUE)}: the planning regime asks for it 60 days before the start."
    )


@pytest.mark.parametrize(
    ("days_before_start", "warned"),
    [(56, True), (59, True), (60, False), (61, False)],
)
def test_a_notification_recorded_less_than_60_days_before_the_start_warns(
    occupation, days_before_start, warned
):
    sent_on = START - datetime.timedelta(days=days_before_start)
    occupation.planning_notified_on = sent_on

    assert planning_warning(occupation) == (late(sent_on) if warned else None)


def test_a_late_notification_still_warns_once_the_occupation_runs(occupation):
    sent_on = START - datetime.timedelta(days=56)
    occupation.planning_notified_on = sent_on
    occupation.state = "running"

    assert planning_warning(occupation) == late(sent_on)
    occupation.state = "ended"
    assert planning_warning(occupation) is None


def test_a_missing_notification_warns_within_60_days_of_the_start(occupation):
    assert planning_warning(occupation) == (
        f"The planning notification was due on {formatting.day(DUE)} and has not been recorded."
    )
    assert planning_warning(occupation, today=DUE - datetime.timedelta(days=1)) is None


def test_the_warnings_write_their_dates_the_readers_way(occupation):
    occupation.starts_on = datetime.date(2031, 5, 15)  # due 60 days before: 16 March
    warnings = {}
    for language in ("nl", "fr"):
        with translation.override(language):
            occupation.planning_notified_on = None
            missing = planning_warning(occupation, today=datetime.date(2031, 3, 20))
            occupation.planning_notified_on = datetime.date(2031, 3, 20)
            warnings[language] = [missing, planning_warning(occupation)]

    assert warnings == {
        "nl": [
            "De stedenbouwkundige melding moest uiterlijk op 16 maart 2031 gebeuren en is niet "
            "geregistreerd.",
            "De stedenbouwkundige melding is op 20 maart 2031 verstuurd, na 16 maart 2031: het "
            "stedenbouwkundig regime vraagt ze 60 dagen vóór de start.",
        ],
        "fr": [
            "La notification urbanistique était due le 16 mars 2031 et n’a pas été enregistrée.",
            "La notification urbanistique a été envoyée le 20 mars 2031, après le 16 mars 2031 : "
            "le régime urbanistique la demande 60 jours avant le début.",
        ],
    }


def test_a_queued_reminder_is_cancelled_once_a_late_notification_is_recorded(
    occupation, holder, django_capture_on_commit_callbacks
):
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as queued:  # the sending waits in the queue
        assert notify_planning_due() == 2
    # Meanwhile the desk records the notification, sent late: the warning stays, the reminder
    # asking to send it has nothing left to ask.
    Occupation.objects.filter(pk=occupation.pk).update(
        planning_notified_on=START - datetime.timedelta(days=56)
    )

    for send in queued:
        send()

    assert mail.outbox == []
    assert list(
        Notification.objects.filter(kind="occupation_planning_due").values_list("status", flat=True)
    ) == ["cancelled", "cancelled"]
