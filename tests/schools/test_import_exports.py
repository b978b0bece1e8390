"""MIS exports as they come: SIMS, Arbor and Bromcom reports in CSV and Excel, UK dates, the role
from the kind of export, formula-like cells kept as text, and a column mapping chosen once."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from smpolicy.schools import testing
from smpolicy.schools.importing import import_people, parse_date
from smpolicy.schools.models import ImportMapping, Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("24/11/2026", dt.date(2026, 11, 24)),
        ("4/3/2016", dt.date(2016, 3, 4)),
        ("04/03/2016", dt.date(2016, 3, 4)),  # 4 March: UK exports put the day first
        ("04-03-2016", dt.date(2016, 3, 4)),
        ("04.03.2016", dt.date(2016, 3, 4)),
        ("2016-03-04", dt.date(2016, 3, 4)),
        ("24 Nov 2026", dt.date(2026, 11, 24)),
        ("24 November 2026", dt.date(2026, 11, 24)),
        ("1st Sept 2025", dt.date(2025, 9, 1)),
        ("24-Nov-2026", dt.date(2026, 11, 24)),
        ("24/11/2026 00:00", dt.date(2026, 11, 24)),
        ("2026-11-24 00:00:00", dt.date(2026, 11, 24)),
    ],
)
def test_uk_date_forms_are_read(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["31/02/2016", "11/24/2026", "24 Novem 2026", "2026/11/24"])
def test_dates_that_are_not_uk_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


# A SIMS "Student List" report saved as CSV: its own headers, UK dates, no role column.
SIMS_PUPILS = """Surname,Forename,Preferred Forename,DOB,Year,Reg Group,UPN,Gender
Smith,Oliver,,04/03/2016,Year 5,5O,A123456789012,M
Young,Charlotte,Charlie,27/06/2017,Year 4,4M,A123456789013,F
"""


def test_a_sims_pupils_export_imports_as_pupils_with_uk_dates(school):
    report = import_people(school, SIMS_PUPILS, kind="pupils")
    assert report.ok, report.as_text()
    assert report.created == 2
    oliver = Person.objects.get(external_id="A123456789012")
    assert (oliver.role, oliver.date_of_birth) == ("pupil", dt.date(2016, 3, 4))
    assert oliver.label == "Oliver Smith (Year 5, class 5O)"
    assert Person.objects.get(first_name="Charlotte").preferred_name == "Charlie"
    assert "No role column: every row is a pupil" in report.as_text()


def test_a_pupils_export_is_recognised_by_its_year_column_without_being_told(school):
    report = import_people(school, SIMS_PUPILS)
    assert report.ok, report.as_text()
    assert set(Person.objects.values_list("role", flat=True)) == {"pupil"}


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_arbor_excel_export_with_date_cells_imports(school):
    data = workbook([
        ["First Name", "Last Name", "Date Of Birth", "Year Group", "Registration Form"],
        ["Ada", "Lovelace", dt.datetime(2016, 12, 10), "Year 5", "Oak"],
        ["Bo", "Lee", "24 Nov 2020", "Reception", "Acorn"],
    ])
    report = import_people(school, data, kind="pupils")
    assert report.ok, report.as_text()
    ada = Person.objects.get(first_name="Ada")
    assert (ada.date_of_birth, ada.label) == (dt.date(2016, 12, 10), "Ada Lovelace (Year 5, Oak class)")
    assert Person.objects.get(first_name="Bo").date_of_birth == dt.date(2020, 11, 24)


def test_formula_like_cells_are_kept_as_text_never_run(school):
    data = workbook([
        ["Forename", "Surname", "Known As", "Email Address"],
        ["Tom", "Hughes", '=HYPERLINK("http://evil.example","x")', "@t.hughes@straits.sch.uk"],
        ["Amy", "Wilson", "+44 7700 900000", "a.wilson@straits.sch.uk"],
        ["Mark", "Evans", "-2+3", ""],
    ])
    report = import_people(school, data, kind="staff")
    assert not report.ok  # "@t.hughes@..." is no e-mail address
    assert [str(e) for e in report.errors] == [
        "row 2, email: '@t.hughes@straits.sch.uk': Enter a valid email address."
    ]
    fixed = workbook([
        ["Forename", "Surname", "Known As"],
        ["Tom", "Hughes", '=HYPERLINK("http://evil.example","x")'],
        ["Amy", "Wilson", "+44 7700 900000"],
        ["Mark", "Evans", "@SUM(A1:A2)"],
    ])
    report = import_people(school, fixed, kind="staff")
    assert report.ok, report.as_text()
    names = dict(Person.objects.values_list("first_name", "preferred_name"))
    assert names == {"Tom": '=HYPERLINK("http://evil.example","x")', "Amy": "+44 7700 900000",
                     "Mark": "@SUM(A1:A2)"}


# A Bromcom "Contacts" report: parents, with words for dates and a relationship column.
BROMCOM_PARENTS = """Forename;Surname;Email;Relationship;Parent Of
Sarah;Smith;sarah@example.com;Mother;A123456789012
"""


def test_a_bromcom_parents_export_gives_every_row_the_parent_role(school):
    import_people(school, SIMS_PUPILS, kind="pupils")
    report = import_people(school, BROMCOM_PARENTS, kind="parents")
    assert report.ok, report.as_text()
    sarah = Person.objects.get(first_name="Sarah")
    assert sarah.role == "parent"
    assert [c.first_name for c in sarah.children()] == ["Oliver"]


UNFAMILIAR = """Pupil given name,Family name,Birthday,NC Yr,Form class
Ada,Lovelace,10/12/2016,5,Oak
Bo,Lee,24/11/2020,R,Acorn
"""
MAPPING = {"Pupil given name": "first_name", "Family name": "last_name",
           "Birthday": "date_of_birth", "NC Yr": "year_group", "Form class": "class_name"}


def test_an_unfamiliar_export_asks_for_a_mapping_then_imports_with_it(school):
    report = import_people(school, UNFAMILIAR, kind="pupils")
    assert report.needs_mapping and not report.ok
    assert report.headers == list(MAPPING)
    assert not Person.objects.exists()
    mapped = import_people(school, UNFAMILIAR, kind="pupils", mapping=MAPPING)
    assert mapped.ok, mapped.as_text()
    assert Person.objects.get(first_name="Bo").label == "Bo Lee (Reception, Acorn class)"


def test_errors_with_a_mapping_name_the_files_own_column_all_or_nothing(school):
    bad = UNFAMILIAR.replace("24/11/2020", "31/11/2020")
    report = import_people(school, bad, kind="pupils", mapping=MAPPING)
    assert [str(e) for e in report.errors] == [
        "row 3, Birthday: '31/11/2020' is not a date (DD/MM/YYYY, YYYY-MM-DD or 24 Nov 2026)"
    ]
    assert not Person.objects.exists()


def test_the_mapping_chosen_on_the_page_is_remembered_for_the_next_export(
    client, school, make_user
):
    office = testing.make_person(school, "staff", positions=["senior_leadership"])
    client.force_login(make_user(office))
    url = reverse("schools:import_people")
    upload = SimpleUploadedFile("pupils.csv", UNFAMILIAR.encode(), content_type="text/csv")
    page = client.post(url, {"file": upload, "kind": "pupils"}).content.decode()
    assert "Which column is which?" in page
    assert not Person.objects.filter(role="pupil").exists()
    form = {"action": "map", "kind": "pupils"}
    form |= {f"column_{n}": column for n, column in enumerate(MAPPING.values())}
    done = client.post(url, form).content.decode()
    assert "Imported: 2 created" in done
    assert ImportMapping.objects.for_school(school).get().kind == "pupils"
    # The next export of the same shape, with a new pupil, needs no mapping; nor does the CLI.
    second = UNFAMILIAR + "Cy,Hart,01/09/2019,1,Birch\n"
    upload = SimpleUploadedFile("pupils.csv", second.encode(), content_type="text/csv")
    page = client.post(url, {"file": upload, "kind": "people"}).content.decode()
    assert "Which column is which?" not in page
    assert "Imported: 1 created, 0 updated, 2 unchanged" in page
    assert "Read with the column mapping saved on" in page
    report = import_people(school, second)
    assert report.ok and report.unchanged == 3


def test_the_command_takes_the_kind_of_export(school, tmp_path):
    path = tmp_path / "sims.csv"
    path.write_text(SIMS_PUPILS)
    out = io.StringIO()
    call_command("import_people", str(path), "--school", school.slug, "--kind", "pupils",
                 stdout=out)
    assert "2 created" in out.getvalue()
    assert Person.objects.filter(role="pupil").count() == 2


def test_an_excel_file_that_is_not_a_workbook_is_a_clear_error(school):
    report = import_people(school, b"PK\x03\x04not really a zip")
    assert not report.ok
    assert "not a readable Excel workbook" in str(report.errors[0])


def test_a_formula_like_name_is_shown_as_text_on_the_people_page(client, school, make_user):
    data = workbook([["Forename", "Surname"], ['=HYPERLINK("http://evil.example","x")', "Hughes"]])
    assert import_people(school, data, kind="staff").ok
    office = testing.make_person(school, "staff", positions=["senior_leadership"])
    client.force_login(make_user(office))
    page = client.get(reverse("schools:people")).content.decode()
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;) Hughes" in page
    assert "<a href=\"http://evil.example" not in page
