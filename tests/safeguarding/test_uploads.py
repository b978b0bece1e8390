"""Bad uploads are refused with a message saying why, and nothing of them is stored: no report,
no evidence record, no file."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.urls import reverse

from smpolicy.safeguarding import evidence
from smpolicy.safeguarding.models import Evidence, Report

from .conftest import make_report, png_bytes, sign_in, upload
from .test_evidence_store import files_under, report_post

pytestmark = pytest.mark.django_db


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG of a few kilobytes that would decode to 900 million pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # greyscale
    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def zip_bomb_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w>" + b"A" * (50 * 1024 * 1024) + b"</w>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photos/1.txt", "hello")
    return out.getvalue()


BAD = {
    "html behind .png": (
        "photo.png",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "web page (HTML)",
    ),
    "pdf behind .png": ("screenshot.png", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", "is a PDF"),
    "program behind .jpg": ("holiday.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, "not a kind of file"),
    "svg with script": (
        "logo.svg",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(1)</script></svg>",
        "SVG drawing",
    ),
    "svg behind .png": (
        "logo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><a/></svg>',
        "SVG drawing",
    ),
    "decompression bomb": ("huge.png", bomb_png(), "too large to open safely"),
    "zip bomb document": ("letter.docx", zip_bomb_docx(), "decompression bombs"),
    "pdf with javascript": (
        "form.pdf",
        b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF",
        "scripts",
    ),
    "broken picture": ("snap.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "cannot be read"),
    "empty file": ("empty.png", b"", "is empty"),
    "empty zip": ("files.zip", b"PK\x05\x06" + b"\x00" * 18, "not a kind of file"),
    "zip behind .docx": ("letter.docx", plain_zip(), "not a Word, Excel"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_files_are_refused_with_a_clear_message_and_nothing_stored(case, straits, settings):
    name, data, message = BAD[case]
    report = make_report(straits)
    with pytest.raises(evidence.UploadRefused, match=re.escape(message)):
        evidence.add_file(report, upload(name, data), added_by=straits.teacher)
    assert not Evidence.objects.exists()
    assert files_under(Path(settings.MEDIA_ROOT) / "evidence") == []


def test_an_oversized_file_is_refused_before_it_is_kept(straits, settings, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_FILE_BYTES", 1024)
    report = make_report(straits)
    with pytest.raises(evidence.UploadRefused, match="largest"):
        evidence.add_file(
            report, upload("big.png", png_bytes("x", (800, 800))), added_by=straits.teacher
        )
    assert files_under(Path(settings.MEDIA_ROOT) / "evidence") == []


def test_a_jpeg_named_png_is_refused_naming_both(straits):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "JPEG")
    report = make_report(straits)
    with pytest.raises(evidence.UploadRefused, match=r"named as a PNG picture .* JPEG photo"):
        evidence.add_file(report, upload("snap.png", out.getvalue()), added_by=straits.teacher)


def test_the_report_form_refuses_a_bad_file_and_keeps_no_report(client, straits, settings):
    sign_in(client, straits.teacher, second_factor=False)
    good = upload("good.png", png_bytes("fine"))
    bad = upload("photo.png", b"<html><script>alert(1)</script></html>")
    response = client.post(
        reverse("safeguarding:report_new") + "?kind=pupil_contact",
        report_post(straits, files=[good, bad]),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is a problem" in page
    assert "photo.png is a web page (HTML)" in page
    assert not Report.objects.exists()
    assert not Evidence.objects.exists()
    assert files_under(Path(settings.MEDIA_ROOT) / "evidence") == []


def test_adding_a_bad_file_to_a_report_later_stores_nothing(client, straits, settings):
    report = make_report(straits)
    sign_in(client, straits.teacher, second_factor=False)
    response = client.post(
        reverse("safeguarding:evidence_add", args=[report.pk]),
        {"files": [upload("huge.png", bomb_png())]},
    )
    assert response.status_code == 422
    assert "too large to open safely" in response.content.decode()
    assert not Evidence.objects.exists()
    assert files_under(Path(settings.MEDIA_ROOT) / "evidence") == []


def test_more_than_ten_files_at_once_are_refused(client, straits):
    sign_in(client, straits.teacher, second_factor=False)
    files = [upload(f"{i}.png", png_bytes(str(i), (40, 40))) for i in range(11)]
    response = client.post(
        reverse("safeguarding:report_new") + "?kind=pupil_contact",
        report_post(straits, files=files),
    )
    assert response.status_code == 422
    assert "at most 10 files" in response.content.decode()
    assert not Report.objects.exists()
