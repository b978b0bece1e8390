"""The MIS sync from Wonde, against a Wonde-shaped HTTP server on 127.0.0.1 (wonde_fixtures)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from smpolicy.schools import testing
from smpolicy.schools.importing import import_people
from smpolicy.schools.mis_sync import sync_school
from smpolicy.schools.models import MisConnection, ParentLink, Person

from .wonde_fixtures import (
    SCHOOL_ID,
    TOKEN,
    WondeServer,
    contact,
    deletion,
    employee,
    school_class,
    student,
)

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 12, 2, 2, 0))


@pytest.fixture
def wonde(settings):
    with WondeServer() as server:
        settings.WONDE_API_URL = f"{server.url}/v1.0"
        mum = contact("C1", "Sarah", "Smith", "Mother", "sarah@example.com")
        server.endpoints.update(
            students=[
                student("A1", "1001", "Oliver", "Smith", "2016-03-04", "5", "Oak",
                        contacts=(mum,)),
                student("A2", "1002", "Ella", "Smith", "2019-10-01", "2", contacts=(mum,)),
                student("A3", "1003", "Charlotte", "Young", "2017-06-27", "4", "Maple",
                        known_as="Charlie",
                        contacts=(contact("C2", "Dan", "Young", "Foster carer"),)),
            ],
            employees=[employee("E1", "Tom", "Hughes", "t.hughes@straits.sch.uk")],
            contacts=[mum, contact("C2", "Dan", "Young", "Foster carer")],
            classes=[school_class("K1", "Hazel", ["A2"])],
        )
        yield server


@pytest.fixture
def connected(school):
    connection = MisConnection(school=school, mis_school_id=SCHOOL_ID)
    connection.set_token(TOKEN)
    connection.save()
    return school


def test_a_first_sync_brings_in_pupils_staff_parents_years_classes_and_links(connected, wonde):
    report = sync_school(connected, NOW)
    assert report.ok, report.as_text()
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    oliver = Person.objects.get(wonde_id="A1")
    assert (oliver.role, oliver.external_id, oliver.date_of_birth) == (
        "pupil", "1001", dt.date(2016, 3, 4))
    assert oliver.label == "Oliver Smith (Year 5, Oak class)"
    assert oliver.on_roll_from == dt.date(2022, 9, 1)
    # No registration group: the one class /classes puts her in.
    assert Person.objects.get(wonde_id="A2").class_name == "Hazel"
    charlie = Person.objects.get(wonde_id="A3")
    assert (charlie.first_name, charlie.preferred_name) == ("Charlotte", "Charlie")
    assert Person.objects.get(wonde_id="E1").email == "t.hughes@straits.sch.uk"
    sarah = Person.objects.get(wonde_id="C1")
    assert (sarah.role, sarah.email) == ("parent", "sarah@example.com")
    assert {c.first_name for c in sarah.children()} == {"Oliver", "Ella"}
    assert ParentLink.objects.get(parent__wonde_id="C2").relationship == "carer"
    assert report.links_created == 3
    assert "created Oliver Smith (Year 5, Oak class) (pupil)" in report.as_text()
    # Every endpoint was read, with the token, and only from the school's own path.
    assert {r.split("?")[0].rsplit("/", 1)[1] for r in wonde.requests} == {
        "students", "students-leaver", "employees", "contacts", "classes", "deletions"}


def test_syncing_again_changes_nothing(connected, wonde):
    sync_school(connected, NOW)
    again = sync_school(connected, NOW)
    assert (again.created, again.updated, again.unchanged, again.left) == (0, 0, 6, 0)
    assert (again.links_created, again.links_updated, again.links_ended) == (0, 0, 0)
    assert again.changes == []


def test_a_change_in_the_mis_updates_the_person_and_says_what(connected, wonde):
    sync_school(connected, NOW)
    wonde.endpoints["students"][0] = student(
        "A1", "1001", "Oliver", "Smith", "2016-03-04", "6", "Willow",
        contacts=(contact("C1", "Sarah", "Smith", "Guardian"),))
    report = sync_school(connected, NOW)
    assert report.updated == 1
    assert Person.objects.get(wonde_id="A1").label == "Oliver Smith (Year 6, Willow class)"
    assert "updated Oliver Smith (Year 6, Willow class) (pupil): year_group, class_name" in (
        report.changes)
    assert report.links_updated == 1
    assert ParentLink.objects.get(child__wonde_id="A1").relationship == "guardian"


def test_staff_gone_from_the_mis_are_kept_and_flagged_for_a_person(connected, wonde):
    sync_school(connected, NOW)
    wonde.endpoints["employees"] = []
    report = sync_school(connected, NOW)
    assert Person.objects.filter(wonde_id="E1", role="staff").exists()
    assert report.to_check == [
        "Tom Hughes is no longer among the MIS's staff; they are kept here: end their posts and "
        "account if they have left"
    ]


def test_a_dry_run_says_what_would_change_and_writes_nothing(connected, wonde):
    report = sync_school(connected, NOW, dry_run=True)
    assert report.ok and report.dry_run
    assert report.created == 6
    assert not Person.objects.exists()
    assert "Dry run, nothing was saved" in report.summary()
    connection = MisConnection.objects.get()
    assert connection.last_run_dry and connection.last_run_ok


def test_a_leaver_becomes_a_former_pupil_with_the_leaving_date_never_deleted(connected, wonde):
    sync_school(connected, NOW)
    oliver = wonde.endpoints["students"].pop(0)
    oliver["education_details"]["data"]["leaving_date"] = {
        "date": "2026-11-27 00:00:00.000000", "timezone_type": 3, "timezone": "Europe/London"}
    wonde.endpoints["students-leaver"] = [oliver]
    report = sync_school(connected, NOW)
    assert report.ok, report.as_text()
    assert report.left == 1
    left = Person.objects.get(wonde_id="A1")
    assert (left.on_roll, left.on_roll_until) == ("former", dt.date(2026, 11, 27))
    assert left.roll_status(dt.date(2026, 12, 2)) == "former"
    assert left.as_party(dt.date(2026, 12, 2))["on_roll"] == "former"
    assert "left: Oliver Smith (Year 5, Oak class), on 27/11/2026" in report.as_text()
    assert sync_school(connected, NOW).left == 0  # and once only


def test_a_pupil_wonde_no_longer_lists_has_left_today(connected, wonde):
    sync_school(connected, NOW)
    wonde.endpoints["students"].pop(1)
    report = sync_school(connected, NOW)
    ella = Person.objects.get(wonde_id="A2")
    assert (ella.on_roll, ella.on_roll_until) == ("former", dt.date(2026, 12, 2))
    assert report.left == 1


def test_a_deletion_makes_a_pupil_former_and_ends_a_contacts_links(connected, wonde):
    sync_school(connected, NOW)
    wonde.endpoints["students"] = [s for s in wonde.endpoints["students"] if s["id"] != "A3"]
    wonde.endpoints["deletions"] = [
        deletion("A3", "student", "2026-11-30"),
        deletion("C1", "contact", "2026-11-30"),
        deletion("E1", "employee", "2026-11-30"),
        deletion("A2", "student", "2026-11-01", restored=True),
    ]
    # The contact deleted from the MIS no longer appears on the pupils either.
    for record in wonde.endpoints["students"]:
        record["contacts"]["data"] = []
    report = sync_school(connected, NOW)
    assert report.ok, report.as_text()
    charlie = Person.objects.get(wonde_id="A3")
    assert charlie.on_roll == "former"
    assert Person.objects.get(wonde_id="A2").on_roll == "current"  # restored
    assert Person.objects.filter(wonde_id="C1").exists()  # kept: records may name them
    assert not ParentLink.objects.filter(parent__wonde_id="C1").exists()
    assert any("Tom Hughes was deleted from the MIS" in line for line in report.to_check)


def test_pages_are_followed_across_a_page_boundary(connected, wonde):
    wonde.per_page = 2
    extra = [student(f"A{n}", f"2{n:03}", f"Pupil{n}", "Page", "2018-01-01", "3")
             for n in range(10, 15)]
    wonde.endpoints["students"] += extra  # 8 students: pages of 2, 2, 2, 2
    report = sync_school(connected, NOW)
    assert report.ok, report.as_text()
    assert Person.objects.filter(role="pupil").count() == 8
    student_pages = [r for r in wonde.requests if "/students?" in r]
    assert len(student_pages) == 4
    assert "page=4" in student_pages[-1]


def test_a_refused_token_is_a_clear_error_and_changes_nothing(connected, wonde):
    sync_school(connected, NOW)
    before = list(Person.objects.values_list("pk", "first_name", "on_roll"))
    wonde.token = "a-new-token-the-school-has-not-given-us"
    wonde.endpoints["students"] = []
    report = sync_school(connected, NOW)
    assert not report.ok
    assert "Wonde refused the token (HTTP 401)" in report.summary()
    assert "Nothing was changed" in report.summary()
    assert list(Person.objects.values_list("pk", "first_name", "on_roll")) == before
    assert MisConnection.objects.get().last_run_ok is False


def test_a_roster_imported_from_csv_is_taken_over_not_doubled(connected, wonde):
    import_people(
        connected,
        "first_name,last_name,role,date_of_birth,external_id\n"
        "Oliver,Smith,pupil,2016-03-04,1001\nTom,Hughes,staff,,\n",
    )
    report = sync_school(connected, NOW)
    assert report.ok, report.as_text()
    assert Person.objects.filter(first_name="Oliver").count() == 1
    assert Person.objects.get(first_name="Oliver").wonde_id == "A1"
    assert Person.objects.get(last_name="Hughes").wonde_id == "E1"


def test_the_command_syncs_and_exits_2_on_a_refused_token(connected, wonde):
    out = io.StringIO()
    call_command("mis_sync", "--school", "straits", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Person.objects.exists()
    wonde.token = "another"
    with pytest.raises(CommandError) as error:
        call_command("mis_sync", "--school", "straits", stdout=io.StringIO())
    assert error.value.returncode == 2


def test_the_page_saves_the_token_never_shows_it_and_runs_a_dry_run(
    client, connected, wonde, make_user
):
    lead = testing.make_person(connected, "staff", positions=["it_lead"])
    client.force_login(make_user(lead))
    page = client.get(reverse("schools:mis_sync"))
    assert page.status_code == 200
    assert TOKEN not in page.content.decode()
    assert f"…{TOKEN[-4:]}" in page.content.decode()
    client.post(reverse("schools:mis_sync"), {"action": "save", "mis_school_id": SCHOOL_ID,
                                              "token": "", "nightly": "on"})
    assert MisConnection.objects.get().token == TOKEN  # a blank token keeps the stored one
    dry = client.post(reverse("schools:mis_sync"), {"action": "dry_run"})
    text = dry.content.decode()
    assert "Dry run, nothing was saved" in text
    assert "created Oliver Smith (Year 5, Oak class) (pupil)" in text
    assert TOKEN not in text
    assert not Person.objects.filter(wonde_id="A1").exists()


def test_the_page_is_refused_to_staff_without_the_post(client, connected, make_user):
    teacher = testing.make_person(connected, "staff")
    client.force_login(make_user(teacher))
    assert client.get(reverse("schools:mis_sync")).status_code == 403


def test_a_new_member_of_staff_from_the_mis_gets_a_profile_review_the_first_sync_none(
        connected, wonde):
    from smpolicy.registers.models import ProfileReview

    first = sync_school(connected, NOW)
    assert first.reviews_opened == 0 and not ProfileReview.objects.exists()
    wonde.endpoints["employees"].append(employee("E2", "Ada", "Lovelace", "a.l@straits.sch.uk"))
    later = sync_school(connected, NOW)
    assert later.created == 1 and later.reviews_opened == 1
    assert "1 profile review opened for new staff" in later.summary()
    (review,) = ProfileReview.objects.all()
    assert review.person.wonde_id == "E2" and review.due_on == dt.date(2026, 12, 30)
    assert sync_school(connected, NOW).reviews_opened == 0  # never twice
