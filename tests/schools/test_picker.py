"""The people picker (smpolicy.schools.picker) and its search: a few names of one's own school.

The search is attacked as an outsider would: anonymous, a pupil, a parent, someone of another
school, a deployment superuser of no school; and with a forged id on the forms that use it.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from smpolicy.schools import testing
from smpolicy.schools.models import Person

SEARCH = "/people/search/"


@pytest.fixture
def roll(school, other_school):
    ada = testing.make_person(school, "pupil", "Ada", "Lovelace", year_group="Year 5",
                              class_name="Oak", email="ada@example.org")
    adam = testing.make_person(school, "pupil", "Adam", "Adebayo", year_group="Reception",
                               class_name="Robins")
    gone = testing.make_person(school, "pupil", "Adaeze", "Okoro", on_roll="former")
    mum = testing.make_person(school, "parent", "Adele", "Lovelace")
    stranger = testing.make_person(other_school, "pupil", "Adara", "Far", year_group="Year 5")
    return {"ada": ada, "adam": adam, "gone": gone, "mum": mum, "stranger": stranger}


def member(school, role="staff", positions=()):
    person = testing.make_person(school, role, positions=positions)
    user = testing.make_user(person)
    client = Client()
    client.force_login(user)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)["results"]


def test_a_teacher_finds_pupils_of_their_own_school_with_year_and_class_only(school, roll):
    found = results(member(school).get(SEARCH, {"q": "ad", "kind": "pupil"}))
    assert found == [
        {"id": roll["adam"].pk, "name": "Adam Adebayo", "year_group": "Reception",
         "class": "Robins class"},
        {"id": roll["ada"].pk, "name": "Ada Lovelace", "year_group": "Year 5",
         "class": "Oak class"},
    ]  # no other school's Adara, no former pupil, no parent, no e-mail or birthday


def test_ask_s_kind_finds_parents_and_former_pupils_too(school, roll):
    found = results(member(school, "volunteer").get(SEARCH, {"q": "lovelace",
                                                              "kind": "pupil_or_parent"}))
    assert [p["name"] for p in found] == ["Ada Lovelace", "Adele Lovelace (parent or carer)"]
    assert all(set(p) == {"id", "name", "year_group", "class"} for p in found)


def test_a_short_query_returns_nothing(school, roll):
    client = member(school)
    assert results(client.get(SEARCH, {"q": "a", "kind": "pupil"})) == []
    assert results(client.get(SEARCH, {"q": "  ", "kind": "pupil"})) == []
    assert results(client.get(SEARCH, {"kind": "pupil"})) == []


def test_at_most_twenty_matches(school):
    Person.objects.bulk_create(
        Person(school=school, role="pupil", first_name=f"Sam{i:02}", last_name="Smith",
               on_roll="current") for i in range(30)
    )
    assert len(results(member(school).get(SEARCH, {"q": "smith", "kind": "pupil"}))) == 20


def test_another_school_s_session_never_sees_this_school_s_people(school, other_school, roll):
    found = results(member(other_school).get(SEARCH, {"q": "ad", "kind": "pupil"}))
    assert [p["id"] for p in found] == [roll["stranger"].pk]


def test_an_unknown_kind_is_a_plain_400(school, roll):
    response = member(school).get(SEARCH, {"q": "ad", "kind": "staff"})
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["pupil", "parent"])
def test_pupils_and_parents_may_not_search(school, roll, role):
    assert member(school, role).get(SEARCH, {"q": "ad"}).status_code == 403


def test_the_anonymous_are_sent_to_sign_in(school, roll):
    response = Client().get(SEARCH, {"q": "ad"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_superuser_of_no_school_finds_nobody(school, roll):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
    client = Client()
    client.force_login(admin)
    assert client.get(SEARCH, {"q": "ad"}).status_code == 403


def test_search_is_a_get_and_never_cached(school, roll):
    client = member(school)
    assert client.post(SEARCH, {"q": "ad"}).status_code == 405
    assert "no-store" in client.get(SEARCH, {"q": "ad"})["Cache-Control"]


def test_the_field_refuses_another_school_s_pupil_with_a_form_error(school, roll):
    from smpolicy.posting.forms import CheckForm

    form = CheckForm({"text": "A trip.", "account": "personal",
                      "tagged": [roll["stranger"].pk]}, school=school)
    assert not form.is_valid()
    assert "not someone you can choose here" in form.errors["tagged"][0]
    form = CheckForm({"text": "A trip.", "account": "personal", "tagged": ["x1"]}, school=school)
    assert not form.is_valid() and "tagged" in form.errors  # nonsense is an error, not a 500
    form = CheckForm({"text": "A trip.", "account": "personal",
                      "tagged": [roll["ada"].pk]}, school=school)
    assert form.is_valid() and list(form.cleaned_data["tagged"]) == [roll["ada"]]


def test_the_widget_shows_only_the_chosen_with_year_and_class(school, roll):
    from smpolicy.posting.forms import CheckForm

    form = CheckForm(initial={"tagged": [roll["ada"].pk, roll["stranger"].pk]}, school=school)
    html = str(form["tagged"])
    assert "Ada Lovelace" in html and "Year 5" in html and "Oak class" in html
    assert "Adam" not in html and "Adara" not in html  # a forged id is not turned into a name

