"""Declared social contacts: a member of staff makes a contact with a pupil's family known, a
senior leader acknowledges it, and it is reviewed each year and when a child joins or leaves."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from smpolicy.registers import declarations
from smpolicy.registers.declarations import declared_social_contact
from smpolicy.registers.models import SocialContact, SocialContactReview
from smpolicy.schools import testing


def test_a_teacher_declares_a_contact_with_a_family_on_the_form(room, login):
    client = login(room.teacher)
    page = client.get(reverse("registers:declare"), {"q": "Smith"})
    assert page.status_code == 200
    assert "Sarah Smith (parent or carer of" in page.content.decode()
    response = client.post(
        reverse("registers:declare") + "?q=Smith",
        {"family": [room.parent.pk], "how_known": "Our children play football together.",
         "platforms": ["facebook", "whatsapp"]},
    )
    contact = SocialContact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registers:declaration", args=[contact.pk])
    assert contact.staff == room.teacher
    assert list(contact.family.all()) == [room.parent]
    assert contact.platform_names() == ["Facebook", "WhatsApp"]
    assert contact.status == SocialContact.Status.DECLARED
    assert contact.review_due_on == timezone.localdate() + dt.timedelta(days=365)


def test_the_form_asks_for_who_and_how(room, login):
    response = login(room.teacher).post(reverse("registers:declare"), {"how_known": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Find the family above and tick who you know." in body
    assert "How you know them: This field is required." in body
    assert not SocialContact.objects.exists()


def test_a_pupil_or_parent_of_another_school_cannot_be_declared(room, other_room, login):
    response = login(room.teacher).post(reverse("registers:declare"), {
        "family": [other_room.parent.pk], "how_known": "Friends",
    })
    assert response.status_code == 200
    assert not SocialContact.objects.exists()


def test_a_declaration_covers_the_family_and_only_while_it_stands(room):
    assert not declared_social_contact(room.teacher, room.pupil)
    contact = declarations.declare(room.teacher, [room.parent], "Neighbours", ["facebook"])
    # The parent named, her children, and nobody else.
    assert declared_social_contact(room.teacher, room.parent)
    assert declared_social_contact(room.teacher, room.pupil)
    assert declared_social_contact(room.teacher, room.sibling)
    assert not declared_social_contact(room.teacher, room.other_parent)
    # It is the teacher's declaration, not a colleague's.
    assert not declared_social_contact(room.ta, room.pupil)
    declarations.end(contact, room.teacher, "We moved away.")
    assert not declared_social_contact(room.teacher, room.pupil)


def test_naming_a_pupil_covers_their_parents_and_brothers_and_sisters(room):
    declarations.declare(room.teacher, [room.pupil], "Cousins", [])
    assert declared_social_contact(room.teacher, room.parent)
    assert declared_social_contact(room.teacher, room.sibling)
    assert not declared_social_contact(room.teacher, room.other_parent)


def test_it_is_declared_before_anyone_acknowledges_it(room):
    """The duty is to make it known; acknowledging is the leadership's part."""
    declarations.declare(room.teacher, [room.parent], "Neighbours", [])
    assert declared_social_contact(room.teacher, room.pupil)


def test_another_school_s_people_are_never_covered(room, other_room):
    declarations.declare(room.teacher, [room.parent], "Neighbours", [])
    assert not declared_social_contact(room.teacher, other_room.parent)
    assert not declared_social_contact(other_room.teacher, room.parent)


def test_the_deputy_head_acknowledges_it_with_a_note(room, login):
    contact = declarations.declare(room.teacher, [room.parent], "Neighbours", ["facebook"])
    client = login(room.deputy)
    page = client.get(reverse("registers:declaration", args=[contact.pk]))
    assert "Acknowledge it" in page.content.decode()
    response = client.post(reverse("registers:acknowledge_declaration", args=[contact.pk]),
                           {"note": "Discussed; keep school matters out of it."})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == SocialContact.Status.ACKNOWLEDGED
    assert contact.acknowledged_by == room.deputy
    assert contact.acknowledgement_note == "Discussed; keep school matters out of it."


def test_acknowledging_needs_a_note(room, login):
    contact = declarations.declare(room.teacher, [room.parent], "Neighbours", [])
    response = login(room.deputy).post(
        reverse("registers:acknowledge_declaration", args=[contact.pk]), {"note": ""})
    assert response.status_code == 400
    contact.refresh_from_db()
    assert contact.status == SocialContact.Status.DECLARED


def test_a_teacher_cannot_acknowledge_someone_else_s_declaration(room, login):
    contact = declarations.declare(room.ta, [room.parent], "Neighbours", [])
    client = login(room.teacher)
    # They cannot even read it: declarations are for the declarant and the leadership.
    assert client.get(reverse("registers:declaration", args=[contact.pk])).status_code == 404
    response = client.post(reverse("registers:acknowledge_declaration", args=[contact.pk]),
                           {"note": "Fine by me"})
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.status == SocialContact.Status.DECLARED


def test_a_leader_cannot_acknowledge_their_own_declaration(room, login):
    contact = declarations.declare(room.deputy, [room.parent], "Neighbours", [])
    response = login(room.deputy).post(
        reverse("registers:acknowledge_declaration", args=[contact.pk]), {"note": "Mine"})
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.status == SocialContact.Status.DECLARED


