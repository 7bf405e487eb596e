"""Production: no default secrets, fails fast, passes `manage.py check --deploy` cleanly."""

from .env import env_bool, env_int, env_required, env_str

# Checked before base reads them, so a missing value stops the process with a clear message.
env_required("SECRET_KEY")
env_required("ALLOWED_HOSTS")
env_required("DATABASE_URL")
env_required("REDIS_URL")

from .base import *  # noqa: E402, F403

DEBUG = False
GEOCODER = env_str("GEOCODER", "properties.geocoding.UrbisGeocoder")

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The health check is probed over plain HTTP inside the compose network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# __Host- cookies are refused by browsers unless Secure, path=/ and without a domain.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True
# Links in e-mails; only a local stack without TLS sets this to http.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env_str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "https")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "loket.files.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},  # noqa: F405
    },
    # WhiteNoise's hashed, compressed files; vendored packages are not rewritten (see module).
    "staticfiles": {"BACKEND": "loket.storage.LoketStaticFilesStorage"},
}
