"""The catalogue map's own data, /<lang>/sites/map.json: only what the popup shows, cached per
search and language, compressed and revalidated with an ETag."""

import gzip
import json
from decimal import Decimal

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
        "zoom": 12,
        "bbox": None,
        "clustered": False,
        "clusters": [],
        "sites": [
            {
                "reference": "S-2026-00002",
                "title": "Oude brouwerij",
                "commune": "Brussel",
                "surface_m2": 200,
                "url": "/nl/sites/S-2026-00002/",
                "point": list(point),
            }
        ],
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

    assert json.loads(client.get(map_url()).content)["sites"] == []


def test_invalid_filters_are_a_400_with_the_errors(client):
    response = client.get(map_url(), {"surface_min": "lots"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["surface_min"]


@pytest.mark.parametrize("count", [1, 30])
def test_map_costs_the_same_queries_for_1_and_30_sites_and_none_once_cached(
    client, django_assert_num_queries, count
):
    SiteFactory.create_batch(count)

    # The points, then the popups of the points shown.
    with django_assert_num_queries(2):
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
    assert json.loads(client.get(map_url()).content)["sites"] == []

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


# --- The view and the clusters ------------------------------------------------------------------

REGION = "4.25,50.77,4.48,50.91"


def view_body(client, *, zoom="12", bbox=REGION, **filters) -> dict:
    response = client.get(map_url(), {"zoom": zoom, "bbox": bbox, **filters})
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def point_of(site) -> tuple[float, float] | None:
    return public_point(
        site_pk=site.pk,
        latitude=site.latitude,
        longitude=site.longitude,
        precision=site.public_precision,
        secret=settings.SECRET_KEY,
    )


def inside(point, bbox) -> bool:
    west, south, east, north = bbox
    return point is not None and west <= point[1] <= east and south <= point[0] <= north


@pytest.fixture
def few_points(monkeypatch):
    """Clusters from the third point on, so that a handful of sites shows them."""
    monkeypatch.setattr("properties.map.MAX_POINTS", 2)


def brewery_quarter():
    """Four sites a few metres apart, one alone in the south-west, one in Antwerp (outside the
    region's view) and one whose owner hides the location."""
    near = [
        SiteFactory(latitude=Decimal(lat), longitude=Decimal(lon))
        for lat, lon in [
            ("50.846700", "4.352500"),
            ("50.846800", "4.352600"),
            ("50.846600", "4.352400"),
            ("50.846900", "4.352300"),
        ]
    ]
    alone = SiteFactory(
        reference="S-2026-00100",
        title_nl="Loods",
        latitude=Decimal("50.800000"),
        longitude=Decimal("4.300000"),
        units=[90],
    )
    far = SiteFactory(latitude=Decimal("51.219400"), longitude=Decimal("4.402500"))
    hidden = SiteFactory(public_precision="hidden")
    return near, alone, far, hidden


def test_the_view_is_widened_to_whole_blocks_of_tiles_around_the_bbox(client):
    body = view_body(client)

    west, south, east, north = body["bbox"]
    assert body["zoom"] == 12
    assert west <= 4.25 and south <= 50.77 and east >= 4.48 and north >= 50.91
    assert body["bbox"] == [4.21875, 50.736455, 4.570312, 50.958427]


def test_few_points_stay_points_for_leaflet_to_cluster(client):
    near, alone, _far, _hidden = brewery_quarter()

    body = view_body(client)

    assert body["clustered"] is False
    assert body["clusters"] == []
    assert sorted(site["reference"] for site in body["sites"]) == sorted(
        site.reference for site in [*near, alone]
    )


def test_many_points_are_clusters_whose_counts_sum_to_the_sites_in_the_view(client, few_points):
    near, alone, far, hidden = brewery_quarter()

    body = view_body(client)

    in_view = [site for site in [*near, alone, far, hidden] if inside(point_of(site), body["bbox"])]
    assert body["clustered"] is True
    assert sum(c["count"] for c in body["clusters"]) + len(body["sites"]) == len(in_view) == 5
    [cluster] = body["clusters"]
    points = [point_of(site) for site in near]
    assert cluster == {
        "count": 4,
        "point": [
            round(sum(p[0] for p in points) / 4, 6),
            round(sum(p[1] for p in points) / 4, 6),
        ],
        "bounds": [
            [min(p[0] for p in points), min(p[1] for p in points)],
            [max(p[0] for p in points), max(p[1] for p in points)],
        ],
    }


def test_a_site_alone_in_its_cell_keeps_its_popup_fields(client, few_points):
    brewery_quarter()

    body = view_body(client)

    assert body["sites"] == [
        {
            "reference": "S-2026-00100",
            "title": "Loods",
            "commune": "Brussel",
            "surface_m2": 90,
            "url": "/nl/sites/S-2026-00100/",
            "point": [50.8, 4.3],
        }
    ]


def test_clusters_are_made_of_the_blurred_points_only(client, few_points):
    sites = [
        SiteFactory(public_precision="approximate", latitude=Decimal("50.846700")) for _ in range(6)
    ]
    points = [point_of(site) for site in sites]

    body = view_body(client, zoom="12")

    shown = [tuple(c["point"]) for c in body["clusters"]] + [
        tuple(s["point"]) for s in body["sites"]
    ]
    corners = [tuple(corner) for c in body["clusters"] for corner in c["bounds"]]
    assert sum(c["count"] for c in body["clusters"]) + len(body["sites"]) == 6
    assert (50.8467, 4.3525) not in shown
    # The corners of a cluster are public points, never the exact one.
    assert set(corners) <= {(lat, lon) for lat, _ in points for _, lon in points}
    assert all(min(p[0] for p in points) <= lat <= max(p[0] for p in points) for lat, _ in shown)


def test_the_view_follows_the_catalogue_filters(client, few_points):
    SiteFactory.create_batch(3, units=[300])
    SiteFactory.create_batch(2, units=[30])

    body = view_body(client, surface_min="100")

    assert [c["count"] for c in body["clusters"]] == [3]
    assert body["sites"] == []


def test_a_view_a_little_further_reuses_the_cached_body(client, django_assert_num_queries):
    SiteFactory.create_batch(3)
    first = view_body(client)

    with django_assert_num_queries(0):
        moved = view_body(client, bbox="4.26,50.78,4.47,50.90")

    assert moved == first


@pytest.mark.parametrize("count", [1, 30])
def test_a_clustered_view_costs_the_same_queries_for_1_and_30_sites(
    client, few_points, django_assert_num_queries, count
):
    SiteFactory.create_batch(count)
    SiteFactory(latitude=Decimal("50.800000"), longitude=Decimal("4.300000"))

    with django_assert_num_queries(2):
        body = view_body(client)

    assert sum(c["count"] for c in body["clusters"]) + len(body["sites"]) == count + 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"zoom": "20"}, "zoom"),
        ({"zoom": "-1"}, "zoom"),
        ({"zoom": "1.5"}, "zoom"),
        ({"zoom": "012"}, "zoom"),
        ({"zoom": "١٢"}, "zoom"),
        ({"zoom": ["12", "13"]}, "zoom"),
        ({"bbox": REGION}, "zoom"),
        ({"zoom": "12", "bbox": "4.25,50.77,4.48"}, "bbox"),
        ({"zoom": "12", "bbox": "nan,50.77,4.48,50.91"}, "bbox"),
        ({"zoom": "12", "bbox": "1e2,50.77,4.48,50.91"}, "bbox"),
        ({"zoom": "12", "bbox": "4.48,50.77,4.25,50.91"}, "bbox"),
        ({"zoom": "12", "bbox": "4.25,50.91,4.48,50.77"}, "bbox"),
        ({"zoom": "12", "bbox": "-181,50.77,4.48,50.91"}, "bbox"),
        ({"zoom": "12", "bbox": "4.25,-91,4.48,50.91"}, "bbox"),
        ({"zoom": "12", "bbox": "4.25, 50.77, 4.48, 50.91"}, "bbox"),
        ({"zoom": "12", "bbox": "4.25,50.77,4.48,50.91\x00"}, "bbox"),
        ({"zoom": "12", "bbox": [REGION, REGION]}, "bbox"),
    ],
)
def test_a_zoom_or_bbox_that_does_not_parse_is_a_400_with_the_error(client, query, field):
    SiteFactory()

    response = client.get(map_url(), query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == [field]
    assert response.json()["errors"][field][0]["message"]


def test_a_bad_view_and_a_bad_filter_are_reported_together(client):
    response = client.get(map_url(), {"zoom": "99", "surface_min": "lots"})

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["surface_min", "zoom"]


def test_a_repeat_view_request_with_the_etag_is_a_304(client):
    SiteFactory.create_batch(3)
    first = client.get(map_url(), {"zoom": "14", "bbox": REGION})

    repeat = client.get(
        map_url(), {"zoom": "14", "bbox": REGION}, headers={"if-none-match": first["ETag"]}
    )
    other_zoom = client.get(
        map_url(), {"zoom": "13", "bbox": REGION}, headers={"if-none-match": first["ETag"]}
    )

    assert repeat.status_code == 304
    assert other_zoom.status_code == 200
    assert other_zoom["ETag"] != first["ETag"]