def test_the_dsl_team_reads_the_register_but_does_not_acknowledge(room, login):
    contact = declarations.declare(room.teacher, [room.parent], "Neighbours", [])
    client = login(room.dsl)
    register = client.get(reverse("registers:declarations"))
    assert "Amy Teacher" in register.content.decode()
    assert client.post(reverse("registers:acknowledge_declaration", args=[contact.pk]),
                       {"note": "ok"}).status_code == 403


def test_a_teacher_sees_only_their_own_declarations(room, login):
    declarations.declare(room.ta, [room.other_parent], "Neighbours", [])
    body = login(room.teacher).get(reverse("registers:declarations")).content.decode()
    assert "Lucy Assistant" not in body
    assert "Nadia Khan" not in body
    assert "The register" not in body


def test_another_school_s_declarations_never_show(room, other_room, login):
    theirs = declarations.declare(other_room.teacher, [other_room.parent], "Neighbours", [])
    client = login(room.head)
    assert client.get(reverse("registers:declaration", args=[theirs.pk])).status_code == 404
    assert "HSmith" not in client.get(
        reverse("registers:declarations") + "?show=all").content.decode()
    assert client.post(reverse("registers:acknowledge_declaration", args=[theirs.pk]),
                       {"note": "x"}).status_code == 404


def test_the_annual_review_opens_before_its_date_and_once(room):
    contact = declarations.declare(room.teacher, [room.parent], "Neighbours", [])
    due = contact.review_due_on
    assert declarations.sync_reviews(room.school, due - dt.timedelta(days=30)) == []
    made = declarations.sync_reviews(room.school, due - dt.timedelta(days=7))
    assert [r.reason for r in made] == [SocialContactReview.Reason.ANNUAL]
    assert declarations.sync_reviews(room.school, due - dt.timedelta(days=6)) == []


def test_a_child_joining_or_leaving_the_school_opens_a_review(room):
    contact = declarations.declare(room.teacher, [room.parent], "Neighbours", [])
    today = timezone.localdate()
    baby = testing.make_person(room.school, "pupil", "Baby", "Smith",
                               date_of_birth=testing.born_aged(4))
    testing.link_parent(room.parent, baby)
    joined = declarations.sync_reviews(room.school, today)
    assert [(r.reason, r.pupil) for r in joined] == [
        (SocialContactReview.Reason.CHILD_JOINED, baby)]
    room.pupil.on_roll = "former"
    room.pupil.save()
    left = declarations.sync_reviews(room.school, today)
    assert [(r.reason, r.pupil) for r in left] == [(SocialContactReview.Reason.CHILD_LEFT,
                                                    room.pupil)]
    assert declarations.sync_reviews(room.school, today) == []
    assert contact.reviews.filter(completed_at__isnull=True).count() == 2


def test_the_teacher_reviews_it_and_a_change_goes_back_to_the_leadership(room, login):
    contact = declarations.declare(room.teacher, [room.parent], "Neighbours", ["facebook"])
    declarations.acknowledge(contact, room.deputy, "ok")
    declarations.sync_reviews(room.school, contact.review_due_on)
    response = login(room.teacher).post(
        reverse("registers:review_declaration", args=[contact.pk]),
        {"outcome": "changed", "how_known": "Neighbours, and now our book club",
         "platforms": ["facebook", "instagram"]},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == SocialContact.Status.DECLARED  # to be acknowledged again
    assert contact.platforms == ["facebook", "instagram"]
    assert not contact.reviews.filter(completed_at__isnull=True).exists()
    assert contact.review_due_on == timezone.localdate() + dt.timedelta(days=365)


def test_ending_a_contact_needs_a_reason(room, login):
    contact = declarations.declare(room.teacher, [room.parent], "Neighbours", [])
    client = login(room.teacher)
    url = reverse("registers:review_declaration", args=[contact.pk])
    assert client.post(url, {"outcome": "ended", "how_known": "x"}).status_code == 200
    client.post(url, {"outcome": "ended", "how_known": "x", "note": "They moved away."})
    contact.refresh_from_db()
    assert contact.status == SocialContact.Status.ENDED
    assert contact.ended_reason == "They moved away."


def test_the_decision_engine_sees_a_declared_contact(room):
    """What the Ask page will do: fill permissions.social_contact_declared from the register."""
    from smpolicy.asking.engines import engine_for
    from smpolicy.registers import declared_social_contact as from_the_package

    def ask() -> dict:
        return engine_for(room.school).decide({
            "actor": room.teacher.as_party(),
            "action": "have_social_contact",
            "counterpart": room.parent.as_party(),
            "permissions": {
                "social_contact_declared": from_the_package(room.teacher, room.parent)},
        })

    before = ask()
    assert before["verdict"] == "allowed_with_conditions"
    assert [o["kind"] for o in before["obligations"]] == ["declare"]
    declarations.declare(room.teacher, [room.parent], "Neighbours", [])
    assert ask()["verdict"] == "allowed"


def test_a_review_due_shows_on_the_teacher_s_task_list(room, login):
    contact = declarations.declare(room.teacher, [room.parent], "Neighbours", [])
    client = login(room.teacher)
    assert "Review a social contact you declared" not in client.get(
        reverse("registers:home")).content.decode()
    declarations.sync_reviews(room.school, contact.review_due_on)
    body = client.get(reverse("registers:home")).content.decode()
    assert "Review a social contact you declared" in body
    assert reverse("registers:review_declaration", args=[contact.pk]) in body
