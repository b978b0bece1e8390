"""An import that adds a new member of staff opens their profile review (code.review-own-profiles),
once, inside the import's all-or-nothing transaction; a refused import shows no counts (issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from smpolicy.registers.models import ProfileReview, RegisterSettings
from smpolicy.schools import testing
from smpolicy.schools.importing import import_people
from smpolicy.schools.models import Person, today

pytestmark = pytest.mark.django_db

STAFF = """first_name,last_name,role,external_id
Katherine,Johnson,staff,S100
"""
FAMILY = """first_name,last_name,role,external_id,date_of_birth,parent_of
Oliver,Smith,pupil,P001,2016-03-04,
Sarah,Smith,parent,,,P001
"""


@pytest.fixture(autouse=True)
def already_running(request, school):
    """A school with staff already: its first roster opens no reviews (tested below)."""
    if "first_roster" not in request.node.name:
        testing.make_person(school, "staff", "Helen", "Head", positions=["headteacher"])


def reviews_of(person: Person) -> list[ProfileReview]:
    return list(ProfileReview.objects.for_school(person.school).filter(person=person))


def test_a_new_member_of_staff_gets_one_profile_review(school):
    report = import_people(school, STAFF)
    assert report.ok, report.as_text()
    assert report.reviews_opened == 1
    assert "1 profile review opened for new staff" in report.summary()
    (review,) = reviews_of(Person.objects.get(external_id="S100"))
    assert review.reason == ProfileReview.Reason.JOINED
    assert review.is_open
    assert review.checklist  # drawn from the school's pack, as the registers' own reviews are
    assert review.due_on == today() + dt.timedelta(days=28)  # the registers' default allowance


def test_the_due_date_follows_the_schools_setting(school):
    RegisterSettings.objects.create(school=school, profile_review_days=21)
    import_people(school, STAFF)
    (review,) = reviews_of(Person.objects.get(external_id="S100"))
    assert review.due_on == today() + dt.timedelta(days=21)


def test_importing_the_same_person_again_opens_no_second_review(school):
    import_people(school, STAFF)
    again = import_people(school, STAFF)
    assert (again.created, again.unchanged, again.reviews_opened) == (0, 1, 0)
    assert len(reviews_of(Person.objects.get(external_id="S100"))) == 1


def test_a_completed_review_is_not_reopened_by_the_next_import(school):
    import_people(school, STAFF)
    person = Person.objects.get(external_id="S100")
    done = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ProfileReview.objects.filter(person=person).update(completed_at=done)
    import_people(school, STAFF.replace("Katherine", "Kathy"))
    assert len(reviews_of(person)) == 1


def test_an_existing_member_of_staff_updated_by_the_import_gets_none(school, make_person):
    existing = make_person(school, "staff", "Dorothy", "Vaughan", external_id="S200")
    report = import_people(school, "first_name,last_name,role,external_id,email\n"
                           "Dorothy,Vaughan,staff,S200,d.vaughan@straits.sch.uk\n")
    assert (report.updated, report.reviews_opened) == (1, 0)
    assert reviews_of(existing) == []
    assert "profile review" not in report.summary()


def test_pupils_and_parents_get_none(school):
    report = import_people(school, FAMILY)
    assert (report.created, report.reviews_opened) == (2, 0), report.as_text()
    assert not ProfileReview.objects.exists()


def test_a_refused_import_opens_no_review_and_claims_nothing(school):
    report = import_people(school, STAFF + "Mary,Jackson,astronaut,S101\n")
    assert not report.ok
    assert not Person.objects.filter(external_id="S100").exists()
    assert not ProfileReview.objects.exists()
    assert report.reviews_opened == 0
    assert "created" not in report.summary()
    assert report.summary().startswith("Nothing was imported: fix the 1 error below")


def test_a_dry_run_says_what_it_would_open_and_opens_nothing(school):
    report = import_people(school, STAFF, dry_run=True)
    assert report.reviews_opened == 1
    assert "would give: 1 created" in report.summary()
    assert not ProfileReview.objects.exists()


def test_the_import_command_opens_the_review_and_says_so(school, tmp_path, capsys):
    export = tmp_path / "staff.csv"
    export.write_text(STAFF)
    call_command("import_people", str(export), "--school", school.slug)
    assert "1 profile review opened for new staff" in capsys.readouterr().out
    assert len(reviews_of(Person.objects.get(external_id="S100"))) == 1


def test_the_import_page_shows_the_counts_and_the_reviews_opened(client, school, signed_in):
    signed_in(school, "staff", positions=["senior_leadership"])
    two = STAFF + "Mary,Jackson,staff,S101\n"
    upload = SimpleUploadedFile("staff.csv", two.encode(), "text/csv")
    page = client.post(reverse("schools:import_people"), {"file": upload}).content.decode()
    assert "<dt>Created</dt><dd>2</dd>" in page
    assert "2 profile reviews opened for new staff" in page
    assert reverse("registers:profile_reviews") in page


def test_the_import_page_shows_no_tiles_for_a_refused_file(client, school, signed_in):
    signed_in(school, "staff", positions=["senior_leadership"])
    bad = STAFF + "Mary,Jackson,astronaut,S101\n"
    upload = SimpleUploadedFile("staff.csv", bad.encode(), "text/csv")
    page = client.post(reverse("schools:import_people"), {"file": upload}).content.decode()
    assert "Nothing was imported" in page
    assert "row 3, role: &#x27;astronaut&#x27; is not a role" in page
    assert "<dt>Created</dt>" not in page
    assert "<dt>Updated</dt>" not in page
    assert "created" not in page.split('id="report-title"')[1]
    assert "profile review" not in page
    assert not ProfileReview.objects.exists()


def test_a_schools_first_roster_opens_no_reviews_and_says_why(school):
    report = import_people(school, STAFF + "Mary,Jackson,staff,S101\n")
    assert report.ok and report.created == 2 and report.first_roster
    assert report.reviews_opened == 0 and not ProfileReview.objects.exists()
    assert "no profile reviews opened (the school's first list of staff)" in report.summary()
    later = import_people(school, "first_name,last_name,role,external_id\nAda,Lovelace,staff,S102\n")
    assert later.reviews_opened == 1 and not later.first_roster
