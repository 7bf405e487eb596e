"""The yardstick for `benchmarks/pages.py`: a plain Django project over Loket's own tables.

Django's stock middleware (as `startproject` writes it) and stock context processors, plain
views and small templates. It installs Loket's apps only for their models, so the plain views
read the same tables with the same ORM; nothing of Loket's request machinery runs."""

import os

from loket.settings.base import (  # noqa: F401
    AUTH_USER_MODEL,
    DEFAULT_AUTO_FIELD,
    LANGUAGES,
    LOCALE_PATHS,
    MODELTRANSLATION_DEFAULT_LANGUAGE,
    MODELTRANSLATION_FALLBACK_LANGUAGES,
    MODELTRANSLATION_LANGUAGES,
    STORAGES,  # the models name the private storage of the site files
    database_from_url,
)
from loket.settings.base import (
    INSTALLED_APPS as LOKET_APPS,
)

# Loket's apps for their models (and allauth's, which Loket's models import), without the
# admin, which no plain view uses.
INSTALLED_APPS = [
    "benchmarks.yardstick.apps.AccountModelsOnly" if app == "allauth.account" else app
    for app in LOKET_APPS
    if app != "django.contrib.admin"
]

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

# The same connection settings as Loket's (pool, JIT off).
DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"], pool=True)}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "benchmarks.yardstick.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Django's default cache (in the process) for the filter's reference lists, as a plain
# project would keep them.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "nl"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Brussels"
STATIC_URL = "/static/"
