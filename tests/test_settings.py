import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from loket.settings.base import database_from_url
from loket.settings.env import env_bool

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "loket.settings.prod",
    "SECRET_KEY": "a-long-production-secret-key-4f9c2e7b1a8d6e3f0c5b9a2d7e1f4c8b",
    "ALLOWED_HOSTS": "loket.brussels",
    "DATABASE_URL": "postgres://loket:secret@db:5432/loket",
    "REDIS_URL": "redis://redis:6379/0",
}


def run_manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PROD_ENV and k != "DEBUG"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("off", False), ("0", False)]
)
def test_env_bool_accepts_known_words(monkeypatch, raw, expected):
    monkeypatch.setenv("LOKET_FLAG", raw)
    assert env_bool("LOKET_FLAG", not expected) is expected


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("LOKET_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="LOKET_FLAG"):
        env_bool("LOKET_FLAG", False)


def test_database_without_url_is_sqlite_in_a_file():
    config = database_from_url("", pool=True)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == ROOT / "db.sqlite3"


def test_database_url_uses_psycopg_pool():
    config = database_from_url("postgres://loket:pw@db:5432/loket", pool=True)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["NAME"], config["CONN_MAX_AGE"]) == ("db", "loket", 0)
    assert config["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 10}


def test_database_url_without_pool_keeps_connections():
    config = database_from_url("postgres://loket:pw@db:5432/loket", pool=False)
    assert "pool" not in config.get("OPTIONS", {})
    assert config["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_prod_refuses_to_start_without(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set in production." in result.stderr


def test_prod_passes_check_deploy_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_prod_uses_host_prefixed_secure_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.DEBUG)"
    )
    result = run_manage("shell", "-c", code, env=PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-6:] == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "31536000",
        "False",
    ]


def test_postgresql_connections_turn_jit_off():
    pooled = database_from_url("postgres://loket@db:5432/loket", pool=True)
    plain = database_from_url("postgres://loket@db:5432/loket", pool=False)

    assert pooled["OPTIONS"]["options"] == "-c jit=off"
    assert plain["OPTIONS"]["options"] == "-c jit=off"
    assert "OPTIONS" not in database_from_url("", pool=True)
