"""The compose stack stays in step with the settings: every variable it sets is one Loket reads,
prod gets everything it requires, and each service points at its neighbours by name."""

import importlib.util
import json
import os
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DIR = ROOT / "loket" / "settings"
APP_SERVICES = ("web", "worker", "beat")
ENV_READ = re.compile(r"""env_(?:str|bool|int|list|required)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
ENV_REQUIRED = re.compile(r"""env_required\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return shlex.split(value)
    return [str(item) for item in value]


def full_command(name: str) -> list[str]:
    """What the container runs: its entrypoint followed by its command."""
    return as_list(service(name).get("entrypoint")) + as_list(service(name).get("command"))


def environment(name: str) -> dict[str, str]:
    env = service(name).get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def names_read_by_settings() -> set[str]:
    names = {"DJANGO_SETTINGS_MODULE"}
    for path in SETTINGS_DIR.glob("*.py"):
        names |= set(ENV_READ.findall(path.read_text()))
    return names


def names_required_by_prod() -> set[str]:
    return set(ENV_REQUIRED.findall((SETTINGS_DIR / "prod.py").read_text()))


def script_command(name: str) -> list[str]:
    """The one command a script in docker/ ends with, joined over its line continuations."""
    text = (ROOT / "docker" / name).read_text().replace("\\\n", " ")
    commands = [line.strip() for line in text.splitlines() if line.startswith("exec ")]
    assert len(commands) == 1
    return shlex.split(commands[0])


def smoke_module():
    spec = importlib.util.spec_from_file_location("smoke", ROOT / ".ci" / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def image_major(name: str) -> int:
    tag = service(name)["image"].rsplit(":", 1)[1]
    return int(tag.split(".")[0].split("-")[0])


def named_volume_for(name: str, target: str) -> str | None:
    """The named volume mounted at target in a service, or None if it is a bind mount or absent."""
    declared = set(compose().get("volumes") or {})
    for mount in service(name).get("volumes") or []:
        if isinstance(mount, str):
            source, _, rest = mount.partition(":")
            mount_target = rest.split(":")[0]
        else:
            source, mount_target = mount.get("source"), mount.get("target")
        if mount_target == target and source in declared:
            return source
    return None


def test_compose_services_are_the_full_stack():
    assert set(compose()["services"]) == {"web", "worker", "beat", "db", "redis", "mail"}


def test_compose_every_service_has_healthcheck():
    missing = [name for name, svc in compose()["services"].items() if not svc.get("healthcheck")]
    assert missing == []


def test_compose_depends_on_waits_for_healthy_services():
    conditions = {
        (name, dependency): spec.get("condition")
        for name, svc in compose()["services"].items()
        for dependency, spec in (svc.get("depends_on") or {}).items()
    }
    assert conditions
    assert set(conditions.values()) == {"service_healthy"}


def test_web_command_runs_gunicorn_with_loket_wsgi():
    assert full_command("web") == ["/app/docker/web-entrypoint.sh", "/app/docker/web.sh"]
    assert script_command("web.sh")[:3] == ["exec", "gunicorn", "loket.wsgi:application"]


def test_web_entrypoint_migrates_and_collects_static_before_serving():
    entrypoint = as_list(service("web").get("entrypoint"))
    assert entrypoint == ["/app/docker/web-entrypoint.sh"]
    script = (ROOT / "docker" / "web-entrypoint.sh").read_text()
    lines = [line.strip() for line in script.splitlines()]
    steps = [line for line in lines if line and not line.startswith(("#", "set "))]
    assert steps == [
        "python manage.py migrate --noinput",
        "python manage.py collectstatic --noinput --verbosity 0",
        'exec "$@"',
    ]


def test_web_healthcheck_probes_healthz_with_allowed_host():
    probe = " ".join(as_list(service("web")["healthcheck"]["test"]))
    assert "urllib.request" in probe
    assert "/healthz" in probe
    host = re.search(r"""['"]Host['"]:\s*['"]([^'"]+)['"]""", probe).group(1)
    assert host in environment("web")["ALLOWED_HOSTS"].split(",")


def test_worker_command_runs_celery_worker():
    assert full_command("worker") == ["/app/docker/worker.sh"]
    assert script_command("worker.sh")[:5] == ["exec", "celery", "-A", "loket", "worker"]


def test_beat_command_runs_celery_beat():
    assert full_command("beat") == ["/app/docker/beat.sh"]
    assert script_command("beat.sh")[:5] == ["exec", "celery", "-A", "loket", "beat"]


def test_beat_schedule_file_is_in_writable_tmp():
    schedules = [arg for arg in script_command("beat.sh") if arg.startswith("--schedule=")]
    assert schedules == ["--schedule=${BEAT_SCHEDULE:-/tmp/celerybeat-schedule}"]


def test_smoke_test_starts_each_service_with_compose_commands():
    smoke = smoke_module()
    from_smoke = {name: ["/app/" + part for part in smoke.SERVICES[name]] for name in APP_SERVICES}
    assert from_smoke == {name: full_command(name) for name in APP_SERVICES}


def test_smoke_test_reads_the_environment_compose_gives_each_service():
    assert smoke_module().compose_environment() == environment("web")


def test_dockerfile_default_command_is_web_service_command():
    cmd = [
        line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD")
    ]
    assert [json.loads(line.removeprefix("CMD")) for line in cmd] == [full_command("web")]


def test_docker_scripts_are_executable():
    scripts = sorted((ROOT / "docker").glob("*.sh"))
    assert [path.name for path in scripts if not os.access(path, os.X_OK)] == []
    assert {"web-entrypoint.sh", "web.sh", "worker.sh", "beat.sh"} <= {p.name for p in scripts}


def test_db_image_postgres_major_at_least_15():
    assert service("db")["image"].startswith("postgres:")
    assert image_major("db") >= 15


def test_redis_image_is_major_7():
    assert service("redis")["image"].startswith("redis:")
    assert image_major("redis") == 7


def test_app_services_share_one_environment():
    assert environment("web") == environment("worker") == environment("beat")


def test_app_environment_names_are_read_by_settings():
    unknown = {
        name: sorted(set(environment(name)) - names_read_by_settings()) for name in APP_SERVICES
    }
    assert unknown == {"web": [], "worker": [], "beat": []}


def test_app_environment_sets_every_prod_requirement():
    required = names_required_by_prod()
    assert required
    missing = {
        name: sorted(n for n in required if not environment(name).get(n)) for name in APP_SERVICES
    }
    assert missing == {"web": [], "worker": [], "beat": []}


def test_app_environment_uses_prod_settings_without_ssl_redirect():
    env = environment("web")
    assert env["DJANGO_SETTINGS_MODULE"] == "loket.settings.prod"
    assert env["SECURE_SSL_REDIRECT"] == "false"


def test_database_url_host_is_db_service():
    url = urlsplit(environment("web")["DATABASE_URL"])
    assert url.scheme in {"postgres", "postgresql"}
    assert url.hostname == "db"
    assert url.path == "/" + service("db")["environment"]["POSTGRES_DB"]
    assert url.username == service("db")["environment"]["POSTGRES_USER"]


def test_redis_url_host_is_redis_service():
    url = urlsplit(environment("web")["REDIS_URL"])
    assert (url.scheme, url.hostname) == ("redis", "redis")


def test_email_host_is_mail_service_with_its_smtp_port():
    env = environment("web")
    smtp_port = service("mail")["environment"]["MP_SMTP_BIND_ADDR"].rsplit(":", 1)[1]
    assert (env["EMAIL_HOST"], env["EMAIL_PORT"]) == ("mail", smtp_port)


def test_volumes_for_database_and_media_are_named():
    media_root = environment("web")["MEDIA_ROOT"]
    assert named_volume_for("db", "/var/lib/postgresql/data") == "db-data"
    assert named_volume_for("web", media_root) == "media"
    assert named_volume_for("worker", media_root) == "media"


def test_django_settings_module_exists():
    module = environment("web")["DJANGO_SETTINGS_MODULE"]
    assert importlib.util.find_spec(module) is not None
