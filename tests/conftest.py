"""Shared fixtures. Persona fixtures stand for the people of the brief, so permission tests can
show that each one sees only what they may."""

import importlib
import os

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.apps import apps as django_apps
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from loket import pagecache
from loket.accounts.enums import Role
from loket.accounts.groups import sync_caseworker_group

from .factories import OrganisationFactory, UserFactory, caseworker, member_of

# Property-based tests (tests/test_fuzz_forms.py): no example database in the checkout, no
# deadline (a request's time varies with the machine), the Django fixtures shared by a test's
# examples, and in CI a fixed seed, so a failure there can be replayed.
hypothesis_settings.register_profile(
    "loket",
    database=None,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.load_profile("loket")


@pytest.fixture(autouse=True)
def _reset_language():
    """Each test starts with no active language, as a fresh request would."""
    translation.deactivate_all()
    yield
    translation.deactivate_all()


def clear_test_cache() -> None:
    """Forget the suite's own cache keys. On Redis, `cache.clear()` would flush the whole
    database, Celery's queue included, so only keys with the test prefix are deleted. The
    pages each process keeps (`loket.pagecache`) go too."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{backend.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    pagecache.forget()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and used TOTP codes live in the cache; tests must not share them."""
    clear_test_cache()
    yield
    clear_test_cache()


# The data migrations that fill the reference tables, in order.
REFERENCE_DATA_MIGRATIONS = (
    "loket.communes.migrations.0002_load_communes",
    "loket.communes.migrations.0004_load_commune_centres",
    "loket.reference.migrations.0002_load_lists",
)


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests (live server, real worker) empty every table when they end, the
    communes and lists too. This loads them again, with the migrations' own idempotent code."""
    for module in REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(module).load(django_apps, None)
    sync_caseworker_group()


@pytest.fixture
def holder(db):
    return member_of(OrganisationFactory(name="Collectief Zinne"), role=Role.HOLDER)


@pytest.fixture
def other_holder(db):
    return member_of(OrganisationFactory(name="Atelier Senne"), role=Role.HOLDER)


@pytest.fixture
def owner(db):
    return member_of(OrganisationFactory(name="Immo Canal NV"), role=Role.OWNER)


@pytest.fixture
def other_owner(db):
    return member_of(OrganisationFactory(name="Gemeente Vorst"), role=Role.OWNER)


@pytest.fixture
def caseworker_user(db):
    return caseworker(email="caseworker@example.org")


@pytest.fixture
def analyst(db):
    return UserFactory(role=Role.ANALYST)


@pytest.fixture
def commune_contact(db):
    return UserFactory(role=Role.COMMUNE)


def login_client(user, *, with_mfa: bool = False) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if with_mfa:
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "type": "totp", "at": 0.0}]
        session.save()
    return client


@pytest.fixture
def anonymous_client():
    return Client()


@pytest.fixture
def holder_client(holder):
    return login_client(holder)


@pytest.fixture
def other_holder_client(other_holder):
    return login_client(other_holder)


@pytest.fixture
def owner_client(owner):
    return login_client(owner)


@pytest.fixture
def other_owner_client(other_owner):
    return login_client(other_owner)


@pytest.fixture
def caseworker_client(caseworker_user):
    """A caseworker signed in with password and TOTP, as the admin requires."""
    return login_client(caseworker_user, with_mfa=True)


@pytest.fixture
def analyst_client(analyst):
    return login_client(analyst)
