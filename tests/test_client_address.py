"""The visitor's address behind the proxy: X-Forwarded-For is believed only from a trusted
proxy, and read from the right, so a client cannot pick the address it is counted under."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from loket.middleware import ClientAddressMiddleware


def client_ip(settings, *, peer: str, forwarded_for: str | None = None, proxies=()) -> str:
    settings.TRUSTED_PROXIES = list(proxies)
    middleware = ClientAddressMiddleware(lambda request: HttpResponse(request.client_ip))
    headers = {"REMOTE_ADDR": peer}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return middleware(RequestFactory().get("/", **headers)).content.decode()


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "expected"),
    [
        # Our proxy appended the address it saw; what the client wrote before it is ignored.
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        # Two of our proxies in a row: the first address that is not ours is the client.
        ("10.0.0.5", "203.0.113.7, 10.0.0.9", "203.0.113.7"),
        ("10.0.0.5", "2001:db8::1", "2001:db8::1"),
        # Nothing usable from the client: the nearest proxy we trust.
        ("10.0.0.5", "unknown, 10.0.0.9", "10.0.0.9"),
        ("10.0.0.5", None, "10.0.0.5"),
        # A peer that is not our proxy is the client, whatever it claims.
        ("192.0.2.44", "203.0.113.7", "192.0.2.44"),
    ],
)
def test_client_address_from_a_trusted_proxy_only(settings, peer, forwarded_for, expected):
    assert client_ip(settings, peer=peer, forwarded_for=forwarded_for, proxies=["10.0.0.0/24"]) == (
        expected
    )


def test_client_address_without_trusted_proxies_is_the_peer(settings):
    assert client_ip(settings, peer="10.0.0.5", forwarded_for="203.0.113.7") == "10.0.0.5"


def test_a_malformed_proxy_list_stops_start_up(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "proxy.internal"]
    with pytest.raises(ImproperlyConfigured) as raised:
        ClientAddressMiddleware(lambda request: HttpResponse())
    assert str(raised.value) == (
        "TRUSTED_PROXIES must list IP addresses or networks: "
        "'proxy.internal' does not appear to be an IPv4 or IPv6 network"
    )
