"""Text reading a restart interrupted is picked up on its own: at start-up, every minute from
`smpolicy escalate-alerts`, once per image however many processes try at once."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from smpolicy.safeguarding import evidence, textreading
from smpolicy.safeguarding.models import EvidenceText
from smpolicy.web import startup, tempfiles

from .conftest import make_report, png_bytes, upload


def interrupted(room):
    """An image stored as an upload stores it, with the server stopping before its text is read."""
    report = make_report(room)
    return evidence.add_file(report, upload("snap.png", png_bytes("meet me after school")),
                             added_by=room.teacher, read_text=False)


def later() -> dt.datetime:
    return timezone.now() + textreading.GRACE + dt.timedelta(seconds=1)


@pytest.mark.django_db
def test_an_interrupted_reading_is_picked_up_once(straits):
    item = interrupted(straits)
    assert list(textreading.pending(later())) == [item]
    assert textreading.read_pending_text(later()) == 1
    assert EvidenceText.objects.filter(evidence=item).count() == 1
    # Idempotent: nothing is pending any more, and a second run reads nothing again.
    assert textreading.read_pending_text(later()) == 0
    assert EvidenceText.objects.filter(evidence=item).count() == 1


@pytest.mark.django_db
def test_a_fresh_upload_is_left_to_the_request_reading_it(straits):
    interrupted(straits)
    assert textreading.read_pending_text() == 0  # inside GRACE: its own request may be reading


@pytest.mark.django_db
def test_a_failed_reading_is_not_retried_every_minute(straits, settings):
    settings.SMPOLICY_OCR_COMMAND = "no-such-ocr-program"
    item = interrupted(straits)
    assert textreading.read_pending_text(later()) == 1
    assert textreading.read_pending_text(later()) == 0
    assert list(EvidenceText.objects.filter(evidence=item).values_list("status", flat=True)) == [
        "not_read"
    ]


def test_an_image_claimed_elsewhere_is_skipped_until_released(straits_committed):
    # Another process (here a thread with its own database connection) is reading the image.
    item = interrupted(straits_committed)
    claimed, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_process() -> None:
        try:
            with textreading._claimed(item) as mine:
                assert mine
                claimed.set()
                release.wait(30)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=other_process)
    thread.start()
    assert claimed.wait(30)
    try:
        assert textreading.read_pending_text(later()) == 0
        assert not EvidenceText.objects.filter(evidence=item).exists()
    finally:
        release.set()
        assert done.wait(30)
        thread.join()
    assert textreading.read_pending_text(later()) == 1


def test_two_pickups_at_once_read_each_image_once(straits_committed):
    items = [interrupted(straits_committed) for _ in range(3)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def pickup() -> None:
        try:
            start.wait(30)
            textreading.read_pending_text(later())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pickup) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    for item in items:
        assert EvidenceText.objects.filter(evidence=item).count() == 1


@pytest.fixture
def straits_committed(guarded_db):
    from .conftest import make_staffroom

    return make_staffroom("Straits Primary School", "straits")


# -- temporary files --------------------------------------------------------------------------


def _aged(path: Path, seconds: float) -> Path:
    path.write_bytes(b"part of a child's evidence")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_stale_temporary_uploads_are_swept_and_fresh_ones_kept(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    settings.MEDIA_ROOT = tmp_path / "media"
    spool = Path(settings.FILE_UPLOAD_TEMP_DIR)
    spool.mkdir()
    evidence_dir = Path(settings.MEDIA_ROOT) / "evidence" / "straits" / "SG-1"
    evidence_dir.mkdir(parents=True)
    old_spool = _aged(spool / "tmpab12cd.upload.png", tempfiles.STALE_SECONDS + 60)
    old_part = _aged(evidence_dir / ".upload-0123.part", tempfiles.STALE_SECONDS + 60)
    fresh = _aged(spool / "tmpfresh.upload.png", 60)
    kept_evidence = _aged(evidence_dir / "0123abcd.png", tempfiles.STALE_SECONDS * 10)
    assert tempfiles.sweep() == 2
    assert not old_spool.exists() and not old_part.exists()
    assert fresh.exists() and kept_evidence.exists()  # evidence itself is never swept
    assert tempfiles.sweep() == 0


@pytest.mark.django_db
def test_escalate_alerts_catches_up_every_minute(straits, settings, tmp_path, monkeypatch, capsys):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()
    stale = _aged(Path(settings.FILE_UPLOAD_TEMP_DIR) / "tmp1.upload", tempfiles.STALE_SECONDS + 1)
    monkeypatch.setattr(textreading, "GRACE", dt.timedelta(0))
    item = interrupted(straits)
    call_command("escalate_alerts")
    out = capsys.readouterr().out
    assert "1 temporary files deleted" in out and "1 evidence texts read" in out
    assert not stale.exists()
    assert EvidenceText.objects.filter(evidence=item).count() == 1


def test_the_start_up_thread_catches_up(straits_committed, monkeypatch):
    monkeypatch.setattr(textreading, "GRACE", dt.timedelta(0))
    item = interrupted(straits_committed)
    startup.start_in_background().join(120)
    assert EvidenceText.objects.filter(evidence=item).count() == 1
