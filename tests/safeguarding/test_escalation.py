"""An immediate report nobody opens within 15 minutes escalates; the clock is fixed, and the
command a scheduler runs every minute takes it as --now."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from smpolicy.safeguarding import alerts
from smpolicy.safeguarding.models import Alert, AuditEntry

from .conftest import make_report, make_staffroom, sign_in

pytestmark = pytest.mark.django_db

MADE = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def urgent(straits, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_report(straits, recorded_at=MADE)


def run(now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return alerts.escalate(now)


def test_nothing_happens_within_15_minutes(urgent, django_capture_on_commit_callbacks):
    report = urgent
    mail.outbox.clear()
    assert (
        run(MADE + dt.timedelta(minutes=14, seconds=59), django_capture_on_commit_callbacks) == []
    )
    assert mail.outbox == []
    report.refresh_from_db()
    assert report.escalation_level == 0


def test_after_15_minutes_unopened_the_headteacher_is_alerted(
    urgent, straits, django_capture_on_commit_callbacks
):
    report = urgent
    mail.outbox.clear()
    done = run(MADE + dt.timedelta(minutes=15), django_capture_on_commit_callbacks)
    assert [what for _, what in done] == ["escalated to 1 more people"]
    alert = Alert.objects.get(report=report, recipient=straits.head)
    assert alert.level == 1 and alert.when == "immediately"
    assert [m.to for m in mail.outbox] == [["head@straits.sch.uk"]]
    assert "Urgent" in mail.outbox[0].subject
    assert AuditEntry.objects.filter(action="escalate", reference=report.reference).exists()
    # the next minute's run does nothing more
    mail.outbox.clear()
    assert run(MADE + dt.timedelta(minutes=16), django_capture_on_commit_callbacks) == []
    assert mail.outbox == []


def test_after_30_minutes_everyone_alerted_is_reminded_and_then_it_stops(
    urgent, django_capture_on_commit_callbacks
):
    report = urgent
    run(MADE + dt.timedelta(minutes=15), django_capture_on_commit_callbacks)
    mail.outbox.clear()
    done = run(MADE + dt.timedelta(minutes=30), django_capture_on_commit_callbacks)
    assert [what for _, what in done] == ["reminded 3 people"]
    assert len(mail.outbox) == 3
    assert all(m.subject.startswith("Still waiting") for m in mail.outbox)
    mail.outbox.clear()
    assert run(MADE + dt.timedelta(hours=3), django_capture_on_commit_callbacks) == []
    report.refresh_from_db()
    assert report.escalation_level == 2


def test_an_opened_report_does_not_escalate(
    urgent, client, straits, django_capture_on_commit_callbacks
):
    report = urgent
    sign_in(client, straits.dsl)
    client.get(reverse("safeguarding:report_detail", args=[report.pk]))
    mail.outbox.clear()
    assert run(MADE + dt.timedelta(hours=1), django_capture_on_commit_callbacks) == []
    assert mail.outbox == []


def test_a_report_that_is_not_urgent_does_not_escalate(straits, django_capture_on_commit_callbacks):
    make_report(
        straits, "professional_judgement", account="I used my own phone once.", recorded_at=MADE
    )
    assert run(MADE + dt.timedelta(hours=5), django_capture_on_commit_callbacks) == []


def test_the_reporter_opening_their_own_report_does_not_stop_escalation(
    urgent, client, straits, django_capture_on_commit_callbacks
):
    report = urgent
    sign_in(client, straits.teacher, second_factor=False)
    client.get(reverse("safeguarding:report_detail", args=[report.pk]))
    report.refresh_from_db()
    assert report.first_opened_at is None
    assert run(MADE + dt.timedelta(minutes=15), django_capture_on_commit_callbacks)


def test_when_the_headteacher_is_the_dsl_escalation_reminds_the_team(
    db, django_capture_on_commit_callbacks
):
    room = make_staffroom("Little School", "little", head_is_dsl=True)
    with django_capture_on_commit_callbacks(execute=True):
        make_report(room, recorded_at=MADE)
    mail.outbox.clear()
    done = run(MADE + dt.timedelta(minutes=15), django_capture_on_commit_callbacks)
    assert [what for _, what in done] == ["reminded 3 people"]
    assert len(mail.outbox) == 3


def test_the_command_takes_the_time_to_act_at(urgent, capsys, django_capture_on_commit_callbacks):
    report = urgent
    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate_alerts", "--now", "2026-03-02T09:10:00+00:00")
    assert capsys.readouterr().out == ""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("escalate_alerts", "--now", "2026-03-02T09:15:00+00:00")
    assert f"straits {report.reference}: escalated to 1 more people" in capsys.readouterr().out
