"""One deployment, many schools: nothing of one school shows in another's."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from smpolicy.safeguarding.testing import pass_second_factor
from smpolicy.schools.access import attach
from smpolicy.schools.models import ParentLink, Person, Position, School
from smpolicy.schools.testing import give_position, link_parent

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_schools(school, other_school, make_person):
    ours = [make_person(school, "pupil", "Oliver", "Smith"), make_person(school, "staff")]
    theirs = [
        make_person(other_school, "pupil", "Oliver", "Jones"),
        make_person(other_school, "staff"),
    ]
    link_parent(make_person(school, "parent"), ours[0])
    link_parent(make_person(other_school, "parent"), theirs[0])
    give_position(ours[1], "it_lead")
    give_position(theirs[1], "it_lead")
    return ours, theirs


def test_for_school_shows_only_that_schools_records(school, other_school, two_schools):
    ours, _theirs = two_schools
    for model in (Person, ParentLink, Position):
        mine = set(model.objects.for_school(school))
        others = set(model.objects.for_school(other_school))
        assert mine and others and not mine & others
        assert all(record.school == school for record in mine)
    assert set(Person.objects.for_school(school).filter(role="pupil")) == {ours[0]}


def test_for_school_of_nobody_is_nothing(two_schools):
    assert not Person.objects.for_school(None).exists()


def test_a_record_cannot_point_at_another_schools_record(school, other_school, make_person):
    pupil = make_person(school, "pupil")
    stranger = make_person(other_school, "parent")
    with pytest.raises(ValidationError, match="another school"):
        ParentLink(school=school, parent=stranger, child=pupil).full_clean()
    teacher = make_person(school, "staff")
    teacher.line_manager = make_person(other_school, "staff")
    with pytest.raises(ValidationError, match="another school"):
        teacher.full_clean()


def test_a_school_with_records_cannot_be_deleted(school, make_person):
    from django.db.models import ProtectedError

    make_person(school, "staff")
    with pytest.raises(ProtectedError):
        School.objects.filter(pk=school.pk).delete()


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    attach(request)
    return request


@pytest.mark.parametrize("model", [Person, ParentLink, Position, School])
def test_the_admin_shows_a_school_user_only_their_schools_records(
    model, school, other_school, two_schools, make_person, make_user
):
    user = make_user(make_person(school, "staff", positions=["headteacher"]), is_staff=True)
    model_admin = admin.site._registry[model]
    rows = set(model_admin.get_queryset(_admin_request(user)))
    assert rows
    assert all((row if model is School else row.school) == school for row in rows)


def test_the_admin_offers_a_school_user_only_their_schools_choices(
    school, other_school, two_schools, make_person, make_user
):
    user = make_user(make_person(school, "staff"), is_staff=True)
    request = _admin_request(user)
    model_admin = admin.site._registry[ParentLink]
    for name in ("school", "parent", "child"):
        field = model_admin.formfield_for_foreignkey(ParentLink._meta.get_field(name), request)
        choices = set(field.queryset)
        assert choices
        assert all((c if name == "school" else c.school) == school for c in choices)


def test_a_superuser_sees_every_school_with_a_school_column(
    school, other_school, two_schools, make_user
):
    request = _admin_request(make_user(is_staff=True, is_superuser=True))
    model_admin = admin.site._registry[Person]
    assert {p.school for p in model_admin.get_queryset(request)} == {school, other_school}
    assert "school_of" in model_admin.get_list_display(request)


def test_the_admin_change_page_of_another_schools_person_is_not_found(
    client, school, other_school, two_schools, make_person, make_user
):
    from django.contrib.auth.models import Permission

    user = make_user(make_person(school, "staff"), is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="schools"))
    client.force_login(user)
    pass_second_factor(client, user)
    ours, theirs = two_schools
    assert client.get(reverse("admin:schools_person_change", args=[ours[0].pk])).status_code == 200
    response = client.get(reverse("admin:schools_person_change", args=[theirs[0].pk]))
    assert response.status_code == 302  # "doesn't exist", back to the list
    listing = client.get(reverse("admin:schools_person_changelist"))
    assert "Oliver Smith" in listing.content.decode()
    assert "Oliver Jones" not in listing.content.decode()


def test_the_admin_user_list_is_scoped_too(school, other_school, make_person, make_user):
    ours = make_user(make_person(school, "staff"))
    theirs = make_user(make_person(other_school, "staff"))
    request = _admin_request(make_user(make_person(school, "staff"), is_staff=True))
    users = set(admin.site._registry[type(ours)].get_queryset(request))
    assert ours in users
    assert theirs not in users


def test_the_people_page_shows_only_the_users_school(
    client, school, other_school, two_schools, signed_in
):
    signed_in(school, "staff", positions=["headteacher"])
    page = client.get(reverse("schools:people")).content.decode()
    assert "Oliver Smith" in page
    assert "Oliver Jones" not in page


def test_a_school_user_adds_a_person_in_the_admin_to_their_own_school_only(
    client, school, other_school, make_person, make_user
):
    from django.contrib.auth.models import Permission

    user = make_user(make_person(school, "staff"), is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="schools"))
    client.force_login(user)
    pass_second_factor(client, user)
    url = reverse("admin:schools_person_add")
    form = client.get(url).content.decode()
    assert "Harbour Primary School" not in form
    fields = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "role": "staff",
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
        "parent_links-TOTAL_FORMS": "0",
        "parent_links-INITIAL_FORMS": "0",
    }
    refused = client.post(url, {**fields, "school": other_school.pk})
    assert refused.status_code == 200  # the form again, with an error
    assert not Person.objects.filter(last_name="Lovelace").exists()
    added = client.post(url, {**fields, "school": school.pk})
    assert added.status_code == 302, added.content.decode()[:3000]
    assert Person.objects.get(last_name="Lovelace").school == school
