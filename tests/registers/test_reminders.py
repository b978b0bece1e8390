"""Reminders go out from `smpolicy send-reminders` on the clock it is given, in the app and by
e-mail, each exactly once, however often the scheduler runs it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from smpolicy.registers import declarations, reminders, versions
from smpolicy.registers.models import (
    JudgementAdvisory,
    PolicyVersion,
    RegisterSettings,
    Reminder,
)

UTC = dt.UTC
MONDAY = dt.datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def day(n: int, hour: int = 8) -> dt.datetime:
    return MONDAY + dt.timedelta(days=n, hours=hour - 8)


def run(when: dt.datetime) -> str:
    out = io.StringIO()
    call_command("send_reminders", now=when.isoformat(), stdout=out)
    return out.getvalue()


def keys(person=None, kind=None) -> list[str]:
    found = Reminder.objects.order_by("created_at", "id")
    if person is not None:
        found = found.filter(recipient=person)
    if kind is not None:
        found = found.filter(kind=kind)
    return [r.key.split(":")[2] for r in found]


@pytest.fixture
def new_ta(room):
    room.ta.joined_on = MONDAY.date()
    room.ta.save()
    return room.ta


def test_a_new_starter_s_review_reminders_each_go_once_on_a_fixed_clock(room, new_ta):
    assert "1 task(s) opened, 1 reminder(s) sent, 1 e-mailed" in run(day(0))
    assert keys(new_ta) == ["assigned"]
    (email,) = mail.outbox
    assert email.to == ["lucy@example.org"]
    assert "Review your own social media profiles" in email.subject
    assert "https://policy.example/registers/profile-reviews/" in email.body
    # The scheduler runs every hour: nothing is sent twice.
    for hour in range(9, 18):
        run(day(0, hour))
    assert keys(new_ta) == ["assigned"]
    assert len(mail.outbox) == 1
    # Due in 28 days: 7 days before, 1 day before, the day after, then the line manager.
    for n in range(1, 40):
        run(day(n))
        run(day(n, 14))
    assert keys(new_ta) == ["assigned", "before-7", "before-1", "overdue"]
    assert keys(room.teacher, "profile_review") == ["escalated"]  # Lucy's line manager
    assert [r.created_at for r in Reminder.objects.filter(recipient=new_ta).order_by("id")] == [
        day(0), day(21), day(27), day(29)]
    escalation = Reminder.objects.get(recipient=room.teacher, kind="profile_review")
    assert escalation.created_at == day(35)  # 7 days late, the school's default
    assert "Lucy Assistant has not yet done this" in escalation.body
    assert len(mail.outbox) == 5


def test_a_done_task_stops_its_reminders(room, new_ta):
    run(day(0))
    review = new_ta_review(new_ta)
    review.completed_at = day(1)
    review.save()
    for n in range(1, 40):
        run(day(n))
    assert keys(new_ta) == ["assigned"]


def new_ta_review(person):
    from smpolicy.registers.models import ProfileReview

    return ProfileReview.objects.get(person=person)


def test_the_school_sets_the_schedule(room, new_ta):
    RegisterSettings.objects.create(school=room.school, task_reminder_days="3",
                                    escalate_after_days=2, email_reminders=False)
    for n in range(0, 35):
        run(day(n))
    assert keys(new_ta) == ["assigned", "before-3", "overdue"]
    assert Reminder.objects.get(recipient=room.teacher).created_at == day(30)
    assert mail.outbox == []  # in the app only


def test_a_school_that_starts_late_gets_the_latest_step_only(room, new_ta):
    run(day(0))
    run(day(26))  # the 7-day step was missed while the scheduler was down
    assert keys(new_ta) == ["assigned", "before-7"]
    run(day(27))
    assert keys(new_ta) == ["assigned", "before-7", "before-1"]


def in_force(room, on: dt.date, review_due_on: dt.date) -> PolicyVersion:
    version = versions.new_version(room.school, room.head, "First.")
    versions.submit(version, MONDAY)
    versions.sign(version, room.chair, "chair", on, MONDAY)
    versions.sign(version, room.head, "head", on, MONDAY)
    versions.record_meeting(version, on, MONDAY)
    versions.put_in_force(version, on, review_due_on, MONDAY)
    return version


def test_the_policy_review_is_reminded_30_14_and_7_days_before_and_escalated_after(room):
    in_force(room, MONDAY.date(), MONDAY.date() + dt.timedelta(days=30))
    for n in range(0, 45):
        run(day(n))
    assert keys(room.head, "policy_review") == ["before-30", "before-14", "before-7", "overdue"]
    assert keys(room.chair, "policy_review") == [
        "before-30", "before-14", "before-7", "overdue", "escalated"]
    assert keys(room.governor, "policy_review") == ["escalated"]
    sent = Reminder.objects.filter(recipient=room.head, kind="policy_review").order_by("id")
    assert [r.created_at for r in sent] == [day(0), day(16), day(23), day(31)]


def test_everyone_is_asked_to_acknowledge_a_new_version_and_reminded_until_they_do(room):
    version = in_force(room, MONDAY.date(), MONDAY.date() + dt.timedelta(days=365))
    run(day(0))
    covered = versions.covered_people(room.school)
    assert Reminder.objects.filter(kind="policy_ack").count() == len(covered) == 7
    versions.acknowledge(room.teacher, version, day(1))
    for n in range(1, 30):
        run(day(n))
    # Amy acknowledged, so she is reminded no more; her one later reminder is about Lucy.
    assert keys(room.teacher, "policy_ack") == ["asked", "escalated"]
    assert keys(room.ta, "policy_ack") == ["asked", "after-7", "after-14"]
    # 14 days and then the school's 7 more: Lucy's line manager is told.
    escalation = Reminder.objects.get(recipient=room.teacher, key__contains=":escalated:")
    assert escalation.created_at == day(21)
    assert "Lucy Assistant has not acknowledged the policy" in escalation.title
    # A governor's is the Chair's to follow up.
    assert Reminder.objects.filter(recipient=room.chair, key__contains=":escalated:",
                                   title__contains="Anita Governor").exists()


def test_a_declaration_tells_the_leadership_at_once_without_naming_the_family(room):
    declarations.declare(room.teacher, [room.parent], "Neighbours", ["facebook"], now=day(0))
    run(day(0))
    told = {r.recipient for r in Reminder.objects.filter(kind="contact_ack")}
    assert told == {room.head, room.deputy}
    for email in mail.outbox:
        assert "Smith" not in email.body + email.subject
        assert "Amy" not in email.body + email.subject
    run(day(7))
    (escalated,) = Reminder.objects.filter(kind="contact_ack", key__contains=":escalated:")
    assert escalated.recipient == room.head


def test_the_leader_who_declared_is_not_asked_to_acknowledge_their_own(room):
    declarations.declare(room.deputy, [room.parent], "Neighbours", [], now=day(0))
    run(day(0))
    assert {r.recipient for r in Reminder.objects.filter(kind="contact_ack")} == {room.head}


def test_an_advisory_goes_to_the_headteacher(room):
    JudgementAdvisory.objects.create(
        school=room.school, advised_by=room.teacher, advised_to=room.head, when="taken",
        situation="Rang a parent from my phone", justification="Coach broke down")
    run(day(0))
    (reminder,) = Reminder.objects.filter(kind="judgement")
    assert reminder.recipient == room.head
    assert "Rang a parent" not in reminder.body


def test_the_same_reminder_is_never_recorded_twice(room, new_ta):
    due = reminders.due_reminders(room.school, day(0))
    reminders.run(day(0))
    assert reminders.send(room.school, due, day(0)) == []
    assert Reminder.objects.count() == 1


def test_an_e_mail_that_fails_is_tried_again_and_then_sent_once(room, new_ta, monkeypatch):
    real = reminders.send_mail
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("SMTP down")
        return real(*args, **kwargs)

    monkeypatch.setattr(reminders, "send_mail", flaky)
    assert "1 e-mail problem(s)" in run(day(0))
    reminder = Reminder.objects.get()
    assert reminder.emailed_at is None and "OSError" in reminder.email_problem
    run(day(0, 9))
    run(day(0, 10))
    reminder.refresh_from_db()
    assert reminder.emailed_at == day(0, 9)
    assert len(mail.outbox) == 1


def test_someone_without_an_e_mail_address_still_sees_it_in_the_app(room, new_ta):
    new_ta.email = ""
    new_ta.save()
    run(day(0))
    reminder = Reminder.objects.get()
    assert reminder.email_problem == "No e-mail address is recorded for this person."
    assert mail.outbox == []


def test_the_command_refuses_a_bad_clock_and_an_unknown_school(room):
    with pytest.raises(CommandError, match="--now"):
        call_command("send_reminders", now="next tuesday")
    with pytest.raises(CommandError, match="--school"):
        call_command("send_reminders", school="nowhere")


def test_another_school_s_people_are_never_reminded_of_this_school_s_tasks(room, other_room,
                                                                           new_ta):
    run(day(0))
    assert not Reminder.objects.filter(recipient__school=other_room.school).exclude(
        school=other_room.school).exists()
    assert all(r.recipient.school_id == r.school_id for r in Reminder.objects.all())


def test_the_schedule_is_checked_when_the_school_sets_it(room, login):
    from smpolicy.registers.models import parse_days

    assert parse_days("30, 14,7") == [30, 14, 7]
    with pytest.raises(ValueError, match="'soon'"):
        parse_days("30,soon")
    client = login(room.head)
    response = client.post("/registers/settings/", {
        "profile_review_days": 28, "task_reminder_days": "7,1",
        "policy_review_reminder_days": "30,fortnight", "acknowledgement_reminder_days": "7",
        "escalate_after_days": 7, "declaration_review_days": 365})
    assert response.status_code == 200
    assert "is not a number of days" in response.content.decode()
    client.post("/registers/settings/", {
        "profile_review_days": 21, "task_reminder_days": "3",
        "policy_review_reminder_days": "60,30", "acknowledgement_reminder_days": "7",
        "escalate_after_days": 5, "declaration_review_days": 365})
    saved = RegisterSettings.objects.get(school=room.school)
    assert saved.days("policy_review_reminder_days") == [60, 30]
    assert saved.email_reminders is False  # an unticked box
