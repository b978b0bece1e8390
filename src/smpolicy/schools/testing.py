"""Factories for tests in any app: schools, people, posts and sign-in users.

    from smpolicy.schools.testing import make_school, make_person, make_user

    school = make_school()
    head = make_person(school, "staff", positions=["headteacher", "dsl"])
    client.force_login(make_user(head))

Each call makes unique names, so a test may call them as often as it likes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

from smpolicy.schools.models import ParentLink, Person, Position, School, today

TEST_PASSWORD = "a-test-password-1"
_numbers = itertools.count(1)


def make_school(name: str | None = None, slug: str | None = None, **fields: Any) -> School:
    """A school; ``fields`` are any School fields (short_names, email_domains...)."""
    number = next(_numbers)
    name = name or f"Test Primary School {number}"
    return School.objects.create(name=name, slug=slug or f"test-{number}", **fields)


def born_aged(age: int, on: dt.date | None = None, days_since_birthday: int = 30) -> dt.date:
    """A date of birth giving ``age`` on ``on`` (default today): the birthday was that many days
    ago."""
    on = on or today()
    birthday = on - dt.timedelta(days=days_since_birthday)
    try:
        return birthday.replace(year=birthday.year - age)
    except ValueError:  # 29 February in a year without one
        return birthday.replace(year=birthday.year - age, day=28)


def make_person(
    school: School,
    role: str = "staff",
    first_name: str | None = None,
    last_name: str | None = None,
    *,
    positions: list[str] | tuple[str, ...] = (),
    **fields: Any,
) -> Person:
    """A person (saved after full_clean). A pupil is aged 8 unless ``date_of_birth`` is given;
    ``positions`` are posts the person holds from today."""
    number = next(_numbers)
    if role == Person.Role.PUPIL:
        fields.setdefault("date_of_birth", born_aged(8))
    person = Person(
        school=school,
        role=role,
        first_name=first_name or f"Test{number}",
        last_name=last_name or f"{role.replace('_', ' ').title().replace(' ', '')}{number}",
        **fields,
    )
    person.full_clean()
    person.save()
    for kind in positions:
        give_position(person, kind)
    return person


def give_position(person: Person, kind: str, **fields: Any) -> Position:
    """``person`` holds the post ``kind`` (from today unless ``starts_on`` is given)."""
    post = Position(school=person.school, person=person, kind=kind, **fields)
    # A test's staffroom is set up as the server's command line would: a guarded post needs no
    # second person here (tests/safeguarding/test_access_changes.py tests the confirmed way).
    post.granted_by = "test factory"
    post.full_clean()
    post.save()
    return post


def link_parent(parent: Person, child: Person, relationship: str = "mother") -> ParentLink:
    link = ParentLink(school=child.school, parent=parent, child=child, relationship=relationship)
    link.full_clean()
    link.save()
    return link


def make_user(
    person: Person | None = None,
    password: str = TEST_PASSWORD,
    username: str | None = None,
    **fields: Any,
) -> AbstractBaseUser:
    """A sign-in account, linked to ``person`` when given; ``fields`` are User fields
    (is_staff, is_superuser...)."""
    username = username or f"user{next(_numbers)}"
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user
