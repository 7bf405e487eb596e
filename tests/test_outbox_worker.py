"""The outbox against real outages, with real Celery workers and a Redis of the test's own:
Redis stops while holders submit; every submit succeeds, and every message goes out, once,
when Redis is back. The worker is killed in the middle of a batch of 100; a new worker and the
sweeper send the rest, and every message goes out once."""

import contextlib
import email
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
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
REFERENCE = re.compile(r"LTG-\d{4}-\d{4,}")
BATCH = 100  # the worker-killed test's batch
POOL = 4  # the killed worker's pool: as many rows die claimed
KILL_AFTER = 20  # messages out before the kill


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

    def start(*, pool: str = "solo", concurrency: int = 1, **extra_env: str) -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "loket.settings.test",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": own_redis.url,
            "TEST_EMAIL_FILE_PATH": str(mail_dir),
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        log_path = tmp_path / f"worker-{len(workers)}.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "loket", "worker",
                 f"--pool={pool}", f"--concurrency={concurrency}", "-Q", publishing_to,
                 "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info"],
                cwd=settings.BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, pool included, to kill at once
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
                kill_process_group(worker)


def kill_process_group(worker: Worker) -> None:
    """SIGKILL the worker and its pool's processes, as the kernel's OOM killer or a lost
    machine would: nothing is cleaned up, no task is handed back."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=15)


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


def test_worker_killed_mid_batch_every_message_goes_out_once(
    own_redis, start_worker, settings, tmp_path
):
    """SIGKILL takes the worker and its pool while they send a batch of 100. The rows they had
    claimed stay "sending"; the sweeper queues them again after the timeout and a new worker
    sends them and the rest of the batch: 100 messages, each once.

    The kill lands while each of the pool's processes holds a claimed row whose message is not
    written yet (tests/mail_backends.py stops them there), never in the moment between a message
    going out and its row being marked sent. A kill there would send that message twice; this
    test does not show it, and the outbox cannot prevent it."""
    settings.NOTIFICATIONS_REQUEUE_AFTER = 5  # beat's sweeper, sped up for the test
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 5
    organisation = OrganisationFactory()
    holder = member_of(organisation, preferred_language="fr")
    drafts = [ApplicationFactory(organisation=organisation, complete=True) for _ in range(BATCH)]
    slow_mail = {"TEST_EMAIL_BACKEND": "tests.mail_backends.SlowFileBackend"}
    first = start_worker(
        pool="prefork", concurrency=POOL, TEST_EMAIL_HANG_AFTER=str(KILL_AFTER), **slow_mail
    )

    submitted = [application_submit(application=draft, actor=holder) for draft in drafts]
    references = sorted(application.reference for application in submitted)
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("hung-*"))) < POOL and time.monotonic() < deadline:
        assert first.process.poll() is None, first.log()
        time.sleep(0.05)
    assert len(list(tmp_path.glob("hung-*"))) == POOL, first.log()
    kill_process_group(first)
    killed_at = time.monotonic()

    rows = Notification.objects.all()
    assert Counter(rows.values_list("kind", flat=True)) == {"application_received": BATCH}
    sent_before = len(sent_subjects(start_worker.mail_dir))
    assert KILL_AFTER <= sent_before < BATCH - POOL
    assert Counter(rows.values_list("status", flat=True)) == {
        "sent": sent_before,  # every message written was marked sent: none is in the window
        "sending": POOL,
        "queued": BATCH - POOL - sent_before,
    }
    stuck = sorted(rows.filter(status="sending").values_list("pk", flat=True))

    second = start_worker(pool="prefork", concurrency=POOL, **slow_mail)
    started = time.monotonic()
    wait_until_all_sent(BATCH, sweeping=True)
    recovered = time.monotonic()

    unsent = list(rows.exclude(status="sent").values_list("pk", "status", "last_error"))
    assert Counter(rows.values_list("status", flat=True)) == {"sent": BATCH}, unsent
    # The claimed rows were claimed again, once; every other row once only.
    assert sorted(rows.filter(attempts=2).values_list("pk", flat=True)) == stuck
    assert Counter(rows.values_list("attempts", flat=True)) == {1: BATCH - POOL, 2: POOL}
    subjects = sent_subjects(start_worker.mail_dir)
    assert len(subjects) == BATCH
    # One message per application, none twice: each subject names its application.
    assert sorted(ref for subject in subjects for ref in REFERENCE.findall(subject)) == references
    skipped = len(re.findall(r"succeeded in [\d.]+s: 'skipped'", second.log()))
    print(f"\nworker killed after {sent_before} of {BATCH} sent, with {len(stuck)} rows "
          f"stuck in sending and {BATCH - POOL - sent_before} queued; all {BATCH} sent "
          f"{recovered - killed_at:.1f} s after the kill ({recovered - started:.1f} s after "
          f"the new worker was ready; it skipped {skipped} tasks the sweeper had queued "
          "twice)")  # fmt: skip
