"""Tests that need something from the machine (Chromium, Redis, PostgreSQL) call `require`.

On a developer's machine a missing piece skips the test with a message that says what to
install; in CI (CI=true) the same gap fails the build, so the tests can never be skipped silently.
"""

import os

import pytest


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)
