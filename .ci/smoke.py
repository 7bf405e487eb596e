"""Production smoke test: boot what docker-compose.yml boots, without Docker, and use it.

Run with the project's virtualenv from the repository root (`.ci/run` does, as step `smoke`):

    .venv/bin/python .ci/smoke.py

It starts the stack with compose's own scripts and compose's own environment block, changing
only what points at other containers or at the image's folders:

- web: `docker/web-entrypoint.sh docker/web.sh` (migrate, collectstatic, then gunicorn);
- worker and beat: `docker/worker.sh` and `docker/beat.sh`, once web is healthy, as in compose;
- PostgreSQL: a fresh database (default `loket_smoke`); Redis: its own database (default 14);
- mail: an SMTP sink on 127.0.0.1 inside this script, in place of Mailpit;
- static files, uploads and beat's schedule: a temporary folder; ports: free ones on 127.0.0.1.

Then it checks, over HTTP, that gunicorn serves /healthz, the Dutch home page, a hashed static
file and Leaflet's marker image, and it signs up a new account through the real form, so the
confirmation e-mail goes through the outbox and the Celery worker to the sink. Everything it
started is stopped on the way out, and the whole run is bounded (SMOKE_TIMEOUT, default 110 s).

Environment: SMOKE_POSTGRES (server URL, default postgres://postgres@127.0.0.1:5432),
SMOKE_DATABASE (default loket_smoke), SMOKE_REDIS (default redis://127.0.0.1:6379),
SMOKE_REDIS_DB (default 14), SMOKE_TIMEOUT (seconds).
"""

import contextlib
import email
import email.policy
import http.client
import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import urlencode, urljoin

import psycopg
import redis
import yaml
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = int(os.environ.get("SMOKE_TIMEOUT", "110"))
POSTGRES = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = os.environ.get("SMOKE_DATABASE", "loket_smoke")
REDIS = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379").rstrip("/")
REDIS_DB = int(os.environ.get("SMOKE_REDIS_DB", "14"))
# What a Dutch reader sees: the home page's heading and the confirmation e-mail's subject.
HOME_HEADING_NL = "<h1>Ruimte voor je project, een nieuwe bestemming voor een lege plek</h1>"
CONFIRMATION_SUBJECT_NL = "[Loket] Bevestig je e-mailadres"
# The commands compose runs for each service (entrypoint, then command), relative to /app;
# tests/test_compose.py checks that they stay the same as docker-compose.yml's.
SERVICES = {
    "web": ("docker/web-entrypoint.sh", "docker/web.sh"),
    "worker": ("docker/worker.sh",),
    "beat": ("docker/beat.sh",),
}
SENT_BY_WORKER = re.compile(
    r"Task loket\.notifications\.tasks\.send_notification\[[^]]+\] succeeded"
)


class SmokeFailed(Exception):
    pass


def say(message: str) -> None:
    print(message, flush=True)


