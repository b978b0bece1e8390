"""Pupils' year group and class: kept from the MIS, and shown wherever a pupil is chosen or named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from smpolicy.asking.forms import AskForm
from smpolicy.posting.forms import CheckForm
from smpolicy.registers import governors
from smpolicy.registers.terms import term_of
from smpolicy.safeguarding.forms import person_label
from smpolicy.safeguarding.models import Involvement, Report
from smpolicy.schools.importing import import_people
from smpolicy.schools.models import Person, class_label, year_group_label, year_group_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("5", "Year 5"),
        ("Y5", "Year 5"),
        ("yr 5", "Year 5"),
        ("Year 05", "Year 5"),
        (" Year  11 ", "Year 11"),
        ("R", "Reception"),
        ("YR", "Reception"),
        ("Rec", "Reception"),
        ("N1", "Nursery"),
        ("Upper School", "Upper School"),
        ("", ""),
    ],
)
def test_a_year_group_has_one_spelling_whatever_the_mis_wrote(raw, label):
    assert year_group_label(raw) == label


def test_year_groups_sort_from_nursery_to_year_13_then_other_names():
    labels = ["Year 10", "", "Year 2", "Reception", "Sixth form", "Nursery", "Year 1"]
    assert sorted(labels, key=year_group_order) == [
        "Nursery", "Reception", "Year 1", "Year 2", "Year 10", "Sixth form", ""
    ]


def test_class_names_read_as_classes():
    assert class_label("Oak") == "Oak class"
    assert class_label("5B") == "class 5B"
    assert class_label("Class 3") == "Class 3"
    assert class_label("") == ""


def test_a_pupils_label_says_year_and_class_and_an_adults_does_not(school, make_person):
    pupil = make_person(school, "pupil", "Ada", "Lovelace", year_group="5", class_name="Oak")
    assert pupil.year_group == "Year 5"  # kept in one spelling
    assert pupil.label == "Ada Lovelace (Year 5, Oak class)" == str(pupil)
    assert make_person(school, "pupil", "Bo", "Lee").label == "Bo Lee"
    assert make_person(school, "staff", "Tom", "Hughes").label == "Tom Hughes"


def test_only_pupils_have_a_year_group_or_class(school, make_person):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        make_person(school, "staff", year_group="Year 5")
    assert "year_group" in error.value.message_dict


ROSTER = """first_name,last_name,role,date_of_birth,external_id,year_group,class
Ada,Lovelace,pupil,2016-03-04,P1,5,Oak
Bo,Lee,pupil,2020-10-01,P2,R,Acorn
Tom,Hughes,staff,,S1,,
"""


def test_the_csv_import_keeps_year_group_and_class_and_is_idempotent(school):
    report = import_people(school, ROSTER)
    assert report.ok, report.as_text()
    ada = Person.objects.get(external_id="P1")
    assert (ada.year_group, ada.class_name) == ("Year 5", "Oak")
    assert Person.objects.get(external_id="P2").year_group == "Reception"
    again = import_people(school, ROSTER)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    moved = import_people(school, ROSTER.replace("P1,5,Oak", "P1,6,Willow"))
    assert moved.updated == 1
    assert "row 2: updated Ada Lovelace (pupil) (year_group, class_name)" in moved.as_text()


def test_a_file_without_the_columns_leaves_year_and_class_alone(school):
    import_people(school, ROSTER)
    report = import_people(
        school, "first_name,last_name,role,date_of_birth,external_id\nAda,Lovelace,pupil,2016-03-04,P1\n"
    )
    assert report.unchanged == 1
    assert Person.objects.get(external_id="P1").class_name == "Oak"


def test_a_year_group_for_staff_is_an_error_by_row_and_column(school):
    report = import_people(school, ROSTER.replace("S1,,", "S1,Year 4,"))
    assert [str(e) for e in report.errors] == ["row 4, year_group: only pupils have a year group"]
    assert not Person.objects.exists()


def test_pickers_name_pupils_with_year_and_class(school, make_person):
    ada = make_person(school, "pupil", "Ada", "Lovelace", year_group="Year 5", class_name="Oak")
    # Check a post: the pupils shown
    tagged = dict(CheckForm(school=school).fields["tagged"].choices)
    assert "Ada Lovelace (Year 5, Oak class)" in [str(label) for label in tagged.values()]
    # Ask the policy: who the question is about
    html = str(AskForm(school=school, initial={"person": ada.pk})["person"])
    assert "Ada Lovelace" in html and "Year 5, Oak class" in html
    # Safeguarding report form: which pupils
    assert person_label(ada) == "Lovelace, Ada (Year 5, Oak class; age 8)"


def test_the_governors_report_counts_reports_by_year_group_hiding_small_counts(
    school, make_person
):
    staff = make_person(school, "staff")
    year5 = [make_person(school, "pupil", year_group="Year 5") for _ in range(6)]
    year2 = make_person(school, "pupil", year_group="Year 2")
    now = timezone.now()
    for pupil in [*year5, year2]:
        report = Report.objects.create(
            school=school, kind="pupil_contact", occurred_at=now - dt.timedelta(hours=2),
            recorded_at=now - dt.timedelta(hours=1), account="...", reported_by=staff,
            clauses=["code.report-child-contact"],
        )
        Involvement.objects.create(report=report, person=pupil, role=Involvement.Role.PUPIL)
    built = governors.build(school, term_of(timezone.localdate()))
    block = next(
        b for s in built.sections for b in s.blocks if "year group" in b.title.lower()
    )
    assert block.rows == [("Year 2", governors.HIDDEN), ("Year 5", "6")]
    assert block.chart is not None and block.chart.bars == [("Year 5", 6)]
