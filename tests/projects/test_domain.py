import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from loket.communes.models import Commune
from loket.reference.models import ActivityType
from projects.domain import (
    ApplicationConflict,
    ApplicationError,
    ApplicationIncomplete,
    application_assign,
    application_confirm,
    application_create,
    application_mark_incomplete,
    application_qualify,
    application_submit,
    application_transition,
    application_withdraw,
    applications_expire,
    next_reference,
    submission_errors,
)
from projects.models import Application, ApplicationTransition

pytestmark = pytest.mark.django_db


def complete_draft(holder) -> Application:
    application = application_create(actor=holder, organisation=holder.active_organisation)
    Application.objects.filter(pk=application.pk).update(
        title="Ateliers partagés",
        description="Des ateliers pour douze artistes.",
        surface_min=Decimal("100"),
        surface_ideal=Decimal("150"),
        surface_max=Decimal("200"),
        desired_start=timezone.localdate() + timedelta(days=90),
        duration_value=24,
        max_monthly_budget=Decimal("800"),
        consent_to_share=True,
    )
    application.refresh_from_db()
    application.activity_types.set(ActivityType.objects.filter(code="studios"))
    application.communes.set(Commune.objects.filter(pk="21004"))
    return application


def test_submit_gives_a_reference_and_records_the_transition(holder):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    application.refresh_from_db()
    year = timezone.localdate().year
    assert (application.state, application.reference) == ("submitted", f"LTG-{year}-0001")
    assert application.submitted_at is not None
    assert application.confirmed_at == application.submitted_at
    assert list(ApplicationTransition.objects.values_list("actor", "from_state", "to_state")) == [
        (holder.pk, "draft", "submitted")
    ]


def test_references_count_up_per_year():
    assert [next_reference(2031) for _ in range(3)] == [
        "LTG-2031-0001",
        "LTG-2031-0002",
        "LTG-2031-0003",
    ]
    assert next_reference(2032) == "LTG-2032-0001"


def test_submitting_twice_conflicts_and_writes_one_row(holder):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    with pytest.raises(ApplicationConflict):
        application_submit(application=application, actor=holder)
    assert ApplicationTransition.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"surface_min": Decimal("300")},
            "surface_min",
            "The minimum surface is above the maximum.",
        ),
        (
            {"surface_ideal": Decimal("250")},
            "surface_ideal",
            "The ideal surface must lie between the minimum and the maximum.",
        ),
        (
            {"desired_start": datetime.date(2020, 1, 1)},
            "desired_start",
            "The desired start is in the past.",
        ),
        (
            {"consent_to_share": False},
            "consent_to_share",
            "The desk can only propose your file to owners with your consent.",
        ),
        ({"max_monthly_budget": None}, "max_monthly_budget", "Give your maximum monthly budget."),
    ],
)
def test_submit_refuses_an_incomplete_file(holder, changes, field, message):
    application = complete_draft(holder)
    Application.objects.filter(pk=application.pk).update(**changes)
    application.refresh_from_db()
    with pytest.raises(ApplicationIncomplete) as error:
        application_submit(application=application, actor=holder)
    assert {key: [str(m) for m in value] for key, value in error.value.errors.items()} == {
        field: [message]
    }
    application.refresh_from_db()
    assert (application.state, application.reference) == ("draft", None)
    assert ApplicationTransition.objects.count() == 0


def test_no_commune_and_not_anywhere_is_refused(holder):
    application = complete_draft(holder)
    application.communes.clear()
    assert [str(m) for m in submission_errors(application)["communes"]] == [
        "Choose at least one commune, or “anywhere in the Region”."
    ]
    Application.objects.filter(pk=application.pk).update(anywhere=True)
    application.refresh_from_db()
    assert submission_errors(application) == {}


def test_incomplete_then_completed_keeps_the_reference(holder, caseworker_user):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    reference = Application.objects.get().reference
    application_mark_incomplete(
        application=application, actor=caseworker_user, message="Ajoutez vos statuts."
    )
    application.refresh_from_db()
    assert (application.state, application.desk_message) == ("incomplete", "Ajoutez vos statuts.")
    application_submit(application=application, actor=holder)
    application.refresh_from_db()
    assert (application.state, application.reference, application.desk_message) == (
        "submitted",
        reference,
        "",
    )
    assert list(ApplicationTransition.objects.values_list("from_state", "to_state", "reason")) == [
        ("draft", "submitted", ""),
        ("submitted", "incomplete", "Ajoutez vos statuts."),
        ("incomplete", "submitted", ""),
    ]


def test_marking_incomplete_needs_a_message(holder, caseworker_user):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    with pytest.raises(ApplicationError):
        application_mark_incomplete(application=application, actor=caseworker_user, message=" ")
    assert Application.objects.get().state == "submitted"


def test_qualify_assigns_the_caseworker(holder, caseworker_user):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    application_qualify(application=application, actor=caseworker_user)
    application.refresh_from_db()
    assert (application.state, application.assignee) == ("qualified", caseworker_user)


