"""Fixtures for the posting tests: a school with its headteacher, a teacher, a senior leader,
pupils with parents, and images (a photo with a face shipped in scikit-image, a photo carrying a
GPS position, files made to be refused)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone
from PIL import Image

from smpolicy.posting.models import PhotoConsent
from smpolicy.schools import testing
from smpolicy.schools.models import today


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _site_mounts_check() -> bool:
    try:
        return resolve("/api/posts/check").url_name is not None
    except Resolver404:
        return False


@pytest.fixture
def check_url(settings) -> str:
    """Where POST /api/posts/check answers: the site's API once the lead mounts the router, else
    a test API carrying the same router."""
    if _site_mounts_check():
        return "/api/posts/check"
    settings.ROOT_URLCONF = __name__.rsplit(".", 1)[0] + ".urls"
    return "/posting-test-api/posts/check"


def _school(name: str, slug: str, domain: str, phone: str):
    return testing.make_school(
        name,
        slug=slug,
        short_names=[name.replace(" School", ""), name.split()[0]],
        email_domains=[domain],
        phone_numbers=[phone],
    )


@pytest.fixture
def school(db):
    return _school("Straits Primary School", "straits", "straits.sch.uk", "01632 960000")


@pytest.fixture
def other_school(db):
    return _school("Harbour Primary School", "harbour", "harbour.sch.uk", "01632 960111")


def _member(school, role, first, last, username, positions=()):
    person = testing.make_person(school, role, first, last, positions=positions)
    testing.make_user(person, username=username)
    return person


@pytest.fixture
def head(school):
    return _member(school, "staff", "Helen", "Marsh", "head", ["headteacher", "dsl"])


@pytest.fixture
def teacher(school, head):
    return _member(school, "staff", "Ada", "Lovelace", "teacher")


@pytest.fixture
def leader(school, head):
    return _member(school, "staff", "Sam", "Okafor", "leader", ["senior_leadership"])


@pytest.fixture
def governor(school):
    return _member(school, "governor", "Gwen", "Price", "governor")


@pytest.fixture
def pupil(school):
    return testing.make_person(school, "pupil", "Oliver", "Smith")


@pytest.fixture
def other_pupil(school):
    return testing.make_person(school, "pupil", "Amira", "Khan")


@pytest.fixture
def parent_of(school):
    def make(child, first="Pat", last=None):
        parent = testing.make_person(school, "parent", first, last or child.last_name)
        testing.link_parent(parent, child)
        return parent

    return make


@pytest.fixture
def give_consent(parent_of):
    """Record a parent's answer for a pupil (granted unless said otherwise)."""

    def give(pupil, use="social_media", status="granted", given_on=None, valid_until=None):
        parent = pupil.parents().first() or parent_of(pupil)
        entry = PhotoConsent(
            school=pupil.school,
            pupil=pupil,
            use=use,
            status=status,
            given_by=parent if status != "requested" else None,
            given_on=(given_on or today() - dt.timedelta(days=30))
            if status != "requested"
            else None,
            valid_until=valid_until,
        )
        entry.full_clean()
        entry.save()
        return entry

    return give


@pytest.fixture
def later():
    """A time comfortably in the future, for scheduling."""
    return timezone.now() + dt.timedelta(days=2)


# -- images ---------------------------------------------------------------------------------------


def _skimage_file(name: str) -> Path:
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("scikit-image is not installed; it ships the test photo with a face")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


@pytest.fixture(scope="session")
def face_jpeg() -> bytes:
    """Eileen Collins's NASA portrait (public domain), shipped in scikit-image as astronaut.png."""
    with Image.open(_skimage_file("astronaut.png")) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=90)
        return out.getvalue()


def jpeg_with_gps(size=(64, 48), latitude=(51, 30, 0), longitude=(0, 7, 30)) -> bytes:
    image = Image.new("RGB", size, (120, 160, 200))
    exif = Image.Exif()
    exif[0x0112] = 1
    gps = {1: "N", 2: latitude, 3: "W", 4: longitude}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def gps_jpeg() -> bytes:
    return jpeg_with_gps()


def png(size=(32, 32), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def bomb_png(side: int = 20_000) -> bytes:
    """A PNG whose header says 20,000 x 20,000 (400 megapixels) but which is tiny on disk."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG", optimize=True)
    return out.getvalue()
