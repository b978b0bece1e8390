"""Files a page asks for and a worker builds: a pupil's child protection file (every report in
full and its evidence, which can run to hundreds of megabytes) and the governors' termly PDF.
Built inside the request, either held a web worker for as long as it took and the whole file in
its memory; here the page queues an ``Export``, a worker builds the file into the data directory,
and the page shows its state until the download is ready.

One way for every kind: ``KINDS`` names, for each, the code that builds its bytes (the app's
own, wrapped) and who may have it. That check runs again at every look and at the download, not
only when the job is queued: someone who has lost the right since (a DSL who left the post, a
session without the second factor) gets nothing.

A job is built once: the worker takes it by a conditional UPDATE from queued to running, so a
task delivered twice, or two workers, never build one file twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from smpolicy.jobs.models import Export

logger = logging.getLogger("smpolicy.jobs.exports")

# A running or queued export that has not finished in this long has lost its worker.
STALLED_SECONDS = 10 * 60
# A built file is a copy of what it was built from, outside that record's own keeping: a child
# protection file is every report about a child and its evidence, beyond the evidence store's
# append-only guard and its audit. It waits a day for its download (long enough to come back
# to it after a lesson or a meeting), then is deleted (``sweep``, run every minute by
# catch-up); asked for again later, it is built again from the records as they are then.
KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Built:
    data: bytes
    filename: str
    content_type: str


@dataclass(frozen=True)
class Kind:
    # What the page calls it ("the child protection file").
    label: str
    # The bytes, from the job's school and params (in the worker).
    build: Callable[[Export], Built]
    # None if the request may have this export now; else the page that refuses it (a 403, or
    # the second factor's); raises Http404 where the record it names is not theirs to know of.
    refuse: Callable[[HttpRequest, Export], HttpResponse | None]
    # The page the export was asked for from, to go back to.
    back: Callable[[Export], str]
    # Anything the download must leave behind (an audit entry).
    downloaded: Callable[[HttpRequest, Export], None] | None = None


# -- the kinds --------------------------------------------------------------------------------


def _transfer(job: Export) -> Any:
    from smpolicy.safeguarding.models import Transfer

    return Transfer.objects.for_school(job.school_id).select_related("pupil__school").get(
        pk=job.params["transfer"])


def _build_cp_file(job: Export) -> Built:
    from smpolicy.safeguarding import transfer as transferring

    item = _transfer(job)
    return Built(transferring.build(item), transferring.filename(item), "application/zip")


def _refuse_cp_file(request: HttpRequest, job: Export) -> HttpResponse | None:
    """The same doors as the transfer's own pages: the DSL team with the second factor, who may
    open every report in the pupil's file."""
    from smpolicy.safeguarding import access, totp
    from smpolicy.safeguarding.models import Transfer
    from smpolicy.schools.access import forbidden

    person = request.person  # type: ignore[attr-defined]
    if not access.can_handle_cases(person, request.user):
        return forbidden(request, "The child protection file is for the Designated Safeguarding "
                         "Lead, their deputies and the headteacher.")
    if not totp.is_verified(request):
        return access.second_factor_redirect(request)
    item = Transfer.objects.for_school(job.school_id).select_related("pupil").filter(
        pk=job.params.get("transfer")).first()
    if item is None or not access.can_send_file(person, request.user, item.pupil):
        raise Http404("No such export")
    return None


def _cp_file_downloaded(request: HttpRequest, job: Export) -> None:
    from smpolicy.safeguarding import audit

    # As the export inside the request did: each copy that leaves is on the record.
    audit.record("export", _transfer(job), school=job.school, request=request,
                 note=f"sha256 {job.sha256[:16]}")


def _build_governors_report(job: Export) -> Built:
    from smpolicy.registers import governors, pdf
    from smpolicy.registers.terms import from_slug

    term = from_slug(job.params["term"])
    if term is None:
        raise ValueError(f"no such term: {job.params['term']!r}")
    data = pdf.governors_pdf(governors.build(job.school, term))
    return Built(data, f"governors-report-{term.slug}.pdf", "application/pdf")


def _refuse_governors_report(request: HttpRequest, job: Export) -> HttpResponse | None:
    from smpolicy.registers.roles import REGISTER_CAPABILITIES, can
    from smpolicy.schools.access import forbidden

    if can(request.person, "governance"):  # type: ignore[attr-defined]
        return None
    return forbidden(request, f"Only those who {REGISTER_CAPABILITIES['governance']} may.")


KINDS: dict[str, Kind] = {
    Export.Kind.CP_FILE: Kind(
        label="the child protection file",
        build=_build_cp_file,
        refuse=_refuse_cp_file,
        back=lambda job: reverse("safeguarding:transfer_detail", args=[job.params["transfer"]]),
        downloaded=_cp_file_downloaded,
    ),
    Export.Kind.GOVERNORS_REPORT: Kind(
        label="the governors' report as a PDF",
        build=_build_governors_report,
        refuse=_refuse_governors_report,
        back=lambda job: reverse("registers:governors_report", args=[job.params["term"]]),
    ),
}


