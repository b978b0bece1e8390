"""Who sees what: every register page by role, and nothing of another school."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from smpolicy.registers import profiles
from smpolicy.safeguarding.testing import pass_second_factor
from smpolicy.schools import testing

PAGES = {
    "registers:home": {"teacher", "ta", "deputy", "head", "dsl", "chair", "governor"},
    "registers:policy": {"teacher", "ta", "deputy", "head", "dsl", "chair", "governor"},
    "registers:declarations": {"teacher", "ta", "deputy", "head", "dsl", "chair", "governor"},
    "registers:declare": {"teacher", "ta", "deputy", "head", "dsl", "chair", "governor"},
    "registers:coverage": {"deputy", "head", "chair", "governor"},
    "registers:versions": {"deputy", "head", "chair", "governor"},
    "registers:new_version": {"deputy", "head"},
    "registers:profile_reviews": {"deputy", "head"},
    "registers:oversight": {"deputy", "head", "dsl", "chair", "governor"},
    "registers:governors": {"head", "chair", "governor"},
    "registers:advisories": {"teacher", "ta", "deputy", "head", "dsl", "chair", "governor"},
    "registers:settings": {"deputy", "head"},
}
# Subject access needs the second factor as well: see test_subject_access_leaks.py.
ROLES = ("teacher", "ta", "deputy", "head", "dsl", "chair", "governor")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_is_open_to_the_right_people_only(room, login, name):
    for role in ROLES:
        status = login(getattr(room, role)).get(reverse(name)).status_code
        assert (status == 200) is (role in PAGES[name]), (name, role, status)


def test_the_anonymous_are_sent_to_sign_in(client, room):
    response = client.get(reverse("registers:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_parent_with_an_account_sees_nothing(room, login):
    assert login(room.parent).get(reverse("registers:home")).status_code == 403


def test_a_superuser_without_a_person_sees_nothing_here(client, room):
    client.force_login(testing.make_user(is_superuser=True, is_staff=True))
    assert client.get(reverse("registers:declarations")).status_code == 403


def test_the_admin_lists_only_the_user_s_school(room, other_room, client):
    from smpolicy.registers import declarations

    declarations.declare(room.teacher, [room.parent], "Ours", [])
    declarations.declare(other_room.teacher, [other_room.parent], "Theirs", [])
    user = testing.make_user(room.head, is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_profilereview"))
    profiles.open_review(room.teacher, timezone.localdate())
    profiles.open_review(other_room.teacher, timezone.localdate())
    client.force_login(user)
    pass_second_factor(client, user)
    body = client.get("/admin/registers/profilereview/").content.decode()
    assert "Amy Teacher" in body and "HTeacher" not in body
    # Declared social contacts name families: records, never in the admin.
    assert client.get("/admin/registers/socialcontact/").status_code == 404


def test_the_admin_shows_no_school_records_to_a_superuser(room, client):
    """The admin is configuration: official posts (their text may name pupils), declared social
    contacts, professional-judgement advisories and branding requests (their purpose may name a
    pupil or an event) are records, read on their own pages only."""
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.com", "x" * 12)
    client.force_login(root)
    pass_second_factor(client, root)
    index = client.get("/admin/").content.decode()
    for path in ("posting/officialpost/", "registers/socialcontact/",
                 "registers/judgementadvisory/", "posting/brandingpermission/"):
        assert f"/admin/{path}" not in index
        assert client.get(f"/admin/{path}").status_code == 404


def test_the_admin_s_delete_page_counts_a_person_s_records_without_naming_them(room, client):
    """Deleting a person in the admin lists what would go with them: by kind and count, never
    a record's own words (an official post's text here; evidence file names alike)."""
    from django.contrib.auth import get_user_model

    from smpolicy.posting import workflow

    workflow.create_post(room.teacher, platform="facebook", text="Sports day with Pip Smith")
    root = get_user_model().objects.create_superuser("root", "root@example.com", "x" * 12)
    client.force_login(root)
    pass_second_factor(client, root)
    page = client.get(f"/admin/schools/person/{room.teacher.pk}/delete/")
    assert page.status_code == 200
    body = page.content.decode()
    assert str(room.teacher) in body  # the record itself is named
    assert "Pip Smith" not in body and "Sports day" not in body
