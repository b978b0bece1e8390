"""Sending a task from a page, and the waits between a delivery's tries.

A page that records something (a report, a concern, an approval) sends the work that follows it
(e-mails, a Teams message) to a worker once its transaction commits. The broker being down never
refuses the page: the failure is logged and the record stands; the every-minute catch-up sends
alerts that never had a try (smpolicy.safeguarding.delivery.resend_untried).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction

log = logging.getLogger("smpolicy.jobs")

LONGEST_WAIT = 3600.0  # seconds: an hour between tries at most


def send_now(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Send ``task`` to a worker; False (logged) when the broker cannot be reached."""
    try:
        task.delay(*args, **kwargs)
    except Exception as exc:
        log.error("could not send %s to a worker: %s", task.name, type(exc).__name__)
        return False
    return True


def send_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` once the current transaction commits (never for one rolled back)."""
    transaction.on_commit(lambda: send_now(task, *args, **kwargs))


def tries() -> int:
    """How many times a delivery is tried in all before it is given up as undelivered."""
    return settings.SMPOLICY_DELIVERY_TRIES


def wait_before(next_try: int) -> float:
    """Seconds to wait before try ``next_try`` (2, 3, ...): doubling from the base, at most an
    hour (30 s, 1, 2, 4, 8, 16, 32 minutes, then hourly, by default)."""
    base = float(settings.SMPOLICY_DELIVERY_BACKOFF_SECONDS)
    return min(base * 2 ** max(next_try - 2, 0), LONGEST_WAIT)
