"""Sweeping temporary upload files a crash left behind.

Django spools a large upload into FILE_UPLOAD_TEMP_DIR (inside the data directory) while the
request is read, and deletes it when the request ends; evidence is copied into a ``.part`` file
beside its final place before it is checked. A process killed in the middle leaves either behind:
15 MB of a child's evidence, outside any record. ``sweep`` deletes such files once they are older
than any request could still be using them. It runs at start-up and every minute (from
``smpolicy escalate-alerts``).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("smpolicy.web.tempfiles")

# Longer than the slowest upload a school's connection could take (410 MB at 2 Mbit/s is about
# half an hour); younger files may belong to a request still being read.
STALE_SECONDS = 3 * 3600


def _stale(paths: list[Path], cutoff: float) -> list[Path]:
    found = []
    for path in paths:
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                found.append(path)
        except OSError:
            continue
    return found


def stale_files(now: float | None = None, age: float = STALE_SECONDS) -> list[Path]:
    cutoff = (now if now is not None else time.time()) - age
    spool = Path(settings.FILE_UPLOAD_TEMP_DIR)
    evidence = Path(settings.MEDIA_ROOT) / "evidence"
    candidates = list(spool.iterdir()) if spool.is_dir() else []
    # Logs waiting for a worker (smpolicy.network.scanjobs): one left this long lost its scan.
    scans = spool.parent / "scans"
    candidates += list(scans.iterdir()) if scans.is_dir() else []
    if evidence.is_dir():
        candidates += list(evidence.rglob(".upload-*.part"))
    return sorted(_stale(candidates, cutoff))


def sweep(now: float | None = None, age: float = STALE_SECONDS) -> int:
    """Delete stale temporary upload files; how many were deleted."""
    removed = 0
    for path in stale_files(now, age):
        try:
            path.unlink()
        except FileNotFoundError:
            continue  # another process swept it first
        except OSError as exc:
            logger.warning("cannot delete the stale upload %s: %s", path, exc.strerror)
            continue
        removed += 1
    if removed:
        logger.warning("deleted %d temporary upload file(s) an interrupted request left", removed)
    return removed
