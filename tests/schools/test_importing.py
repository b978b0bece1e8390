"""Importing people from a CSV file."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from smpolicy.schools.importing import import_people
from smpolicy.schools.models import ParentLink, Person

pytestmark = pytest.mark.django_db

ROSTER = """first_name,last_name,role,preferred_name,date_of_birth,external_id,email,parent_of
Oliver,Smith,pupil,,2016-03-04,P001,,
Ella,Smith,pupil,,2019-10-01,P002,,
Amira,Khan,pupil,Mira,2014-05-08,,,
Sarah,Smith,parent,,,,sarah@example.com,P001;P002
Nadia,Khan,parent,,,,,Amira Khan
Tom,Hughes,staff,,,,t.hughes@straits.sch.uk,
David,Clarke,governor,,,,,
Margaret,Allen,volunteer,,,,,
"""


def test_a_roster_imports_every_person(school):
    report = import_people(school, ROSTER)
    assert report.ok, report.as_text()
    assert (report.created, report.updated, report.unchanged) == (8, 0, 0)
    assert report.written
    assert Person.objects.for_school(school).count() == 8
    mira = Person.objects.get(first_name="Amira")
    assert mira.full_name == "Mira Khan"
    assert mira.date_of_birth == dt.date(2014, 5, 8)
    assert mira.on_roll == "current"
    sarah = Person.objects.get(first_name="Sarah")
    assert {c.first_name for c in sarah.children()} == {"Oliver", "Ella"}
    assert list(Person.objects.get(first_name="Oliver").siblings()) == [
        Person.objects.get(first_name="Ella")
    ]
    assert report.links_created == 3
    assert "8 created, 0 updated, 0 unchanged, 0 errors" in report.summary()


def test_importing_the_same_file_twice_changes_nothing(school):
    import_people(school, ROSTER)
    again = import_people(school, ROSTER)
    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert again.links_created == 0
    assert Person.objects.count() == 8
    assert ParentLink.objects.count() == 3


def test_a_changed_row_updates_the_person_and_is_reported_as_updated(school):
    import_people(school, ROSTER)
    changed = ROSTER.replace("2016-03-04,P001", "2016-03-05,P001").replace(
        "Tom,Hughes,staff,,,,t.hughes@", "Tom,Hughes,staff,Tommy,,,t.hughes@"
    )
    report = import_people(school, changed)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 6)
    assert Person.objects.get(external_id="P001").date_of_birth == dt.date(2016, 3, 5)
    assert Person.objects.get(last_name="Hughes").preferred_name == "Tommy"
    assert "row 2: updated Oliver Smith (pupil) (date_of_birth)" in report.as_text()


def test_people_are_matched_on_name_role_and_birth_date_without_an_mis_id(school):
    import_people(school, "first_name,last_name,role,date_of_birth\nAmira,Khan,pupil,2014-05-08\n")
    report = import_people(
        school, "first_name,last_name,role,date_of_birth,email\nAmira,Khan,pupil,2014-05-08,\n"
    )
    assert (report.created, report.unchanged) == (0, 1)
    recased = import_people(
        school, "first_name,last_name,role,date_of_birth\nAMIRA,khan,pupil,2014-05-08\n"
    )
    assert (recased.created, recased.updated) == (0, 1)  # the same person, spelt as the file has it
    assert Person.objects.get().first_name == "AMIRA"
    other = import_people(
        school, "first_name,last_name,role,date_of_birth\nAmira,Khan,pupil,2015-01-01\n"
    )
    assert other.created == 1  # another Amira Khan, born on another day


def test_an_mis_id_given_later_is_added_to_the_person_already_there(school):
    import_people(school, "first_name,last_name,role\nTom,Hughes,staff\n")
    report = import_people(school, "first_name,last_name,role,external_id\nTom,Hughes,staff,S005\n")
    assert report.updated == 1
    assert Person.objects.get().external_id == "S005"


def test_a_bad_date_is_reported_with_its_row_and_column(school):
    bad = ROSTER.replace("2014-05-08", "2015-13-01")
    report = import_people(school, bad)
    assert [str(e) for e in report.errors] == [
        "row 4, date_of_birth: '2015-13-01' is not a date (DD/MM/YYYY, YYYY-MM-DD or 24 Nov 2026)"
    ]


@pytest.mark.parametrize("value", ["03/13/2016", "20160304", "yesterday", "31 Febtember 2016"])
def test_only_dates_in_uk_or_iso_forms_are_accepted(school, value):
    # UK exports put the day first: 03/13/2016 is no date, not 13 March.
    report = import_people(school, f"first_name,last_name,role,date_of_birth\nA,B,pupil,{value}\n")
    assert str(report.errors[0]) == (
        f"row 2, date_of_birth: {value!r} is not a date (DD/MM/YYYY, YYYY-MM-DD or 24 Nov 2026)"
    )


def test_an_unknown_role_lists_the_allowed_ones(school):
    report = import_people(school, "first_name,last_name,role\nTom,Hughes,teacher\n")
    assert str(report.errors[0]) == (
        "row 2, role: 'teacher' is not a role; use one of staff, volunteer, trainee, governor, "
        "elected_member, third_party, pupil, parent"
    )


def test_the_public_is_not_a_role_of_a_person_at_the_school(school):
    report = import_people(school, "first_name,last_name,role\nA,B,public\n")
    assert "'public' is not a role" in str(report.errors[0])


def test_a_missing_required_column_is_named(school):
    report = import_people(school, "first_name,family,role\nTom,Hughes,staff\n")
    assert [str(e) for e in report.errors] == [
        "row 1, last_name: the required column 'last_name' is missing from the header line",
        "row 1: say which column is which once on the Import people page: exports of this shape "
        "are then read that way here and by smpolicy import-people",
    ]
    assert report.needs_mapping and not report.written
    # SIMS, Arbor and Bromcom's own header for it is known.
    assert import_people(school, "first_name,surname,role\nTom,Hughes,staff\n").ok


def test_a_pupil_without_a_date_of_birth_is_an_error(school):
    report = import_people(school, "first_name,last_name,role,date_of_birth\nA,B,pupil,\n")
    assert str(report.errors[0]) == "row 2, date_of_birth: A pupil's date of birth is required."


def test_empty_names_and_bad_emails_are_errors(school):
    report = import_people(
        school, "first_name,last_name,role,email\n,Hughes,staff,\nTom,Hughes,staff,tom@\n"
    )
    assert [str(e) for e in report.errors] == [
        "row 2, first_name: is required, and the cell is empty",
        "row 3, email: 'tom@': Enter a valid email address.",
    ]


def test_a_parent_of_an_unknown_child_is_an_error(school):
    report = import_people(
        school, "first_name,last_name,role,parent_of\nSam,Jones,parent,Zed Jones\n"
    )
    assert (
        str(report.errors[0])
        == "row 2, parent_of: no pupil 'Zed Jones' in this file or at the school"
    )


def test_only_parents_have_children_and_only_pupils_an_on_roll_status(school):
    report = import_people(
        school, "first_name,last_name,role,parent_of,on_roll\nTom,Hughes,staff,P001,current\n"
    )
    assert [e.column for e in report.errors] == ["parent_of", "on_roll"]


def test_the_same_person_twice_in_a_file_is_an_error(school):
    report = import_people(
        school, "first_name,last_name,role,external_id\nA,B,staff,S1\nC,D,staff,S1\n"
    )
    assert str(report.errors[0]) == "row 3: the same person as row 2"


def test_if_any_row_has_an_error_nothing_is_imported(school):
    import_people(school, ROSTER)
    bad = (
        ROSTER.replace("Tom,Hughes,staff,,", "Tom,Hughes,staff,Tommy,").replace(
            "David,Clarke,governor", "David,Clarke,chair"
        )
        + "New,Person,staff,,,,,\n"
    )
    report = import_people(school, bad)
    assert not report.ok
    assert not report.written
    assert report.summary().startswith("Nothing was imported: fix the 1 error below")
    assert Person.objects.count() == 8
    assert not Person.objects.filter(first_name="New").exists()
    assert Person.objects.get(last_name="Hughes").preferred_name == ""


def test_a_dry_run_reports_but_saves_nothing(school):
    report = import_people(school, ROSTER, dry_run=True)
    assert report.ok
    assert report.created == 8
    assert report.links_created == 3
    assert not report.written
    assert "nothing was saved" in report.summary()
    assert not Person.objects.exists()


def test_a_byte_order_mark_and_semicolons_are_tolerated(school):
    text = "\ufefffirst_name;last_name;role;date_of_birth\r\nOliver;Smith;pupil;2016-03-04\r\n"
    report = import_people(school, text.encode("utf-8"))
    assert report.ok, report.as_text()
    assert Person.objects.get().first_name == "Oliver"
    report = import_people(school, text.encode("utf-8-sig"))  # a BOM, twice over
    assert report.unchanged == 1


def test_excel_windows_encoding_and_odd_headers_are_tolerated(school):
    text = "First Name,Last Name,Role,Notes\nZoë,Brontë,staff,anything\n\n"
    report = import_people(school, text.encode("cp1252"))
    assert report.ok, report.as_text()
    assert Person.objects.get().first_name == "Zoë"


def test_other_columns_are_ignored(school):
    report = import_people(school, "first_name,last_name,role,shoe_size\nTom,Hughes,staff,9\n")
    assert report.ok and report.created == 1


def test_an_empty_file_is_an_error(school):
    assert "empty" in str(import_people(school, "").errors[0])


def test_a_former_pupil_with_dates(school):
    text = (
        "first_name,last_name,role,date_of_birth,on_roll,on_roll_from,on_roll_until\n"
        "Jayden,Cole,pupil,2013-03-14,former,2017-09-01,2024-07-19\n"
    )
    assert import_people(school, text).ok
    jayden = Person.objects.get()
    assert jayden.roll_status() == "former"
    assert jayden.on_roll_until == dt.date(2024, 7, 19)


def test_the_import_stays_in_its_school(school, other_school):
    import_people(school, ROSTER)
    import_people(other_school, ROSTER)
    assert Person.objects.for_school(school).count() == 8
    assert Person.objects.for_school(other_school).count() == 8
    assert ParentLink.objects.for_school(other_school).count() == 3


def test_the_import_command_prints_the_report(school, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    call_command("import_people", str(roster), "--school", "straits", "--dry-run")
    assert "Importing this file would give: 8 created" in capsys.readouterr().out
    assert not Person.objects.exists()
    call_command("import_people", str(roster), "--school", "straits")
    assert Person.objects.count() == 8


def test_the_import_command_exits_with_2_on_errors(school, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("first_name,last_name,role\nTom,Hughes,teacher\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_people", str(roster), "--school", "straits")
    assert caught.value.returncode == 2
    assert "row 2, role" in capsys.readouterr().out


def test_the_import_command_names_an_unknown_school(school, tmp_path):
    with pytest.raises(CommandError, match="no school 'nowhere'"):
        call_command("import_people", str(tmp_path / "x.csv"), "--school", "nowhere")


def test_the_import_page_imports_an_uploaded_file(client, school, signed_in):
    signed_in(school, "staff", positions=["headteacher"])
    upload = SimpleUploadedFile("roster.csv", ROSTER.encode("utf-8-sig"), "text/csv")
    response = client.post(reverse("schools:import_people"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported: 8 created" in page
    assert Person.objects.for_school(school).count() == 9  # and the headteacher


def test_the_import_page_shows_the_errors_and_saves_nothing(client, school, signed_in):
    signed_in(school, "staff", positions=["senior_leadership"])
    upload = SimpleUploadedFile("roster.csv", ROSTER.replace("2016-03-04", "2016-02-30").encode())
    page = client.post(reverse("schools:import_people"), {"file": upload}).content.decode()
    assert "row 2, date_of_birth: &#x27;2016-02-30&#x27; is not a date (DD/MM/YYYY, YYYY-MM-DD or 24 Nov 2026)" in page
    assert "Nothing was imported" in page
    assert Person.objects.for_school(school).count() == 1


def test_the_import_page_is_for_people_managers_only(client, school, signed_in):
    signed_in(school, "staff")
    assert client.get(reverse("schools:import_people")).status_code == 403


def test_the_import_command_needs_no_school_where_there_is_only_one(school, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    call_command("import_people", str(roster))
    assert Person.objects.for_school(school).count() == 8


def test_the_import_command_asks_which_school_where_there_are_several(
    school, other_school, tmp_path
):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    with pytest.raises(CommandError, match="--school SLUG"):
        call_command("import_people", str(roster))
