"""Picking up text reading (OCR) of evidence that a restart interrupted.

An upload's text is read right after its record is committed, in the same request. If the server
stops in between (a deployment, a crash), the image has no reading at all and nobody would ever
read it. ``read_pending_text`` finds such images and reads them. It runs at start-up (in a
background thread, smpolicy.web.startup), from the every-minute ``smpolicy escalate-alerts``, and
is the one function a task queue would call.

It is idempotent and safe to run in several processes at once: each image is claimed before it is
read (a PostgreSQL advisory lock, or on SQLite, which lives on one machine, a lock on a file), and
checked again once claimed, so no image is read twice; a claim dies with its process, so a crash
never leaves an image claimed for ever. Only images with no reading at all are pending: one whose
reading failed ("text not read", e.g. tesseract missing) is read again only by
``smpolicy read-evidence-text``, by hand, so a lasting failure is not retried every minute.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from smpolicy.safeguarding import evidence
from smpolicy.safeguarding.models import Evidence

logger = logging.getLogger("smpolicy.safeguarding.textreading")

# An upload reads its own files' text, one after another, right after it is stored; only past
# the longest that can take is an image with no reading left behind by a request that died.
GRACE = dt.timedelta(
    seconds=evidence.OCR_TIMEOUT_SECONDS * evidence.MAX_FILES_PER_REPORT_FORM + 60
)
BATCH = 50
# High bits of the advisory lock's key, so it cannot meet another use of advisory locks.
_LOCK_SPACE = 0x4F4352 << 32  # "OCR"


def pending(now: dt.datetime | None = None) -> QuerySet[Evidence]:
    """Image evidence with no text reading, stored longer ago than GRACE."""
    now = now or timezone.now()
    return (
        Evidence.objects.filter(
            content_type__startswith="image/", added_at__lte=now - GRACE, texts__isnull=True
        )
        .exclude(file_path="")
        .order_by("added_at", "pk")
    )


@contextlib.contextmanager
def _claimed(item: Evidence) -> Iterator[bool]:
    """True while this process holds the claim on ``item``; False when another one does."""
    if connection.vendor == "postgresql":
        key = _LOCK_SPACE + item.pk
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            (mine,) = cursor.fetchone()
        try:
            yield bool(mine)
        finally:
            if mine:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    locks = Path(settings.FILE_UPLOAD_TEMP_DIR).parent / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    fd = os.open(locks / f"evidence-text-{item.pk}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing drops the lock


def read_pending_text(now: dt.datetime | None = None, limit: int = BATCH) -> int:
    """Read the text of up to ``limit`` pending images; how many were read (or failed and were
    recorded as not read). Safe to call from several processes at once."""
    done = 0
    for item in pending(now)[:limit]:
        with _claimed(item) as mine:
            if not mine:
                continue  # another process is reading it now
            if item.texts.exists():
                continue  # read between the query and the claim
            try:
                evidence.read_evidence_text(item)
            except Exception:
                # One image's trouble (its file unreadable, say) must not stop the others.
                logger.exception("reading the text of evidence %s failed", item.pk)
                continue
            done += 1
    return done
