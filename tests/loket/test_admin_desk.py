"""The desk-action base of the admin (`loket.admin_desk`): who may press a button, the state
the caseworker saw, one transaction per record, messages in the caseworker's language, and a
form that comes back with its errors next to its fields."""

import datetime

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.test import RequestFactory
from django.utils import formats, timezone, translation

from loket.accounts.access import SESSION_PASSED_MFA
from loket.admin_desk import DeskAction, DeskAdmin
from matching.domain import match_create
from matching.enums import MatchState
from matching.models import Match, Suggestion
from properties.admin import SiteAdmin
from properties.domain import SiteConflict, SiteError, site_transition
from properties.enums import SiteState
from properties.models import Site, SiteTransition

from ..conftest import login_client
from ..factories import SiteFactory, UserFactory
from ..html import field_error
from ..matching.helpers import fitting_pair, walk

pytestmark = pytest.mark.django_db

SITES = "/admin/properties/site/"
MATCHES = "/admin/matching/match/"


@pytest.fixture
def desk_client(caseworker_client):
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return caseworker_client


@pytest.fixture
def viewer(db):
    """A staff account with a second factor that may look at sites but not change them."""
    user = UserFactory(is_staff=True, email="viewer@example.org")
    user.user_permissions.add(Permission.objects.get(codename="view_site"))
    return user


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def request_by(user, *, passed_mfa: bool = True, data=None):
    """A request as the admin's views get it: the user marked by the desk-session middleware,
    a message store."""
    request = RequestFactory().post("/admin/", data or {})
    setattr(user, SESSION_PASSED_MFA, passed_mfa)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


# --- Declaring actions -----------------------------------------------------------------------


def test_an_action_needs_a_state_or_a_domain_call():
    with pytest.raises(ValueError, match="needs a to_state or a run"):
        DeskAction("nothing", "Nothing")


def test_a_move_declared_by_its_state_needs_the_domains_transition_function():
    class BareAdmin(DeskAdmin):
        desk_actions = [DeskAction("start_review", "Start review", SiteState.UNDER_REVIEW)]

    with pytest.raises(ImproperlyConfigured, match="needs a transition_function"):
        BareAdmin(Site, admin.site)


def test_every_desk_admin_declares_its_workflow_and_transition_function():
    desk_admins = [a for a in admin.site._registry.values() if isinstance(a, DeskAdmin)]

    declared = {
        type(a).__name__: (
            a.workflow.model is a.model,
            a.conflict_error is a.workflow.conflict,
            a.transition_function.__name__,
        )
        for a in desk_admins
    }

    assert declared == {
        "SiteAdmin": (True, True, "site_transition"),
        "ApplicationAdmin": (True, True, "application_transition"),
        "MatchAdmin": (True, True, "match_transition"),
        "OccupationAdmin": (True, True, "occupation_transition"),
    }


# --- Who may press -------------------------------------------------------------------------


def test_desk_powers_need_the_second_factor(caseworker_user):
    site_admin = SiteAdmin(Site, admin.site)
    site = SiteFactory(state=SiteState.SUBMITTED)
    action = site_admin.desk_action("start_review")

    with_mfa = request_by(caseworker_user, passed_mfa=True)
    without_mfa = request_by(
        type(caseworker_user).objects.get(pk=caseworker_user.pk), passed_mfa=False
    )

    assert site_admin.has_action_permission(with_mfa, action, site) is True
    assert site_admin.has_action_permission(without_mfa, action, site) is False
    assert site_admin.available_actions(without_mfa, site) == []
    assert "start_review" in site_admin.get_actions(with_mfa)
    assert "start_review" not in site_admin.get_actions(without_mfa)


def test_staff_without_the_change_permission_sees_no_button_and_cannot_post(viewer):
    client = login_client(viewer, with_mfa=True)
    site = SiteFactory(state=SiteState.SUBMITTED)

    page = client.get(f"{SITES}{site.pk}/change/")
    posted = client.post(f"{SITES}{site.pk}/desk-action/start_review/", {"seen_state": "submitted"})
    listed = client.get(SITES)

    assert page.status_code == 200
    assert page.context["desk_actions"] == []
    assert "/desk-action/" not in page.content.decode()
    assert posted.status_code == 403
    assert listed.context["action_form"] is None  # no action at all to offer
    assert (Site.objects.get(pk=site.pk).state, SiteTransition.objects.count()) == (
        SiteState.SUBMITTED,
        0,
    )


