import ipaddress

from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.views.defaults import bad_request


def _parse_address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


class ClientAddressMiddleware:
    """Set `request.client_ip`: the visitor's own address, for rate limits and logs.

    Behind the TLS proxy every request comes from the proxy, so counting by REMOTE_ADDR would
    put every visitor in one bucket. Each proxy appends the address it saw to
    X-Forwarded-For, but a client can write anything at the left of that header. So the header
    is read only when the request comes from one of `settings.TRUSTED_PROXIES`, and from the
    right: the first address that is not one of our proxies is the client. Without a trusted
    peer, REMOTE_ADDR is the client, whatever the header says. REMOTE_ADDR itself is left as
    received, so the peer stays visible.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        try:
            self.proxies = [
                ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES
            ]
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES must list IP addresses or networks: {exc}"
            ) from exc

    def __call__(self, request):
        request.client_ip = self.client_address(request)
        return self.get_response(request)

    def _trusted(self, address) -> bool:
        return any(address in network for network in self.proxies)

    def client_address(self, request) -> str:
        peer_text = request.META.get("REMOTE_ADDR", "")
        if not self.proxies:
            # No proxy to trust: the peer is the client, whatever it sent.
            return peer_text
        peer = _parse_address(peer_text)
        if peer is None or not self._trusted(peer):
            return peer_text
        nearest = peer
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(hops):
            address = _parse_address(hop)
            if address is None:
                # Garbage was written by someone we do not trust; the last proxy we trust is
                # the best we know.
                break
            if not self._trusted(address):
                return str(address)
            nearest = address
        return str(nearest)


class PermissionsPolicyMiddleware:
    """Switch off the browser features Loket never uses, so an injected script or frame
    cannot use them either. The list is `settings.PERMISSIONS_POLICY`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class CacheControlMiddleware:
    """Say who may keep a copy of each page: everyone, only the visitor, or nobody.

    - `no-store` when the visitor has a session: every signed-in user has one, and so does a
      visitor half-way through signing in (the second-factor step). Server errors too.
      no-store rather than `private, no-cache`: on a shared computer at the desk or in a
      library, the back button after signing out must fetch the page again (and meet the
      sign-in page) instead of showing the previous person's application from the browser's
      cache. Loket's forms keep their drafts on the server, so nothing is lost by the refetch.
    - `private, no-cache` when the response sets a cookie: the cookie (a form's CSRF token, a
      chosen language) belongs to this visitor, so no shared cache may hand it to another.
    - `public, max-age=PUBLIC_PAGE_MAX_AGE` on the pages of `settings.PUBLIC_PAGES` read
      without a session, so that a cache in front of the portal can serve them. They keep
      `Vary: Cookie` (the session middleware adds it, as the header shows who is signed in):
      anonymous visitors send no cookie and share one copy, while a signed-in user's request
      carries the session cookie and reaches the portal.

    A view that sets its own Cache-Control (the admin, the open-data exports, the site photos)
    is left alone: it knows best.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.public_pages = frozenset(settings.PUBLIC_PAGES)
        self.public = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" in response.headers:
            return response
        if response.status_code >= 500 or self._personal(request):
            response.headers["Cache-Control"] = "no-store"
        elif response.cookies:
            response.headers["Cache-Control"] = "private, no-cache"
        elif self._public(request, response):
            response.headers["Cache-Control"] = self.public
        return response

    @staticmethod
    def _personal(request) -> bool:
        session = getattr(request, "session", None)
        return session is not None and not session.is_empty()

    def _public(self, request, response) -> bool:
        match = getattr(request, "resolver_match", None)
        return (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and match is not None
            and match.view_name in self.public_pages
        )


class AdminInputMiddleware:
    """Refuse, with the 400 page, admin requests whose input would reach the database unchecked.

    The admin hands search text, list filters and the ticked rows of an action straight to the
    ORM: a NUL character makes PostgreSQL raise, and a ticked row that is not a key of the
    model makes the lookup raise, both as a server error. Forms elsewhere refuse NUL next to
    the field; in the admin such input never comes from its own pages, so a plain 400 is the
    honest answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces:
            return None
        values = [*_values(request.GET)]
        if request.method == "POST":
            values += _values(request.POST)
        if any("\x00" in value for value in values):
            return bad_request(request, SuspiciousOperation("NUL in admin input"))
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is not None and request.method == "POST":
            key = model_admin.model._meta.pk
            try:
                for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
                    key.run_validators(key.to_python(value))
            except ValidationError:
                return bad_request(request, SuspiciousOperation("ticked row is not a key"))
        return None


def _values(query_dict) -> list[str]:
    return list(query_dict) + [value for key in query_dict for value in query_dict.getlist(key)]
