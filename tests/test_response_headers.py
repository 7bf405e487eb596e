"""Headers every response carries: personal pages stay out of caches (no-store), public pages
are cacheable, server errors are never stored, and browser features Loket does not use are
switched off. tests/test_public_caching.py has the public pages' headers in full."""

import pytest
from django.test import Client
from django.urls import path, reverse
from django.utils import translation

import loket.urls
from matching.domain import match_answer, match_propose_to_holder
from matching.enums import MatchState

from .factories import ApplicationFactory, SiteFactory
from .matching.helpers import fitting_pair, new_match

pytestmark = pytest.mark.django_db

PERMISSIONS_POLICY = (
    "accelerometer=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), serial=(), "
    "usb=()"
)


def url(name: str, *args, **kwargs) -> str:
    with translation.override("nl"):
        return reverse(name, args=args, kwargs=kwargs)


def _boom(request):
    raise RuntimeError("a bug in a view")


# This module is also the URLconf of the server-error test: the portal plus a view that fails.
urlpatterns = [*loket.urls.urlpatterns, path("boom/", _boom)]


def test_holder_pages_are_not_stored(holder_client, holder):
    application = ApplicationFactory(organisation=holder.active_organisation, complete=True)
    urls = [
        url("accounts:home"),
        url("accounts:edit"),
        url("account_email"),
        url("account_change_password"),
        url("notifications:preferences"),
        url("matching:proposal_list"),
        url("projects:holder_dashboard"),
        url("projects:holder_step", pk=application.pk, step="project"),
        url("projects:holder_step", pk=application.pk, step="review"),
        # A public page, but it shows who is signed in.
        url("pages:home"),
    ]
    answers = {page: holder_client.get(page) for page in urls}
    assert {page: r.status_code for page, r in answers.items()} == dict.fromkeys(urls, 200)
    assert {page: r["Cache-Control"] for page, r in answers.items()} == dict.fromkeys(
        urls, "no-store"
    )


def test_owner_site_editor_and_proposal_are_not_stored(
    owner_client, owner, holder, caseworker_user
):
    site = SiteFactory(owner=owner.active_organisation, state="draft", reference=None)
    application, proposed_site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    match = new_match(
        application, proposed_site, caseworker_user, to_state=MatchState.PROPOSED_OWNER
    )
    match_propose_to_holder(
        match=match_answer(match=match, actor=owner, accept=True), actor=caseworker_user
    )
    urls = [
        url("properties:owner_dashboard"),
        url("properties:owner_step", pk=site.pk, step="where"),
        url("properties:owner_step", pk=site.pk, step="review"),
        url("matching:proposal_detail", match.pk),
    ]
    answers = {page: owner_client.get(page) for page in urls}
    assert {page: r.status_code for page, r in answers.items()} == dict.fromkeys(urls, 200)
    assert {page: r["Cache-Control"] for page, r in answers.items()} == dict.fromkeys(
        urls, "no-store"
    )


def test_admin_pages_keep_their_own_never_cache_headers(caseworker_client):
    urls = ["/admin/", "/admin/projects/application/", "/admin/properties/site/"]
    answers = {page: caseworker_client.get(page) for page in urls}
    assert {page: r.status_code for page, r in answers.items()} == dict.fromkeys(urls, 200)
    assert {page: r["Cache-Control"] for page, r in answers.items()} == dict.fromkeys(
        urls, "max-age=0, no-cache, no-store, must-revalidate, private"
    )


def test_public_pages_are_cacheable_for_anonymous_visitors():
    site = SiteFactory()
    urls = [
        "/nl/",
        "/nl/how-it-works/",
        url("properties:catalogue"),
        url("properties:detail", reference=site.reference),
    ]
    client = Client()
    answers = {page: client.get(page) for page in urls}
    assert {page: r.status_code for page, r in answers.items()} == dict.fromkeys(urls, 200)
    assert {page: r.get("Cache-Control") for page, r in answers.items()} == dict.fromkeys(
        urls, "public, max-age=60"
    )


def test_an_anonymous_form_page_is_kept_private():
    response = Client().get("/nl/accessibility/")
    assert response["Cache-Control"] == "private, no-cache"


def test_a_view_that_sets_its_own_caching_keeps_it_when_signed_in(holder_client):
    response = holder_client.get("/api/sites.csv")
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.urls("tests.test_response_headers")
def test_server_error_page_is_not_stored():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side." in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_permissions_policy_is_on_pages_files_and_errors(holder_client):
    answers = [
        Client().get("/nl/"),
        holder_client.get(url("accounts:home")),
        Client().get("/static/loket/css/loket.css"),
        Client().get("/nl/no-such-page/"),
    ]
    assert [r["Permissions-Policy"] for r in answers] == [PERMISSIONS_POLICY] * 4
