"""Fixtures of the network app's tests: a school with its networks set, and who signs in."""

from __future__ import annotations

from pathlib import Path

import pytest

from smpolicy.network.models import NetworkSettings
from smpolicy.schools import testing

FIXTURES = Path(__file__).parent.parent / "monitoring" / "fixtures"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def school(db):
    school = testing.make_school("Straits Primary School", slug="straits")
    NetworkSettings.objects.create(
        school=school,
        networks_yaml=(FIXTURES / "networks.yaml").read_text(),
        lists_dir=str(FIXTURES / "lists"),
    )
    return school


@pytest.fixture
def other_school(db):
    return testing.make_school("Harbour Primary School", slug="harbour")


@pytest.fixture
def it_lead(school):
    person = testing.make_person(school, "staff", "Ira", "Tech", positions=["it_lead"])
    testing.make_user(person, username="ira.tech")
    return person


@pytest.fixture
def sign_in(client):
    def sign_in_as(person):
        client.force_login(person.user)
        return person

    return sign_in_as


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Upload a fixture log on the upload page, as whoever is signed in, and follow it to the
    scan's page. The scan is queued when the upload commits and (tasks run at once in the tests)
    read then, as the worker would a moment later."""

    def upload_log(name, *, people=None, format="auto"):
        data = {"format": format}
        with (FIXTURES / name).open("rb") as log, \
                django_capture_on_commit_callbacks(execute=True):
            data["log"] = log
            if people:
                with (FIXTURES / people).open("rb") as people_file:
                    data["people"] = people_file
                    answer = client.post("/network/upload/", data)
            else:
                answer = client.post("/network/upload/", data)
        return client.get(answer["Location"]) if answer.status_code == 302 else answer

    return upload_log
