"""A site's public page read by those who manage it: no call to apply for their own space,
but a note that this is how visitors see it and a way back to the site's editor."""

import pytest
from django.urls import reverse
from django.utils import translation

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db

# (language, manager's heading, "Apply for space")
LANGUAGES = [
    ("nl", "Je beheert deze site", "Ruimte aanvragen"),
    ("fr", "Vous gérez ce site", "Demander un espace"),
]


def page(client, site, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        html = client.get(reverse("properties:detail", args=[site.reference])).content.decode()
        create = reverse("projects:holder_create")
        manage = reverse("properties:owner_site", args=[site.pk])
    return html, create, manage


@pytest.mark.parametrize(("language", "heading", "apply"), LANGUAGES)
@pytest.mark.parametrize("manager", ["owner_client", "caseworker_client"])
def test_the_sites_managers_get_a_note_instead_of_the_call_to_apply(
    request, owner, manager, language, heading, apply
):
    site = SiteFactory(owner=owner.active_organisation)
    html, create, manage = page(request.getfixturevalue(manager), site, language)

    assert f'<h2 id="manager-title">{heading}</h2>' in html
    assert f'href="{manage}"' in html
    assert apply not in html
    assert f'href="{create}"' not in html
    assert 'id="interested-title"' not in html


@pytest.mark.parametrize(("language", "heading", "apply"), LANGUAGES)
def test_a_holder_and_another_owner_are_still_invited_to_apply(
    holder_client, other_owner_client, owner, language, heading, apply
):
    site = SiteFactory(owner=owner.active_organisation)
    for client in (holder_client, other_owner_client):
        html, create, _manage = page(client, site, language)
        assert apply in html
        assert f'href="{create}"' in html
        assert heading not in html
