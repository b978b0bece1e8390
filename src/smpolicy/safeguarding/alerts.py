"""Alerts: in the app at once, and by e-mail as a link only.

An e-mail leaves the school's systems and may be read on a shared screen or forwarded, so it never
carries a name, a kind of concern or a word of the account: only that something needs the reader,
how urgently, and a link that asks them to sign in.

An immediate report that nobody has opened 15 minutes after it was made escalates: the headteacher
(or the Chair of Governors, for an allegation against the headteacher) is alerted if they were not
already, else everyone alerted is reminded; a second reminder follows 15 minutes later. A beat
job runs the escalation every minute (smpolicy.jobs; ``smpolicy escalate-alerts`` by hand).

The e-mails, and a message to the school's Teams channel, are sent by workers, tried again until
they go (smpolicy.safeguarding.delivery): making a report never waits on a mail server.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from smpolicy.safeguarding import audit
from smpolicy.safeguarding.intake import Route
from smpolicy.safeguarding.models import Alert, Involvement, Report
from smpolicy.schools.mailing import link_email
from smpolicy.schools.models import Person
from smpolicy.schools.positions import dsl_team, headteacher, holders

log = logging.getLogger(__name__)

ESCALATE_AFTER = dt.timedelta(minutes=15)
MAX_ESCALATIONS = 2


def report_url(report: Report) -> str:
    return f"{settings.SITE_URL}{reverse('safeguarding:report_detail', args=[report.pk])}"


def alert_email(alert: Alert, *, reminder: bool = False) -> EmailMessage:
    """One alert's e-mail: a link, never details (raises mailing.NoAddress)."""
    school = alert.report.school.name
    urgent = alert.when == "immediately"
    if reminder:
        subject = f"Still waiting: a safeguarding report at {school} has not been opened"
    elif urgent:
        subject = f"Urgent: a safeguarding report at {school} needs you now"
    else:
        subject = f"A report at {school} needs your attention"
    pace = "now" if urgent else "soon"
    message = (
        f"A report has been recorded at {school} and the school's policy says you must see it "
        f"{pace}.{' Nobody has opened it yet.' if reminder else ''}"
    )
    return link_email(alert.recipient, subject, message, report_url(alert.report))


def raise_alerts(report: Report, found_routes: list[Route], *, level: int = 0) -> list[Alert]:
    """Alerts in the app now; e-mails once the report is committed (never for a rolled-back one)."""
    # Two queries, however many are alerted: a scan's incidents raise many reports at once.
    # Nobody is alerted twice about a report (and the database's alert_once_per_person says so
    # too); a report's alerts are only raised with the report, or by escalation, which holds
    # the report's row.
    already = set(
        Alert.objects.filter(
            report=report, recipient__in=[route.person.pk for route in found_routes]
        ).values_list("recipient_id", flat=True)
    )
    fresh = []
    for route in found_routes:
        if route.person.pk in already:
            continue
        already.add(route.person.pk)
        fresh.append(Alert(
            school_id=report.school_id,
            report=report,
            recipient=route.person,
            when=route.when,
            reason="; ".join(route.reasons)[:300],
            clause=route.clause,
            level=level,
        ))
    made = Alert.objects.bulk_create(fresh)
    if any(a.pk is None for a in made):  # a database that returns no ids from a bulk insert
        made = list(Alert.objects.filter(report=report, recipient__in=[a.recipient for a in made]))
    ids = [a.pk for a in made]
    if ids:
        transaction.on_commit(lambda: send_alert_emails(ids))
    return made


def send_alert_emails(alert_ids: list[int], *, reminder: bool = False) -> None:
    """Hand these alerts' e-mails (and the Teams message) to a worker."""
    from smpolicy.safeguarding.delivery import deliver

    deliver(alert_ids, reminder=reminder)


def mark_opened(report: Report, person: Person, now: dt.datetime | None = None) -> None:
    """Someone who may act on it has opened the report: escalation stops."""
    now = now or timezone.now()
    Alert.objects.filter(report=report, recipient=person, seen_at__isnull=True).update(seen_at=now)
    if report.first_opened_at is None:
        report.first_opened_at = now
        report.first_opened_by = person
        if report.status == Report.Status.NEW:
            report.status = Report.Status.OPENED
        report.save(update_fields=["first_opened_at", "first_opened_by", "status"])


def _next_people(report: Report) -> list[Person]:
    school = report.school
    subjects = set(
        report.involvements.filter(role=Involvement.Role.SUBJECT).values_list(
            "person_id", flat=True
        )
    )
    head = headteacher(school)
    if head is not None and head.pk in subjects:
        chain = list(holders(school, "chair_of_governors"))
    else:
        chain = ([head] if head else []) + dsl_team(school)
    alerted = set(report.alerts.values_list("recipient_id", flat=True))
    return [p for p in chain if p.pk not in subjects and p.pk not in alerted]


def escalate(now: dt.datetime | None = None) -> list[tuple[Report, str]]:
    """Escalate every immediate report still unopened; returns what was done, for the log."""
    now = now or timezone.now()
    done: list[tuple[Report, str]] = []
    waiting = Report.objects.filter(
        urgent=True, first_opened_at__isnull=True, escalation_level__lt=MAX_ESCALATIONS
    ).select_related("school")
    for report_id in list(waiting.values_list("pk", flat=True)):
        with transaction.atomic():
            report = Report.objects.select_for_update().select_related("school").get(pk=report_id)
            if report.first_opened_at is not None or report.escalation_level >= MAX_ESCALATIONS:
                continue
            due = report.recorded_at + ESCALATE_AFTER * (report.escalation_level + 1)
            if now < due:
                continue
            level = report.escalation_level + 1
            people = _next_people(report) if level == 1 else []
            if people:
                routes = [
                    Route(p, "immediately", ["not opened within 15 minutes: escalated"], "purpose")
                    for p in people
                ]
                made = raise_alerts(report, routes, level=level)
                what = f"escalated to {len(made)} more people"
            else:
                ids = list(report.alerts.values_list("pk", flat=True))
                transaction.on_commit(lambda ids=ids: send_alert_emails(ids, reminder=True))
                what = f"reminded {len(ids)} people"
            report.escalation_level = level
            report.save(update_fields=["escalation_level"])
            audit.record("escalate", report, school=report.school, note=what)
            done.append((report, what))
    return done
