"""Fixtures for the safeguarding tests: a school with its posts filled, sign-in with a second
factor, and pictures and files to upload."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from smpolicy.safeguarding.models import SecondFactor
from smpolicy.safeguarding.testing import enrol as testing_enrol
from smpolicy.safeguarding.testing import pass_second_factor
from smpolicy.schools import testing
from smpolicy.schools.models import Person, School


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://policy.example.sch.uk"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@dataclass
class Staffroom:
    """One school with everyone a safeguarding test needs."""

    school: School
    head: Person
    dsl: Person
    deputy: Person
    teacher: Person
    colleague: Person
    governor: Person
    chair: Person
    volunteer: Person
    pupil: Person
    sibling: Person
    parent: Person


def make_staffroom(name: str, slug: str, *, head_is_dsl: bool = False) -> Staffroom:
    school = testing.make_school(name, slug=slug)
    mk = testing.make_person
    head = mk(
        school,
        "staff",
        "Helen",
        f"Head{slug.title()}",
        positions=["headteacher", "dsl"] if head_is_dsl else ["headteacher"],
        email=f"head@{slug}.sch.uk",
    )
    dsl = mk(
        school,
        "staff",
        "Dora",
        f"Lead{slug.title()}",
        positions=["dsl"],
        email=f"dsl@{slug}.sch.uk",
    )
    deputy = mk(
        school,
        "staff",
        "Dev",
        f"Deputy{slug.title()}",
        positions=["deputy_dsl"],
        email=f"deputy@{slug}.sch.uk",
    )
    colleague = mk(
        school, "staff", "Colin", f"Colleague{slug.title()}", email=f"colin@{slug}.sch.uk"
    )
    teacher = mk(
        school,
        "staff",
        "Ada",
        f"Teacher{slug.title()}",
        email=f"ada@{slug}.sch.uk",
        line_manager=colleague,
    )
    governor = mk(school, "governor", "Gil", f"Governor{slug.title()}")
    chair = mk(
        school,
        "governor",
        "Cara",
        f"Chair{slug.title()}",
        positions=["chair_of_governors"],
        email=f"chair@{slug}.sch.uk",
    )
    volunteer = mk(school, "volunteer", "Val", f"Volunteer{slug.title()}")
    pupil = mk(school, "pupil", "Pip", f"Pupil{slug.title()}", date_of_birth=testing.born_aged(10))
    sibling = mk(school, "pupil", "Sid", f"Pupil{slug.title()}", date_of_birth=testing.born_aged(7))
    parent = mk(school, "parent", "Pat", f"Pupil{slug.title()}")
    testing.link_parent(parent, pupil)
    testing.link_parent(parent, sibling)
    for person in (
        head,
        dsl,
        deputy,
        teacher,
        colleague,
        governor,
        chair,
        volunteer,
        pupil,
        parent,
    ):
        testing.make_user(person, username=f"{person.first_name.lower()}.{slug}")
    return Staffroom(
        school,
        head,
        dsl,
        deputy,
        teacher,
        colleague,
        governor,
        chair,
        volunteer,
        pupil,
        sibling,
        parent,
    )


@pytest.fixture
def straits(db) -> Staffroom:
    return make_staffroom("Straits Primary School", "straits")


@pytest.fixture
def harbour(db) -> Staffroom:
    return make_staffroom("Harbour Primary School", "harbour")


def enrol(person_or_user: Any) -> SecondFactor:
    return testing_enrol(getattr(person_or_user, "user", person_or_user))


def code_for(factor: SecondFactor, at: Any = None) -> str:
    return pyotp.TOTP(factor.secret).at(at or timezone.now())


def sign_in(client: Client, person: Person, *, second_factor: bool = True) -> Client:
    """Sign ``client`` in as ``person``; with ``second_factor`` the session is verified."""
    client.force_login(person.user)
    if second_factor:
        pass_second_factor(client, person.user)
    return client


@pytest.fixture
def as_person(client):
    def _as(person: Person, *, second_factor: bool = True) -> Client:
        return sign_in(client, person, second_factor=second_factor)

    return _as


def png_bytes(text: str = "", size: tuple[int, int] = (320, 120)) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", size, "white")
    if text:
        draw = ImageDraw.Draw(image)
        try:
            font = ImageFont.truetype("DejaVuSans.ttf", 28)
        except OSError:
            font = ImageFont.load_default(size=28)
        draw.text((10, 40), text, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_report(
    room: Staffroom,
    kind: str = "pupil_contact",
    *,
    reporter: Person | str | None = "teacher",
    account: str = "Pip sent me a snap saying hello miss.",
    pupils: list[Person] | None = None,
    occurred_at: Any = None,
    recorded_at: Any = None,
    alert: bool = True,
    **answers: Any,
) -> Any:
    """A report made as the form makes it; with ``alert``, its alerts too (e-mails are sent when
    the test's transaction would commit: use django_capture_on_commit_callbacks)."""
    from smpolicy.safeguarding import alerts, intake

    if isinstance(reporter, str):
        reporter = getattr(room, reporter)
    given = intake.Answers(
        kind=kind,
        reporter=reporter,
        occurred_at=occurred_at or recorded_at or timezone.now(),
        account=account,
        pupils=[room.pupil] if pupils is None and kind == "pupil_contact" else (pupils or []),
        **answers,
    )
    report, routes = intake.create_report(room.school, given, now=recorded_at)
    if alert:
        alerts.raise_alerts(report, routes)
    return report


def as_if_retention_ended(report: Any) -> Any:
    """The report as if its retention date had passed. The app never moves a retention date back
    and neither does the database (dbguard): only the database's owner, lifting the guard for a
    moment, can stand in for the years going by."""
    from django.db import connection

    from smpolicy.safeguarding import dbguard
    from smpolicy.safeguarding.models import Report

    guard = dbguard.guard_for("safeguarding_report")
    with dbguard.lifted(connection, [guard]):
        # The base manager: the ORM's own refusal (records.Kept) is not what is lifted here.
        Report._base_manager.filter(pk=report.pk).update(
            retain_until=timezone.localdate() - dt.timedelta(days=1)
        )
    report.refresh_from_db()
    return report
