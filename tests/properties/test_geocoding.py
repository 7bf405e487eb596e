import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from loket.communes.models import Commune
from properties.geocoding import OfflineGeocoder, Point, UrbisGeocoder, get_geocoder

pytestmark = pytest.mark.django_db


def test_offline_geocoder_is_stable_and_near_the_commune_centre():
    molenbeek = Commune.objects.get(pk="21012")
    first = OfflineGeocoder().geocode(
        street="Rue de Ribaucourt", number="12", postcode="1080", commune=molenbeek
    )
    again = OfflineGeocoder().geocode(
        street="rue de ribaucourt", number="12", postcode="1080", commune=molenbeek
    )
    other = OfflineGeocoder().geocode(
        street="Chaussée de Gand", number="12", postcode="1080", commune=molenbeek
    )
    assert first == again
    assert first != other
    assert abs(first.latitude - molenbeek.latitude) <= Decimal("0.008")
    assert abs(first.longitude - molenbeek.longitude) <= Decimal("0.012")


def test_offline_geocoder_without_commune_finds_nothing():
    assert OfflineGeocoder().geocode(street="x", number="1", postcode="1000", commune=None) is None


def test_dev_and_test_settings_use_the_offline_geocoder():
    assert isinstance(get_geocoder(), OfflineGeocoder)


class UrbisStandIn(BaseHTTPRequestHandler):
    """Answers like the UrbIS localisation service; the reply depends on the address asked."""

    requests: list[dict] = []

    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)
        UrbisStandIn.requests.append(query)
        address = query["address"][0]
        if address.startswith("Broken"):
            self.send_response(500)
            self.end_headers()
            return
        results = []
        if address.startswith("Rue de la Loi"):
            results = [{"point": {"x": 4.3701, "y": 50.8454}, "address": {"number": "16"}}]
        body = json.dumps({"result": results}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def urbis():
    """A local server in UrbIS's place: the adapter's real HTTP and parsing code runs."""
    server = HTTPServer(("127.0.0.1", 0), UrbisStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    UrbisStandIn.requests = []
    geocoder = UrbisGeocoder()
    geocoder.endpoint = f"http://127.0.0.1:{server.server_port}/getaddresses"
    yield geocoder
    server.shutdown()
    server.server_close()


def test_urbis_geocoder_reads_the_point(urbis):
    point = urbis.geocode(street="Rue de la Loi", number="16", postcode="1000", commune=None)
    assert point == Point(latitude=Decimal("50.8454"), longitude=Decimal("4.3701"))
    assert UrbisStandIn.requests == [
        {"address": ["Rue de la Loi 16, 1000"], "language": ["fr"], "spatialReference": ["4326"]}
    ]


def test_urbis_geocoder_without_result_finds_nothing(urbis):
    assert urbis.geocode(street="Nowhere", number="1", postcode="1000", commune=None) is None


def test_urbis_geocoder_server_error_finds_nothing(urbis):
    assert urbis.geocode(street="Broken", number="1", postcode="1000", commune=None) is None
