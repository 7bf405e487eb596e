"""E-mail backends for the worker tests' Celery workers, chosen with TEST_EMAIL_BACKEND (see
loket/settings/test.py). They run in the worker, so they take their knobs from its environment."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends import filebased


class SlowFileBackend(filebased.EmailBackend):
    """The file-based backend at a mail server's pace, one file per message.

    TEST_EMAIL_DELAY seconds (0.05 unless set) pass before a message is written, as a server
    takes to accept it. With TEST_EMAIL_HANG_AFTER=n, a send that finds n messages written
    already leaves a `hung-<pid>` file next to the mail directory and waits, before it writes
    anything, for the test to kill the worker: each of the worker's processes then dies with a
    claimed row whose message has not gone out.
    """

    def _get_filename(self):
        """One file per message, named by the process: the pool's processes share the
        directory, and the stock name (the time and the backend's id) can be the same in two."""
        if self._fname is None:
            name = f"{os.getpid()}-{uuid.uuid4().hex}.eml"
            self._fname = os.path.join(self.file_path, name)
        return self._fname

    def send_messages(self, email_messages):
        hang_after = int(os.environ.get("TEST_EMAIL_HANG_AFTER", "0"))
        # Only files with a message in them: the outbox opens the connection (here: creates
        # the file) before it sends.
        written = sum(1 for entry in os.scandir(self.file_path) if entry.stat().st_size > 0)
        if hang_after and written >= hang_after:
            Path(self.file_path).parent.joinpath(f"hung-{os.getpid()}").touch()
            time.sleep(120)  # the test kills the worker long before; this only bounds a failure
        time.sleep(float(os.environ.get("TEST_EMAIL_DELAY", "0.05")))
        return super().send_messages(email_messages)
