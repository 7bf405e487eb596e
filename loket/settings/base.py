"""Settings shared by every environment. Everything that differs per machine comes from the
environment; the README lists each variable."""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import xstatic.pkg.jquery_ui
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-secret-key-never-used-in-production-0123456789")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it must come before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Lets runserver serve static files the way WhiteNoise does in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "loket.accounts",
    "loket.communes",
    "loket.reference",
    "loket.organisations",
    "loket.pages",
    "loket.notifications",
    "properties",
    "projects",
    "matching",
]

MIDDLEWARE = [
    # First, so that every later layer counts and logs the visitor's own address.
    "loket.middleware.ClientAddressMiddleware",
    # Outside the rest, so that static files and server errors get these headers too.
    "loket.middleware.PermissionsPolicyMiddleware",
    # Outside the session, CSRF and auth layers, so that it sees the cookies they set.
    "loket.middleware.CacheControlMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff powers need a second factor, and access follows current memberships only.
    "loket.accounts.middleware.DeskSessionMiddleware",
    "loket.accounts.middleware.StaffMFAMiddleware",
    # After the second-factor check, so that only a desk session reaches it.
    "loket.middleware.AdminInputMiddleware",
]

ROOT_URLCONF = "loket.urls"
WSGI_APPLICATION = "loket.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "loket.context_processors.portal",
                "loket.context_processors.second_factor",
            ],
            # `loket` itself is no installed app, so its template filters are named here.
            "libraries": {"loket_format": "loket.templatetags.loket_format"},
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite in a file when DATABASE_URL is unset, so `make run` needs no server.
DATABASE_URL = env_str("DATABASE_URL", "")


def database_from_url(url: str, *, pool: bool) -> dict:
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    config = dj_database_url.parse(url, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles the matching filters on wide searches for 40-50 ms to save
        # a few; Loket's queries are short OLTP ones (docs/performance.md).
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    if config["ENGINE"] == "django.db.backends.postgresql" and pool:
        # psycopg 3's pool replaces persistent connections; Django requires CONN_MAX_AGE=0.
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 1),
            "max_size": env_int("DATABASE_POOL_MAX", 10),
        }
    else:
        config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    return config


DATABASES = {"default": database_from_url(DATABASE_URL, pool=env_bool("DATABASE_POOL", True))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "loket"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker, tasks run in the web process at once: the embedded default for `make run`.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only when done, so a pool process that dies hands its task back at
# once. When the whole worker dies, Redis gives the task back only after its visibility timeout
# (an hour); the outbox does not wait for that: its sweeper sends again what was left unsent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Brussels"
# With Redis down a request gives up queuing after about half a second: the outbox row waits
# for the sweeper, and the user's action does not hang.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.3,
}
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "loket.tasks.clear_expired_sessions",
        "schedule": 24 * 60 * 60,
    },
    "expire-applications": {
        "task": "projects.tasks.applications_expire_daily",
        "schedule": 24 * 60 * 60,
    },
    "remind-applications": {
        "task": "projects.tasks.applications_remind_renewal_daily",
        "schedule": 24 * 60 * 60,
    },
    # The outbox's safety net: what Redis or a dead worker lost goes out within two minutes.
    "notifications-sweep": {
        "task": "loket.notifications.tasks.notifications_sweep",
        "schedule": 60,
    },
    # Digests, for readers who asked for them: at 7:00 Brussels time, weekly on Mondays.
    "notifications-daily-digest": {
        "task": "loket.notifications.tasks.notifications_daily_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    "notifications-weekly-digest": {
        "task": "loket.notifications.tasks.notifications_weekly_digest",
        "schedule": crontab(hour=7, minute=5, day_of_week=1),
    },
    "visit-reminders": {
        "task": "matching.tasks.visit_reminders_hourly",
        "schedule": 60 * 60,
    },
    "occupations-ending": {
        "task": "matching.tasks.occupations_mark_ending_daily",
        "schedule": 24 * 60 * 60,
    },
    # The daily reminders, before the desk opens and before the 7:00 digests collect them.
    "site-availability-ending": {
        "task": "properties.tasks.availability_ending_daily",
        "schedule": crontab(hour=6, minute=10),
    },
    "occupation-reminders": {
        "task": "matching.tasks.occupation_reminders_daily",
        "schedule": crontab(hour=6, minute=20),
    },
    # A safety net under the after-commit refreshes: a lost task costs at most a day.
    "suggestions-refresh-all": {
        "task": "matching.tasks.suggestions_refresh_all_nightly",
        "schedule": 24 * 60 * 60,
    },
}