def test_a_custom_permission_is_asked_of_the_user(caseworker_user, viewer):
    class GuardedAdmin(SiteAdmin):
        desk_actions = [
            DeskAction("start_review", "Start review", SiteState.UNDER_REVIEW, permission="x_y")
        ]

    guarded = GuardedAdmin(Site, admin.site)
    action = guarded.desk_actions[0]

    assert guarded.has_action_permission(request_by(viewer), action) is False
    # The caseworkers' group holds every permission of the app, but not one that is not there.
    assert guarded.has_action_permission(request_by(caseworker_user), action) is False
    caseworker_user.user_permissions.add(
        Permission.objects.create(
            codename="x_y",
            name="x",
            content_type=Permission.objects.get(codename="view_site").content_type,
        )
    )
    fresh = type(caseworker_user).objects.get(pk=caseworker_user.pk)
    assert guarded.has_action_permission(request_by(fresh), action) is True


# --- The state the caseworker saw ----------------------------------------------------------


def test_a_change_page_button_on_a_stale_page_changes_nothing(desk_client):
    site = SiteFactory(state=SiteState.SUBMITTED)
    # Someone else sends it back while the page is open.
    Site.objects.filter(pk=site.pk).update(state=SiteState.DRAFT)

    response = desk_client.post(
        f"{SITES}{site.pk}/desk-action/start_review/", {"seen_state": "submitted"}, follow=True
    )

    assert messages_of(response) == [
        f"Start review failed for {site.reference}: Someone else changed this site a moment "
        "ago. Reload the page to see its state."
    ]
    assert (Site.objects.get(pk=site.pk).state, SiteTransition.objects.count()) == (
        SiteState.DRAFT,
        0,
    )


def test_seen_states_ignore_what_is_no_state_or_no_key():
    site_admin = SiteAdmin(Site, admin.site)

    seen = site_admin.seen_states_from(
        {"seen_state_7": "submitted", "seen_state_8": "nonsense", "seen_state_x": "draft", "q": ""}
    )

    assert seen == {7: "submitted"}


def test_without_a_seen_state_the_action_acts_on_the_state_it_finds(desk_client):
    site = SiteFactory(state=SiteState.SUBMITTED)

    response = desk_client.post(f"{SITES}{site.pk}/desk-action/start_review/", follow=True)

    assert messages_of(response) == [f"Start review: done for 1 site ({site.reference})."]
    assert Site.objects.get(pk=site.pk).state == SiteState.UNDER_REVIEW


# --- One transaction per record ------------------------------------------------------------


def test_a_domain_call_that_fails_half_way_leaves_nothing_behind(caseworker_user):
    def review_then_refuse(site, actor, data):
        site_transition(site=site, to_state=SiteState.UNDER_REVIEW, actor=actor)
        raise SiteError("The photos are missing.")

    class HalfWayAdmin(SiteAdmin):
        desk_actions = [DeskAction("half", "Half way", run=review_then_refuse)]

    first, second = SiteFactory(state=SiteState.SUBMITTED), SiteFactory(state="submitted")
    request = request_by(caseworker_user)

    done, failed = HalfWayAdmin(Site, admin.site).run_desk_action(
        request,
        HalfWayAdmin.desk_actions[0],
        [first, second],
        seen_states={first.pk: "submitted", second.pk: "submitted"},
    )

    assert (done, [obj for obj, _error in failed]) == ([], [first, second])
    assert list(Site.objects.values_list("state", flat=True)) == ["submitted", "submitted"]
    assert SiteTransition.objects.count() == 0
    assert [str(message) for message in get_messages(request)] == [
        f"Half way failed for {site.reference}: The photos are missing." for site in (first, second)
    ]


def test_each_record_is_its_own_transaction(caseworker_user):
    submitted = SiteFactory(state=SiteState.SUBMITTED)
    draft = SiteFactory(state=SiteState.DRAFT)
    site_admin = SiteAdmin(Site, admin.site)

    done, failed = site_admin.run_desk_action(
        request_by(caseworker_user),
        site_admin.desk_action("start_review"),
        [submitted, draft],
        seen_states={},
    )

    assert (done, [obj for obj, _error in failed]) == ([submitted], [draft])
    assert list(SiteTransition.objects.values_list("site", "to_state")) == [
        (submitted.pk, SiteState.UNDER_REVIEW)
    ]