def test_holder_cannot_qualify_their_own_application(holder):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    with pytest.raises(ApplicationError):
        application_transition(application=application, to_state="qualified", actor=holder)
    assert Application.objects.get().state == "submitted"


def test_two_caseworkers_at_once_one_wins(holder, caseworker_user):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    first = Application.objects.get()
    second = Application.objects.get()
    application_qualify(application=first, actor=caseworker_user)
    with pytest.raises(ApplicationConflict):
        application_mark_incomplete(application=second, actor=caseworker_user, message="Budget?")
    assert Application.objects.get().state == "qualified"
    assert ApplicationTransition.objects.filter(to_state="incomplete").count() == 0


def test_withdraw_needs_a_reason_and_closes(holder):
    application = complete_draft(holder)
    with pytest.raises(ApplicationError):
        application_withdraw(application=application, actor=holder, reason="")
    application_withdraw(application=application, actor=holder, reason="Nous avons trouvé.")
    application.refresh_from_db()
    assert (application.state, application.closed_reason) == ("closed", "withdrawn")


def test_still_looking_renews_for_12_months(holder):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    Application.objects.update(confirmed_at=timezone.now() - timedelta(days=300))
    application_confirm(application=application, actor=holder)
    application.refresh_from_db()
    assert timezone.now() - application.confirmed_at < timedelta(minutes=1)


def test_unconfirmed_requests_expire_once(holder):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    Application.objects.update(confirmed_at=timezone.now() - timedelta(days=366))
    assert applications_expire() == 1
    assert applications_expire() == 0
    application.refresh_from_db()
    assert (application.state, application.closed_reason) == ("closed", "expired")
    assert ApplicationTransition.objects.filter(to_state="closed", actor=None).count() == 1


def test_the_expiry_reason_reads_in_the_readers_language(holder):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    Application.objects.update(confirmed_at=timezone.now() - timedelta(days=366))
    applications_expire()
    row = ApplicationTransition.objects.get(to_state="closed")

    readings = {}
    for language in ("nl", "fr", "en"):
        with translation.override(language):
            readings[language] = row.reason_text()
    assert readings == {
        "nl": "Niet bevestigd gedurende 12 maanden.",
        "fr": "Non confirmée depuis 12 mois.",
        "en": "Not confirmed for 12 months.",
    }


def test_a_persons_reason_is_shown_as_written(holder):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    application_withdraw(
        application=application, actor=holder, reason="Not confirmed for 12 months."
    )
    row = ApplicationTransition.objects.get(to_state="closed")
    with translation.override("nl"):
        assert (row.side, row.reason_text()) == ("holder", "Not confirmed for 12 months.")


def test_prefill_copies_the_content_not_the_workflow(holder):
    source = complete_draft(holder)
    application_submit(application=source, actor=holder)
    copy = application_create(
        actor=holder, organisation=holder.active_organisation, prefill_from=source
    )
    assert (copy.title, copy.state, copy.reference, copy.consent_to_share) == (
        "Ateliers partagés",
        "draft",
        None,
        False,
    )
    assert list(copy.communes.values_list("pk", flat=True)) == ["21004"]
    assert copy.prefilled_from_id == source.pk


def test_prefill_from_another_organisation_is_refused(holder, other_holder):
    source = complete_draft(other_holder)
    with pytest.raises(ApplicationError):
        application_create(
            actor=holder, organisation=holder.active_organisation, prefill_from=source
        )
    assert Application.objects.count() == 1


def test_beat_runs_the_expiry_every_day(settings):
    assert settings.CELERY_BEAT_SCHEDULE["expire-applications"] == {
        "task": "projects.tasks.applications_expire_daily",
        "schedule": 86400,
    }


def test_expiry_task_closes_stale_requests(holder):
    from projects.tasks import applications_expire_daily

    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    Application.objects.update(confirmed_at=timezone.now() - timedelta(days=400))
    assert applications_expire_daily.delay().get() == 1
    assert Application.objects.get().closed_reason == "expired"


def test_assign_gives_the_application_to_a_caseworker(holder, caseworker_user):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    application_assign(application=application, actor=caseworker_user, assignee=caseworker_user)
    assert Application.objects.get().assignee == caseworker_user
    assert ApplicationTransition.objects.count() == 1  # the submission only


def test_assign_refuses_a_non_staff_assignee_and_a_stale_state(holder, caseworker_user):
    application = complete_draft(holder)
    application_submit(application=application, actor=holder)
    with pytest.raises(ApplicationError):
        application_assign(application=application, actor=caseworker_user, assignee=holder)
    stale = Application.objects.get()
    application_qualify(application=application, actor=caseworker_user)
    with pytest.raises(ApplicationConflict):
        application_assign(application=stale, actor=caseworker_user, assignee=caseworker_user)
    assert Application.objects.get().assignee == caseworker_user
