"""The test suite: SQLite and eager tasks by default; PostgreSQL and Redis when set (CI)."""

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL
from .env import env_str

DEBUG = False
SECRET_KEY = "test-secret-key-only-for-the-test-suite-0123456789-abcdefghij"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# A fast hasher: the suite creates hundreds of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker test's worker writes its e-mails to files instead, so the test can count them.
# TEST_EMAIL_BACKEND may name a file-based one of tests/mail_backends.py (slower, killable).
if env_str("TEST_EMAIL_FILE_PATH", ""):
    EMAIL_BACKEND = env_str(
        "TEST_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = env_str("TEST_EMAIL_FILE_PATH", "")
# Unit tests run tasks inline; the worker tests start a real worker on Redis instead.
CELERY_TASK_ALWAYS_EAGER = True
if REDIS_URL:
    # Keep the suite's keys apart from a developer's running portal on the same Redis.
    CACHES["default"]["KEY_PREFIX"] = "loket-test"
# Pools and pytest-django's test database creation do not mix; tests open plain connections.
for _db in DATABASES.values():  # noqa: F405
    _db.get("OPTIONS", {}).pop("pool", None)
    _db["CONN_MAX_AGE"] = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "loket.files.PrivateInMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps, as in development: the suite never runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