# --- A desk step that is no button ---------------------------------------------------------


def test_a_desk_step_on_a_stale_page_is_not_made_and_says_so(caseworker_user):
    site = SiteFactory(state=SiteState.SUBMITTED)
    request = request_by(caseworker_user)
    calls = []

    result = SiteAdmin(Site, admin.site).desk_call(
        request, lambda: calls.append("called"), obj=site, seen=SiteState.DRAFT
    )

    assert (result, calls) == (None, [])
    assert [str(message) for message in get_messages(request)] == [str(SiteConflict().message)]


def test_a_refused_desk_step_leaves_nothing_behind_and_says_why(caseworker_user):
    site = SiteFactory(state=SiteState.SUBMITTED)
    request = request_by(caseworker_user)

    def review_then_refuse():
        site_transition(site=site, to_state=SiteState.UNDER_REVIEW, actor=caseworker_user)
        raise SiteError("The photos are missing.")

    result = SiteAdmin(Site, admin.site).desk_call(
        request, review_then_refuse, obj=site, seen=SiteState.SUBMITTED
    )

    assert result is None
    assert (Site.objects.get(pk=site.pk).state, SiteTransition.objects.count()) == (
        SiteState.SUBMITTED,
        0,
    )
    assert [str(message) for message in get_messages(request)] == ["The photos are missing."]


def test_a_desk_step_reports_what_it_did(caseworker_user):
    site = SiteFactory(state=SiteState.SUBMITTED)
    request = request_by(caseworker_user)

    result = SiteAdmin(Site, admin.site).desk_call(
        request,
        lambda: site_transition(site=site, to_state=SiteState.UNDER_REVIEW, actor=caseworker_user),
        obj=site,
        seen=SiteState.SUBMITTED,
        done=lambda done: f"{done.reference} is under review.",
    )

    assert result == site
    assert Site.objects.get(pk=site.pk).state == SiteState.UNDER_REVIEW
    assert [str(message) for message in get_messages(request)] == [
        f"{site.reference} is under review."
    ]


@pytest.mark.parametrize("do", ["recompute", "shortlist", "propose"])
def test_the_candidate_screens_need_desk_powers(holder, owner, caseworker_user, do):
    application, site = fitting_pair(
        holder_org=holder.memberships.get().organisation,
        owner_org=owner.memberships.get().organisation,
    )
    # Staff whose session did not pass the second factor: the caseworkers' permissions, no
    # desk powers.
    staff = type(caseworker_user).objects.get(pk=caseworker_user.pk)
    request = request_by(staff, passed_mfa=False, data={"do": do, "site": site.pk})
    match_admin = admin.site._registry[Match]
    assert staff.has_perm("matching.add_match")

    with pytest.raises(PermissionDenied):
        match_admin.for_application_view(request, application.pk)

    assert (Match.objects.count(), Suggestion.objects.count()) == (0, 0)
    assert [str(message) for message in get_messages(request)] == []


# --- Messages and forms --------------------------------------------------------------------


def test_messages_are_in_the_caseworkers_language(desk_client):
    desk_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    site = SiteFactory(state=SiteState.SUBMITTED)

    response = desk_client.post(
        f"{SITES}{site.pk}/desk-action/start_review/", {"seen_state": "submitted"}, follow=True
    )

    assert messages_of(response) == [
        f"Behandeling starten: uitgevoerd voor 1 site ({site.reference})."
    ]


def test_a_form_is_asked_first_then_its_errors_shown_next_to_their_fields(desk_client):
    site = SiteFactory(state=SiteState.PUBLISHED)

    asked = desk_client.post(f"{SITES}{site.pk}/desk-action/suspend/", {"seen_state": "published"})
    refused = desk_client.post(
        f"{SITES}{site.pk}/desk-action/suspend/",
        {"seen_state": "published", "message": "", "apply": "1"},
    )

    assert asked.templates[0].name == "admin/desk/action_page.html"
    assert "errornote" not in asked.content.decode()
    html = refused.content.decode()
    assert "Please correct the error below." in html
    assert field_error(refused, "message").endswith("<li>This field is required.</li>")
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_message_helptext id_message_error"' in html
    assert Site.objects.get(pk=site.pk).state == SiteState.PUBLISHED


