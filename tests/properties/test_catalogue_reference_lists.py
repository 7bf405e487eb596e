"""The catalogue's reference lists (site kinds, activities, economic models, communes) come
from the cache, and the desk's edits show on the next page."""

import re

import pytest
from django.urls import reverse

from loket.reference.models import SiteKind

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db


def kind_options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="kind".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def change_kind(caseworker_client, kind: SiteKind, **changes) -> None:
    """The desk saves the kind's change form in the admin."""
    data = {
        "name_nl": kind.name_nl,
        "name_fr": kind.name_fr,
        "name_en": kind.name_en,
        "position": kind.position,
        "is_active": "on" if kind.is_active else "",
        **changes,
    }
    url = reverse("admin:reference_sitekind_change", args=[kind.pk])
    response = caseworker_client.post(url, {key: value for key, value in data.items() if value})
    assert response.status_code == 302


def test_the_second_page_reads_no_reference_list(client, django_assert_num_queries):
    SiteFactory(reference="S-2026-00001")
    url = "/en/sites/?commune=21004&kind=building&activity=&economic_model="

    # The count, the page of sites and the four lists.
    with django_assert_num_queries(6):
        client.get(url)
    # The count and the page of sites.
    with django_assert_num_queries(2):
        response = client.get(url)

    assert [site.reference for site in response.context["page"].object_list] == ["S-2026-00001"]


def test_one_cached_list_serves_every_language(client, django_assert_num_queries):
    SiteFactory()
    client.get("/nl/sites/")

    with django_assert_num_queries(2):
        html = client.get("/fr/sites/").content.decode()

    assert kind_options(html) == [
        ("", "Tous les types"),
        ("building", "Bâtiment"),
        ("land", "Terrain"),
        ("both", "Bâtiment et terrain"),
    ]


def test_a_kind_the_desk_renames_shows_its_new_name_on_the_next_page(client, caseworker_client):
    client.get("/en/sites/")

    change_kind(caseworker_client, SiteKind.objects.get(code="land"), name_en="Open ground")
    html = client.get("/en/sites/").content.decode()

    assert kind_options(html) == [
        ("", "Any kind"),
        ("building", "Building"),
        ("land", "Open ground"),
        ("both", "Building and land"),
    ]


def test_a_kind_the_desk_retires_is_neither_offered_nor_accepted_on_the_next_page(
    client, caseworker_client
):
    SiteFactory(reference="S-2026-00001", kind=SiteKind.objects.get(code="land"))
    before = client.get("/en/sites/?kind=land")

    change_kind(caseworker_client, SiteKind.objects.get(code="land"), is_active="")
    after = client.get("/en/sites/?kind=land")

    assert [site.reference for site in before.context["page"].object_list] == ["S-2026-00001"]
    assert (after.context["page"], after.context["form"].errors) == (
        None,
        {"kind": ["Select a valid choice. That choice is not one of the available choices."]},
    )
    assert kind_options(after.content.decode()) == [
        ("", "Any kind"),
        ("building", "Building"),
        ("both", "Building and land"),
    ]
