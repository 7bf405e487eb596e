"""Every holder URL for every persona: the organisation's holder may, caseworkers may see any
application, everyone else gets a 404, and anonymous visitors are sent to log in."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from projects.models import ApplicationDocument

from ..factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
STEPS = ("project", "space", "place", "time", "money", "use", "neighbourhood", "documents")


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def application(holder):
    return ApplicationFactory(organisation=holder.active_organisation, complete=True)


@pytest.fixture
def document(application):
    return ApplicationDocument.objects.create(
        application=application,
        kind="statutes",
        title="Statutes",
        file=ContentFile(PDF, name="statutes.pdf"),
    )


def get_urls(application, document):
    pk = application.pk
    return [
        url("projects:holder_application", pk=pk),
        *(url("projects:holder_step", pk=pk, step=step) for step in (*STEPS, "review")),
        url("projects:holder_withdraw", pk=pk),
        url("projects:holder_document", pk=pk, document_pk=document.pk),
    ]


def post_urls(application, document):
    pk = application.pk
    return [
        *(url("projects:holder_step", pk=pk, step=step) for step in STEPS),
        url("projects:holder_submit", pk=pk),
        url("projects:holder_withdraw", pk=pk),
        url("projects:holder_confirm", pk=pk),
        url("projects:holder_document_add", pk=pk),
        url("projects:holder_document_delete", pk=pk, document_pk=document.pk),
    ]


def assert_sees_the_application(client, application, document, *, on_dashboard: bool) -> None:
    """Every page shows this application (or leads to its first step); the file is the PDF."""
    first_step = url("projects:holder_step", pk=application.pk, step="project")
    document_url = url("projects:holder_document", pk=application.pk, document_pk=document.pk)
    for path in get_urls(application, document):
        response = client.get(path)
        if path == document_url:
            assert b"".join(response.streaming_content) == PDF, path
        elif response.status_code == 302:
            assert response["Location"] == first_step, path
        else:
            assert "Ateliers du canal" in response.content.decode(), path
    # The dashboard lists the active organisation's applications; caseworkers have none.
    dashboard = client.get(url("projects:holder_dashboard")).content.decode()
    assert ("Ateliers du canal" in dashboard) is on_dashboard


def test_the_holder_opens_every_page(holder_client, application, document):
    assert_sees_the_application(holder_client, application, document, on_dashboard=True)


@pytest.mark.parametrize("persona", ["other_holder_client", "owner_client"])
def test_others_get_a_404_everywhere(request, persona, application, document):
    client = request.getfixturevalue(persona)
    for path in get_urls(application, document):
        assert client.get(path).status_code == 404, path
    for path in post_urls(application, document):
        assert client.post(path, {"title": "x", "reason": "x"}).status_code == 404, path
    application.refresh_from_db()
    assert (application.state, application.title) == ("draft", "Ateliers du canal")
    assert application.documents.exists()


@pytest.mark.parametrize("persona", ["other_holder_client", "owner_client"])
def test_others_do_not_see_it_on_their_dashboard(request, persona, application):
    client = request.getfixturevalue(persona)
    page = client.get(url("projects:holder_dashboard")).content.decode()
    assert "Ateliers du canal" not in page


def test_anonymous_visitors_are_sent_to_log_in(anonymous_client, application, document):
    paths = [
        url("projects:holder_dashboard"),
        url("projects:holder_create"),
        *get_urls(application, document),
        *post_urls(application, document),
    ]
    for path in paths:
        response = anonymous_client.get(path)
        assert response.status_code == 302, path
        assert "/accounts/login/" in response["Location"], path
    for path in post_urls(application, document):
        response = anonymous_client.post(path)
        assert "/accounts/login/" in response["Location"], path


def test_caseworkers_may_view_any_application(caseworker_client, application, document):
    assert_sees_the_application(caseworker_client, application, document, on_dashboard=False)


def test_an_owner_sees_only_their_own_organisations_applications(owner_client, application):
    owner_client.post(url("projects:holder_create"))
    page = owner_client.get(url("projects:holder_dashboard")).content.decode()
    assert "Ateliers du canal" not in page
