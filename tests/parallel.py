"""Real parallel requests for the attack tests: threads released at one moment, each with its own
database connection, against the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

import random
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


RETRY_SECONDS = 30


def in_parallel(work: Callable[[int], object], threads: int = 24) -> list[object]:
    """Run ``work(i)`` in ``threads`` threads released at the same moment; its results, or the
    exceptions raised, in order."""
    start = threading.Barrier(threads)
    results: list[object] = [None] * threads

    def run(i: int) -> None:
        try:
            start.wait()
            # A deadline, not a count of attempts: on a loaded two-core CI machine 24 threads can
            # each lose the race for a table lock for well over a second. The jitter keeps them
            # from retrying in lockstep.
            give_up = time.monotonic() + RETRY_SECONDS
            while True:
                try:
                    results[i] = work(i)
                    break
                except Exception as exc:
                    if not _shared_cache_lock(exc) or time.monotonic() > give_up:
                        raise
                    time.sleep(random.uniform(0.002, 0.02))
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
