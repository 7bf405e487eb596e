"""Who may open the owner's pages: the owner acting for the site's organisation and the desk.
Everyone else signed in gets a 404 (the site does not exist for them); anonymous visitors are
sent to sign in."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from loket.organisations.models import Membership
from properties.models import Site, SiteDocument

from ..conftest import login_client
from ..factories import SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

# (method, URL name, needs a site, extra kwargs)
SITE_URLS = [
    ("get", "properties:owner_site", {}),
    *[
        ("get", "properties:owner_step", {"step": step})
        for step in (
            "where",
            "what",
            "availability",
            "technical",
            "uses",
            "units",
            "media",
            "review",
        )
    ],
    ("post", "properties:owner_step", {"step": "where"}),
    ("post", "properties:owner_step", {"step": "units"}),
    ("post", "properties:owner_photo_add", {}),
    ("post", "properties:owner_document_add", {}),
    ("post", "properties:owner_submit", {}),
    ("get", "properties:owner_withdraw", {}),
    ("post", "properties:owner_withdraw", {}),
]


def snapshot(site: Site) -> dict:
    """The stored row. `title` and `description` are left out: modeltranslation rewrites them
    to the active language's column, which is in the snapshot anyway."""
    names = [
        f.attname for f in Site._meta.concrete_fields if f.name not in ("title", "description")
    ]
    return Site.objects.values(*names).get(pk=site.pk)


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def draft(owner):
    return SiteFactory(state="draft", publication="", owner=owner.active_organisation)


def call(client, method: str, path: str):
    return getattr(client, method)(path)


@pytest.mark.parametrize(("method", "name", "kwargs"), SITE_URLS)
def test_owner_site_urls_anonymous_is_sent_to_sign_in(
    anonymous_client, draft, method, name, kwargs
):
    response = call(anonymous_client, method, url(name, pk=draft.pk, **kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


@pytest.mark.parametrize("persona", ["other_owner_client", "holder_client"])
@pytest.mark.parametrize(("method", "name", "kwargs"), SITE_URLS)
def test_owner_site_urls_other_organisation_is_404(request, draft, persona, method, name, kwargs):
    client = request.getfixturevalue(persona)
    before = snapshot(draft)
    response = call(client, method, url(name, pk=draft.pk, **kwargs))
    assert response.status_code == 404
    assert snapshot(draft) == before
    assert draft.transitions.count() == 0


@pytest.mark.parametrize("persona", ["owner_client", "caseworker_client"])
@pytest.mark.parametrize(("method", "name", "kwargs"), [u for u in SITE_URLS if u[0] == "get"])
def test_owner_site_pages_open_for_owner_and_desk(request, draft, persona, method, name, kwargs):
    client = request.getfixturevalue(persona)
    response = client.get(url(name, pk=draft.pk, **kwargs), follow=True)
    assert response.status_code == 200
    assert draft.reference in response.content.decode()


def test_owner_of_several_organisations_sees_only_the_active_one(owner, owner_client, other_owner):
    other_site = SiteFactory(state="draft", publication="", owner=other_owner.active_organisation)
    Membership.objects.create(user=owner, organisation=other_owner.active_organisation)
    response = owner_client.get(url("properties:owner_step", pk=other_site.pk, step="where"))
    assert response.status_code == 404


def test_owner_unknown_step_is_404(owner_client, draft):
    response = owner_client.get(url("properties:owner_step", pk=draft.pk, step="nowhere"))
    assert response.status_code == 404


def test_owner_dashboard_anonymous_is_sent_to_sign_in(anonymous_client):
    for name in ("properties:owner_dashboard", "properties:owner_create"):
        response = anonymous_client.get(url(name))
        assert response.status_code == 302
        assert response["Location"].startswith(url("account_login"))


def test_owner_dashboard_lists_only_the_active_organisation(
    owner, owner_client, other_owner_client, holder_client, caseworker_client
):
    site = SiteFactory(state="draft", publication="", owner=owner.active_organisation)
    for client, sees in (
        (owner_client, True),
        (other_owner_client, False),
        (holder_client, False),
        (caseworker_client, False),
    ):
        response = client.get(url("properties:owner_dashboard"))
        assert response.status_code == 200
        assert (site.reference in response.content.decode()) == sees


def test_owner_create_without_organisation_goes_to_register_one(db):
    client = login_client(UserFactory(role="owner"))
    response = client.post(url("properties:owner_create"), follow=True)
    assert response.redirect_chain[-1][0] == url("organisations:create")
    assert "Register the organisation you act for first" in response.content.decode()
    assert Site.objects.count() == 0


def test_owner_create_by_caseworker_without_organisation_creates_nothing(caseworker_client):
    response = caseworker_client.post(url("properties:owner_create"), follow=True)
    assert response.redirect_chain[-1][0] == url("properties:owner_dashboard")
    assert Site.objects.count() == 0


@pytest.mark.parametrize("persona", ["other_owner_client", "holder_client"])
def test_owner_photo_and_document_delete_of_other_organisation_is_404(request, draft, persona):
    document = SiteDocument.objects.create(
        site=draft, title="Plan", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="plan.pdf")
    )
    client = request.getfixturevalue(persona)
    response = client.post(
        url("properties:owner_document_delete", pk=draft.pk, document_pk=document.pk)
    )
    assert response.status_code == 404
    assert SiteDocument.objects.filter(pk=document.pk).exists()
