"""Saved searches: saving one from the catalogue (/<lang>/my/searches/new/), the list
(/<lang>/my/searches/) and deleting (/<lang>/my/searches/<pk>/delete/)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from projects.domain.saved_searches import MAX_SAVED_SEARCHES, saved_search_create
from projects.models import SavedSearch, SavedSearchMatch

from ..factories import SiteFactory, UserFactory
from ..html import field_error
from ..races import needs_postgres, race

pytestmark = pytest.mark.django_db

QUERY = (
    "commune=21004&commune=21001&surface_min=100&surface_max=500&kind=building"
    "&activity=cultural&economic_model=charges_only&max_cost=400&open_to_public=on"
    "&available_from=2027-03-01&available_until=2027-12-31"
)


def url(name: str, language: str = "nl", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"searches:{name}", kwargs=kwargs or None)


def catalogue_url(language: str = "nl") -> str:
    with translation.override(language):
        return reverse("properties:catalogue")


# --- Saving -------------------------------------------------------------------------------------


def test_saving_from_a_catalogue_query_stores_the_criteria(holder_client, holder):
    response = holder_client.post(url("create"), {"name": "Atelier centre", "query": QUERY})
    assert (response.status_code, response.url) == (302, url("list"))
    search = SavedSearch.objects.get()
    assert (
        search.user,
        search.name,
        search.query,
        search.surface_min,
        search.surface_max,
        search.kind.code,
        search.activity.code,
        search.economic_model.code,
        search.max_cost,
        search.needs_open_to_public,
        search.needs_step_free,
        str(search.available_from),
        str(search.available_until),
    ) == (
        holder,
        "Atelier centre",
        QUERY,
        Decimal("100"),
        Decimal("500"),
        "building",
        "cultural",
        "charges_only",
        Decimal("400"),
        True,
        False,
        "2027-03-01",
        "2027-12-31",
    )
    assert sorted(search.communes.values_list("nis_code", flat=True)) == ["21001", "21004"]


def test_saving_an_empty_search_means_anywhere_and_anything(holder_client):
    holder_client.post(url("create"), {"name": "Alles", "query": ""})
    search = SavedSearch.objects.get()
    assert (
        search.name,
        search.query,
        search.surface_min,
        search.kind,
        search.communes.count(),
    ) == (
        "Alles",
        "",
        None,
        None,
        0,
    )


def test_saving_an_invalid_search_goes_back_to_the_catalogue_with_a_message(holder_client):
    query = "surface_min=500&surface_max=100"
    response = holder_client.post(url("create"), {"name": "Wrong", "query": query}, follow=True)
    assert response.redirect_chain == [(f"{catalogue_url()}?{query}", 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "Deze zoekopdracht bevat fouten; verbeter ze eerst in de catalogus."
    ]
    assert SavedSearch.objects.count() == 0


def test_saving_needs_a_post(holder_client):
    assert holder_client.get(url("create")).status_code == 405


def test_the_catalogue_offers_to_save_the_current_search(holder_client, anonymous_client):
    response = holder_client.get(f"{catalogue_url()}?surface_min=100&kind=land&surface_max=")
    content = response.content.decode()
    assert f'action="{url("create")}"' in content
    assert '<input type="hidden" name="query" value="surface_min=100&amp;kind=land">' in content
    anonymous = anonymous_client.get(f"{catalogue_url()}?surface_min=100").content.decode()
    assert f'action="{url("create")}"' not in anonymous
    assert "/accounts/login/?next=/nl/sites/%3Fsurface_min%3D100" in anonymous


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Atelier\x00centre", "Null characters are not allowed."),
        ("x" * 101, "Ensure this value has at most 100 characters (it has 101)."),
    ],
)
def test_saving_refuses_a_bad_name_next_to_the_field(holder_client, name, error):
    response = holder_client.post(
        url("create", "en"), {"name": name, "query": "surface_min=100"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert error in field_error(response, "name")
    assert '<input type="hidden" name="query" value="surface_min=100">' in response.content.decode()
    assert SavedSearch.objects.count() == 0


def test_saving_refuses_a_bad_name_in_the_users_language(holder_client):
    response = holder_client.post(url("create", "fr"), {"name": "x" * 101, "query": ""})

    assert "Assurez-vous que cette valeur comporte au plus 100 caractères (actuellement 101)." in (
        field_error(response, "name")
    )


@pytest.mark.parametrize(
    ("query", "error"),
    [
        (
            "surface_min=1&" + "kind=building&" * 80,
            "This search is too long to keep (at most 1000 characters). "
            "Remove some filters in the catalogue first.",
        ),
        ("kind=building\x00", "Null characters are not allowed."),
    ],
)
def test_saving_refuses_a_search_that_cannot_be_kept(holder_client, query, error):
    response = holder_client.post(url("create", "en"), {"name": "Long", "query": query})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [error]
    # Not offered again: saving it without its query would keep "anywhere" instead.
    assert f'action="{url("create", "en")}"' not in response.content.decode()
    assert SavedSearch.objects.count() == 0


def test_saving_twice_keeps_one_search(holder_client, holder):
    first = holder_client.post(url("create"), {"name": "Atelier centre", "query": QUERY})
    second = holder_client.post(
        url("create"), {"name": "Atelier centre", "query": QUERY}, follow=True
    )

    assert first.url == url("list")
    assert second.redirect_chain == [(url("list"), 302)]
    assert [str(message) for message in second.context["messages"]][-1] == (
        "Deze zoekopdracht is al bewaard als “Atelier centre”."
    )
    search = SavedSearch.objects.get()
    assert (search.user, search.name, search.query, search.communes.count()) == (
        holder,
        "Atelier centre",
        QUERY,
        2,
    )


def test_saving_another_search_under_a_name_in_use_asks_for_another_name(holder_client, holder):
    saved_search_create(user=holder, name="Centre", query="commune=21004")

    response = holder_client.post(url("create", "en"), {"name": " Centre ", "query": "kind=land"})

    assert response.status_code == 200
    assert "You already have a search with this name. Choose another name." in field_error(
        response, "name"
    )
    assert list(SavedSearch.objects.values_list("name", "query")) == [("Centre", "commune=21004")]


def test_the_same_name_may_be_used_by_another_user(holder, other_holder):
    saved_search_create(user=holder, name="Centre", query="commune=21004")
    saved_search_create(user=other_holder, name="Centre", query="kind=land")

    assert SavedSearch.objects.count() == 2


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_only_the_users_own_searches(holder_client, holder, other_holder):
    saved_search_create(user=holder, name="Mine", query="commune=21004")
    saved_search_create(user=other_holder, name="Theirs", query="")
    response = holder_client.get(url("list"))
    assert response.status_code == 200
    assert [search.name for search in response.context["searches"]] == ["Mine"]
    assert "Theirs" not in response.content.decode()


def test_the_list_summarises_the_criteria_and_links_to_the_catalogue(holder_client, holder):
    saved_search_create(user=holder, name="Centre", query=QUERY)
    saved_search_create(user=holder, name="Anywhere", query="")
    with translation.override("en"):
        response = holder_client.get(url("list", "en"))
    searches = {search.name: search for search in response.context["searches"]}
    translation.activate("en")
    assert searches["Centre"].summary == [
        "Anderlecht, City of Brussels",
        "100 to 500 m²",
        str(searches["Centre"].kind),
        f"for {searches['Centre'].activity}",
        str(searches["Centre"].economic_model),
        "at most € 400 a month",
        "open to the public",
        "needed from March 1, 2027 to Dec. 31, 2027",
    ]
    assert searches["Anywhere"].summary == ["Anywhere in Brussels"]
    content = response.content.decode()
    assert f'href="{catalogue_url("en")}?{QUERY.replace("&", "&amp;")}"' in content


def test_the_list_counts_the_published_sites_that_fit(holder_client, holder):
    search = saved_search_create(user=holder, name="Anywhere", query="")
    saved_search_create(user=holder, name="Nothing yet", query="")
    for site in (
        SiteFactory(),
        SiteFactory(state="partly_occupied"),
        SiteFactory(state="suspended"),
        SiteFactory(publication="desk_only"),
    ):
        SavedSearchMatch.objects.create(saved_search=search, site=site)
    response = holder_client.get(url("list"))
    counts = {s.name: s.fitting_count for s in response.context["searches"]}
    assert counts == {"Anywhere": 2, "Nothing yet": 0}


def test_the_list_takes_the_same_queries_for_1_and_10_searches(holder, holder_client):
    def queries(count: int) -> int:
        SavedSearch.objects.filter(user=holder).delete()
        for n in range(count):
            search = saved_search_create(
                user=holder, name=f"search {n}", query="commune=21004&kind=land&activity=sport"
            )
            SavedSearchMatch.objects.create(saved_search=search, site=SiteFactory())
        with CaptureQueriesContext(connection) as context:
            assert holder_client.get(url("list")).status_code == 200
        return len(context.captured_queries)

    assert queries(1) == queries(10)


def test_the_list_needs_no_pages_since_a_user_keeps_at_most_twenty_searches(holder, holder_client):
    for n in range(MAX_SAVED_SEARCHES):
        saved_search_create(user=holder, name=f"search {n}", query="kind=land")
    html = holder_client.get(url("list")).content.decode()
    assert html.count('<th scope="row">') == MAX_SAVED_SEARCHES == 20
    assert 'class="pagination"' not in html


# --- Deleting -----------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_then_deletes_own_search(holder_client, holder):
    search = saved_search_create(user=holder, name="Old", query="")
    confirm = holder_client.get(url("delete", pk=search.pk))
    assert (confirm.status_code, SavedSearch.objects.count()) == (200, 1)
    response = holder_client.post(url("delete", pk=search.pk))
    assert (response.status_code, response.url, SavedSearch.objects.count()) == (
        302,
        url("list"),
        0,
    )


def test_deleting_someone_elses_search_is_a_404(other_holder_client, holder):
    search = saved_search_create(user=holder, name="Mine", query="")
    assert other_holder_client.get(url("delete", pk=search.pk)).status_code == 404
    assert other_holder_client.post(url("delete", pk=search.pk)).status_code == 404
    assert SavedSearch.objects.count() == 1


# --- Who may -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(anonymous_client, holder):
    search = saved_search_create(user=holder, name="Mine", query="")
    for response in (
        anonymous_client.get(url("list")),
        anonymous_client.post(url("create"), {"name": "x", "query": ""}),
        anonymous_client.post(url("delete", pk=search.pk)),
    ):
        assert (response.status_code, response.url.split("?")[0]) == (302, "/nl/accounts/login/")
    assert SavedSearch.objects.count() == 1


@pytest.mark.parametrize("persona", ["owner_client", "caseworker_client", "holder_client"])
def test_every_signed_in_persona_sees_an_own_empty_list(persona, request):
    client = request.getfixturevalue(persona)
    response = client.get(url("list", "fr"))
    assert (response.status_code, response.context["searches"]) == (200, [])


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_past_the_cap_keep_twenty():
    needs_postgres()
    holder = UserFactory()
    for n in range(19):
        saved_search_create(user=holder, name=f"Search {n}", query=f"surface_min={n}")

    outcomes = race(
        # Criteria that need no reference list: a transaction test before this one may have
        # flushed the kinds and activities the migrations load.
        lambda: saved_search_create(user=holder, name="Last A", query="surface_min=100"),
        lambda: saved_search_create(user=holder, name="Last B", query="surface_min=200"),
    )

    assert SavedSearch.objects.filter(user=holder).count() == 20
    assert sorted(type(o).__name__ for o in outcomes) == ["ApplicationError", "SavedSearch"]