def ok(message: str) -> None:
    say(f"  ok  {message}")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailed(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The mail sink --------------------------------------------------------------------------
class SMTPSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP for Django's backend: every message is parsed and queued."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.messages: queue.Queue = queue.Queue()


class SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 smoke SMTP sink")
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-smoke")
                self.reply("250 8BITMIME")
            elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in {b".\r\n", b""}:
                    lines.append(data[1:] if data.startswith(b"..") else data)
                parsed = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                self.server.messages.put(parsed)
                self.reply("250 OK: queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


# --- HTTP, as a browser would talk to gunicorn ----------------------------------------------
class Client:
    """Plain HTTP with a cookie jar that also keeps `Secure` cookies: prod marks the session and
    CSRF cookies Secure, and the smoke test, like compose, speaks plain HTTP."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, content

    def get(self, path: str):
        return self.request("GET", path)


# --- Processes ------------------------------------------------------------------------------
class Stack:
    """The processes this run started, each in its own process group, with its log file."""

    def __init__(self, logs: Path):
        logs.mkdir()
        self.logs = logs
        self.env: dict[str, str] = {}
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        # Fixed commands: the scripts in docker/.
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        say(f"  ..  started {name} (pid {process.pid}): {' '.join(command)}")
        return process

    def alive(self, name: str) -> None:
        code = self.processes[name].poll()
        check(code is None, f"{name} exited with status {code}")

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def print_logs(self) -> None:
        for name in self.processes:
            say(f"\n--- last lines of {name}'s log ---")
            say("\n".join(self.log(name).splitlines()[-40:]))

    def stop(self) -> None:
        for process in self.processes.values():
            signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Gunicorn's and Celery's children share the group; none may outlive the run.
            signal_group(process, signal.SIGKILL)
            process.wait()


def signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def wait_until(what: str, seconds: float, probe, *, alive=()) -> object:
    """Call probe until it returns something truthy; fail if a process in alive dies first."""
    deadline = time.monotonic() + seconds
    while True:
        for check_alive in alive:
            check_alive()
        try:
            result = probe()
        except (OSError, http.client.HTTPException):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise SmokeFailed(f"{what}: not within {seconds:.0f} s")
        time.sleep(0.3)


# --- Set-up ---------------------------------------------------------------------------------
def compose_environment() -> dict[str, str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return {key: str(value) for key, value in compose["x-app-environment"].items()}


def drop_database() -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        name = sql.Identifier(DATABASE)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def fresh_database() -> str:
    drop_database()
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    return f"{POSTGRES}/{DATABASE}"


def fresh_redis() -> str:
    url = f"{REDIS}/{REDIS_DB}"
    redis.Redis.from_url(url).flushdb()
    return url


def stack_environment(*, tmp: Path, web_port: int, smtp_port: int) -> dict[str, str]:
    env = compose_environment()
    # Only what names another container or a folder of the image changes.
    overrides = {
        "DATABASE_URL": fresh_database(),
        "REDIS_URL": fresh_redis(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "PORTAL_URL": f"http://127.0.0.1:{web_port}",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp / "media" / "private"),
        # Read by the scripts in docker/, not by Django.
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "BEAT_SCHEDULE": str(tmp / "celerybeat-schedule"),
    }
    for name, value in overrides.items():
        say(f"  ..  {name}={value}" + ("" if name in env else " (not set by compose)"))
    env.update(overrides)
    # Nothing else leaks in from the caller's shell (CI's DATABASE_URL, a developer's DEBUG).
    kept = {name: os.environ[name] for name in ("HOME", "LANG", "TZ") if name in os.environ}
    # The scripts call python, gunicorn and celery as the image does: from the PATH.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**kept, **env, "PATH": path, "PYTHONUNBUFFERED": "1"}


# --- The checks -----------------------------------------------------------------------------
def check_web(stack: Stack, client: Client, env: dict[str, str]) -> None:
    status, headers, body = client.get("/healthz")
    check(status == 200, f"/healthz answered {status}: {body[:200]!r}")
    check(headers.get("Server", "").startswith("gunicorn"), f"server {headers.get('Server')}")
    health = json.loads(body)
    check(health == {"status": "ok", "database": "ok", "cache": "ok"}, f"/healthz: {health}")
    ok(f"GET /healthz: 200 from {headers['Server']}, {health}")

    manifest = json.loads((Path(env["STATIC_ROOT"]) / "staticfiles.json").read_text())["paths"]
    ok(f"collectstatic: {len(manifest)} files in the manifest of {env['STATIC_ROOT']}")
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check", "--noinput"],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    check(migrate.returncode == 0, f"unapplied migrations:\n{migrate.stdout}{migrate.stderr}")
    ok("migrate: no unapplied migrations on the fresh database")

    status, headers, body = client.get("/nl/")
    html = body.decode()
    check(status == 200, f"/nl/ answered {status}")
    check('<html lang="nl">' in html, '/nl/ lacks <html lang="nl">')
    check(HOME_HEADING_NL in html, f"/nl/ lacks {HOME_HEADING_NL}")
    ok(f"GET /nl/: 200, Dutch home page with {HOME_HEADING_NL}")

    css_url = re.search(r'href="(/static/loket/css/loket\.[0-9a-f]{12}\.css)"', html)
    check(css_url is not None, "/nl/ does not link loket.css by its hashed name")
    status, headers, body = client.get(css_url[1])
    check(status == 200, f"{css_url[1]} answered {status}")
    check(body == (ROOT / "loket/static/loket/css/loket.css").read_bytes(), "loket.css differs")
    check("immutable" in headers.get("Cache-Control", ""), f"{headers.get('Cache-Control')}")
    ok(f"GET {css_url[1]}: 200, the repository's loket.css, {headers['Cache-Control']}")

    check_leaflet_marker(client)


def check_leaflet_marker(client: Client) -> None:
    """The catalogue loads Leaflet's CSS by its hashed name, and the marker image Leaflet derives
    from that CSS is served."""
    status, _, body = client.get("/nl/sites/")
    check(status == 200, f"/nl/sites/ answered {status}")
    css_url = re.search(
        r'href="(/static/vendor/leaflet/leaflet\.[0-9a-f]{12}\.css)"', body.decode()
    )
    check(css_url is not None, "/nl/sites/ does not link leaflet.css by its hashed name")
    status, _, css = client.get(css_url[1])
    check(status == 200, f"{css_url[1]} answered {status}")
    image = re.search(r"\.leaflet-default-icon-path \{[^}]*url\(([^)]+)\)", css.decode())
    check(image is not None and image[1].endswith("marker-icon.png"), "no marker-icon.png")
    image_url = urljoin(css_url[1], image[1])
    status, _, png = client.get(image_url)
    check(status == 200 and png.startswith(b"\x89PNG"), f"{image_url} answered {status}")
    ok(f"GET {image_url}: 200, image/png, the marker Leaflet finds from {css_url[1]}")


def check_signup_mail(stack: Stack, client: Client, sink: SMTPSink) -> None:
    status, _, body = client.get("/nl/accounts/signup/")
    check(status == 200, f"/nl/accounts/signup/ answered {status}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode())
    check(token is not None, "no CSRF token on the signup form")
    address = f"smoke-{secrets.token_hex(4)}@example.org"
    password = secrets.token_urlsafe(16)
    status, headers, body = client.request(
        "POST",
        "/nl/accounts/signup/",
        form={
            "csrfmiddlewaretoken": token[1],
            "email": address,
            "password1": password,
            "password2": password,
            "first_name": "Smoke",
            "last_name": "Test",
            "role": "holder",
            "preferred_language": "nl",
        },
    )
    check(status == 302, f"signup answered {status}: {body.decode(errors='replace')[:2000]}")
    ok(f"POST /nl/accounts/signup/: 302 to {headers['Location']}, account {address}")

    try:
        message = sink.messages.get(timeout=30)
    except queue.Empty:
        stack.alive("worker")
        raise SmokeFailed("no e-mail reached the SMTP sink within 30 s") from None
    check(message["To"] == address, f"e-mail to {message['To']}, not {address}")
    check(message["Subject"] == CONFIRMATION_SUBJECT_NL, f"subject {message['Subject']!r}")
    wait_until(
        "the worker logging send_notification as succeeded",
        10,
        lambda: SENT_BY_WORKER.search(stack.log("worker")),
    )
    ok(f"e-mail sent by the worker's send_notification to {address}: {message['Subject']!r}")


def run(tmp: Path, stack: Stack, sink: SMTPSink) -> None:
    web_port = free_port()
    say(f"Setting up (temporary folder {tmp}):")
    env = stack_environment(tmp=tmp, web_port=web_port, smtp_port=sink.server_address[1])
    stack.env = env
    client = Client(web_port)

    say("Booting web (migrate, collectstatic, gunicorn):")
    stack.start("web", *SERVICES["web"])
    wait_until(
        "web answering /healthz",
        60,
        lambda: client.get("/healthz")[0] == 200,
        alive=[lambda: stack.alive("web")],
    )
    say("Booting worker and beat, now that web is healthy (as compose's depends_on):")
    stack.start("worker", *SERVICES["worker"])
    stack.start("beat", *SERVICES["beat"])

    say("Checking:")
    check_web(stack, client, env)
    wait_until(
        "worker ready",
        30,
        lambda: " ready." in stack.log("worker"),
        alive=[lambda: stack.alive("worker")],
    )
    ok("worker: ready")
    wait_until(
        "beat's schedule file",
        30,
        lambda: list(tmp.glob("celerybeat-schedule*")),
        alive=[lambda: stack.alive("beat")],
    )
    ok("beat: running, schedule file written")
    check_signup_mail(stack, client, sink)
    for name in ("web", "worker", "beat"):
        stack.alive(name)
    ok("web, worker and beat are still running")


def main() -> int:
    def interrupted(signum, frame):
        raise SmokeFailed(f"stopped by signal {signum}")

    def timed_out(signum, frame):
        raise SmokeFailed(f"timed out after {TIMEOUT} s")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(TIMEOUT)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="loket-smoke-"))
    stack = Stack(tmp / "logs")
    sink = SMTPSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    failure = None
    try:
        run(tmp, stack, sink)
    except SmokeFailed as exc:
        failure = str(exc)
    except (Exception, KeyboardInterrupt) as exc:
        traceback.print_exc()
        failure = f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
        if failure is not None:
            stack.print_logs()
        stack.stop()
        sink.shutdown()
        sink.server_close()
    took = time.monotonic() - started
    if failure is not None:
        say(f"\nSmoke test FAILED after {took:.0f} s: {failure}")
        say(f"Logs kept in {tmp / 'logs'}")
        return 1
    # A failed run keeps its database, Redis keys and logs for a look; a passed one does not.
    drop_database()
    redis.Redis.from_url(f"{REDIS}/{REDIS_DB}").flushdb()
    shutil.rmtree(tmp, ignore_errors=True)
    say(f"\nSmoke test passed in {took:.0f} s; web, worker and beat stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
