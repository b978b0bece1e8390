"""Check a post does not grow with the roll (issue 11 item 7: 400 pupils made it 66 KB): the
picker lists only the pupils chosen, and searches for the rest."""

from __future__ import annotations

from smpolicy.schools.models import Person

CHECK = "/posts/check/"


def _roll(school, count: int) -> None:
    have = Person.objects.for_school(school).filter(role="pupil").count()
    Person.objects.bulk_create(
        Person(school=school, role="pupil", first_name=f"Pupil{i:04}", last_name=f"Surname{i:04}",
               year_group=f"Year {1 + i % 6}", class_name="Oak", on_roll="current")
        for i in range(have, count)
    )


def test_the_page_is_the_same_size_for_40_pupils_and_for_400(client, teacher, school):
    client.force_login(teacher.user)
    _roll(school, 40)
    small = len(client.get(CHECK).content)
    _roll(school, 400)
    large = len(client.get(CHECK).content)
    assert abs(large - small) < 1024, (small, large)
