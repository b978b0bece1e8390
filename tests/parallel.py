"""Real parallel requests for the attack tests: threads released at one moment, each with its own
database connection, against the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import OperationalError, connection


def _shared_cache_lock(exc: Exception) -> bool:
    # The SQLite test database lives in memory with a shared cache, whose table locks fail at once
    # ("database table is locked") where a database file, as a school runs, waits its timeout.
    # Such a request is sent again, as a waiting one would have been run: a fresh attempt, which
    # the allowance counts like any other.
    return (
        connection.vendor == "sqlite"
        and isinstance(exc, OperationalError)
        and "is locked" in str(exc)
    )


def in_parallel(work: Callable[[int], object], threads: int = 24) -> list[object]:
    """Run ``work(i)`` in ``threads`` threads released at the same moment; its results, or the
    exceptions raised, in order."""
    start = threading.Barrier(threads)
    results: list[object] = [None] * threads

    def run(i: int) -> None:
        try:
            start.wait()
            for attempt in range(200):
                try:
                    results[i] = work(i)
                    break
                except Exception as exc:
                    if not _shared_cache_lock(exc) or attempt == 199:
                        raise
                    time.sleep(0.005)
        except Exception as exc:  # kept, so the test says what went wrong in which thread
            results[i] = exc
        finally:
            connection.close()  # each thread's own connection

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    return results
