from __future__ import annotations

import pytest

from smpolicy.schools import testing


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def school(transactional_db):
    return testing.make_school("Straits Primary School", slug="straits")


@pytest.fixture
def teacher(school):
    person = testing.make_person(school, "staff", "Ada", "Lovelace")
    testing.make_user(person, username="ada.lovelace")
    return person
