"""Running a scheduled job at most once at a time, and recording that it ran.

``run(name, work)`` is the one way a job runs, from a Celery beat task or from the command run by
hand: it takes the job's lease (``JobRun``), runs ``work``, and writes when it finished, whether it
succeeded and a one-line summary. A run that finds the lease held by another worker does nothing
and says so (``None``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from smpolicy.jobs.models import JobRun

log = logging.getLogger("smpolicy.jobs")
T = TypeVar("T")

# The longest each job may take before another worker may take it over (a worker that died).
LEASES: dict[str, dt.timedelta] = {
    "verify-evidence": dt.timedelta(hours=6),
    "send-reminders": dt.timedelta(hours=1),
    "expire-findings": dt.timedelta(hours=1),
    "mis-sync": dt.timedelta(hours=2),
}
DEFAULT_LEASE = dt.timedelta(minutes=10)


def _retrying(write: Callable[[], T], seconds: float = 20.0) -> T:
    """SQLite answers "database is locked" when another process writes; wait and write again."""
    give_up = time.monotonic() + seconds
    while True:
        try:
            return write()
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > give_up:
                raise
            time.sleep(0.05)


def _ensure_row(name: str) -> None:
    if JobRun.objects.filter(name=name).exists():
        return
    try:
        with transaction.atomic():
            JobRun.objects.create(name=name)
    except IntegrityError:
        pass  # another worker made it first


def acquire(name: str, now: dt.datetime | None = None) -> str | None:
    """Take ``name``'s lease: a token to release it with, or None when another worker holds it."""
    now = now or timezone.now()
    _retrying(lambda: _ensure_row(name))
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    taken = _retrying(
        lambda: JobRun.objects.filter(name=name)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASES.get(name, DEFAULT_LEASE), holder=token, started_at=now)
    )
    if not taken:
        _retrying(lambda: JobRun.objects.filter(name=name).update(skipped=F("skipped") + 1))
        return None
    return token


def release(name: str, token: str, *, ok: bool, summary: str) -> None:
    now = timezone.now()
    fields = {
        "lease_until": None,
        "holder": "",
        "finished_at": now,
        "ok": ok,
        "summary": summary[:300],
        "runs": F("runs") + 1,
    }
    if ok:
        fields["succeeded_at"] = now
    _retrying(lambda: JobRun.objects.filter(name=name, holder=token).update(**fields))


class Problem(Exception):
    """A job that ran to its end and found something wrong (the evidence check): recorded as not
    ok, with this summary, and logged as an error."""


def run(name: str, work: Callable[[], str]) -> str | None:
    """Run ``work`` (which returns its summary) as job ``name`` unless another worker is running
    it; its summary, or None when skipped. An error is recorded, logged and raised again."""
    token = acquire(name)
    if token is None:
        log.info("job %s skipped: another worker is running it", name)
        return None
    try:
        summary = work()
    except Problem as problem:
        release(name, token, ok=False, summary=str(problem))
        log.error("job %s found problems: %s", name, problem)
        return str(problem)
    except Exception as exc:
        release(name, token, ok=False, summary=f"failed: {type(exc).__name__}")
        log.exception("job %s failed", name)
        raise
    release(name, token, ok=True, summary=summary)
    log.info("job %s: %s", name, summary)
    return summary


def last_success(name: str) -> dt.datetime | None:
    return JobRun.objects.filter(name=name).values_list("succeeded_at", flat=True).first()
