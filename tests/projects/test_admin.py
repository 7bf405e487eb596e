"""The desk's admin for applications: the queue, filters, actions through the domain, notes."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation

from loket.reference.models import ActivityType
from projects.domain import ApplicationConflict
from projects.enums import ApplicationState, ClosedReason, DocumentKind
from projects.models import Application, ApplicationDocument, ApplicationNote, ApplicationTransition

from ..factories import OrganisationFactory, caseworker

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/projects/application/"
S = ApplicationState
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
_numbers = iter(range(1, 10_000))


def make(state=S.SUBMITTED, *, organisation=None, days_ago=3, communes=(), activities=(), **kw):
    """An application in `state`, as the domain would have left it (tests only set it)."""
    number = next(_numbers)
    application = Application.objects.create(
        organisation=organisation or OrganisationFactory(),
        state=state,
        reference=None if state == S.DRAFT else f"LTG-2026-{number:04d}",
        title=kw.pop("title", f"Project {number}"),
        description=kw.pop("description", "Studios for artists."),
        surface_min=kw.pop("surface_min", Decimal("100")),
        surface_max=kw.pop("surface_max", Decimal("200")),
        submitted_at=None
        if state == S.DRAFT
        else timezone.now() - datetime.timedelta(days=days_ago),
        **kw,
    )
    application.communes.set(communes)
    application.activity_types.set(ActivityType.objects.filter(code__in=activities))
    return application


@pytest.fixture
def desk_client(caseworker_client):
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return caseworker_client


def listed(response) -> set[int]:
    return {application.pk for application in response.context["cl"].result_list}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def run_action(client, action, applications, *, url=CHANGELIST, seen=None, **extra):
    data = {"action": action, "_selected_action": [a.pk for a in applications], "index": 0}
    for application in applications:
        data[f"seen_state_{application.pk}"] = (seen or {}).get(application.pk, application.state)
    data.update(extra)
    return client.post(url, data, follow=True)


def history(application) -> list[tuple]:
    return list(
        ApplicationTransition.objects.filter(application=application).values_list(
            "from_state", "to_state", "reason"
        )
    )


# --- The queue, filters and search -----------------------------------------------------------


def test_admin_queue_opens_on_submitted_and_unassigned(desk_client, caseworker_user):
    waiting = make(S.SUBMITTED)
    make(S.SUBMITTED, assignee=caseworker_user)
    make(S.QUALIFIED)
    make(S.DRAFT)

    response = desk_client.get(CHANGELIST)

    assert response.status_code == 200
    assert listed(response) == {waiting.pk}


def test_admin_queue_mine_open_and_all(desk_client, caseworker_user):
    other = caseworker(email="other@example.org")
    mine = make(S.QUALIFIED, assignee=caseworker_user)
    theirs = make(S.SEARCHING, assignee=other)
    new = make(S.SUBMITTED)
    draft = make(S.DRAFT)
    closed = make(S.CLOSED, closed_reason=ClosedReason.NO_MATCH)

    assert listed(desk_client.get(CHANGELIST, {"queue": "mine"})) == {mine.pk}
    assert listed(desk_client.get(CHANGELIST, {"queue": "open"})) == {mine.pk, theirs.pk, new.pk}
    assert listed(desk_client.get(CHANGELIST, {"queue": "all"})) == {
        mine.pk,
        theirs.pk,
        new.pk,
        draft.pk,
        closed.pk,
    }


def test_admin_filters_by_state_commune_activity_surface_and_age(desk_client):
    small = make(S.QUALIFIED, communes=["21004"], activities=["studios"], surface_min=Decimal(50))
    medium = make(S.SEARCHING, communes=["21015"], activities=["sport"], days_ago=60)
    large = make(S.SUBMITTED, communes=["21004", "21015"], surface_min=Decimal(2500), days_ago=400)
    sport = ActivityType.objects.get(code="sport")

    def get(**params):
        return listed(desk_client.get(CHANGELIST, {"queue": "all", **params}))

    assert listed(desk_client.get(CHANGELIST, {"state__exact": "searching"})) == {medium.pk}
    assert get(communes__nis_code__exact="21004") == {small.pk, large.pk}
    assert get(activity_types__id__exact=sport.pk) == {medium.pk}
    assert get(surface_band="lt100") == {small.pk}
    assert get(surface_band="100-499") == {medium.pk}
    assert get(surface_band="2000plus") == {large.pk}
    assert get(age="lt1m") == {small.pk}
    assert get(age="1-6m") == {medium.pk}
    assert get(age="gt6m") == {large.pk}


def test_admin_search_by_reference_organisation_title_or_description(desk_client):
    first = make(S.QUALIFIED, organisation=OrganisationFactory(name="Atelier Zuid"))
    second = make(S.SEARCHING, description="A greenhouse for the neighbourhood.")

    assert listed(desk_client.get(CHANGELIST, {"q": first.reference})) == {first.pk}
    assert listed(desk_client.get(CHANGELIST, {"q": "Atelier Zuid"})) == {first.pk}
    assert listed(desk_client.get(CHANGELIST, {"q": "greenhouse"})) == {second.pk}


def test_admin_lists_applications_in_constant_queries(desk_client, django_assert_num_queries):
    make(S.SUBMITTED, communes=["21004"])
    desk_client.get(CHANGELIST)  # warm caches
    with django_assert_num_queries(14) as one:
        response = desk_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 1
    for _ in range(29):
        make(S.SUBMITTED, communes=["21015"], activities=["studios"])
    with django_assert_num_queries(len(one.captured_queries)):
        response = desk_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 30


def test_admin_changelist_shows_the_demand_figures(desk_client):
    make(S.QUALIFIED, surface_min=Decimal(4500), surface_ideal=Decimal(9000), anywhere=True)

    content = desk_client.get(CHANGELIST).content.decode()

    assert "Demand figures: open requests" in content
    assert "<caption>Open requests by commune wanted</caption>" in content
    assert "4,500 at the least, 9,000 ideally" in content


def test_admin_is_closed_to_holders_and_anonymous(holder_client, anonymous_client):
    for client in (holder_client, anonymous_client):
        response = client.get(CHANGELIST)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_admin_cannot_add_an_application(desk_client):
    assert desk_client.get(f"{CHANGELIST}add/").status_code == 403


# --- Actions ---------------------------------------------------------------------------------


def test_admin_action_assign_to_me(desk_client, caseworker_user):
    application = make(S.SUBMITTED)

    response = run_action(desk_client, "assign_to_me", [application])

    application.refresh_from_db()
    assert application.assignee == caseworker_user
    assert application.state == S.SUBMITTED
    assert messages_of(response) == [
        f"Assign to me: done for 1 application ({application.reference})."
    ]


def test_admin_action_assign_to_asks_for_a_caseworker(desk_client):
    other = caseworker(email="other@example.org")
    application = make(S.QUALIFIED)

    page = run_action(desk_client, "assign_to", [application])
    assert page.templates[0].name == "admin/desk/action_page.html"
    assert Application.objects.get(pk=application.pk).assignee is None

    run_action(desk_client, "assign_to", [application], assignee=other.pk, apply="1")
    assert Application.objects.get(pk=application.pk).assignee == other


def test_admin_action_qualify_writes_a_transition_and_assigns(desk_client, caseworker_user):
    application = make(S.SUBMITTED)

    response = run_action(desk_client, "qualify", [application])

    application.refresh_from_db()
    assert (application.state, application.assignee) == (S.QUALIFIED, caseworker_user)
    assert history(application) == [(S.SUBMITTED, S.QUALIFIED, "")]
    assert messages_of(response) == [f"Qualify: done for 1 application ({application.reference})."]


def test_admin_action_mark_incomplete_asks_for_a_message_then_stores_it(desk_client):
    application = make(S.SUBMITTED)

    page = run_action(desk_client, "mark_incomplete", [application])
    assert "Message to the holder" in page.content.decode()
    empty = run_action(desk_client, "mark_incomplete", [application], message=" ", apply="1")
    assert "This field is required." in empty.content.decode()
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED

    run_action(
        desk_client, "mark_incomplete", [application], message="Add your statutes.", apply="1"
    )

    application.refresh_from_db()
    assert (application.state, application.desk_message) == (S.INCOMPLETE, "Add your statutes.")
    assert history(application) == [(S.SUBMITTED, S.INCOMPLETE, "Add your statutes.")]


def test_admin_action_start_searching(desk_client):
    application = make(S.QUALIFIED)

    run_action(desk_client, "start_searching", [application])

    assert Application.objects.get(pk=application.pk).state == S.SEARCHING
    assert history(application) == [(S.QUALIFIED, S.SEARCHING, "")]


@pytest.mark.parametrize(
    ("action", "reason"),
    [("close_ineligible", ClosedReason.INELIGIBLE), ("close_no_match", ClosedReason.NO_MATCH)],
)
def test_admin_actions_close_with_a_reason(desk_client, action, reason):
    application = make(S.SEARCHING)

    run_action(desk_client, action, [application], message="Outside our remit.", apply="1")

    application.refresh_from_db()
    assert (application.state, application.closed_reason) == (S.CLOSED, reason)
    assert history(application) == [(S.SEARCHING, S.CLOSED, "Outside our remit.")]


def test_admin_action_on_the_wrong_state_says_why(desk_client):
    application = make(S.SEARCHING)

    response = run_action(desk_client, "qualify", [application])

    assert messages_of(response) == [
        f"Qualify failed for {application.reference}: "
        "“Qualify” does not apply to an application that is “Searching”."
    ]
    assert ApplicationTransition.objects.count() == 0


def test_two_caseworkers_at_once_the_second_gets_a_conflict(desk_client, caseworker_user):
    from tests.conftest import login_client

    other_client = login_client(caseworker(email="other@example.org"), with_mfa=True)
    other_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    application = make(S.SUBMITTED)
    # Both see the application as submitted.
    seen = {application.pk: S.SUBMITTED}
    assert f'name="seen_state_{application.pk}" value="submitted"' in (
        desk_client.get(CHANGELIST).content.decode()
    )

    run_action(desk_client, "qualify", [application], seen=seen)
    response = run_action(
        other_client, "mark_incomplete", [application], seen=seen, message="x", apply="1"
    )

    assert messages_of(response) == [
        "Mark incomplete with a message failed for "
        f"{application.reference}: {ApplicationConflict().message}"
    ]
    assert Application.objects.get(pk=application.pk).state == S.QUALIFIED
    assert ApplicationTransition.objects.count() == 1


def test_admin_conflict_message_is_in_the_caseworkers_language(desk_client):
    desk_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    application = make(S.QUALIFIED)

    response = run_action(desk_client, "qualify", [application], seen={application.pk: "submitted"})

    with translation.override("fr"):
        expected = translation.gettext("%(action)s failed for %(reference)s: %(error)s") % {
            "action": admin.site._registry[Application].desk_action("qualify").label,
            "reference": application.reference,
            "error": ApplicationConflict().message,
        }
    assert messages_of(response) == [expected]


# --- The change page -------------------------------------------------------------------------


def test_admin_change_page_shows_buttons_and_history(desk_client):
    application = make(S.SUBMITTED)

    content = desk_client.get(f"{CHANGELIST}{application.pk}/change/").content.decode()

    assert f"{CHANGELIST}{application.pk}/desk-action/qualify/" in content
    assert "/desk-action/start_searching/" not in content
    assert "history" in content.lower()


def test_admin_change_page_shows_the_buttons_the_workflow_allows(desk_client):
    shown = {}
    for state in (S.DRAFT, S.SUBMITTED, S.QUALIFIED, S.MATCHED, S.OCCUPYING, S.CLOSED):
        application = make(state)
        response = desk_client.get(f"{CHANGELIST}{application.pk}/change/")
        shown[state] = [action.name for action in response.context["desk_actions"]]

    closing = ["close_ineligible", "close_no_match"]
    assigning = ["assign_to_me", "assign_to"]
    assert shown == {
        S.DRAFT: [],
        S.SUBMITTED: [*assigning, "qualify", "mark_incomplete", *closing],
        S.QUALIFIED: [*assigning, "mark_incomplete", "start_searching", *closing],
        S.MATCHED: [*assigning, *closing],
        S.OCCUPYING: [],
        S.CLOSED: [],
    }


def test_admin_change_page_links_a_document_to_the_checked_view(
    desk_client, other_owner_client, other_holder_client
):
    application = make(S.SUBMITTED)
    document = ApplicationDocument.objects.create(
        application=application,
        kind=DocumentKind.STATUTES,
        title="Statutes",
        file=ContentFile(PDF, name="statutes.pdf"),
    )
    with translation.override("en"):
        view = reverse("projects:holder_document", args=[application.pk, document.pk])

    html = desk_client.get(f"{CHANGELIST}{application.pk}/change/").content.decode()

    assert re.findall(r'<a href="([^"]*/documents/[^"]*)">([^<]*)</a>', html) == [
        (view, document.file.name.rsplit("/", 1)[-1])
    ]
    assert b"".join(desk_client.get(view).streaming_content) == PDF
    assert other_owner_client.get(view).status_code == 404
    assert other_holder_client.get(view).status_code == 404


def test_admin_change_page_button_qualifies(desk_client):
    application = make(S.SUBMITTED)

    response = desk_client.post(
        f"{CHANGELIST}{application.pk}/desk-action/qualify/",
        {"seen_state": "submitted"},
        follow=True,
    )

    assert Application.objects.get(pk=application.pk).state == S.QUALIFIED
    assert messages_of(response) == [f"Qualify: done for 1 application ({application.reference})."]


def test_admin_change_page_button_on_a_stale_page_reports_the_conflict(desk_client):
    application = make(S.QUALIFIED)

    response = desk_client.post(
        f"{CHANGELIST}{application.pk}/desk-action/qualify/",
        {"seen_state": "submitted"},
        follow=True,
    )

    assert response.status_code == 200
    assert str(ApplicationConflict().message) in messages_of(response)[0]
    assert ApplicationTransition.objects.count() == 0


def test_admin_internal_note_is_saved_with_its_author(desk_client, caseworker_user):
    application = make(S.SUBMITTED)
    page = desk_client.get(f"{CHANGELIST}{application.pk}/change/")
    data = change_form_data(page)
    data["notes-0-text"] = "Called them: statutes follow next week."

    response = desk_client.post(f"{CHANGELIST}{application.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    note = ApplicationNote.objects.get()
    assert (note.application, note.author, note.text) == (
        application,
        caseworker_user,
        "Called them: statutes follow next week.",
    )
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED


def change_form_data(response) -> dict:
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data
