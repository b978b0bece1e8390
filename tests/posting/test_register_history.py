"""The spokesperson and branding registers keep their history: every change (approve, record
training, restrict, renew, revoke; ask, grant, refuse, revoke) is an event saying who made it,
when, and each field before and after. What was approved or asked for never changes, the history
is never rewritten, and no change slips past it: not through the ORM, the database or the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from smpolicy.posting import recording
from smpolicy.posting.history import AppendOnlyError
from smpolicy.posting.models import (
    BrandingEvent,
    BrandingPermission,
    Spokesperson,
    SpokespersonEvent,
)
from smpolicy.safeguarding.testing import pass_second_factor
from smpolicy.schools import testing
from smpolicy.schools.models import today

IN_A_YEAR = today() + dt.timedelta(days=365)


@pytest.fixture
def entry(teacher, head):
    return recording.approve_spokesperson(
        head, teacher, platforms=["website"], training="LA course", expires_on=IN_A_YEAR
    )


@pytest.fixture
def asked(teacher):
    return recording.request_branding(
        teacher, uses=["name", "logo"], purpose="The fun run poster", platforms=["facebook"]
    )


def history(record):
    return [(e.action, e.actor_name, e.before, e.after) for e in record.events.order_by("pk")]


# -- spokespeople ----------------------------------------------------------------------------


def test_the_approval_is_the_first_event_and_holds_the_whole_entry(entry, head, teacher):
    [(action, who, before, after)] = history(entry)
    assert (action, who, before) == ("approved", "Helen Marsh", {})
    assert after["person"] == {"id": teacher.pk, "name": "Ada Lovelace"}
    assert after["approved_by"] == {"id": head.pk, "name": "Helen Marsh"}
    assert after["platforms"] == ["website"]
    assert after["expires_on"] == IN_A_YEAR.isoformat()
    assert after["revoked_on"] is None


def test_each_change_is_recorded_with_its_before_and_after(entry, head):
    trained = today()
    recording.record_training(entry, head, trained)
    recording.restrict(
        entry, head, platforms=["website", "facebook"], restrictions="No photos", note="Sports"
    )
    later = IN_A_YEAR + dt.timedelta(days=365)
    recording.renew(entry, head, later, note="Another year")
    recording.revoke_spokesperson(entry, head, "Moved to another school")

    events = history(entry)
    assert [e[0] for e in events] == ["approved", "training", "restricted", "renewed", "revoked"]
    assert events[1][2:] == (
        {"training_completed_on": None},
        {"training_completed_on": trained.isoformat()},
    )
    assert events[2][2:] == (
        {"platforms": ["website"], "restrictions": ""},
        {"platforms": ["website", "facebook"], "restrictions": "No photos"},
    )
    assert events[3][2:] == (
        {"expires_on": IN_A_YEAR.isoformat()},
        {"expires_on": later.isoformat()},
    )
    assert events[4][2]["revoked_on"] is None
    assert events[4][3]["revoked_reason"] == "Moved to another school"
    assert entry.events.get(action="restricted").note == "Sports"
    entry.refresh_from_db()
    assert (entry.platforms, entry.expires_on, entry.revoked_by) == (
        ["website", "facebook"],
        later,
        head,
    )


def test_the_earlier_state_can_be_rebuilt_from_the_history(entry, head):
    first = dict(history(entry)[0][3])
    recording.restrict(entry, head, platforms=[], restrictions="Check with me first")
    recording.revoke_spokesperson(entry, head, "Left")
    state = {}
    for _, _, _, after in history(entry):
        state.update(after)
    assert state["restrictions"] == "Check with me first"
    assert state["revoked_reason"] == "Left"
    # ...and what it was before the changes is still in the first event.
    assert first["platforms"] == ["website"] and first["restrictions"] == ""


def test_nothing_changed_is_not_an_event(entry, head):
    assert recording.renew(entry, head, IN_A_YEAR) is None
    assert len(history(entry)) == 1


def test_only_the_headteacher_changes_a_spokesperson(entry, teacher, leader):
    for person in (teacher, leader):
        with pytest.raises(recording.NotAllowed):
            recording.revoke_spokesperson(entry, person, "No")
        with pytest.raises(recording.NotAllowed):
            recording.renew(entry, person, None)
    assert len(history(entry)) == 1


def test_a_revoked_approval_is_not_changed_again(entry, head):
    recording.revoke_spokesperson(entry, head, "Left")
    with pytest.raises(recording.RecordingError, match="approve them again"):
        recording.renew(entry, head, IN_A_YEAR + dt.timedelta(days=1))


def test_a_change_the_entry_refuses_writes_nothing(entry, head):
    before = history(entry)
    with pytest.raises(Exception, match="platform"):
        recording.restrict(entry, head, platforms=[""], restrictions="")
    entry.refresh_from_db()
    assert entry.platforms == ["website"]
    assert history(entry) == before


# -- the ORM and the database refuse changes past the history ---------------------------------


def test_the_orm_refuses_a_change_past_the_history(entry):
    entry.expires_on = None
    with pytest.raises(AppendOnlyError, match=r"posting\.recording"):
        entry.save()
    with pytest.raises(AppendOnlyError):
        Spokesperson.objects.filter(pk=entry.pk).update(expires_on=None)
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Spokesperson.objects.all().delete()
    entry.refresh_from_db()
    assert entry.expires_on == IN_A_YEAR


@pytest.mark.parametrize("field", ["person", "approved_by", "approved_on"])
def test_what_was_approved_never_changes(entry, school, field):
    other = testing.make_person(school, "staff", "Bea", "Jones")
    value = today() - dt.timedelta(days=1) if field == "approved_on" else other
    with pytest.raises(recording.RecordingError, match="cannot change"):
        recording.change(entry, None, "admin", {field: value})
    setattr(entry, field, value)
    entry._recording = True  # even the recorder's own way in refuses it
    with pytest.raises(AppendOnlyError, match="cannot change"):
        entry.save()


@pytest.mark.parametrize("field", ["requested_by", "uses", "purpose", "platforms"])
def test_what_was_asked_for_never_changes(asked, school, field):
    other = testing.make_person(school, "staff", "Bea", "Jones")
    value = {"requested_by": other, "uses": ["name"], "purpose": "x", "platforms": []}[field]
    with pytest.raises(recording.RecordingError, match="cannot change"):
        recording.change(asked, None, "admin", {field: value})


def test_the_history_cannot_be_changed_or_deleted(entry, asked):
    for event in (entry.events.get(), asked.events.get()):
        event.note = "rewritten"
        with pytest.raises(AppendOnlyError):
            event.save()
        with pytest.raises(AppendOnlyError):
            event.delete()
    for model in (SpokespersonEvent, BrandingEvent):
        with pytest.raises(AppendOnlyError):
            model.objects.update(note="rewritten")
        with pytest.raises(AppendOnlyError):
            model.objects.all().delete()


def test_the_database_refuses_to_rewrite_the_registers_history(entry, asked):
    for table in ("posting_spokespersonevent", "posting_brandingevent"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET note = 'rewritten'")
    assert set(SpokespersonEvent.objects.values_list("note", flat=True)) == {""}


# -- written permission for branding --------------------------------------------------------


def test_a_request_its_grant_and_its_revocation_are_each_recorded(asked, teacher, head):
    until = today() + dt.timedelta(days=60)
    recording.grant_branding(
        asked, head, written_permission="Yes, for the poster only.", expires_on=until
    )
    recording.revoke_branding(asked, head, "The poster used last year's logo.")
    events = history(asked)
    assert [(e[0], e[1]) for e in events] == [
        ("requested", "Ada Lovelace"),
        ("granted", "Helen Marsh"),
        ("revoked", "Helen Marsh"),
    ]
    assert events[0][3]["purpose"] == "The fun run poster"
    assert events[1][2]["status"] == "requested"
    assert events[1][3]["written_permission"] == "Yes, for the poster only."
    assert events[1][3]["expires_on"] == until.isoformat()
    assert events[2][2] == {
        "status": "granted",
        "decided_at": events[1][3]["decided_at"],
        "note": "",
    }
    assert events[2][3]["status"] == "revoked"
    asked.refresh_from_db()
    # The written permission the revocation ended is still there to read.
    assert asked.written_permission == "Yes, for the poster only."


def test_a_refusal_is_recorded_and_the_request_is_answered_once(asked, head):
    recording.refuse_branding(asked, head, "Use the trust's template.")
    assert [e[0] for e in history(asked)] == ["requested", "refused"]
    with pytest.raises(recording.RecordingError, match="already been answered"):
        recording.grant_branding(asked, head, written_permission="Yes", expires_on=IN_A_YEAR)


def test_only_the_headteacher_answers(asked, teacher, leader):
    for person in (teacher, leader):
        with pytest.raises(recording.NotAllowed):
            recording.grant_branding(asked, person, written_permission="Yes", expires_on=IN_A_YEAR)
    assert BrandingPermission.objects.get().status == "requested"


# -- the pages and the admin -----------------------------------------------------------------


def test_the_spokespeople_page_shows_each_entrys_history(client, entry, head):
    client.force_login(head.user)
    url = reverse("posting:spokesperson_change", args=[entry.pk])
    response = client.post(
        url,
        {"change": "restrict", "platforms": ["facebook"], "restrictions": "", "note": "Trips"},
    )
    assert response.status_code == 302
    client.post(url, {"change": "renew", "expires_on": "", "note": "No end"})
    page = client.get(reverse("posting:spokespeople")).content.decode()
    assert "History (3 changes)" in page
    assert "Restrictions changed" in page and "Approval renewed" in page
    assert "<del>website</del> → facebook" in page
    assert "“Trips”" in page
    entry.refresh_from_db()
    assert (entry.platforms, entry.expires_on) == (["facebook"], None)


def test_a_teacher_sees_the_register_but_cannot_change_it(client, entry, teacher):
    client.force_login(teacher.user)
    url = reverse("posting:spokesperson_change", args=[entry.pk])
    assert client.post(url, {"change": "revoke", "reason": "x"}).status_code == 403
    assert "History (1 change)" in client.get(reverse("posting:spokespeople")).content.decode()
    assert len(history(entry)) == 1


def test_the_branding_pages_show_the_history(client, asked, head):
    client.force_login(head.user)
    decide = reverse("posting:branding_decide", args=[asked.pk])
    client.post(
        decide,
        {
            "decision": "grant",
            "written_permission": "Yes, for the poster.",
            "valid_from": today().isoformat(),
            "expires_on": IN_A_YEAR.isoformat(),
        },
    )
    client.post(decide, {"revoke": "1", "note": "Wrong logo"})
    page = client.get(decide).content.decode()
    for words in ("Asked for", "Granted in writing", "Revoked", "“Wrong logo”"):
        assert words in page
    assert "History (3 changes)" in client.get(reverse("posting:branding")).content.decode()


@pytest.fixture
def admin_client_for(client, school):
    person = testing.make_person(school, "staff", "Claire", "Robinson")
    testing.make_user(person, username="office-admin", is_staff=True, is_superuser=True)
    client.force_login(person.user)
    pass_second_factor(client, person.user)  # every admin page asks for it
    return client


def test_the_admin_shows_what_was_approved_read_only_and_records_any_change(
    admin_client_for, entry
):
    url = reverse("admin:posting_spokesperson_change", args=[entry.pk])
    page = admin_client_for.get(url).content.decode()
    assert 'name="person"' not in page and 'name="approved_on"' not in page
    assert 'name="restrictions"' in page
    assert "events-" not in page, "the register's history is shown on its own page, not here"
    form = {
        "training": entry.training,
        "training_completed_on": "",
        "platforms": '["website"]',
        "expires_on": IN_A_YEAR.isoformat(),
        "restrictions": "Only term-time posts",
        "revoked_on": "",
        "revoked_by": "",
        "revoked_reason": "",
    }
    response = admin_client_for.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = entry.events.order_by("pk").last()
    assert (event.action, event.before, event.after) == (
        "admin",
        {"restrictions": ""},
        {"restrictions": "Only term-time posts"},
    )
    assert "office-admin" in event.actor_name
    assert admin_client_for.get(reverse("admin:posting_spokesperson_add")).status_code == 403
