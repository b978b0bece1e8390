"""Shared fixtures for the schools tests; the same factories are in smpolicy.schools.testing for
other test folders."""

from __future__ import annotations

import pytest

from smpolicy.schools import testing


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def school(db):
    return testing.make_school(
        "Straits Primary School",
        slug="straits",
        short_names=["Straits Primary", "Straits"],
        email_domains=["straits.sch.uk"],
        phone_numbers=["01632 960000"],
    )


@pytest.fixture
def other_school(db):
    return testing.make_school("Harbour Primary School", slug="harbour")


@pytest.fixture
def make_person(db):
    return testing.make_person


@pytest.fixture
def make_user(db):
    return testing.make_user


@pytest.fixture
def signed_in(client, make_person, make_user):
    """Sign the test client in as a new person of ``school`` with ``role`` and ``positions``."""

    def sign_in(school, role="staff", positions=(), **user_fields):
        person = make_person(school, role, positions=positions)
        client.force_login(make_user(person, **user_fields))
        return person

    return sign_in
