"""People: ages, on-roll status, new starters, validation, parents and siblings."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from smpolicy.schools.models import ParentLink, Person, age_on
from smpolicy.schools.testing import born_aged, link_parent

pytestmark = pytest.mark.django_db


def test_a_pupils_age_is_computed_from_date_of_birth(school, make_person):
    pupil = make_person(school, "pupil", date_of_birth=dt.date(2015, 6, 15))
    assert pupil.age(on=dt.date(2024, 6, 14)) == 8
    assert pupil.age(on=dt.date(2024, 6, 15)) == 9
    assert pupil.age(on=dt.date(2025, 1, 1)) == 9


def test_age_defaults_to_today(school, make_person):
    pupil = make_person(school, "pupil", date_of_birth=born_aged(10))
    assert pupil.age() == 10


def test_someone_born_on_29_february_is_a_year_older_on_1_march_in_other_years():
    born = dt.date(2016, 2, 29)
    assert age_on(born, dt.date(2023, 2, 28)) == 6
    assert age_on(born, dt.date(2023, 3, 1)) == 7
    assert age_on(born, dt.date(2024, 2, 28)) == 7
    assert age_on(born, dt.date(2024, 2, 29)) == 8


def test_age_is_unknown_without_a_date_of_birth(school, make_person):
    assert make_person(school, "staff").age() is None


def test_a_pupil_needs_a_date_of_birth(school):
    pupil = Person(school=school, role="pupil", first_name="Amira", last_name="Khan")
    with pytest.raises(ValidationError) as caught:
        pupil.full_clean()
    assert "date_of_birth" in caught.value.message_dict


def test_a_date_of_birth_in_the_future_is_refused(school):
    pupil = Person(
        school=school,
        role="pupil",
        first_name="A",
        last_name="B",
        date_of_birth=dt.date.today() + dt.timedelta(days=2),
    )
    with pytest.raises(ValidationError, match="future"):
        pupil.full_clean()


def test_a_pupil_is_current_until_their_on_roll_until_date_has_passed(school, make_person):
    pupil = make_person(school, "pupil", on_roll_until=dt.date(2024, 7, 19))
    assert pupil.on_roll == "current"
    assert pupil.roll_status(on=dt.date(2024, 7, 19)) == "current"
    assert pupil.roll_status(on=dt.date(2024, 7, 20)) == "former"


def test_a_pupil_recorded_as_former_is_former(school, make_person):
    assert make_person(school, "pupil", on_roll="former").roll_status() == "former"


def test_a_pupil_who_has_not_started_yet_has_never_been_on_roll(school, make_person):
    pupil = make_person(school, "pupil", on_roll_from=dt.date(2030, 9, 1))
    assert pupil.roll_status(on=dt.date(2030, 8, 31)) == "never"
    assert pupil.roll_status(on=dt.date(2030, 9, 1)) == "current"


def test_only_pupils_have_an_on_roll_status(school, make_person):
    assert make_person(school, "parent").roll_status() is None
    staff = Person(school=school, role="staff", first_name="A", last_name="B", on_roll="current")
    with pytest.raises(ValidationError, match="Only pupils"):
        staff.full_clean()


def test_a_new_starter_is_new_for_90_days_unless_their_induction_end_is_given(school, make_person):
    joined = dt.date(2024, 9, 2)
    teacher = make_person(school, "staff", joined_on=joined)
    assert teacher.is_new_starter(on=joined + dt.timedelta(days=89)) is True
    assert teacher.is_new_starter(on=joined + dt.timedelta(days=90)) is False
    teacher.new_starter_until = dt.date(2025, 7, 18)
    assert teacher.is_new_starter(on=dt.date(2025, 7, 18)) is True
    assert make_person(school, "staff").is_new_starter() is None


def test_a_person_reads_as_the_decisions_contracts_party(school, make_person):
    pupil = make_person(school, "pupil", date_of_birth=dt.date(2013, 5, 1), on_roll="former")
    assert pupil.as_party(on=dt.date(2025, 6, 1)) == {
        "role": "pupil",
        "age": 12,
        "on_roll": "former",
    }
    staff = make_person(school, "staff", joined_on=dt.date(2025, 5, 1))
    assert staff.as_party(on=dt.date(2025, 6, 1)) == {"role": "staff", "new_starter": True}


def test_the_preferred_name_is_the_name_shown(school, make_person):
    pupil = make_person(school, "pupil", "Charlotte", "Young", preferred_name="Charlie")
    assert str(pupil) == "Charlie Young"


def test_siblings_are_the_pupils_who_share_a_parent(school, make_person):
    mum = make_person(school, "parent")
    dad = make_person(school, "parent")
    oliver = make_person(school, "pupil")
    ella = make_person(school, "pupil")
    other = make_person(school, "pupil")
    link_parent(mum, oliver)
    link_parent(mum, ella)
    link_parent(dad, oliver, "father")
    assert list(oliver.siblings()) == [ella]
    assert list(ella.siblings()) == [oliver]
    assert list(other.siblings()) == []
    assert set(oliver.parents()) == {mum, dad}
    assert set(mum.children()) == {oliver, ella}


def test_a_parent_link_needs_a_parent_and_a_pupil(school, make_person):
    teacher = make_person(school, "staff")
    pupil = make_person(school, "pupil")
    with pytest.raises(ValidationError) as caught:
        ParentLink(parent=teacher, child=teacher).full_clean()
    assert set(caught.value.message_dict) == {"parent", "child"}
    parent = make_person(school, "parent")
    link_parent(parent, pupil)
    with pytest.raises(ValidationError, match="already linked"):
        ParentLink(parent=parent, child=pupil).full_clean()


def test_a_parent_link_takes_its_school_from_the_child(school, make_person):
    link = link_parent(make_person(school, "parent"), make_person(school, "pupil"))
    assert link.school == school


def test_an_mis_id_is_unique_within_a_school_only(school, other_school, make_person):
    make_person(school, "pupil", external_id="A123")
    make_person(other_school, "pupil", external_id="A123")
    with pytest.raises(ValidationError, match="MIS id"):
        Person(
            school=school, role="staff", first_name="A", last_name="B", external_id="A123"
        ).full_clean()
    make_person(school, "staff", external_id="")
    make_person(school, "staff", external_id="")  # blank ids never clash


def test_nobody_is_their_own_line_manager(school, make_person):
    person = make_person(school, "staff")
    person.line_manager = person
    with pytest.raises(ValidationError, match="own line manager"):
        person.full_clean()
