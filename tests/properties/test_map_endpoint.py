"""The catalogue map's own data, /<lang>/sites/map.json: only what the popup shows, cached per
search and language, compressed and revalidated with an ETag."""

import gzip
import json

import pytest
from django.conf import settings

from properties.domain import site_transition
from properties.precision import public_point

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db


def map_url(language: str = "nl") -> str:
    return f"/{language}/sites/map.json"


def two_sites():
    SiteFactory(reference="S-2026-00001", publication="desk_only")
    return SiteFactory(
        reference="S-2026-00002",
        title_nl="Oude brouwerij",
        title_fr="",
        public_precision="approximate",
        units=[120, 80],
    )


def test_map_body_has_public_sites_only_with_their_blurred_point_in_dutch(client):
    site = two_sites()
    point = public_point(
        site_pk=site.pk,
        latitude=site.latitude,
        longitude=site.longitude,
        precision="approximate",
        secret=settings.SECRET_KEY,
    )

    response = client.get(map_url("nl"))

    assert response["Content-Type"] == "application/json"
    assert point != (50.8467, 4.3525)
    assert json.loads(response.content) == {
        "sites": [
            {
                "reference": "S-2026-00002",
                "title": "Oude brouwerij",
                "commune": "Brussel",
                "surface_m2": 200,
                "url": "/nl/sites/S-2026-00002/",
                "point": list(point),
            }
        ]
    }


def test_map_body_in_french_falls_back_to_the_dutch_title(client):
    two_sites()

    sites = json.loads(client.get(map_url("fr")).content)["sites"]

    assert [(s["title"], s["commune"], s["url"]) for s in sites] == [
        ("Oude brouwerij", "Bruxelles", "/fr/sites/S-2026-00002/")
    ]


def test_map_body_follows_the_catalogue_filters(client):
    SiteFactory(reference="S-2026-00001", units=[300])
    SiteFactory(reference="S-2026-00002", units=[30])

    sites = json.loads(client.get(map_url(), {"surface_min": "100"}).content)["sites"]

    assert [site["reference"] for site in sites] == ["S-2026-00001"]


def test_map_leaves_out_hidden_locations(client):
    SiteFactory(reference="S-2026-00001", public_precision="hidden")

    assert json.loads(client.get(map_url()).content) == {"sites": []}


def test_invalid_filters_are_a_400_with_the_errors(client):
    response = client.get(map_url(), {"surface_min": "lots"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["surface_min"]


@pytest.mark.parametrize("count", [1, 30])
def test_map_costs_the_same_queries_for_1_and_30_sites_and_none_once_cached(
    client, django_assert_num_queries, count
):
    SiteFactory.create_batch(count)

    with django_assert_num_queries(1):
        first = client.get(map_url())
    with django_assert_num_queries(0):
        second = client.get(map_url())

    assert len(json.loads(first.content)["sites"]) == count
    assert second.content == first.content


def test_the_cache_is_per_search_and_language(client):
    SiteFactory(reference="S-2026-00001", units=[300])
    SiteFactory(reference="S-2026-00002", units=[30])
    client.get(map_url())

    assert len(json.loads(client.get(map_url(), {"surface_min": "100"}).content)["sites"]) == 1
    assert json.loads(client.get(map_url("fr")).content)["sites"][0]["url"].startswith("/fr/")


def test_publishing_and_withdrawing_change_the_next_body(
    client, caseworker_user, django_capture_on_commit_callbacks
):
    site = SiteFactory(reference="S-2026-00001", state="under_review")
    assert json.loads(client.get(map_url()).content) == {"sites": []}

    with django_capture_on_commit_callbacks(execute=True):
        site_transition(site=site, to_state="published", actor=caseworker_user)
    published = json.loads(client.get(map_url()).content)["sites"]

    with django_capture_on_commit_callbacks(execute=True):
        site_transition(site=site, to_state="withdrawn", actor=caseworker_user)
    withdrawn = json.loads(client.get(map_url()).content)["sites"]

    assert [s["reference"] for s in published] == ["S-2026-00001"]
    assert withdrawn == []


def test_gzip_when_accepted_decompresses_to_the_plain_body(client):
    SiteFactory.create_batch(5)
    plain = client.get(map_url())

    compressed = client.get(map_url(), headers={"accept-encoding": "gzip"})

    assert plain.has_header("Content-Encoding") is False
    assert compressed["Content-Encoding"] == "gzip"
    assert compressed["Vary"] == "Accept-Encoding"
    assert gzip.decompress(compressed.content) == plain.content


@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_a_repeat_request_with_the_etag_is_a_304_with_no_body(client, encoding):
    SiteFactory.create_batch(5)
    first = client.get(map_url(), headers={"accept-encoding": encoding})

    repeat = client.get(
        map_url(), headers={"accept-encoding": encoding, "if-none-match": first["ETag"]}
    )

    assert repeat.status_code == 304
    assert repeat.content == b""
