"""The open-data exports stream their sites a chunk at a time, compressed when the client
accepts gzip, and say exactly what a single write of the whole set said."""

import csv
import gzip
import io
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import RequestFactory

from loket import csvsafe
from loket.reference.models import ActivityType
from properties.selectors import public_sites
from properties.serializers import (
    CSV_COLUMNS,
    OPEN_DATA_LICENSE,
    OPEN_DATA_LICENSE_URL,
    csv_row,
    geojson_feature,
    site_open_data,
)

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db

GEOJSON_URL = "/api/sites.geojson"
CSV_URL = "/api/sites.csv"


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of two sites, so that five sites take three chunks and two separators."""
    monkeypatch.setattr("properties.api.CHUNK_SIZE", 2)


@pytest.fixture
def sites(db):
    activities = list(ActivityType.objects.filter(code__in=["cultural", "studios"]))
    made = [
        SiteFactory(title_nl=f"Site {n} “é”", units=[100 + n, 20], public_precision=precision)
        for n, precision in enumerate(["exact", "approximate", "hidden", "exact", "exact"])
    ]
    made[0].allowed_activities.set(activities)
    made[3].allowed_activities.set(ActivityType.objects.all())
    made[4].allowed_activities.set(activities[1:])
    SiteFactory(publication="desk_only")
    SiteFactory(state="draft")
    return made


def whole_set():
    """The records as the exports wrote them before they streamed: every site at once."""
    request = RequestFactory().get("/api/sites.geojson")
    sites = public_sites().order_by("reference")
    return [site_open_data(site, request=request) for site in sites]


def streamed(response) -> bytes:
    assert response.streaming is True
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("count", [0, 5])
def test_geojson_streams_the_bytes_of_one_dump_of_the_whole_set(client, small_chunks, count, sites):
    if count == 0:
        for site in sites:
            site.delete()
    expected = json.dumps(
        {
            "type": "FeatureCollection",
            "license": OPEN_DATA_LICENSE,
            "license_url": OPEN_DATA_LICENSE_URL,
            "features": [geojson_feature(record) for record in whole_set()],
        },
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    ).encode()

    body = streamed(client.get(GEOJSON_URL))

    assert body == expected
    assert [f["id"] for f in json.loads(body)["features"]] == sorted(
        site.reference for site in sites[:count]
    )


def test_csv_streams_the_bytes_of_one_write_of_the_whole_set(client, small_chunks, sites):
    expected = io.StringIO()
    writer = csvsafe.writer(expected)
    writer.writerow(CSV_COLUMNS)
    for record in whole_set():
        writer.writerow(csv_row(record))

    body = streamed(client.get(CSV_URL))

    assert body == expected.getvalue().encode()
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [row["reference"] for row in rows] == sorted(site.reference for site in sites)
    assert [row["units"] for row in rows] == ["2"] * 5


def test_every_site_of_the_filtered_set_is_in_both_exports_once(client, small_chunks, sites):
    query = "surface_min=122"

    features = json.loads(streamed(client.get(f"{GEOJSON_URL}?{query}")))["features"]
    rows = list(csv.DictReader(io.StringIO(streamed(client.get(f"{CSV_URL}?{query}")).decode())))

    wanted = sorted(site.reference for site in sites if site.total_surface_m2 >= 122)
    assert len(wanted) == 3
    assert [feature["id"] for feature in features] == wanted
    assert [row["reference"] for row in rows] == wanted


@pytest.mark.parametrize("url", [GEOJSON_URL, CSV_URL])
def test_gzip_when_accepted_with_the_open_data_headers(client, sites, url):
    plain = streamed(client.get(url))

    response = client.get(url, headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    assert gzip.decompress(streamed(response)) == plain


@pytest.mark.parametrize("url", [GEOJSON_URL, CSV_URL])
def test_invalid_filters_are_still_a_400_and_not_streamed(client, url):
    response = client.get(url, {"surface_min": "lots"})

    assert response.status_code == 400
    assert response.streaming is False
    assert response["Access-Control-Allow-Origin"] == "*"
    assert list(json.loads(response.content)["errors"]) == ["surface_min"]
