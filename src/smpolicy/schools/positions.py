"""Who holds a post at a school: the headteacher, the DSL team, senior leaders, the chair...

Every helper looks at one school only, and at the posts held on a date (today by default): a post
has started on or before it and has not ended before it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from smpolicy.schools.models import Person, PersonQuerySet, Position, School, today

Kind = Position.Kind


def _held_on(on: dt.date | None) -> Q:
    on = on or today()
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def holders(school: School, kind: str, on: dt.date | None = None) -> PersonQuerySet:
    """The people of ``school`` who hold the post ``kind`` on ``on`` (default today)."""
    if kind not in Kind.values:
        raise ValueError(f"{kind!r} is not a post; use one of {', '.join(Kind.values)}")
    person_ids = Position.objects.for_school(school).filter(_held_on(on), kind=kind)
    return Person.objects.for_school(school).filter(pk__in=person_ids.values("person_id"))


def headteacher(school: School, on: dt.date | None = None) -> Person | None:
    """The headteacher (the one who started most recently, should two posts overlap)."""
    post = (
        Position.objects.for_school(school)
        .filter(_held_on(on), kind=Kind.HEADTEACHER)
        .select_related("person")
        .order_by("-starts_on", "-id")
        .first()
    )
    return post.person if post else None


def dsl_team(school: School, on: dt.date | None = None) -> list[Person]:
    """The Designated Safeguarding Lead first, then the deputies; each person once."""
    posts = (
        Position.objects.for_school(school)
        .filter(_held_on(on), kind__in=[Kind.DSL, Kind.DEPUTY_DSL])
        .select_related("person")
        .order_by("starts_on", "id")
    )
    ordered = sorted(posts, key=lambda post: post.kind != Kind.DSL)
    return list({post.person_id: post.person for post in ordered}.values())


def positions_of(person: Person, on: dt.date | None = None) -> set[str]:
    """The kinds of post ``person`` holds on ``on`` (default today)."""
    return set(
        Position.objects.for_school(person.school_id)
        .filter(_held_on(on), person=person)
        .values_list("kind", flat=True)
    )
