"""An application's messages: received (holder), new (desk), incomplete (holder), each in
its reader's language, once."""

import pytest
from django.core import mail

from loket.notifications.models import Notification
from projects.domain import application_mark_incomplete, application_submit

from ..factories import ApplicationFactory, caseworker

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(holder):
    return ApplicationFactory(organisation=holder.active_organisation, complete=True)


def sent_to(email):
    return [m for m in mail.outbox if m.to == [email]]


def test_submission_tells_the_holder_and_the_caseworkers(
    holder, draft, django_capture_on_commit_callbacks
):
    holder.preferred_language = "fr"
    holder.save()
    desk = caseworker(preferred_language="nl")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        application = application_submit(application=draft, actor=holder)

    to_holder, to_desk = sent_to(holder.email), sent_to(desk.email)
    assert [m.subject for m in to_holder] == [
        f"Loket : nous avons bien reçu votre demande {application.reference}"
    ]
    assert f"http://127.0.0.1:8000/fr/my/applications/{application.pk}/" in to_holder[0].body
    assert [m.subject for m in to_desk] == [f"Loket: nieuwe aanvraag {application.reference}"]
    assert (
        f"http://127.0.0.1:8000/admin/projects/application/{application.pk}/change/"
        in to_desk[0].body
    )
    assert sorted(Notification.objects.values_list("kind", "status")) == [
        ("application_new", "sent"),
        ("application_received", "sent"),
    ]


def test_incomplete_tells_the_holder_what_is_missing(
    holder, draft, django_capture_on_commit_callbacks
):
    desk = caseworker()
    application = application_submit(application=draft, actor=holder)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        application_mark_incomplete(
            application=application, actor=desk, message="Add your statutes, please."
        )

    (message,) = sent_to(holder.email)
    assert message.subject == f"Loket: je aanvraag {application.reference} is onvolledig"
    assert "Add your statutes, please." in message.body
    assert sent_to(desk.email) == []
