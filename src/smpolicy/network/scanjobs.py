"""A log uploaded on the page is scanned by a worker, not inside the request: a day's proxy log
can take minutes, and a page must not. The upload is written to the data directory, a LogScan
row is queued, and the worker reads it, writing how far it has got (bytes of the file, lines)
a few times a second for the page's progress bar; the file is deleted when the scan ends.

A scan is run once: the worker takes it by a conditional UPDATE from queued to running, so a task
delivered twice, or two workers, never scan one log twice.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smpolicy.monitoring import DirectoryError, ListsError
from smpolicy.network.models import LogScan
from smpolicy.words import plural

logger = logging.getLogger("smpolicy.network.scanjobs")

# How often the worker writes its progress: often enough for a bar that moves, rarely enough to
# cost nothing beside the scan (one small UPDATE).
EVERY_SECONDS = 0.25
# A running scan that has written no progress this long has lost its worker (restarted, killed).
STALLED_SECONDS = 10 * 60


def scans_dir() -> Path:
    # Beside Django's upload spool: inside the data directory, swept of leftovers
    # (smpolicy.web.tempfiles).
    return Path(settings.FILE_UPLOAD_TEMP_DIR).parent / "scans"


def _keep(upload: Any, suffix: str) -> tuple[Path, int]:
    folder = scans_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{secrets.token_hex(12)}{suffix}"
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
            size += len(chunk)
    return path, size


def queue(school: Any, upload: Any, *, format: str, people: Any = None,
          by: Any = None) -> LogScan:
    """Keep the upload (and its people CSV) for a worker and queue its scan after commit."""
    log_path, size = _keep(upload, ".log")
    people_path = _keep(people, ".csv")[0] if people is not None else None
    job = LogScan.objects.create(
        school=school, by=by if by is not None and by.is_authenticated else None,
        name=Path(upload.name).name[:300], format=format, file=str(log_path),
        people_file=str(people_path or ""), size=size,
    )
    transaction.on_commit(lambda: scan_log.delay(job.pk))
    return job


# ignore_result: the scan's state and result are on its LogScan row.
@shared_task(name="smpolicy.network.scan_log", ignore_result=True)
def scan_log(pk: int) -> None:
    run(pk)


def run(pk: int, *, every: float = EVERY_SECONDS) -> LogScan | None:
    """Scan the queued log ``pk``; None if it is not queued (another worker has it, or it ran)."""
    from smpolicy.network.recording import scan_upload

    now = timezone.now()
    if not LogScan.objects.filter(pk=pk, state=LogScan.State.QUEUED).update(
            state=LogScan.State.RUNNING, started_at=now, updated_at=now):
        return None
    job = LogScan.objects.select_related("school", "by").get(pk=pk)
    kept = [Path(name) for name in (job.file, job.people_file) if name]
    last = [0.0]

    def seen(read: int, lines: int) -> None:
        moment = time.monotonic()
        if moment - last[0] >= every:
            last[0] = moment
            LogScan.objects.filter(pk=pk).update(read=read, lines=lines,
                                                 updated_at=timezone.now())

    try:
        with ExitStack() as files:
            raw = files.enter_context(Path(job.file).open("rb"))
            people = (files.enter_context(Path(job.people_file).open("rb"))
                      if job.people_file else None)
            report, summary = scan_upload(
                job.school, raw, job.name, format=job.format, people_csv=people, by=job.by,
                progress=seen,
            )
    except FileNotFoundError:
        return _failed(job, "the uploaded log is no longer on the server (it waited too long "
                       "for a worker); upload it again")
    except (DirectoryError, ListsError) as error:
        return _failed(job, str(error))
    except Exception:
        logger.exception("the scan of %s (log scan %s) failed", job.name, job.pk)
        _failed(job, "something went wrong while reading it (the server's log says what); "
                "nothing was recorded")
        raise
    finally:
        for path in kept:
            path.unlink(missing_ok=True)
    counts = summary["summary"]
    job.state = LogScan.State.DONE
    job.read, job.lines = job.size, int(counts.get("lines", 0))
    job.scan_id = report.scan_id
    job.finished_at = job.updated_at = timezone.now()
    job.result = {
        "new": report.new, "seen_again": report.seen_again, "incidents": report.incidents,
        "lines": counts.get("lines", 0), "parsed": counts.get("parsed", 0),
        "unparsed": counts.get("unparsed", 0), "blocked": counts.get("blocked", 0),
        "findings": counts.get("findings", 0),
        "unparsed_samples": counts.get("unparsed_samples", [])[:10],
    }
    job.file = job.people_file = ""
    job.save()
    return job


def _failed(job: LogScan, why: str) -> LogScan:
    job.state = LogScan.State.FAILED
    job.error = why[:500]
    job.finished_at = job.updated_at = timezone.now()
    job.file = job.people_file = ""
    job.save(update_fields=["state", "error", "finished_at", "updated_at", "file", "people_file"])
    return job


def stalled(job: LogScan, now: Any = None) -> bool:
    moment = now or timezone.now()
    since = job.updated_at or job.created
    return job.state in (LogScan.State.QUEUED, LogScan.State.RUNNING) and (
        (moment - since).total_seconds() > STALLED_SECONDS
    )


def progress(job: LogScan, now: Any = None) -> dict[str, Any]:
    """What the page shows of a scan, and its script reads to move the bar."""
    state = job.state
    if stalled(job, now):
        text = ("No worker has read this log for ten minutes: the scan has stopped. Upload it "
                "again.")
        state = "stalled"
    elif job.state == LogScan.State.QUEUED:
        text = "Waiting for a worker to start reading it."
    elif job.state == LogScan.State.RUNNING and job.size and job.read >= job.size:
        text = f"Read all {_lines(job.lines)}; recording the findings."
    elif job.state == LogScan.State.RUNNING:
        text = (f"Read {_lines(job.lines)}: {job.percent}% of "
                f"{_megabytes(job.size)}.")
    elif job.state == LogScan.State.DONE:
        text = f"Done: read {_lines(job.lines)}."
    else:
        text = f"The scan stopped: {job.error}"
    return {"state": state, "read": job.read, "size": job.size, "lines": job.lines,
            "percent": job.percent, "text": text,
            "finished": job.state in (LogScan.State.DONE, LogScan.State.FAILED)}


def _lines(count: int) -> str:
    return f"{count:,} {plural('line', count)}"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"