# --- Auth and accounts ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"

ACCOUNT_ADAPTER = "loket.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "loket.accounts.forms.SignupForm"
# Hashes the password for a taken address too, so the answer time does not reveal accounts.
ACCOUNT_FORMS = {"signup": "loket.accounts.signup.AccountSignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# A signup with a taken address gets the same answer as a new one; the owner gets an e-mail.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Loket] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env_str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
# allauth's rate limits (login, signup, reset) count in the default cache: Redis when set,
# per visitor address (TRUSTED_PROXIES below). Wrong passwords are counted per address only,
# and generously: the adapter slows down one account from one address with a growing delay
# instead, so that a guesser elsewhere never locks the owner out (README, "Sign-in throttling").
ACCOUNT_RATE_LIMITS = {
    "login_failed": "30/5m/ip",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Loket"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [
    ("nl", _("Dutch")),
    ("fr", _("French")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A year: the language a visitor last chose is where `/` sends them back. Only choosing sets
# it (loket.views.language_choose_view), so that public pages set no cookie and stay cacheable.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Pages an anonymous visitor reads without a session and without a cookie being set go out
# with `Cache-Control: public, max-age=PUBLIC_PAGE_MAX_AGE` (loket.middleware), so that a cache
# in front of gunicorn can serve them. Short, so that a published or withdrawn site shows
# within a minute. A form page sets the CSRF cookie, and so is kept private whatever the list.
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", 60)
PUBLIC_PAGES = [
    "pages:home",
    "pages:how_it_works",
    "pages:contact",
    "pages:privacy",
    "pages:accessibility",
    "properties:catalogue",
    "properties:detail",
]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# Content is written in NL or FR (EN optional); a missing text falls back to the other one.
MODELTRANSLATION_LANGUAGES = ("nl", "fr", "en")
MODELTRANSLATION_DEFAULT_LANGUAGE = "nl"
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("nl", "fr"),
    "nl": ("fr",),
    "fr": ("nl",),
    "en": ("fr", "nl"),
}

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# The project package is not an app, so its own static folder is listed here.
# Leaflet and its marker clustering come from their XStatic packages, served locally.
STATICFILES_DIRS = [
    BASE_DIR / "loket" / "static",
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("vendor/leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
    ("vendor/jquery-ui", xstatic.pkg.jquery_ui.BASE_DIR),
]
# modeltranslation's admin tabs need jQuery UI; without this it would load it from a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Site files (photos, plans) are served only through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
# Its storage has no URL: a page asking for one fails instead of linking to /media/.
STORAGES["private"] = {
    "BACKEND": "loket.files.PrivateFileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
}

# --- Maps and addresses ---------------------------------------------------------------------
# Offline by default so `make run` and the tests need no network; prod uses UrbIS.
GEOCODER = env_str("GEOCODER", "properties.geocoding.OfflineGeocoder")
# Any XYZ tile server; its host must be allowed in the CSP below.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
_tiles = urlsplit(MAP_TILE_URL.replace("{s}", "*"))
MAP_TILE_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc}"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "test-artifacts" / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Loket <loket@citydev.brussels>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where accessibility feedback and other messages for the desk go.
DESK_EMAIL = env_str("DESK_EMAIL", "loket@citydev.brussels")
# The outbox's sweeper queues again a message still waiting this many seconds after it was
# queued (Redis was down), and one left "sending" this long (its worker died).
NOTIFICATIONS_REQUEUE_AFTER = env_int("NOTIFICATIONS_REQUEUE_AFTER", 90)
NOTIFICATIONS_SENDING_TIMEOUT = env_int("NOTIFICATIONS_SENDING_TIMEOUT", 600)
# An unsubscribe link works this long (seconds): an old e-mail still does its job, and a
# forwarded or leaked one stops working; an expired link offers to send a fresh one.
NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE = 180 * 24 * 60 * 60
# The portal's own address, for the links in e-mails sent by the worker (no request there).
PORTAL_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Security -------------------------------------------------------------------------------
# The proxies in front of gunicorn (addresses or networks). Only a request from one of them may
# name the visitor's address in X-Forwarded-For; without them REMOTE_ADDR is the visitor, and
# behind a proxy every visitor would share one address in the rate limits.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# Browser features Loket never uses, off for its pages and anything they embed. The map does
# not locate the visitor; WebAuthn (publickey-credentials-*) stays allowed for future passkeys.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline scripts or styles anywhere: templates load files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", MAP_TILE_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
