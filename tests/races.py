"""Running requests or domain calls at the same moment, for the race tests on PostgreSQL.

SQLite serialises every write, so the races under test (row locks, unique constraints hit by
two transactions at once) only show on PostgreSQL; elsewhere the tests skip, and fail in CI.
"""

import threading

from django.db import connection, connections

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
