"""Hostile input at every upload and form endpoint: never a 500, always a reason, nothing left on
disk (in MEDIA_ROOT or the upload spool) by what was refused.

Every endpoint gets the body-level attacks (no multipart boundary, a broken boundary, too large,
too many fields or files, a Content-Length that is no number); every endpoint taking a file also
gets the file-level ones (1-pixel, 0x0, truncated and huge pictures, CSV that is not UTF-8, a PDF
hiding JavaScript behind #xx escapes, HTML behind .png, path tricks in the file name...).
The counts are printed (pytest -s) and the one test fails listing every 500 it met.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from smpolicy.schools import testing

BOUNDARY = "HostileBoundary0123"
# The CSRF check stays on, as in a real browser's session: it is the first thing to read a form's
# body, so a body that cannot be read meets it first.
CSRF = "Hostile0Csrf1Token2For3Tests4abc"


# -- the inputs -----------------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (0 x 0, or a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    rows = b"".join(compressor.compress(b"\x00" * (min(width, 30_000) + 1)) for _ in range(50))
    data = rows + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def xlsx_like() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


FILES: dict[str, tuple[str, bytes]] = {
    "1-pixel picture": ("pixel.png", png(1, 1)),
    "0x0 picture": ("nothing.png", png_header(0, 0)),
    "truncated picture": ("cut.png", png(200, 200)[:120]),
    "huge-dimension picture": ("bomb.png", png_header(30_000, 30_000)),
    "40000 x 2 strip": ("strip.png", png(40_000, 2)),
    "CSV not UTF-8": ("people.csv", b"first_name,last_name,role\nAnn,Lee,staff\nZo\xc3\xab,B\x81n,staff\n"),
    "CSV UTF-8 with a stray 0xff": ("people.csv", "first_name,last_name,role\nZoë,Lee,staff\n".encode() + b"\xff,x,staff\n"),
    "CSV in UTF-16 without BOM": ("people.csv", "first_name,last_name\nAnn,Lee\n".encode("utf-16-le")),
    "spreadsheet named .csv": ("people.csv", xlsx_like()),
    "empty file": ("empty.csv", b""),
    "random bytes": ("noise.bin", bytes(range(256)) * 64),
    "PDF with hex-escaped JavaScript": ("letter.pdf", b"%PDF-1.7\n1 0 obj<</OpenAction<</S/J#61vaScript/JS(app.alert(1))>>>>endobj\n%%EOF"),
    "HTML named .png": ("photo.png", b"<!doctype html><script>alert(1)</script>"),
    "path in the file name": ("../../../../etc/passwd", b"root:x:0:0\n"),
    "NUL in the file name": ("a\x00.png", png(40, 40)[:50]),
    "300-character file name": ("a" * 296 + ".png", b"\x89PNG\r\n"),
    "gzip bomb": ("filter.log.gz", gzip.compress(b"\x00" * (20 * 1024 * 1024))),
    "3 MB of noise (spooled to disk)": ("big.png", b"\xff\xd8\xff" + bytes(range(256)) * 12_000),
}


def multipart(fields: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> bytes:
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                         f"{item}\r\n".encode())
    for name, (filename, data) in files.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
            "\r\nContent-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


@dataclass
class Attack:
    name: str
    body: bytes
    content_type: str
    extra: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)


def body_attacks(fields: dict[str, Any], file_field: str | None) -> list[Attack]:
    files = {file_field: ("a.csv", b"a,b\n")} if file_field else {}
    mp = f"multipart/form-data; boundary={BOUNDARY}"
    return [
        Attack("multipart without a boundary", multipart(fields, files), "multipart/form-data"),
        Attack("multipart with an empty boundary", multipart(fields, files),
               'multipart/form-data; boundary=""'),
        Attack("multipart with a boundary of bad characters", b"--\x00\x01\r\n",
               "multipart/form-data; boundary=\x00\x01"),
        Attack("multipart cut off mid-part", multipart(fields, files)[:-30], mp),
        Attack("multipart headers that never end",
               f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"x\"".encode() + b"A" * 5000,
               mp),
        Attack("body over the request limit", multipart(fields, {"big": ("x.bin", b"0" * 70_000)}),
               mp, settings={"SMPOLICY_MAX_REQUEST_BYTES": 64 * 1024}),
        Attack("form text over DATA_UPLOAD_MAX_MEMORY_SIZE",
               b"text=" + b"a" * (3 * 1024 * 1024), "application/x-www-form-urlencoded"),
        Attack("too many fields", "&".join(f"f{i}=1" for i in range(1200)).encode(),
               "application/x-www-form-urlencoded"),
        Attack("too many files",
               multipart(fields, {f"f{i}": (f"{i}.txt", b"x") for i in range(120)}), mp),
        Attack("Content-Length that is no number", b"a=1", "application/x-www-form-urlencoded",
               extra={"CONTENT_LENGTH": "twelve"}),
        Attack("JSON that is not UTF-8", b'{"text": "caf\xe9"}', "application/json"),
        Attack("JSON nested 100000 deep", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ]


def file_attacks(fields: dict[str, Any], file_field: str) -> list[Attack]:
    mp = f"multipart/form-data; boundary={BOUNDARY}"
    return [Attack(name, multipart(fields, {file_field: item}), mp) for name, item in FILES.items()]


# -- the endpoints --------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    url: str
    client: Client
    fields: dict[str, Any]
    file_field: str | None = None


@pytest.fixture
def site(db, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # every file through the spool on disk
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    (tmp_path / "spool").mkdir()
    (tmp_path / "media").mkdir()
    school = testing.make_school("Straits Primary School", slug="straits",
                                 email_domains=["straits.sch.uk"])
    head = testing.make_person(school, "staff", "Hilary", "Head", positions=["headteacher"])
    teacher = testing.make_person(school, "staff", "Ada", "Teacher")
    pupil = testing.make_person(school, "pupil", "Pip", "Pupil")
    for person in (head, teacher):
        testing.make_user(person)

    def signed_in(person: Any) -> Client:
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        client.cookies["csrftoken"] = CSRF
        client.force_login(person.user)
        session = client.session
        session["smpolicy_second_factor"] = {"user": person.user.pk,
                                             "at": timezone.now().isoformat()}
        session.save()
        return client

    from smpolicy.safeguarding import intake

    report, _ = intake.create_report(school, intake.Answers(
        kind="pupil_contact", reporter=teacher, occurred_at=timezone.now(),
        account="Pip sent me a snap saying hello miss.", pupils=[pupil]))
    as_head, as_teacher = signed_in(head), signed_in(teacher)
    anonymous = Client(enforce_csrf_checks=True, raise_request_exception=False)
    anonymous.cookies["csrftoken"] = CSRF
    report_fields = {
        "occurred_date": "2026-01-12", "occurred_time": "19:45", "pupils": str(pupil.pk),
        "platform": "snapchat", "channel_account": "personal",
        "account": "I got a snap from Pip: 'hi miss can u help me'.",
        "dsl_told_in_person": "no", "categories": "online_contact",
    }
    post = json.dumps({"text": "Sports day was great", "author": {"role": "staff"}})
    endpoints = [
        Endpoint("check page", "/posts/check/", as_teacher,
                 {"text": "Sports day was great", "account": "personal"}, "images"),
        Endpoint("API post check", "/api/posts/check", as_teacher, {"post": post}, "images"),
        Endpoint("people import", "/people/import/", as_head, {"dry_run": "on"}, "file"),
        Endpoint("photo-consent import", "/posts/consent/import/", as_head, {"dry_run": "on"},
                 "file"),
        Endpoint("new safeguarding report", "/safeguarding/reports/new/?kind=pupil_contact",
                 as_teacher, report_fields, "files"),
        Endpoint("evidence upload", f"/safeguarding/reports/{report.pk}/evidence/", as_teacher,
                 {"evidence_description": "screenshot"}, "files"),
        Endpoint("network log upload", "/network/upload/", as_head, {"format": "auto"}, "log"),
        Endpoint("ask the policy", "/ask/", as_teacher, {"situation": "hello"}),
        Endpoint("parent concern", f"/safeguarding/concern/{school.slug}/", anonymous,
                 {"email": "parent@example.org"}),
        Endpoint("sign in", "/accounts/login/", anonymous, {"username": "x", "password": "y"}),
    ]
    return endpoints, tmp_path


def leftovers(root: Path) -> list[str]:
    """Files in the spool, and files in MEDIA_ROOT no record points at (an accepted piece of
    evidence, a 1-pixel screenshot say, is kept with its record, as it should be)."""
    from smpolicy.safeguarding.models import Evidence

    known = {str(root / "media" / path) for path in Evidence.objects.values_list("file_path",
                                                                                flat=True)}
    found = [str(p.relative_to(root)) for p in (root / "spool").rglob("*") if p.is_file()]
    found += [str(p.relative_to(root)) for p in (root / "media").rglob("*")
              if p.is_file() and str(p) not in known]
    return found


def send(endpoint: Endpoint, attack: Attack) -> Any:
    with override_settings(**attack.settings):
        return endpoint.client.generic("POST", endpoint.url, attack.body,
                                       content_type=attack.content_type,
                                       **{"HTTP_X_CSRFTOKEN": CSRF, **attack.extra})


def test_hostile_input_never_gives_a_500_nor_leaves_files(site, settings, capsys):
    endpoints, root = site
    tried = 0
    server_errors: list[str] = []
    unexplained: list[str] = []
    left: list[str] = []
    for endpoint in endpoints:
        attacks = body_attacks(endpoint.fields, endpoint.file_field)
        if endpoint.file_field:
            attacks += file_attacks(endpoint.fields, endpoint.file_field)
        for attack in attacks:
            tried += 1
            try:
                response = send(endpoint, attack)
            except Exception as exc:  # escaped the handlers altogether: a 500 and worse
                server_errors.append(f"{endpoint.name} / {attack.name}: {type(exc).__name__}")
                continue
            where = f"{endpoint.name} / {attack.name}: {response.status_code}"
            if response.status_code >= 500:
                server_errors.append(where)
            elif response.status_code in (400, 413) and not response.content.strip():
                unexplained.append(where)
            if leftovers(root):
                left.append(f"{where} left {leftovers(root)}")
                for path in leftovers(root):
                    (root / path).unlink()  # so the next attack is judged on its own
    with capsys.disabled():
        print(f"\nhostile input: {tried} requests to {len(endpoints)} endpoints, "
              f"{len(server_errors)} gave a 500, {len(left)} left files behind")
    assert server_errors == [], "\n".join(server_errors)
    assert unexplained == [], "\n".join(unexplained)
    assert left == [], "\n".join(left)
    assert tried > 150


# -- what the person is told ----------------------------------------------------------------------


def post_file(endpoint: Endpoint, name: str, data: bytes) -> Any:
    return endpoint.client.generic(
        "POST", endpoint.url, multipart(endpoint.fields, {endpoint.file_field: (name, data)}),
        content_type=f"multipart/form-data; boundary={BOUNDARY}", HTTP_X_CSRFTOKEN=CSRF)


def by_name(endpoints: list[Endpoint], name: str) -> Endpoint:
    return next(e for e in endpoints if e.name == name)


def test_a_1_pixel_picture_is_a_clear_422_on_the_page_and_the_api(site):
    endpoints, _ = site
    page = post_file(by_name(endpoints, "check page"), "pixel.png", png(1, 1))
    assert page.status_code == 422
    assert "pixel.png: the picture is only 1 x 1 pixels" in page.content.decode()
    api = post_file(by_name(endpoints, "API post check"), "pixel.png", png(1, 1))
    assert api.status_code == 422
    assert api.json() == {"error": "pixel.png: the picture is only 1 x 1 pixels; a picture to "
                                   "check needs at least 16 pixels a side", "field": "images"}


@pytest.mark.parametrize("endpoint", ["people import", "photo-consent import"])
def test_a_csv_that_is_not_utf8_names_the_byte_and_line(site, endpoint):
    endpoints, _ = site
    response = post_file(by_name(endpoints, endpoint), "people.csv", FILES["CSV not UTF-8"][1])
    assert response.status_code in (200, 422)
    assert ("the file is not UTF-8 text: byte 0x81 at line 3; save it as CSV UTF-8"
            in response.content.decode())


def test_a_body_over_the_limit_is_413_with_a_page_and_json_for_the_api(site, settings):
    endpoints, _ = site
    settings.SMPOLICY_MAX_REQUEST_BYTES = 64 * 1024
    big = ("big.png", b"0" * 70_000)
    page = by_name(endpoints, "evidence upload")
    response = page.client.generic("POST", page.url, multipart(page.fields, {"files": big}),
                                   content_type=f"multipart/form-data; boundary={BOUNDARY}", HTTP_X_CSRFTOKEN=CSRF)
    assert response.status_code == 413
    assert "more than the 64 KB this site accepts in one go" in response.content.decode()
    assert "What you sent is too large" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    api = by_name(endpoints, "API post check")
    response = api.client.generic("POST", api.url, multipart(api.fields, {"images": big}),
                                  content_type=f"multipart/form-data; boundary={BOUNDARY}", HTTP_X_CSRFTOKEN=CSRF)
    assert response.status_code == 413
    assert "this site accepts in one go" in response.json()["error"]


def test_form_text_over_the_memory_limit_is_413(site):
    endpoints, _ = site
    ask = by_name(endpoints, "ask the policy")
    response = ask.client.post(ask.url, {"situation": "a" * (3 * 1024 * 1024)},
                               HTTP_X_CSRFTOKEN=CSRF)
    assert response.status_code == 413
    assert "text is larger than the 2.5 MB this site accepts" in response.content.decode()
    api = by_name(endpoints, "API post check")
    response = api.client.post(api.url, json.dumps({"text": "a" * (3 * 1024 * 1024)}),
                               content_type="application/json", HTTP_X_CSRFTOKEN=CSRF)
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]


def test_multipart_without_a_boundary_is_400_naming_the_problem(site):
    endpoints, _ = site
    for name in ("check page", "API post check", "evidence upload"):
        endpoint = by_name(endpoints, name)
        response = endpoint.client.generic("POST", endpoint.url, b"--x\r\n\r\n",
                                           content_type="multipart/form-data",
                                           HTTP_X_CSRFTOKEN=CSRF)
        assert response.status_code == 400, name
        assert "without a boundary" in response.content.decode(), name
    assert response.status_code == 400


def test_error_pages_are_the_sites_own(site, settings):
    endpoints, _ = site
    client = by_name(endpoints, "check page").client
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404
    assert "Page not found" in missing.content.decode()
    assert 'class="site-header"' in missing.content.decode()  # the site's layout
    api_missing = client.get("/api/no-such-route")
    assert api_missing.status_code == 404

