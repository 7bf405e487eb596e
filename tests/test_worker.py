"""A real Celery worker takes Loket's tasks from Redis and does them against PostgreSQL.

The rest of the suite runs tasks eagerly; this is the one place that proves the broker, the
worker and the on-commit hand-over work together as they do in production.
"""

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from loket import celery_app
from loket.pages.models import AccessibilityFeedback
from loket.pages.services import feedback_submit

from .ci import require

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# A cold worker imports Django and every app before it says "ready"; CI machines can be slow.
STARTUP_TIMEOUT = 60
TASK_TIMEOUT = 60


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, pattern: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.log()):
                return True
            if self.process.poll() is not None:
                return bool(re.search(pattern, self.log()))
            time.sleep(0.2)
        return False


def worker_database_url() -> str:
    """The URL of the database pytest-django created, so the worker sees the test's rows."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def queue() -> str:
    """A queue of the test's own, so a developer's running worker cannot steal the task."""
    return f"loket-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def sending_to_worker(queue: str) -> Iterator[None]:
    """Tasks queued by the test go to Redis, on `queue`, instead of running inline."""
    require(
        bool(os.environ.get("REDIS_URL")),
        "The worker test needs Redis: set REDIS_URL, e.g. redis://127.0.0.1:6379/15.",
    )
    require(
        connection.vendor == "postgresql",
        "The worker test needs PostgreSQL: set DATABASE_URL, "
        "e.g. postgres://postgres@127.0.0.1:5432/loket.",
    )
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_default_queue)
    conf.task_always_eager = False
    conf.task_default_queue = queue
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_default_queue = saved


@pytest.fixture
def worker(sending_to_worker, queue: str, tmp_path: Path) -> Iterator[Worker]:
    """`celery worker` in a subprocess, on the test database and the test's queue."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loket.settings.test",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "loket", "worker",
        "--pool=solo", "--concurrency=1", "-Q", queue,
        "--without-heartbeat", "--without-gossip", "--without-mingle",
        "-l", "info",
    ]  # fmt: skip
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(process=process, log_path=log_path)
    try:
        assert worker.wait_for_log(r"\bready\.", STARTUP_TIMEOUT), (
            f"The Celery worker did not start within {STARTUP_TIMEOUT} s:\n{worker.log()}"
        )
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_forwarded(feedback: AccessibilityFeedback, worker: Worker) -> None:
    """Poll the row the worker updates; stop early when the worker gives up or dies."""
    deadline = time.monotonic() + TASK_TIMEOUT
    feedback.refresh_from_db()
    while feedback.forwarded_at is None and time.monotonic() < deadline:
        assert worker.process.poll() is None, f"The worker stopped:\n{worker.log()}"
        assert "raised unexpected" not in worker.log(), f"The task failed:\n{worker.log()}"
        time.sleep(0.25)
        feedback.refresh_from_db()


def test_worker_forwards_accessibility_feedback_from_redis(worker):
    feedback = feedback_submit(
        feedback=AccessibilityFeedback(
            page_url="/nl/contact/",
            message="De knop 'Verzenden' is niet bereikbaar met het toetsenbord.",
        ),
        language="nl",
    )

    wait_until_forwarded(feedback, worker)

    assert feedback.forwarded_at is not None, (
        f"The worker did not forward the feedback within {TASK_TIMEOUT} s:\n{worker.log()}"
    )
    assert AccessibilityFeedback.objects.count() == 1
    assert worker.wait_for_log(
        r"Task loket\.pages\.tasks\.feedback_forward\[[0-9a-f-]+\] succeeded", 10
    ), worker.log()


def test_worker_refreshes_suggestions_after_a_site_is_published(worker):
    """The desk publishes a site; after the commit the worker ranks it for the applications it
    fits, from Redis, and stores the suggestions in both directions."""
    from matching.models import Suggestion
    from properties.domain import site_transition

    from .factories import ApplicationFactory, SiteFactory, caseworker

    desk = caseworker()
    application = ApplicationFactory(complete=True, state="qualified")
    site = SiteFactory(state="under_review", units=[150], available_until=None)

    site_transition(site=site, to_state="published", actor=desk)

    deadline = time.monotonic() + TASK_TIMEOUT
    while Suggestion.objects.count() < 2 and time.monotonic() < deadline:
        assert worker.process.poll() is None, f"The worker stopped:\n{worker.log()}"
        time.sleep(0.25)
    assert sorted(Suggestion.objects.values_list("direction", "application_id", "site_id")) == [
        ("a", application.pk, site.pk),
        ("s", application.pk, site.pk),
    ], worker.log()
    assert worker.wait_for_log(
        r"Task matching\.tasks\.suggestions_refresh_site\[[0-9a-f-]+\] succeeded", 10
    ), worker.log()
