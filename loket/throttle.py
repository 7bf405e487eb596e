"""Counting a visitor's requests, for the limits that keep one address from flooding the desk.

The counts live in the default cache (Redis in production), so every web worker shares them.
The address is the one `loket.middleware.ClientAddressMiddleware` found: behind the proxy,
the visitor's own, not the proxy's.
"""

import hashlib
import ipaddress

from django.core.cache import cache

# An IPv6 visitor usually holds a whole /64; counting single addresses would let them rotate
# through it. allauth's own limits group IPv6 the same way.
IPV6_PREFIX = 64


def client_address(request) -> str:
    return getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR", "")


def address_bucket(address: str) -> str:
    """The address a limit counts: an IPv4 address itself, an IPv6 address's /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)


def cache_key(*parts: str) -> str:
    """A key that shows no address or e-mail in the cache, only a digest of them."""
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"throttle:{digest}"


def consume(request, *, action: str, limit: int, window: int) -> bool:
    """Count one `action` for the visitor's address and, if they have one, their session.

    Returns False when either has already done it `limit` times in the current window of
    `window` seconds; the refused attempt is counted too, so hammering does not reopen it.
    """
    sources = [("address", address_bucket(client_address(request)))]
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        sources.append(("session", session.session_key))
    allowed = True
    for kind, value in sources:
        key = cache_key(action, kind, value)
        # add() starts the window only once; incr() keeps the key's expiry, so the window is
        # fixed from the first attempt.
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window)
            count = 1
        allowed = allowed and count <= limit
    return allowed
