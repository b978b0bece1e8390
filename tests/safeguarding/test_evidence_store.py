"""Evidence files are written whole or not at all, hashed, re-checked on demand, and read by OCR."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from smpolicy.safeguarding import evidence
from smpolicy.safeguarding.models import Evidence, EvidenceText, Report

from .conftest import make_report, png_bytes, sign_in, upload

pytestmark = pytest.mark.django_db


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_file_is_kept_with_its_size_hash_and_where_it_was_captured(straits, settings):
    report = make_report(straits)
    data = png_bytes("see you later")
    item = evidence.add_file(
        report,
        upload("IMG_0042.PNG", data),
        added_by=straits.teacher,
        platform="snapchat",
        address="@pip_2015",
        read_text=False,
    )
    assert item.size == len(data)
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.content_type == "image/png" and item.kind == "screenshot"
    assert item.original_name == "IMG_0042.PNG"
    path = item.absolute_path()
    assert path.read_bytes() == data
    assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "evidence" / "straits")
    assert not os.access(path, os.W_OK) or os.geteuid() == 0  # read-only on disk
    assert oct(path.stat().st_mode & 0o777) == "0o440"
    assert [p.name for p in files_under(path.parent)] == [path.name]  # no temporary file left


def test_a_crash_between_writing_and_committing_leaves_nothing_behind(
    straits, settings, monkeypatch
):
    report = make_report(straits)

    def crash(path: Path) -> None:
        assert path.exists()  # the file was written and renamed into place...
        raise RuntimeError("power cut")  # ... and then the server fell over

    monkeypatch.setattr(evidence, "before_commit", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        evidence.add_file(report, upload("snap.png", png_bytes()), added_by=straits.teacher)
    assert not Evidence.objects.filter(report=report).exists()
    assert files_under(Path(settings.MEDIA_ROOT) / "evidence") == []


def test_a_crash_while_saving_the_record_leaves_nothing_behind(straits, settings, monkeypatch):
    report = make_report(straits)

    def broken_save(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(Evidence, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        evidence.add_file(report, upload("snap.png", png_bytes()), added_by=straits.teacher)
    assert files_under(Path(settings.MEDIA_ROOT) / "evidence") == []


def test_a_crash_during_a_report_upload_leaves_no_report_and_no_file(
    client, straits, settings, monkeypatch
):
    sign_in(client, straits.teacher, second_factor=False)
    calls = {"n": 0}

    def crash_on_second(path: Path) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")

    monkeypatch.setattr(evidence, "before_commit", crash_on_second)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(
            reverse("safeguarding:report_new") + "?kind=pupil_contact",
            report_post(
                straits,
                files=[upload("a.png", png_bytes("one")), upload("b.png", png_bytes("two"))],
            ),
        )
    assert not Report.objects.exists()
    assert not Evidence.objects.exists()
    assert files_under(Path(settings.MEDIA_ROOT) / "evidence") == []


def report_post(room, **extra):
    data = {
        "occurred_date": "2026-01-12",
        "occurred_time": "19:45",
        "pupils": [room.pupil.pk],
        "platform": "snapchat",
        "channel_account": "personal",
        "account": "I (Ada, class teacher) got a snap from Pip: 'hi miss can u help me'.",
        "dsl_told_in_person": "no",
        "categories": ["online_contact"],
    }
    files = extra.pop("files", None)
    data.update(extra)
    if files:
        data["files"] = files
    return data


def test_verify_evidence_passes_when_every_file_matches(straits, capsys):
    report = make_report(straits)
    evidence.add_file(
        report, upload("a.png", png_bytes("a")), added_by=straits.teacher, read_text=False
    )
    call_command("verify_evidence")
    assert "1 file(s) checked, 0 problem(s)" in capsys.readouterr().out


def test_verify_evidence_reports_a_changed_or_missing_file_and_fails(straits, capsys):
    report = make_report(straits)
    changed = evidence.add_file(
        report, upload("a.png", png_bytes("a")), added_by=straits.teacher, read_text=False
    )
    missing = evidence.add_file(
        report, upload("b.png", png_bytes("b")), added_by=straits.teacher, read_text=False
    )
    path = changed.absolute_path()
    os.chmod(path, 0o640)
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF
    path.write_bytes(bytes(data))
    missing.absolute_path().unlink()
    with pytest.raises(CommandError) as failure:
        call_command("verify_evidence")
    assert failure.value.returncode == 1
    err = capsys.readouterr().err
    assert f"evidence {changed.pk}" in err and "SHA-256 does not match" in err
    assert f"evidence {missing.pk}" in err and "missing" in err


def test_verify_evidence_fails_on_stray_files_without_a_record(straits, settings, capsys):
    stray = Path(settings.MEDIA_ROOT) / "evidence" / "straits" / "R-x" / "orphan.png"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x")
    call_command("verify_evidence")  # just written: maybe an upload between file and row
    assert "0 problem(s)" in capsys.readouterr().out
    an_hour_ago = time.time() - 3600
    os.utime(stray, (an_hour_ago, an_hour_ago))
    with pytest.raises(CommandError) as failure:
        call_command("verify_evidence", "--strays")
    assert failure.value.returncode == 1
    assert f"STRAY {stray}" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Debian's tesseract-ocr")
def test_text_in_a_screenshot_is_read_so_it_can_be_searched(straits, client):
    report = make_report(straits)
    item = evidence.add_file(
        report,
        upload("snap.png", png_bytes("MEET ME AT NOON", (640, 140))),
        added_by=straits.teacher,
    )
    text = item.texts.get()
    assert text.status == "read"
    assert "MEET ME AT NOON" in text.text.upper()
    assert text.engine.startswith("tesseract")
    sign_in(client, straits.dsl)
    found = client.get(reverse("safeguarding:records"), {"q": "noon"})
    assert report.reference in found.content.decode()


def test_without_tesseract_the_item_is_kept_and_flagged_text_not_read(straits, settings):
    settings.SMPOLICY_OCR_COMMAND = "no-such-ocr-program"
    report = make_report(straits)
    item = evidence.add_file(
        report, upload("snap.png", png_bytes("hello")), added_by=straits.teacher
    )
    assert Evidence.objects.filter(pk=item.pk).exists()
    text = item.texts.get()
    assert text.status == EvidenceText.Status.NOT_READ
    assert "not installed" in text.reason


def test_documents_are_not_sent_to_ocr(straits):
    report = make_report(straits)
    item = evidence.add_file(
        report, upload("note.txt", b"He said he would wait outside."), added_by=straits.teacher
    )
    assert item.kind == "document" and item.content_type == "text/plain"
    assert not item.texts.exists()


def test_a_saved_email_is_kept_as_an_email(straits):
    report = make_report(straits)
    eml = (
        b"From: pip@example.com\r\nTo: ada@straits.sch.uk\r\nSubject: hi\r\n"
        b"Date: Mon, 12 Jan 2026 19:45:00 +0000\r\n\r\nhi miss\r\n"
    )
    item = evidence.add_file(report, upload("message.eml", eml), added_by=straits.teacher)
    assert item.kind == "email" and item.content_type == "message/rfc822"


def test_a_link_is_kept_with_its_hash(straits):
    report = make_report(straits)
    item = evidence.add_link(
        report,
        "https://www.tiktok.com/@someone/video/1",
        added_by=straits.teacher,
        platform="tiktok",
    )
    assert item.kind == "link" and item.file_path == ""
    assert item.sha256 == hashlib.sha256(b"https://www.tiktok.com/@someone/video/1").hexdigest()


def test_text_not_read_is_read_later_by_the_command(straits, settings, capsys):
    settings.SMPOLICY_OCR_COMMAND = "no-such-ocr-program"
    report = make_report(straits)
    item = evidence.add_file(
        report, upload("snap.png", png_bytes("LATER")), added_by=straits.teacher
    )
    assert item.texts.get().status == "not_read"
    settings.SMPOLICY_OCR_COMMAND = "tesseract" if shutil.which("tesseract") else "true"
    call_command("read_evidence_text")
    latest = item.texts.order_by("-id").first()
    assert item.texts.count() == 2  # a new reading; the first one is kept
    assert latest.status == "read"
