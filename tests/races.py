"""Running requests or domain calls at the same moment, for the race tests on PostgreSQL.

SQLite serialises every write, so the races under test (row locks, unique constraints hit by
two transactions at once) only show on PostgreSQL; elsewhere the tests skip, and fail in CI.
"""

import threading
import time

from django.db import connection, connections, transaction

from .ci import require


def needs_postgres() -> None:
    require(
        connection.vendor == "postgresql",
        "The race tests need PostgreSQL: its row locks and constraints are under test.",
    )


def race(*callables):
    """Run the callables at the same moment in threads; return what each returned or raised."""
    barrier = threading.Barrier(len(callables))
    outcomes = [None] * len(callables)

    def run(index, func):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = func()
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def race_at_insert(model, *callables, timeout: float = 30):
    """Run the callables in threads while `model`'s table refuses new rows, and let them go
    once each waits to insert: all have passed their checks (reads are not held) and collide
    at the insert itself, as two requests do that check at the same moment. Returns what each
    returned or raised."""
    outcomes = [None] * len(callables)

    def run(index, func):
        try:
            outcomes[index] = func()
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(callables)]
    table = connection.ops.quote_name(model._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + timeout
        while _waiting_writers(cursor, model._meta.db_table) < len(callables):
            if time.monotonic() > deadline or not any(t.is_alive() for t in threads):
                break
            time.sleep(0.01)
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _waiting_writers(cursor, table: str) -> int:
    cursor.execute(
        "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND NOT granted", [table]
    )
    return cursor.fetchone()[0]
