"""The outbox against a real outage, with a real Celery worker and a Redis of the test's own:
Redis stops while holders submit; every submit succeeds, and every message goes out, once,
when Redis is back. (The worker-killed test of issue 6 is still to come.)"""

import contextlib
import email
import os
import socket
import subprocess
import sys
import time
import uuid
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from loket import celery_app
from loket.notifications.models import Notification
from loket.notifications.services import sweep
from projects.domain import application_submit

from .ci import require
from .factories import ApplicationFactory, OrganisationFactory, member_of
from .test_worker import STARTUP_TIMEOUT, Worker, worker_database_url

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

REDIS_SERVER = "/usr/bin/redis-server"
DEADLINE = 120  # the "within two minutes"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A throwaway Redis server that the test stops and starts at will."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def own_redis():
    require(
        Path(REDIS_SERVER).exists() and connection.vendor == "postgresql",
        "The outage tests need redis-server and PostgreSQL (DATABASE_URL).",
    )
    redis = OwnRedis(free_port())
    redis.start()
    yield redis
    redis.stop()


def _reset_producers() -> None:
    """Let Celery look up its producers again, so the next publish uses the current broker.
    Nothing is closed: kombu keeps one pool per broker URL, and the other tests reuse theirs."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def publishing_to(own_redis):
    """Tasks queued by the test go to `own_redis`, on a queue of the test's own."""
    queue = f"loket-outage-{uuid.uuid4().hex[:12]}"
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_default_queue, conf.broker_url)
    conf.task_always_eager = False
    conf.task_default_queue = queue
    conf.broker_url = own_redis.url
    _reset_producers()
    try:
        yield queue
    finally:
        conf.task_always_eager, conf.task_default_queue, conf.broker_url = saved
        _reset_producers()


@pytest.fixture
def start_worker(own_redis, publishing_to, tmp_path):
    """`start_worker()` runs `celery worker` on the test database and `own_redis`; e-mails go
    to files in tmp_path/mail, one per message."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    workers = []

    def start() -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "loket.settings.test",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": own_redis.url,
            "TEST_EMAIL_FILE_PATH": str(mail_dir),
            "PYTHONUNBUFFERED": "1",
        }
        log_path = tmp_path / f"worker-{len(workers)}.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "loket", "worker",
                 "--pool=solo", "--concurrency=1", "-Q", publishing_to,
                 "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info"],
                cwd=settings.BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            )  # fmt: skip
        worker = Worker(process=process, log_path=log_path)
        workers.append(worker)
        assert worker.wait_for_log(r"\bready\.", STARTUP_TIMEOUT), worker.log()
        return worker

    start.mail_dir = mail_dir
    yield start
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.terminate()
            try:
                worker.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.process.kill()


def sent_subjects(mail_dir: Path) -> list[str]:
    """The decoded subject of every message the worker wrote, one file per connection, the
    messages in a file separated by a line of dashes."""
    subjects = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
            if chunk.strip():
                message = email.message_from_string(chunk)
                subjects.append(str(make_header(decode_header(message["Subject"]))))
    return subjects


def wait_until_all_sent(expected: int, *, sweeping: bool) -> float:
    """Poll the outbox (running the sweeper, as beat would) until `expected` rows are sent."""
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE:
        if sweeping:
            sweep()
        if Notification.objects.filter(status="sent").count() >= expected:
            break
        time.sleep(1)
    return time.monotonic() - started


def test_redis_down_every_submit_succeeds_and_every_message_goes_out_once(
    own_redis, start_worker, settings
):
    settings.NOTIFICATIONS_REQUEUE_AFTER = 5  # beat's sweeper, sped up for the test
    organisation = OrganisationFactory()
    holder = member_of(organisation, preferred_language="fr")
    drafts = [ApplicationFactory(organisation=organisation, complete=True) for _ in range(50)]
    start_worker()

    own_redis.stop()
    started = time.monotonic()
    submitted = [application_submit(application=draft, actor=holder) for draft in drafts]
    submit_seconds = time.monotonic() - started
    assert [a.state for a in submitted] == ["submitted"] * 50
    assert Notification.objects.filter(kind="application_received", status="queued").count() == 50

    own_redis.start()
    took = wait_until_all_sent(50, sweeping=True)

    rows = Notification.objects.filter(kind="application_received")
    assert sorted(set(rows.values_list("status", "attempts"))) == [("sent", 1)]
    subjects = sent_subjects(start_worker.mail_dir)
    assert len(subjects) == 50
    assert len(set(subjects)) == 50  # one per application, none twice
    print(f"\n50 submits with Redis down took {submit_seconds:.1f} s; all 50 sent {took:.1f} s "
          "after Redis came back")  # fmt: skip
