"""Side doors into what was recorded about a safeguarding matter, each tried and refused.

What happened stays as it was recorded: who was involved, the report's flags, a case's title, its
actions, the alerts sent. The work on a record moves on, forward only (a report is opened, a case
closed, an alert seen), and nothing goes before its destruction is due. Each attack is tried with
the ORM (what the admin and any code use) and with SQL sent straight to the database.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from smpolicy.safeguarding import access, dbguard
from smpolicy.safeguarding.models import (
    Advice,
    Alert,
    Case,
    CaseAction,
    Involvement,
    Report,
)
from smpolicy.safeguarding.records import AppendOnlyError

from .conftest import make_report, sign_in

pytestmark = pytest.mark.django_db


def _refused(sql: str, params: list) -> None:
    with (
        pytest.raises(DatabaseError, match="smpolicy"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def _allowed(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def allegation(straits) -> Report:
    """A report about a member of staff: its subject must never see it."""
    return make_report(
        straits,
        "staff_breach",
        subject=straits.colleague,
        account="Colin posted trip photos on his Facebook.",
        details={"breach": "pupil_images"},
    )


@pytest.fixture
def case(client, straits, allegation) -> Case:
    sign_in(client, straits.head)
    client.post(reverse("safeguarding:triage", args=[allegation.pk]), {"title": "Trip photos"})
    return Case.objects.get()


def test_every_guard_is_in_the_database():
    assert dbguard.expected(connection.vendor, dbguard.GUARDS) <= dbguard.installed(connection)


# -- who was involved ------------------------------------------------------------------------------


def test_the_row_naming_the_subject_cannot_be_deleted_to_open_the_report_to_them(
    allegation, straits
):
    subject = Involvement.objects.get(report=allegation, role=Involvement.Role.SUBJECT)
    assert not access.full_reports(straits.colleague, straits.colleague.user).filter(
        pk=allegation.pk
    ).exists()
    _refused("DELETE FROM safeguarding_involvement WHERE id = %s", [subject.pk])
    _refused("UPDATE safeguarding_involvement SET role = 'other' WHERE id = %s", [subject.pk])
    with pytest.raises(AppendOnlyError):
        subject.delete()
    with pytest.raises(AppendOnlyError):
        Involvement.objects.filter(report=allegation).delete()
    with pytest.raises(AppendOnlyError):
        Involvement.objects.filter(pk=subject.pk).update(person=straits.teacher)
    subject.person = straits.teacher
    with pytest.raises(AppendOnlyError):
        subject.save()
    assert Involvement.objects.get(pk=subject.pk).person == straits.colleague
    assert not access.full_reports(straits.colleague, straits.colleague.user).filter(
        pk=allegation.pk
    ).exists()


# -- the report's flags ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [("is_safeguarding", True), ("urgent", True), ("child_protection", True),
     ("categories", ["other"]), ("retention_rule", "general"), ("platform", "x")],
)
def test_a_report_s_flags_cannot_be_changed_through_the_orm(allegation, field, value):
    with pytest.raises(AppendOnlyError, match=field):
        Report.objects.filter(pk=allegation.pk).update(**{field: value})
    report = Report.objects.get(pk=allegation.pk)
    setattr(report, field, value)
    with pytest.raises(AppendOnlyError, match=field):
        report.save()


def test_a_report_s_flags_cannot_be_changed_with_sql(allegation):
    for column, value in (("is_safeguarding", True), ("urgent", True),
                          ("categories", '["other"]'), ("details", '{"breach": "none"}'),
                          ("verdict", "allowed"), ("reporter_name", "Someone else")):
        _refused(f"UPDATE safeguarding_report SET {column} = %s WHERE id = %s",
                 [value, allegation.pk])


def test_the_work_on_a_report_only_moves_forward(allegation, straits):
    report = Report.objects.get(pk=allegation.pk)
    report.status = Report.Status.OPENED
    report.first_opened_at = timezone.now()
    report.save()
    report.status = Report.Status.NEW
    with pytest.raises(AppendOnlyError, match="status only moves forward"):
        report.save()
    report.refresh_from_db()
    report.first_opened_at = timezone.now() + dt.timedelta(hours=1)
    with pytest.raises(AppendOnlyError, match="first_opened_at is recorded once"):
        report.save()
    with pytest.raises(AppendOnlyError, match="retain_until only moves forward"):
        Report.objects.filter(pk=report.pk).update(retain_until=dt.date(2001, 1, 1))
    _refused("UPDATE safeguarding_report SET status = 'new' WHERE id = %s", [report.pk])
    _refused("UPDATE safeguarding_report SET first_opened_at = NULL WHERE id = %s", [report.pk])
    _refused("UPDATE safeguarding_report SET escalation_level = -1 WHERE id = %s", [report.pk])
    _refused("UPDATE safeguarding_report SET retain_until = NULL WHERE id = %s", [report.pk])
    _allowed("UPDATE safeguarding_report SET escalation_level = 2, retain_until = %s "
             "WHERE id = %s", [report.retain_until + dt.timedelta(days=1), report.pk])


# -- cases, their actions, advice --------------------------------------------------------------


def test_a_case_title_cannot_be_rewritten(case):
    case.title = "Nothing to see"
    with pytest.raises(AppendOnlyError, match="title"):
        case.save()
    with pytest.raises(AppendOnlyError, match="title"):
        Case.objects.filter(pk=case.pk).update(title="Nothing to see")
    _refused("UPDATE safeguarding_case SET title = 'Nothing to see' WHERE id = %s", [case.pk])
    _refused("DELETE FROM safeguarding_case WHERE id = %s", [case.pk])
    with pytest.raises(AppendOnlyError):
        Case.objects.filter(pk=case.pk).delete()
    assert Case.objects.get(pk=case.pk).title == "Trip photos"


def test_a_closed_case_stays_closed_with_its_summary(case, straits):
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.closed_by = straits.head
    case.closing_summary = "Advice given."
    case.save()
    case.closing_summary = "Nothing happened."
    with pytest.raises(AppendOnlyError, match="closing_summary"):
        case.save()
    case.refresh_from_db()
    case.status = Case.Status.OPEN
    with pytest.raises(AppendOnlyError, match="stays closed"):
        case.save()
    _refused("UPDATE safeguarding_case SET status = 'open' WHERE id = %s", [case.pk])
    _refused("UPDATE safeguarding_case SET closed_at = NULL WHERE id = %s", [case.pk])


def test_a_case_action_is_kept_as_asked_and_is_done_once(case, straits):
    action = CaseAction.objects.create(
        case=case, description="Speak to Colin", owner=straits.head,
        due_on=timezone.localdate(), created_by=straits.head,
    )
    action.description = "Nothing"
    with pytest.raises(AppendOnlyError, match="description"):
        action.save()
    with pytest.raises(AppendOnlyError, match="due_on"):
        CaseAction.objects.filter(pk=action.pk).update(due_on=dt.date(2099, 1, 1))
    action.refresh_from_db()
    action.done_at, action.done_by, action.done_note = timezone.now(), straits.head, "Spoken."
    action.save(update_fields=["done_at", "done_by", "done_note"])
    action.done_note = "Never happened."
    with pytest.raises(AppendOnlyError, match="done_note"):
        action.save()
    _refused("UPDATE safeguarding_caseaction SET description = 'x' WHERE id = %s", [action.pk])
    _refused("UPDATE safeguarding_caseaction SET done_at = NULL WHERE id = %s", [action.pk])
    _refused("UPDATE safeguarding_caseaction SET done_note = 'x' WHERE id = %s", [action.pk])
    _refused("DELETE FROM safeguarding_caseaction WHERE id = %s", [action.pk])
    with pytest.raises(AppendOnlyError):
        action.delete()


def test_advice_cannot_be_changed_or_deleted(case, straits):
    advice = Advice.objects.create(
        case=case, source=Advice.Source.LADO, adviser="LADO", advised_on=timezone.localdate(),
        advice="Refer.", recorded_by=straits.head,
    )
    _refused("UPDATE safeguarding_advice SET advice = 'Do nothing.' WHERE id = %s", [advice.pk])
    _refused("DELETE FROM safeguarding_advice WHERE id = %s", [advice.pk])
    with pytest.raises(AppendOnlyError):
        Advice.objects.filter(pk=advice.pk).update(advice="Do nothing.")


# -- alerts ---------------------------------------------------------------------------------------


def test_an_alert_is_kept_and_only_its_seen_and_emailed_times_move_forward(allegation, straits):
    alert = Alert.objects.filter(report=allegation).first()
    assert alert is not None
    for change in ({"reason": "nothing"}, {"recipient": straits.teacher}, {"level": 5}):
        with pytest.raises(AppendOnlyError):
            Alert.objects.filter(pk=alert.pk).update(**change)
    now = timezone.now()
    assert Alert.objects.filter(pk=alert.pk, seen_at__isnull=True).update(seen_at=now) == 1
    with pytest.raises(AppendOnlyError, match="seen_at is recorded once"):
        Alert.objects.filter(pk=alert.pk).update(seen_at=now + dt.timedelta(hours=1))
    alert.refresh_from_db()
    alert.emailed_at = now
    alert.save(update_fields=["emailed_at"])
    alert.emailed_at = now - dt.timedelta(days=1)
    with pytest.raises(AppendOnlyError, match="emailed_at only moves forward"):
        alert.save(update_fields=["emailed_at"])
    _refused("UPDATE safeguarding_alert SET seen_at = NULL WHERE id = %s", [alert.pk])
    _refused("UPDATE safeguarding_alert SET reason = 'x' WHERE id = %s", [alert.pk])
    _refused("UPDATE safeguarding_alert SET emailed_at = NULL WHERE id = %s", [alert.pk])
    _refused("DELETE FROM safeguarding_alert WHERE id = %s", [alert.pk])
    _allowed("UPDATE safeguarding_alert SET email_problem = 'bounced' WHERE id = %s", [alert.pk])