def test_a_refused_signing_says_why(desk_client, holder, owner, caseworker_user):
    application, site = fitting_pair(
        holder_org=holder.memberships.get().organisation,
        owner_org=owner.memberships.get().organisation,
    )
    # The desk outside a request (the signed-in client's user is another object).
    desk = type(caseworker_user).objects.get(pk=caseworker_user.pk)
    match = walk(
        match_create(application=application, site=site, actor=desk),
        MatchState.DRAFTING,
        desk=desk,
        owner=desk,
        holder=desk,
    )
    start = timezone.localdate() + datetime.timedelta(days=90)

    response = desk_client.post(
        f"{MATCHES}{match.pk}/desk-action/sign/",
        {
            "seen_state": "drafting",
            "apply": "1",
            "starts_on": start.isoformat(),
            "ends_on": (start - datetime.timedelta(days=1)).isoformat(),
            "fire_safety_status": "not_requested",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Please correct the error below." in html
    assert (
        '<ul class="errorlist nonfield"><li>The end must not be before the start.</li></ul>'
    ) in html
    assert Match.objects.get(pk=match.pk).state == MatchState.DRAFTING


# --- The change page -----------------------------------------------------------------------


def test_the_buttons_sit_beside_the_title(desk_client):
    site = SiteFactory(state=SiteState.SUBMITTED)

    html = desk_client.get(f"{SITES}{site.pk}/change/").content.decode()

    header = html[html.index('<div class="desk-header">') : html.index("<form enctype=")]
    assert "<h1>Change site</h1>" in header
    assert f"{SITES}{site.pk}/desk-action/start_review/" in header
    assert html.count('class="object-tools') == 1


def test_an_unknown_action_or_a_get_goes_back_to_the_page(desk_client):
    site = SiteFactory(state=SiteState.SUBMITTED)
    change = f"{SITES}{site.pk}/change/"

    unknown = desk_client.post(f"{SITES}{site.pk}/desk-action/demolish/")
    fetched = desk_client.get(f"{SITES}{site.pk}/desk-action/start_review/")
    missing = desk_client.post(f"{SITES}999999/desk-action/start_review/")

    assert (unknown.status_code, unknown["Location"]) == (302, change)
    assert (fetched.status_code, fetched["Location"]) == (302, change)
    assert missing.status_code == 404
    assert Site.objects.get(pk=site.pk).state == SiteState.SUBMITTED


def test_every_desk_admin_declares_its_errors():
    desk_admins = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, DeskAdmin)
    ]

    assert sorted(type(a).__name__ for a in desk_admins) == [
        "ApplicationAdmin",
        "MatchAdmin",
        "OccupationAdmin",
        "SiteAdmin",
    ]
    for model_admin in desk_admins:
        assert model_admin.domain_errors, type(model_admin).__name__
        assert model_admin.desk_actions, type(model_admin).__name__


def history_rows(response) -> list[list[str]]:
    """The history table of a change page: one list of cell texts per row, as the admin
    renders its read-only fields."""
    (history,) = [
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.opts.verbose_name_plural == "geschiedenis"
    ]
    return [
        [str(field.contents()) for line in fieldset for field in line]
        for inline_form in history
        for fieldset in inline_form
    ]


def test_the_history_says_which_side_acted_in_the_caseworkers_language(desk_client):
    desk_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    site = SiteFactory(state=SiteState.SUBMITTED)
    desk_client.post(f"{SITES}{site.pk}/desk-action/start_review/", {"seen_state": "submitted"})

    response = desk_client.get(f"{SITES}{site.pk}/change/")

    row = SiteTransition.objects.get(site=site)
    ((when, *cells),) = history_rows(response)
    with translation.override("nl"):
        expected_when = formats.date_format(timezone.localtime(row.created_at), "DATETIME_FORMAT")
    assert when == expected_when
    assert cells == [
        "Het loket",
        f'<a href="/admin/accounts/user/{row.actor.pk}/change/">{row.actor}</a>',
        "Ingediend",
        "In behandeling bij het loket",
        "-",
    ]