# -- queueing and building ----------------------------------------------------------------------


def exports_dir() -> Path:
    # Beside the scans' waiting logs, inside the data directory (never MEDIA_ROOT: nothing here
    # may be served but through the download's checks).
    return Path(settings.FILE_UPLOAD_TEMP_DIR).parent / "exports"


def queue(school: Any, user: Any, kind: str, params: dict[str, Any]) -> Export:
    """Queue ``kind`` for ``user``, built after commit; the one already waiting for them if they
    pressed the button twice."""
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a kind of export")
    waiting = Export.objects.for_school(school).filter(
        requested_by=user, kind=kind, params=params,
        state__in=(Export.State.QUEUED, Export.State.RUNNING),
        created__gte=timezone.now() - timedelta(seconds=STALLED_SECONDS),
    ).first()
    if waiting is not None:
        return waiting
    job = Export.objects.create(school=school, requested_by=user, kind=kind, params=params)
    transaction.on_commit(lambda: build_export.delay(job.pk))
    return job


# ignore_result: the export's state and file are on its row.
@shared_task(name="smpolicy.jobs.build_export", ignore_result=True)
def build_export(pk: int) -> None:
    run(pk)


def run(pk: int) -> Export | None:
    """Build the queued export ``pk``; None if it is not queued (another worker has it, or it
    was built)."""
    if not Export.objects.filter(pk=pk, state=Export.State.QUEUED).update(
            state=Export.State.RUNNING, started_at=timezone.now()):
        return None
    job = Export.objects.select_related("school").get(pk=pk)
    try:
        built = KINDS[job.kind].build(job)
        path = _write(built.data)
    except Exception:
        logger.exception("building export %s (%s) failed", job.pk, job.kind)
        job.state = Export.State.FAILED
        job.error = "Something went wrong while preparing it (the server's log says what)."
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
        raise
    job.state = Export.State.READY
    job.file, job.filename, job.content_type = str(path), built.filename, built.content_type
    job.size, job.sha256 = len(built.data), hashlib.sha256(built.data).hexdigest()
    job.finished_at = timezone.now()
    job.save()
    return job


def _write(data: bytes) -> Path:
    """Into the exports folder, readable by this user alone; whole or not at all (a ``.part``
    renamed when complete), so a download never reads half a file."""
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = secrets.token_hex(16)
    part = folder / f".{name}.part"
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        final = folder / name
        os.replace(part, final)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return final


def stalled(job: Export, now: Any = None) -> bool:
    moment = now or timezone.now()
    since = job.started_at or job.created
    return job.state in (Export.State.QUEUED, Export.State.RUNNING) and (
        (moment - since).total_seconds() > STALLED_SECONDS)


def progress(job: Export, now: Any = None) -> dict[str, Any]:
    """What the page shows of an export, and its script reads."""
    state, label = job.state, KINDS[job.kind].label
    if stalled(job, now):
        state = "stalled"
        text = f"No worker has finished {label} in ten minutes: it has stopped. Ask for it again."
    elif job.state == Export.State.QUEUED:
        text = f"Preparing {label}: waiting for a worker to start."
    elif job.state == Export.State.RUNNING:
        text = f"Preparing {label}…"
    elif job.state == Export.State.READY:
        text = f"Ready: {job.filename}, {_size(job.size)}."
    elif job.state == Export.State.EXPIRED:
        text = "Deleted: a prepared file is kept for a day. Ask for it again."
    else:
        text = f"It stopped: {job.error}"
    return {"state": state, "text": text,
            "finished": state not in (Export.State.QUEUED, Export.State.RUNNING)}


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{max(1, size // 1000)} kB"


def sweep(now: Any = None) -> int:
    """Delete the files of exports built over ``KEEP_SECONDS`` ago, and any file in the folder
    no export names (a worker killed between writing and saving); how many were deleted."""
    moment = now or timezone.now()
    removed = 0
    old = Export.objects.filter(state=Export.State.READY,
                                finished_at__lt=moment - timedelta(seconds=KEEP_SECONDS))
    for job in old:
        Path(job.file).unlink(missing_ok=True)
        # Claimed by its state, so two sweeps at once count it once.
        removed += Export.objects.filter(pk=job.pk, state=Export.State.READY).update(
            state=Export.State.EXPIRED, file="")
    folder = exports_dir()
    if folder.is_dir():
        named = set(Export.objects.exclude(file="").values_list("file", flat=True))
        cutoff = moment.timestamp() - KEEP_SECONDS
        for path in folder.iterdir():
            try:
                if str(path) not in named and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
    return removed
