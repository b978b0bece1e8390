"""An iPhone's photo (HEIC) is kept as evidence exactly as it came; a JPEG is made from it only to
show it in the browser and to read the text in it."""

from __future__ import annotations

import hashlib
import io
import re
import shutil

import pytest
from django.urls import reverse

from smpolicy.safeguarding import evidence

from .conftest import make_report, sign_in, upload

pytestmark = pytest.mark.django_db


def heic_bytes(text: str = "", size: tuple[int, int] = (640, 140)) -> bytes:
    import pillow_heif
    from PIL import Image, ImageDraw, ImageFont

    pillow_heif.register_heif_opener()
    image = Image.new("RGB", size, "white")
    if text:
        try:
            font = ImageFont.truetype("DejaVuSans.ttf", 28)
        except OSError:
            font = ImageFont.load_default(size=28)
        ImageDraw.Draw(image).text((10, 40), text, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="HEIF", quality=95)
    return out.getvalue()


def test_an_heic_photo_is_kept_byte_for_byte(straits):
    data = heic_bytes()
    item = evidence.add_file(make_report(straits), upload("IMG_0042.HEIC", data),
                             added_by=straits.teacher)
    assert item.content_type == "image/heic" and item.kind == "photo"
    assert item.absolute_path().read_bytes() == data
    assert item.sha256 == hashlib.sha256(data).hexdigest()


def test_the_dsl_sees_it_as_a_jpeg_and_downloads_the_original(client, straits):
    data = heic_bytes()
    item = evidence.add_file(make_report(straits), upload("IMG_0042.heic", data),
                             added_by=straits.teacher)
    sign_in(client, straits.dsl)
    url = reverse("safeguarding:evidence_file", args=[item.pk])
    shown = client.get(url, {"inline": "1"})
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert shown.content.startswith(b"\xff\xd8\xff")
    assert "sandbox" in shown["Content-Security-Policy"]
    original = client.get(url)
    assert original["Content-Type"] == "image/heic"
    assert b"".join(original.streaming_content) == data
    assert "attachment" in original["Content-Disposition"]


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Debian's tesseract-ocr")
def test_the_text_in_an_heic_screenshot_is_read(straits):
    item = evidence.add_file(make_report(straits), upload("IMG_0043.heic", heic_bytes("MEET ME AT NOON")),
                             added_by=straits.teacher)
    text = item.texts.get()
    assert text.status == "read"
    assert "MEET ME AT NOON" in text.text.upper()


def test_a_damaged_heic_is_refused_naming_it(straits):
    broken = heic_bytes()[:200]
    with pytest.raises(evidence.UploadRefused, match=re.escape("IMG_9.heic looks like an HEIC photo")):
        evidence.add_file(make_report(straits), upload("IMG_9.heic", broken), added_by=straits.teacher)
