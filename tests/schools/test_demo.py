"""The demo school: Straits Primary School and its demo logins."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse

from smpolicy.schools.access import capabilities
from smpolicy.schools.demo import DEMO_CSV, demo_people_csv, load_demo_school, pupil_birth_date
from smpolicy.schools.importing import import_people
from smpolicy.schools.models import ParentLink, Person, Position, School
from smpolicy.schools.positions import dsl_team, headteacher, holders

pytestmark = pytest.mark.django_db


def _counts():
    return (Person.objects.count(), ParentLink.objects.count(), Position.objects.count())


def test_the_demo_school_loads_and_loading_it_again_changes_nothing():
    logins = load_demo_school()
    first = _counts()
    assert load_demo_school() == logins
    assert _counts() == first
    assert School.objects.filter(slug="straits").count() == 1


def test_the_demo_school_is_straits_primary():
    load_demo_school()
    school = School.objects.get(slug="straits")
    assert school.name == "Straits Primary School"
    assert school.short_names == ["Straits Primary", "Straits"]
    assert school.email_domains == ["straits.sch.uk"]
    assert school.phone_numbers == ["01632 960000"]


def test_the_headteacher_is_the_dsl_with_a_deputy():
    load_demo_school()
    school = School.objects.get(slug="straits")
    head = headteacher(school)
    team = dsl_team(school)
    assert team[0] == head
    assert len(team) == 2
    assert holders(school, "chair_of_governors").get().role == "governor"
    assert holders(school, "senior_leadership").exists()
    assert holders(school, "it_lead").exists()


def test_the_demo_pupils_are_4_to_11_with_a_former_pupil_of_12_and_one_of_19():
    load_demo_school()
    pupils = Person.objects.filter(role="pupil")
    current = [p for p in pupils if p.roll_status() == "current"]
    former = sorted(p.age() for p in pupils if p.roll_status() == "former")
    assert len(current) >= 28
    assert {p.age() for p in current} <= set(range(4, 12))
    assert min(p.age() for p in current) in (4, 5)
    assert max(p.age() for p in current) in (10, 11)
    assert former == [12, 19]


def test_the_demo_has_siblings_and_line_managers():
    load_demo_school()
    amira = Person.objects.get(first_name="Amira", last_name="Khan")
    assert {p.first_name for p in amira.siblings()} == {"Hamza", "Zain"}
    assert Person.objects.exclude(line_manager=None).count() >= 10


@pytest.mark.parametrize(
    ("on", "expected"),
    [(dt.date(2024, 9, 1), (4, 5)), (dt.date(2025, 8, 31), (4, 5))],
)
def test_a_reception_child_is_4_or_5_all_year(on, expected):
    youngest = pupil_birth_date(0, 8, 31, on)
    oldest = pupil_birth_date(0, 9, 1, on)
    from smpolicy.schools.models import age_on

    assert age_on(youngest, on) in expected
    assert age_on(oldest, on) in expected
    assert age_on(pupil_birth_date(6, 9, 1, on), on) in (10, 11)


def test_every_demo_login_can_sign_in(client):
    logins = load_demo_school()
    assert {u for u, _, _ in logins} == {
        "head",
        "deputydsl",
        "teacher",
        "ta",
        "chair",
        "itlead",
        "admin",
    }
    for username, password, _who in logins:
        # With a request, as django-axes (sign-in throttling) needs to count the attempt.
        assert authenticate(HttpRequest(), username=username, password=password) is not None
        response = client.post(
            reverse("schools:login"), {"username": username, "password": password}
        )
        assert response.status_code == 302, username
        assert client.get(reverse("schools:home")).status_code == 200
        client.post(reverse("schools:logout"))


def test_the_demo_logins_have_the_capabilities_of_their_posts():
    load_demo_school()
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    assert {"manage_people", "safeguarding"} <= capabilities(users["head"])
    assert "safeguarding" in capabilities(users["deputydsl"])
    assert "safeguarding" not in capabilities(users["teacher"])
    assert "governor_reports" in capabilities(users["chair"])
    assert "network_monitoring" in capabilities(users["itlead"])
    assert users["admin"].is_superuser
    assert "manage_people" in capabilities(users["admin"])


def test_the_headteacher_can_open_the_people_page_of_the_demo(client):
    load_demo_school()
    client.post(reverse("schools:login"), {"username": "head", "password": "straits-head-demo"})
    page = client.get(reverse("schools:people"), {"role": "pupil", "q": "khan"}).content.decode()
    assert "Amira Khan" in page
    assert "Hamza Khan" in page
    assert "Nadia Khan" not in page  # a parent, not a pupil
    assert "Mark Evans" not in page


def test_the_shipped_demo_csv_has_the_demo_people_and_imports_cleanly():
    shipped = list(csv.DictReader(io.StringIO(DEMO_CSV.read_text(encoding="utf-8"))))
    today = list(csv.DictReader(io.StringIO(demo_people_csv())))
    names = ("external_id", "first_name", "last_name", "role")
    assert [[r[n] for n in names] for r in shipped] == [[r[n] for n in names] for r in today]
    school = School.objects.create(name="Copy", slug="copy")
    report = import_people(school, DEMO_CSV)
    assert report.ok, report.as_text()
    assert report.created == len(shipped)


def test_the_demo_command_sets_up_and_prints_the_logins(capsys):
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "straits-head-demo" in out
    assert "http://127.0.0.1:8000/" in out
    assert School.objects.filter(slug="straits").exists()
