"""Wrong passwords slow down one account from one address, never its owner elsewhere.

Failures are counted per (account, address) pair. The first few are free; from the fifth on,
that pair is refused for 1, 2, 4 … minutes, up to an hour, before the password is even
checked. The same account from another address is not affected, so a guesser cannot lock the
owner out; a guesser's own address, however, is slowed down more and more. The count is
forgotten a day after the last failure, on a successful sign-in from that address, and on a
password reset. allauth's per-address limit (ACCOUNT_RATE_LIMITS["login_failed"]) still caps
one address that tries many accounts.
"""

import math
import time

from django.core.cache import cache

from loket.throttle import address_bucket, cache_key

FREE_FAILURES = 4
FIRST_WAIT = 60
LONGEST_WAIT = 60 * 60
# A pair's failures are forgotten this long after its last one.
MEMORY = 24 * 60 * 60


def wait_after(failures: int) -> int:
    """Seconds a pair must wait after its `failures`-th wrong password: 0 for the first four,
    then 1, 2, 4 … minutes, at most an hour."""
    if failures <= FREE_FAILURES:
        return 0
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES - 1), LONGEST_WAIT)


def _keys(login: str, address: str) -> tuple[str, str]:
    pair = (login.strip().lower(), address_bucket(address))
    return cache_key("signin-failures", *pair), cache_key("signin-wait", *pair)


def signin_wait(*, login: str, address: str) -> int:
    """Seconds before this pair may try again; 0 when it may now."""
    _, wait_key = _keys(login, address)
    until = cache.get(wait_key)
    if until is None:
        return 0
    return max(0, math.ceil(until - time.time()))


def signin_failed(*, login: str, address: str) -> int:
    """Count a wrong password for this pair; returns the seconds it must now wait."""
    failures_key, wait_key = _keys(login, address)
    cache.add(failures_key, 0, timeout=MEMORY)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # forgotten between add() and incr()
        cache.set(failures_key, 1, timeout=MEMORY)
        failures = 1
    cache.touch(failures_key, MEMORY)
    wait = wait_after(failures)
    if wait:
        cache.set(wait_key, time.time() + wait, timeout=wait)
    return wait


def signin_forget(*, login: str, address: str) -> None:
    cache.delete_many(_keys(login, address))
