"""Sites (submitted, published) and the application's 11-month reminder and 12-month expiry,
each in its reader's language, once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from loket.notifications.models import Notification
from projects.domain import applications_expire, applications_remind_renewal
from properties.domain import site_transition

from ..factories import ApplicationFactory, SiteFactory, caseworker

pytestmark = pytest.mark.django_db


def subjects_to(email):
    return [m.subject for m in mail.outbox if m.to == [email]]


def test_submitted_site_tells_the_owner_and_the_desk_and_publication_the_owner(
    owner, django_capture_on_commit_callbacks
):
    owner.preferred_language = "fr"
    owner.save()
    desk = caseworker(preferred_language="nl")
    site = SiteFactory(owner=owner.active_organisation, state="draft", publication="")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        site = site_transition(site=site, to_state="submitted", actor=owner)
    with django_capture_on_commit_callbacks(execute=True):
        site = site_transition(site=site, to_state="under_review", actor=desk)
        site = site_transition(site=site, to_state="published", actor=desk, publication="public")
    with django_capture_on_commit_callbacks(execute=True):
        # Switching the publication is not a new publication.
        site_transition(site=site, to_state="published", actor=desk, publication="desk_only")

    assert subjects_to(owner.email) == [
        f"Loket : nous avons bien reçu votre site {site.reference}",
        f"Loket : votre site {site.reference} est publié",
    ]
    assert subjects_to(desk.email) == [f"Loket: nieuwe site na te kijken, {site.reference}"]
    published = next(m for m in mail.outbox if "publié" in m.subject)
    assert f"http://127.0.0.1:8000/fr/my/sites/{site.pk}/" in published.body
    assert "catalogue et sur la carte" in published.body


def test_renewal_reminder_at_eleven_months_once(holder, django_capture_on_commit_callbacks):
    now = timezone.now()
    due = ApplicationFactory(
        organisation=holder.active_organisation,
        complete=True,
        state="searching",
        reference="LTG-2025-0100",
        confirmed_at=now - datetime.timedelta(days=340),
    )
    ApplicationFactory(
        organisation=holder.active_organisation,
        complete=True,
        state="searching",
        reference="LTG-2026-0101",
        confirmed_at=now - datetime.timedelta(days=100),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert applications_remind_renewal() == 1
    with django_capture_on_commit_callbacks(execute=True):
        applications_remind_renewal()  # the next day's run, or a retry: nothing twice

    assert subjects_to(holder.email) == ["Loket: zoek je nog? Bevestig aanvraag LTG-2025-0100"]
    assert f"/nl/my/applications/{due.pk}/" in mail.outbox[0].body
    assert Notification.objects.filter(kind="application_renewal").count() == 1


def test_expiry_at_twelve_months_tells_the_holder(holder, django_capture_on_commit_callbacks):
    ApplicationFactory(
        organisation=holder.active_organisation,
        complete=True,
        state="searching",
        reference="LTG-2025-0042",
        confirmed_at=timezone.now() - datetime.timedelta(days=370),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert applications_expire() == 1

    assert subjects_to(holder.email) == ["Loket: je aanvraag LTG-2025-0042 is verlopen"]


def test_visit_reminder_the_day_before_once_to_each_side(
    holder, owner, django_capture_on_commit_callbacks
):
    from matching.domain import visit_slot_confirm, visit_slot_propose
    from matching.notifications import notify_visit_reminders

    from ..matching.helpers import fitting_pair, new_match, walk

    holder.preferred_language = "fr"
    holder.save()
    desk = caseworker(preferred_language="nl")
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    match = walk(
        new_match(application, site, desk), "holder_accepted", desk=desk, owner=owner, holder=holder
    )
    start = timezone.now() + datetime.timedelta(hours=30)
    slot = visit_slot_propose(
        match=match,
        actor=owner,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        place="Rue de la Loi 1",
    )
    visit_slot_confirm(slot=slot, actor=holder)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        notify_visit_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        notify_visit_reminders()  # the next hour's run

    reminders = sorted((m.to[0], m.subject) for m in mail.outbox)
    title_nl, title_fr = site.title_nl, site.title_fr
    assert reminders == sorted(
        [
            (owner.email, f"Loket: herinnering, bezoek aan {title_nl} morgen"),
            (holder.email, f"Loket : rappel, visite de {title_fr} demain"),
            (desk.email, f"Loket: herinnering, bezoek aan {title_nl} morgen"),
        ]
    )
    assert Notification.objects.filter(kind="visit_reminder").count() == 3
