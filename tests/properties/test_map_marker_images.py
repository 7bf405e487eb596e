"""Every map names Leaflet's marker images by their static URLs, hashed or plain, because
Leaflet's own guess from leaflet.css fails under the hashed static storage."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

MARKER_IMAGES = re.compile(
    r'<script src="([^"]+)" data-marker-icon="([^"]+)" '
    r'data-marker-icon-retina="([^"]+)" data-marker-shadow="([^"]+)"></script>'
)


def url(name: str, **kwargs) -> str:
    with translation.override("nl"):
        return reverse(name, kwargs=kwargs)


def marker_images(html: str) -> list[tuple[str, ...]]:
    return MARKER_IMAGES.findall(html)


def scripts(html: str) -> list[str]:
    return re.findall(r'<script src="/static/([^"]+)"', html)


def static_file(address: str) -> str | None:
    assert address.startswith(settings.STATIC_URL)
    return finders.find(address.removeprefix(settings.STATIC_URL))


IMAGES = (
    "/static/loket/js/leaflet-marker-images.js",
    "/static/vendor/leaflet/images/marker-icon.png",
    "/static/vendor/leaflet/images/marker-icon-2x.png",
    "/static/vendor/leaflet/images/marker-shadow.png",
)


def test_catalogue_map_names_the_marker_images_and_they_exist():
    SiteFactory()
    html = Client().get(url("properties:catalogue")).content.decode()
    assert marker_images(html) == [IMAGES]
    assert [static_file(address) is not None for address in IMAGES] == [True] * 4
    assert scripts(html) == [
        "vendor/leaflet/leaflet.js",
        "loket/js/leaflet-marker-images.js",
        "vendor/leaflet-markercluster/leaflet.markercluster.js",
        "loket/js/catalogue-map.js",
    ]


def test_site_map_names_the_marker_images():
    site = SiteFactory()
    html = Client().get(url("properties:detail", reference=site.reference)).content.decode()
    assert marker_images(html) == [IMAGES]
    assert scripts(html) == [
        "vendor/leaflet/leaflet.js",
        "loket/js/leaflet-marker-images.js",
        "loket/js/catalogue-map.js",
    ]


def test_location_picker_names_the_marker_images(owner_client, owner):
    site = SiteFactory(owner=owner.active_organisation, state="draft", reference=None)
    html = owner_client.get(url("properties:owner_step", pk=site.pk, step="where"))
    assert marker_images(html.content.decode()) == [IMAGES]
