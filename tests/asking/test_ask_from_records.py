"""Naming the pupil or parent a question is about lets the school's records answer what they
know, so a member of staff need not remember what they declared (personal-info.social-contacts)."""

from __future__ import annotations

import pytest

from smpolicy.registers.declarations import declare
from smpolicy.schools import testing


@pytest.fixture
def family(school):
    pupil = testing.make_person(school, "pupil", "Oliver", "Smith", date_of_birth=testing.born_aged(9))
    parent = testing.make_person(school, "parent", "Sarah", "Smith")
    testing.link_parent(parent, pupil)
    return pupil, parent


def ask(client, **answers):
    data = {"role": "staff", "action": "connect", "account": "personal", "platform": "facebook"}
    data.update(answers)
    return client.post("/ask/", data)


def test_a_declared_contact_with_a_parent_is_found_in_the_register(client, teacher, family) -> None:
    _, parent = family
    client.force_login(teacher.user)
    undeclared = ask(client, person=str(parent.pk)).context["result"]
    assert undeclared["decision"]["verdict"] == "prohibited"
    assert "You have not declared a social contact with this family" in " ".join(undeclared["filled"])
    declare(teacher, [parent], "Our children play football together.", ["facebook"])
    declared = ask(client, person=str(parent.pk))
    result = declared.context["result"]
    assert result["decision"]["verdict"] == "allowed_with_conditions"
    assert "code.parent-communications" in result["decision"]["clauses"]
    assert "You have declared a social contact with this family" in declared.content.decode()


def test_the_person_s_own_answer_wins_over_the_register(client, teacher, family) -> None:
    _, parent = family
    declare(teacher, [parent], "Neighbours.", ["facebook"])
    client.force_login(teacher.user)
    result = ask(client, person=str(parent.pk), social_contact_declared="no").context["result"]
    assert result["decision"]["verdict"] == "prohibited"
    assert not any("declared" in line for line in result["filled"])


def test_a_pupil_picked_brings_their_age_and_roll_status(client, teacher, family) -> None:
    pupil, _ = family
    client.force_login(teacher.user)
    response = ask(client, action="receive_message", person=str(pupil.pk))
    result = response.context["result"]
    assert result["decision"]["verdict"] == "allowed_with_conditions"
    assert any(o["to"] == "dsl" for o in result["decision"]["obligations"])
    age = pupil.age()
    assert age is not None
    assert f"Their age: {age} (the roster's date of birth)." in result["filled"]
    assert "At the school now (the roster)." in result["filled"]


def test_an_answer_that_contradicts_the_person_picked_is_a_clear_error(client, teacher, family) -> None:
    _, parent = family
    client.force_login(teacher.user)
    response = ask(client, person=str(parent.pk), counterpart="pupil")
    assert response.status_code == 422
    assert "Sarah Smith is on the roster as a parent or carer" in response.content.decode()
    assert response.context["result"] is None


def test_only_the_school_s_own_pupils_and_parents_can_be_picked(client, teacher, family) -> None:
    other = testing.make_school("Harbour Primary School", slug="harbour")
    theirs = testing.make_person(other, "parent", "Hidden", "Person")
    client.force_login(teacher.user)
    page = client.get("/ask/").content.decode()
    assert "Sarah Smith" not in page  # the roster is searched, not listed
    # The picker's search without scripts: this school's pupils and parents, nobody else's.
    page = client.get("/ask/", {"person_q": "smith"}).content.decode()
    assert "Sarah Smith" in page and "Oliver Smith" in page and "Hidden Person" not in page
    assert "Hidden Person" not in client.get("/ask/", {"person_q": "hidden"}).content.decode()
    response = ask(client, person=str(theirs.pk))
    assert response.status_code == 422
    assert "That person is not someone you can choose here" in response.content.decode()
