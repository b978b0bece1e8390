"""Telling people what they need to know, and nothing about a child (issue 13).

A reporter hears that their report arrived and, later, that it was closed; an action's owner hears
that they have an action and by when, and once more when it is overdue. Each e-mail carries a
reference, a date and a link behind the sign-in, never what the record says: no pupil's name, no
word of the account, no kind or category of concern, no case title, no outcome, and not an
action's own description, which is free text and may well name a child. An e-mail may be
forwarded, kept by a mail provider or read on a shared screen; the record is behind the sign-in.

The e-mails are sent by a worker once the page's transaction commits (``mailing.email_later``), so
a report, an action or a closing never waits on, or fails with, the mail server. A report with
nobody's address on it (network monitoring's) tells no reporter.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from smpolicy.safeguarding.alerts import report_url
from smpolicy.safeguarding.models import Case, CaseAction, Report
from smpolicy.schools.mailing import address_of, email_later
from smpolicy.schools.models import Person

log = logging.getLogger(__name__)

NO_DETAILS = "This e-mail holds no details on purpose. Please do not forward it.\n"


@dataclass(frozen=True)
class _Reporter:
    address: str
    greeting: str
    # Their own view of the report; "" for a parent, who has no sign-in.
    url: str


def _reporter(report: Report) -> _Reporter | None:
    """Who made the report and where to write to them; None when nobody can be written to."""
    if report.reported_by_id is not None:
        person = report.reported_by
        assert person is not None
        address = address_of(person)
        if not address:
            return None
        return _Reporter(address, _first_name(person), report_url(report))
    if report.reporter_email:  # a parent's verified address
        return _Reporter(report.reporter_email, report.reporter_name, "")
    return None


def _first_name(person: Person) -> str:
    return person.preferred_name or person.first_name


def _hello(name: str) -> str:
    return f"Hello {name},\n\n" if name else "Hello,\n\n"


def _on(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def report_received(report: Report) -> None:
    """Tell whoever made ``report`` that it was received (once the report is committed)."""
    reporter = _reporter(report)
    if reporter is None:
        return
    school = report.school.name
    if reporter.url:
        subject = f"Your report {report.reference} has been received ({school})"
        body = (
            f"{_hello(reporter.greeting)}Thank you. Your report {report.reference} to {school} "
            "has been received and recorded, and is with the people who deal with it.\n\n"
            f"You can read what you reported here (you will be asked to sign in):\n"
            f"{reporter.url}\n\n{NO_DETAILS}"
        )
    else:
        subject = f"Your concern to {school}: reference {report.reference}"
        body = (
            f"{_hello(reporter.greeting)}Thank you. Your concern has reached the headteacher "
            f"of {school}. Your reference is {report.reference}; please quote it if you "
            "contact the school about it.\n"
        )
    email_later(subject, body, [reporter.address])


def case_closed(case: Case, closed_by: Person) -> None:
    """Tell the reporters of the case's reports that each is closed; what was decided stays in
    the record. Whoever closed it is not told what they did."""
    school = case.school.name
    for report in case.reports.select_related("reported_by").order_by("id"):
        if report.reported_by_id == closed_by.pk:
            continue
        reporter = _reporter(report)
        if reporter is None:
            continue
        noun = "report" if reporter.url else "concern"
        where = (
            f"You can still open your report here (you will be asked to sign in):\n"
            f"{reporter.url}\n\n"
            if reporter.url
            else "If you have anything more to tell the school, please contact it and quote "
            "your reference.\n\n"
        )
        email_later(
            f"Your {noun} {report.reference} has been closed ({school})",
            f"{_hello(reporter.greeting)}Your {noun} {report.reference} to {school} has been "
            "dealt with and is now closed. Thank you for raising it.\n\n"
            f"{where}{NO_DETAILS}",
            [reporter.address],
        )


def _case_url(case: Case) -> str:
    return f"{settings.SITE_URL}{reverse('safeguarding:case_detail', args=[case.pk])}"


def _action_email(action: CaseAction, *, overdue: bool) -> tuple[str, str] | None:
    """Subject and body for the action's owner; None when they have no address."""
    owner, setter, case = action.owner, action.created_by, action.case
    if not address_of(owner):
        return None
    school = case.school.name
    due = _on(action.due_on)
    if overdue:
        subject = f"Overdue: your action on a safeguarding case at {school}"
        what = (
            f"Your action on a safeguarding case at {school} (case {case.reference}) was due "
            f"by {due} and is not marked done yet."
        )
    else:
        subject = f"You have an action on a safeguarding case at {school}, due {due}"
        what = (
            f"{setter.full_name} has given you an action on a safeguarding case at {school} "
            f"(case {case.reference}), to be done by {due}."
        )
    body = (
        f"{_hello(_first_name(owner))}{what}\n\n"
        f"Open it here (you will be asked to sign in):\n{_case_url(case)}\n\n"
        f"If the page is not open to you, ask {setter.full_name} what the action needs.\n\n"
        f"{NO_DETAILS}"
    )
    return subject, body


def _tell_owner(action: CaseAction, *, overdue: bool) -> bool:
    made = _action_email(action, overdue=overdue)
    if made is None:
        log.warning("case action %s: its owner has no e-mail address", action.pk)
        return False
    email_later(*made, [address_of(action.owner)])
    return True


def action_set(action: CaseAction) -> None:
    """Tell the action's owner they have it and by when (once the action is committed)."""
    _tell_owner(action, overdue=False)


def remind_overdue_actions(now: dt.datetime) -> int:
    """Remind each owner, once, of an action past its due date and not done; how many were.

    Each reminder is claimed by setting ``overdue_reminded_at`` where it is still empty: of two
    workers at once, one updates the row and sends, the other updates nothing and sends nothing.
    The database keeps the time once set (dbguard), so a reminder is never claimed twice."""
    today = timezone.localdate(now)
    due = CaseAction.objects.filter(
        done_at__isnull=True, overdue_reminded_at__isnull=True, due_on__lt=today
    )
    reminded = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)):
        # One transaction per action: the e-mail is queued when this claim commits, and a
        # failure on one action leaves the others' claims standing.
        with transaction.atomic():
            claimed = CaseAction.objects.filter(
                pk=pk, done_at__isnull=True, overdue_reminded_at__isnull=True
            ).update(overdue_reminded_at=now)
            if claimed != 1:
                continue  # done meanwhile, or another worker has it
            action = CaseAction.objects.select_related(
                "owner", "owner__user", "created_by", "case", "case__school"
            ).get(pk=pk)
            if _tell_owner(action, overdue=True):
                reminded += 1
    return reminded
