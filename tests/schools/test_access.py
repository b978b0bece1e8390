"""Sign-in, and what each role and post may do."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from smpolicy.schools.access import capabilities, person_for, requires, school_for
from smpolicy.schools.context import school as school_context
from smpolicy.schools.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role", ["staff", "volunteer", "trainee", "governor", "third_party", "elected_member"]
)
def test_every_school_representative_can_ask_the_policy(role, school, make_person, make_user):
    assert "ask_policy" in capabilities(make_user(make_person(school, role)))


@pytest.mark.parametrize("role", ["pupil", "parent"])
def test_pupils_and_parents_have_no_capabilities(role, school, make_person, make_user):
    assert capabilities(make_user(make_person(school, role))) == frozenset()


@pytest.mark.parametrize(
    ("positions", "expected", "not_expected"),
    [
        (["headteacher"], {"manage_people", "safeguarding"}, set()),
        (["dsl"], {"safeguarding"}, {"manage_people"}),
        (["deputy_dsl"], {"safeguarding"}, {"manage_people"}),
        (["senior_leadership"], {"manage_people"}, {"safeguarding"}),
        (["it_lead"], {"network_monitoring"}, {"safeguarding", "manage_people"}),
        ([], {"ask_policy", "log_concern"}, {"safeguarding", "manage_people", "governor_reports"}),
    ],
)
def test_posts_add_capabilities(positions, expected, not_expected, school, make_person, make_user):
    found = capabilities(make_user(make_person(school, "staff", positions=positions)))
    assert expected <= found
    assert not (not_expected & found)


def test_governors_and_the_chair_read_governor_reports(school, make_person, make_user):
    assert "governor_reports" in capabilities(make_user(make_person(school, "governor")))
    chair = make_person(school, "governor", positions=["chair_of_governors"])
    assert {"governor_reports", "ask_policy"} <= capabilities(make_user(chair))
    assert "safeguarding" not in capabilities(make_user(chair))


def test_a_superuser_manages_people_but_reads_no_safeguarding_records(make_user):
    found = capabilities(make_user(is_superuser=True, is_staff=True))
    assert "manage_people" in found
    assert "safeguarding" not in found


def test_anonymous_and_inactive_users_can_do_nothing(school, make_person, make_user):
    from django.contrib.auth.models import AnonymousUser

    assert capabilities(AnonymousUser()) == frozenset()
    assert capabilities(make_user(make_person(school, "staff"), is_active=False)) == frozenset()


def test_a_user_belongs_to_their_persons_school(school, make_person, make_user):
    person = make_person(school, "staff")
    user = make_user(person)
    assert person_for(user) == person
    assert school_for(user) == school
    assert person_for(make_user()) is None
    assert school_for(make_user()) is None


def test_a_superuser_without_a_person_gets_the_only_school_of_a_one_school_deployment(
    school, make_user
):
    admin_user = make_user(is_superuser=True)
    assert school_for(admin_user) == school


def test_a_superuser_without_a_person_gets_no_school_on_a_trust_deployment(
    school, other_school, make_user
):
    assert school_for(make_user(is_superuser=True)) is None


def test_the_home_page_needs_sign_in(client, school):
    response = client.get(reverse("schools:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("schools:login"))
    assert "next=/" in response["Location"]


def test_the_people_pages_need_sign_in(client, school):
    for name in ("schools:people", "schools:import_people", "schools:password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("schools:login"))


def test_a_page_needing_a_capability_answers_403_with_a_clear_page(client, school, signed_in):
    signed_in(school, "staff")
    response = client.get(reverse("schools:people"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You can't open this page" in page
    assert "manage the school" in page.lower()


def test_a_user_not_linked_to_a_school_gets_a_403_saying_so(
    client, school, other_school, make_user
):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    response = client.get(reverse("schools:people"))
    assert response.status_code == 403
    assert "not linked to a school" in response.content.decode()


def test_requires_refuses_an_unknown_capability():
    with pytest.raises(ValueError, match="not a capability"):
        requires("fly")


def test_signing_in_and_out(client, school, make_person, make_user):
    user = make_user(make_person(school, "staff", "Tom", "Hughes"), username="teacher")
    page = client.get(reverse("schools:login"))
    assert page.status_code == 200
    assert 'for="id_username"' in page.content.decode()
    response = client.post(
        reverse("schools:login"), {"username": "teacher", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:home")
    home = client.get(reverse("schools:home")).content.decode()
    assert "Welcome, Tom" in home
    assert "Straits Primary School" in home
    assert client.get(reverse("schools:logout")).status_code == 405  # signing out is a POST
    response = client.post(reverse("schools:logout"))
    assert response["Location"] == reverse("schools:login")
    assert client.get(reverse("schools:home")).status_code == 302
    assert user.is_authenticated


def test_a_wrong_password_is_refused_with_a_message(client, school, make_person, make_user):
    make_user(make_person(school, "staff"), username="teacher")
    response = client.post(reverse("schools:login"), {"username": "teacher", "password": "nope"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_changing_a_password(client, school, make_person, make_user):
    user = make_user(make_person(school, "staff"))
    client.force_login(user)
    response = client.post(
        reverse("schools:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-much-better-passphrase",
            "new_password2": "a-much-better-passphrase",
        },
    )
    assert response["Location"] == reverse("schools:password_change_done")
    user.refresh_from_db()
    assert user.check_password("a-much-better-passphrase")


def test_the_middleware_and_context_processor_give_school_person_and_capabilities(
    client, school, signed_in
):
    person = signed_in(school, "staff", positions=["headteacher"])
    response = client.get(reverse("schools:home"))
    assert response.wsgi_request.school == school
    assert response.wsgi_request.person == person
    assert response.context["school"] == school
    assert response.context["person"] == person
    assert "manage_people" in response.context["capabilities"]


def test_an_anonymous_request_has_no_school_or_person(school):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    context = school_context(request)
    assert context["school"] is None
    assert context["person"] is None
    assert context["capabilities"] == frozenset()


def test_the_home_page_lists_what_the_user_can_do(client, school, signed_in):
    signed_in(school, "staff", positions=["headteacher", "dsl"])
    page = client.get(reverse("schools:home")).content.decode()
    assert reverse("schools:people") in page
    assert reverse("schools:import_people") in page
    assert "safeguarding records" in page


def test_a_teacher_sees_no_people_link(client, school, signed_in):
    signed_in(school, "staff")
    page = client.get(reverse("schools:home")).content.decode()
    assert reverse("schools:people") not in page
