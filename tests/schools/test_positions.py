"""Posts: who holds them, on which day."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from smpolicy.schools.models import Position
from smpolicy.schools.positions import dsl_team, headteacher, holders, positions_of
from smpolicy.schools.testing import give_position

pytestmark = pytest.mark.django_db


def test_the_headteacher_can_also_be_the_dsl(school, make_person):
    head = make_person(school, "staff", positions=["headteacher", "dsl"])
    assert headteacher(school) == head
    assert positions_of(head) == {"headteacher", "dsl"}
    assert list(holders(school, "dsl")) == [head]


def test_the_dsl_team_is_the_dsl_first_then_the_deputies(school, make_person):
    deputy = make_person(school, "staff", positions=["deputy_dsl"])
    second_deputy = make_person(school, "staff", positions=["deputy_dsl"])
    dsl = make_person(school, "staff", positions=["dsl", "headteacher"])
    assert dsl_team(school) == [dsl, deputy, second_deputy]


def test_someone_who_is_both_dsl_and_deputy_appears_once(school, make_person):
    dsl = make_person(school, "staff", positions=["dsl", "deputy_dsl"])
    assert dsl_team(school) == [dsl]


def test_a_post_counts_only_between_its_start_and_end(school, make_person):
    old_head = make_person(school, "staff")
    give_position(
        old_head, "headteacher", starts_on=dt.date(2010, 9, 1), ends_on=dt.date(2020, 8, 31)
    )
    new_head = make_person(school, "staff")
    give_position(new_head, "headteacher", starts_on=dt.date(2020, 9, 1))
    assert headteacher(school, on=dt.date(2015, 1, 1)) == old_head
    assert headteacher(school, on=dt.date(2020, 8, 31)) == old_head
    assert headteacher(school) == new_head
    assert list(holders(school, "headteacher", on=dt.date(2009, 1, 1))) == []
    assert positions_of(old_head) == set()


def test_posts_are_per_school(school, other_school, make_person):
    make_person(other_school, "staff", positions=["headteacher", "dsl"])
    assert headteacher(school) is None
    assert dsl_team(school) == []


def test_only_a_governor_chairs_the_governors(school, make_person):
    teacher = make_person(school, "staff")
    with pytest.raises(ValidationError, match="Chair of Governors must be governor"):
        Position(person=teacher, kind="chair_of_governors").full_clean()
    chair = make_person(school, "governor", positions=["chair_of_governors"])
    assert list(holders(school, "chair_of_governors")) == [chair]


def test_a_post_cannot_end_before_it_starts(school, make_person):
    post = Position(
        person=make_person(school, "staff"),
        kind="it_lead",
        starts_on=dt.date(2024, 9, 1),
        ends_on=dt.date(2024, 8, 1),
    )
    with pytest.raises(ValidationError, match="ends before it starts"):
        post.full_clean()


def test_asking_for_an_unknown_post_is_an_error(school):
    with pytest.raises(ValueError, match="line_manager"):
        holders(school, "line_manager")
