"""The school context without a database: a roster CSV and a school YAML, with clear errors."""

from __future__ import annotations

import pytest

from smpolicy.content import ContextError, Person, SchoolContext

from .conftest import CORPUS

GOOD_SCHOOL = (
    "name: Straits Primary School\nshort_names: [Straits]\nemail_domains: [straits.sch.uk]\n"
)


def write(tmp_path, roster: str | bytes, school: str = GOOD_SCHOOL):
    r = tmp_path / "roster.csv"
    r.write_bytes(roster if isinstance(roster, bytes) else roster.encode())
    s = tmp_path / "school.yaml"
    s.write_text(school)
    return r, s


def test_the_corpus_school_loads(school):
    assert school.name == "Straits Primary School"
    assert school.email_domains == ("straits.sch.uk",)
    assert len(school.people) == 74
    oliver = school.people[0]
    assert (oliver.first_name, oliver.role, str(oliver.date_of_birth)) == (
        "Oliver",
        "pupil",
        "2017-03-14",
    )
    assert school.logo == CORPUS / "logo.png"


def test_extra_columns_and_a_bom_are_fine(tmp_path):
    r, s = write(tmp_path, "\ufeffupn,first_name,last_name,role,house\n1,Ann,Lee,pupil,Red\n")
    assert SchoolContext.from_files(r, s).people == (Person("Ann", "Lee", "pupil"),)


@pytest.mark.parametrize(
    ("roster", "message"),
    [
        ("first_name,role\nAnn,pupil\n", "line 1: the header has no last_name column"),
        ("first_name,last_name,role\nAnn,Lee,teacher\n", "line 2: role 'teacher' is not one of"),
        (
            "first_name,last_name,role,date_of_birth\nAnn,Lee,pupil,14/03/2017\n",
            "line 2: date_of_birth '14/03/2017' is not a date as YYYY-MM-DD",
        ),
        ("first_name,last_name,role\n,Lee,pupil\n", "line 2: first_name is empty"),
        ("", "empty"),
        ("first_name,last_name,role\nAnn,L\xe9e,pupil\n".encode("latin-1"), "line 2 is not UTF-8"),
        ("first_name,last_name,role\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_bad_rosters_are_named_with_the_line(tmp_path, roster, message):
    r, s = write(tmp_path, roster)
    with pytest.raises(ContextError, match=message):
        SchoolContext.from_files(r, s)


def test_every_bad_row_is_reported_at_once(tmp_path):
    rows = "first_name,last_name,role\n" + "Ann,Lee,cook\n" * 3
    r, s = write(tmp_path, rows)
    with pytest.raises(ContextError, match="3 bad row"):
        SchoolContext.from_files(r, s)


@pytest.mark.parametrize(
    ("school", "message"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("- a list\n", "expected a mapping"),
        ("short_names: [X]\n", "name: the school's full name is required"),
        ("name: X\nemail_domains: [straits]\n", r"email_domains\[0\]: 'straits' is not a domain"),
        ("name: X\nphone_numbers: ['12']\n", r"phone_numbers\[0\]: '12' is not a phone number"),
        ("name: X\nlogo: missing.png\n", "logo: .*missing.png does not exist"),
        ("name: X\nshort_names: {a: 1}\n", "short_names: expected a list"),
    ],
)
def test_bad_school_files_name_the_field(tmp_path, school, message):
    r, s = write(tmp_path, "first_name,last_name,role\n", school)
    with pytest.raises(ContextError, match=message):
        SchoolContext.from_files(r, s)


def test_a_logo_that_is_no_picture_is_an_error_when_first_needed(tmp_path):
    (tmp_path / "logo.png").write_text("not a png")
    r, s = write(tmp_path, "first_name,last_name,role\n", GOOD_SCHOOL + "logo: logo.png\n")
    context = SchoolContext.from_files(r, s)
    with pytest.raises(ContextError, match=r"logo: logo\.png: not a picture"):
        _ = context.logo_model


def test_the_plain_constructor_is_what_the_database_side_fills():
    context = SchoolContext(
        name="Straits Primary School",
        short_names=["Straits"],
        email_domains=["@Straits.sch.uk"],
        phone_numbers=["01632 960000"],
        people=[Person("Ann", "Lee", "pupil", id=7)],
    )
    assert context.email_domains == ("straits.sch.uk",)
    assert context.own_numbers == frozenset({"+441632960000"})
    with pytest.raises(ContextError, match="role 'cook'"):
        SchoolContext(name="X", people=[Person("A", "B", "cook")])
