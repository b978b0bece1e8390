"""Fixtures for the registers: a school with its leadership, staff, governors and a family, and
another school that must never show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from smpolicy.safeguarding.testing import pass_second_factor
from smpolicy.schools import testing
from smpolicy.schools.models import Person, School


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://policy.example"


@dataclass
class Staffroom:
    school: School
    head: Person
    deputy: Person  # deputy head: senior leadership
    dsl: Person
    teacher: Person
    ta: Person  # teaching assistant, new this term
    chair: Person
    governor: Person
    pupil: Person
    sibling: Person
    parent: Person
    other_parent: Person


def make_staffroom(school: School, prefix: str = "") -> Staffroom:
    mk = testing.make_person
    today = dt.date.today()
    head = mk(school, "staff", "Helen", f"{prefix}Head", positions=["headteacher", "dsl"],
              email="head@example.org", joined_on=dt.date(2016, 9, 1))
    deputy = mk(school, "staff", "Mark", f"{prefix}Deputy", positions=["senior_leadership"],
                email="deputy@example.org", joined_on=dt.date(2017, 9, 1), line_manager=head)
    dsl = mk(school, "staff", "Priya", f"{prefix}Dsl", positions=["deputy_dsl"],
             email="dsl@example.org", joined_on=dt.date(2018, 1, 8), line_manager=head)
    teacher = mk(school, "staff", "Amy", f"{prefix}Teacher", email="amy@example.org",
                 joined_on=dt.date(2019, 9, 2), line_manager=deputy)
    ta = mk(school, "staff", "Lucy", f"{prefix}Assistant", email="lucy@example.org",
            joined_on=today, line_manager=teacher)
    chair = mk(school, "governor", "David", f"{prefix}Chair", positions=["chair_of_governors"],
               email="chair@example.org")
    governor = mk(school, "governor", "Anita", f"{prefix}Governor", email="anita@example.org")
    pupil = mk(school, "pupil", "Oliver", f"{prefix}Smith")
    sibling = mk(school, "pupil", "Ella", f"{prefix}Smith", date_of_birth=testing.born_aged(6))
    parent = mk(school, "parent", "Sarah", f"{prefix}Smith")
    other_parent = mk(school, "parent", "Nadia", f"{prefix}Khan")
    testing.link_parent(parent, pupil)
    testing.link_parent(parent, sibling)
    return Staffroom(school, head, deputy, dsl, teacher, ta, chair, governor, pupil, sibling,
                     parent, other_parent)


@pytest.fixture
def school(db) -> School:
    return testing.make_school("Straits Primary School", slug="straits")


@pytest.fixture
def room(school) -> Staffroom:
    return make_staffroom(school)


@pytest.fixture
def other_room(db) -> Staffroom:
    return make_staffroom(testing.make_school("Harbour Primary School", slug="harbour"), "H")


@pytest.fixture
def login(client):
    """Sign the test client in as ``person`` (making their account on first use)."""

    def sign_in(person: Person, *, second_factor: bool = True):
        user = person.user or testing.make_user(person)
        client.force_login(user)
        if second_factor:  # the version register and subject access need it
            pass_second_factor(client, user)
        return client

    return sign_in


def verify_second_factor(client, person: Person) -> None:
    """Pass the second factor the way a person does: an authenticator code typed into the verify
    page (so the session holds whatever the safeguarding app's check expects)."""
    import pyotp
    from django.urls import reverse

    from smpolicy.safeguarding.models import SecondFactor

    factor = SecondFactor.objects.filter(user=person.user).first()
    if factor is None:
        factor = SecondFactor.objects.create(user=person.user, secret=pyotp.random_base32(32))
    totp, now = pyotp.TOTP(factor.secret), dt.datetime.now(dt.UTC)
    # A code is used once: a second sign-in in the same 30 seconds takes the next step's code,
    # which the check's window accepts.
    if factor.last_step >= totp.timecode(now):
        now += dt.timedelta(seconds=totp.interval)
    code = totp.at(now)
    response = client.post(reverse("safeguarding:second_factor_verify"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.fixture
def login_verified(client):
    """Sign the test client in as ``person`` with the second factor verified."""

    def sign_in(person: Person):
        user = person.user or testing.make_user(person)
        client.force_login(user)
        person.refresh_from_db()
        verify_second_factor(client, person)
        return client

    return sign_in
