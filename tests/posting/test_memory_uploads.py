"""Uploads to the check page and the API stay in memory: a photo of a child is never written to
disk unless its post is saved as a draft. CSRF protection still holds."""

from __future__ import annotations

import io
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from PIL import Image


@pytest.fixture(scope="module")
def big_png() -> bytes:
    """About 3 MB of noise: more than Django keeps in memory before spooling to a temp file."""
    image = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    assert len(out.getvalue()) > 2_621_440
    return out.getvalue()


@pytest.fixture
def no_temp_files(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("an upload was spooled to a temporary file")

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", refuse)


def test_the_check_page_keeps_uploads_in_memory(client, teacher, big_png, no_temp_files):
    client.force_login(teacher.user)
    response = client.post(
        "/posts/check/",
        {"text": "", "account": "personal", "images": [SimpleUploadedFile("noise.png", big_png)]},
    )
    assert response.status_code == 200


def test_the_api_keeps_uploads_in_memory(client, teacher, check_url, big_png, no_temp_files):
    client.force_login(teacher.user)
    post = json.dumps({"text": "", "channel": {"account": "personal"}})
    response = client.post(
        check_url, {"post": post, "images": [SimpleUploadedFile("noise.png", big_png)]}
    )
    assert response.status_code == 200, response.content


def test_too_many_bytes_in_all_is_refused(client, teacher, check_url):
    client.force_login(teacher.user)
    post = json.dumps({"text": "", "channel": {"account": "personal"}})
    twelve_mb = b"\x89PNG\r\n\x1a\n" + b"\0" * 12_000_000
    files = [SimpleUploadedFile(f"{i}.png", twelve_mb) for i in range(4)]
    response = client.post(check_url, {"post": post, "images": files})
    assert response.status_code == 422
    assert "46 MB together; at most 40 MB" in response.json()["error"]


def test_the_check_page_still_needs_its_csrf_token(teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher.user)
    response = client.post("/posts/check/", {"text": "hello", "account": "personal"})
    assert response.status_code == 403
