"""Alerts that arrive: each alert's e-mail, and the school's Teams message, sent by a worker and
tried again with doubling waits until it goes or the last try fails.

Every try is a ``DeliveryAttempt`` (append-only, guarded like the alert), shown to the DSL team on
the report; an alert whose last try failed is shown as undelivered. Nothing here runs inside a
page: a report, a concern or an approval is recorded whether the mail server answers or not.

What leaves the school's systems is a link and nothing else (see smpolicy.safeguarding.alerts):
the Teams message names the school and how urgent, never the child, the kind of concern or a word
of the account.

The Teams message is the documented shape for a Workflows webhook ("Post to a channel when a
webhook request is received"): a ``message`` whose one attachment is an Adaptive Card
(Microsoft Learn: "Create incoming webhooks with Workflows for Microsoft Teams" and "Send Adaptive
Cards using an Incoming Webhook", learn.microsoft.com/microsoftteams/platform/webhooks-and-
connectors/how-to/add-incoming-webhook).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from smpolicy.jobs.sending import send_now, tries, wait_before
from smpolicy.safeguarding.models import Alert, AlertChannel, DeliveryAttempt, Report
from smpolicy.schools.mailing import NO_ADDRESS, NoAddress

log = logging.getLogger("smpolicy.safeguarding.delivery")

# Alerts older than this with no try at all were lost on the way to a worker (the broker was
# down when the report was made): the every-minute catch-up sends them.
UNTRIED_AFTER = dt.timedelta(minutes=2)
UNTRIED_WITHIN = dt.timedelta(days=2)


def describe_problem(exc: BaseException) -> str:
    """What went wrong sending, in a few words that never echo what was sent."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"Teams answered HTTP {exc.code}"
    if isinstance(exc, TimeoutError):
        return "Teams did not answer in time"
    if isinstance(exc, urllib.error.URLError | OSError):
        return "the address could not be reached"
    return f"an error ({type(exc).__name__})"


def _problem(exc: BaseException) -> str:
    # The error's kind only: an SMTP or HTTP error can echo what was sent back.
    if isinstance(exc, NoAddress):
        return NO_ADDRESS
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    return type(exc).__name__


def _attempt(report: Report, channel: str, number: int, *, alert: Alert | None = None,
             reminder: bool = False, problem: str = "", last: bool = False) -> DeliveryAttempt:
    return DeliveryAttempt.objects.create(
        school_id=report.school_id, report=report, alert=alert, channel=channel,
        reminder=reminder, number=number, delivered=not problem, problem=problem[:200],
        last=last or not problem,
    )


# -- e-mail ------------------------------------------------------------------------------------


@shared_task(bind=True, name="smpolicy.safeguarding.email_alert", ignore_result=True,
             max_retries=None)
def email_alert(self: Any, alert_id: int, reminder: bool = False) -> str:
    """Send one alert's e-mail (or its reminder); try again later when it fails."""
    from smpolicy.safeguarding.alerts import alert_email

    alert = (
        Alert.objects.select_related("report__school", "recipient__user")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        return "no such alert"
    if not reminder and alert.emailed_at is not None:
        return "already delivered"  # the same message handed out twice
    number = self.request.retries + 1
    try:
        alert_email(alert, reminder=reminder).send()
    except Exception as exc:
        problem = _problem(exc)
        last = isinstance(exc, NoAddress) or number >= tries()
        _attempt(alert.report, DeliveryAttempt.Channel.EMAIL, number, alert=alert,
                 reminder=reminder, problem=problem, last=last)
        if last:
            alert.email_problem = (
                NO_ADDRESS if isinstance(exc, NoAddress)
                else f"Not delivered: {number} tries failed ({problem})."
            )
            alert.save(update_fields=["email_problem"])
            log.error("alert %s: e-mail undelivered after %s tries (%s)", alert.pk, number,
                      problem)
            return "undelivered"
        alert.email_problem = f"Try {number} failed ({problem}); trying again."
        alert.save(update_fields=["email_problem"])
        log.warning("alert %s: e-mail try %s failed (%s)", alert.pk, number, problem)
        raise self.retry(countdown=wait_before(number + 1)) from None
    _attempt(alert.report, DeliveryAttempt.Channel.EMAIL, number, alert=alert, reminder=reminder)
    now = timezone.now()
    alert.emailed_at = max(now, alert.emailed_at) if alert.emailed_at else now
    alert.email_problem = ""
    alert.save(update_fields=["emailed_at", "email_problem"])
    return "delivered"


# -- Teams -------------------------------------------------------------------------------------


def teams_message(report: Report, *, reminder: bool = False) -> dict[str, Any]:
    """The Workflows webhook's message: an Adaptive Card with a link, and no details."""
    from smpolicy.safeguarding.alerts import report_url

    school = report.school.name
    if reminder:
        title = f"Still waiting: a safeguarding report at {school} has not been opened"
    elif report.urgent:
        title = f"Urgent: a safeguarding report at {school} needs the DSL team now"
    else:
        title = f"A report at {school} needs the DSL team's attention"
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True},
                        {
                            "type": "TextBlock",
                            "text": "Open it in smpolicy (you will be asked to sign in). This "
                            "message holds no details on purpose.",
                            "wrap": True,
                        },
                    ],
                    "actions": [
                        {"type": "Action.OpenUrl", "title": "Open the report",
                         "url": report_url(report)}
                    ],
                },
            }
        ],
    }


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def webhook_problem(url: str) -> str | None:
    """Why ``url`` cannot be a Teams webhook, or None."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return None  # a test server on this machine
    return "it must be an https:// address (Teams gives one)"


def trial_message(school_name: str) -> dict[str, Any]:
    """What "Send a test message" posts: says where alerts will come from, and nothing else."""
    return {
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard", "version": "1.4",
                "body": [
                    {"type": "TextBlock", "weight": "Bolder", "wrap": True,
                     "text": f"A test from {school_name}'s safeguarding alerts"},
                    {"type": "TextBlock", "wrap": True,
                     "text": "Alerts will appear in this channel as a link to the report, "
                     "never with its details."},
                ],
            },
        }],
    }


def webhook_of(school_id: int) -> str:
    channel = AlertChannel.objects.filter(school_id=school_id).first()
    return channel.teams_webhook_url if channel is not None else ""


def post_json(url: str, payload: dict[str, Any]) -> int:
    """POST ``payload`` to ``url``; its status (2xx), or an exception."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=settings.SMPOLICY_WEBHOOK_TIMEOUT) as response:
        return response.status


@shared_task(bind=True, name="smpolicy.safeguarding.teams_alert", ignore_result=True,
             max_retries=None)
def teams_alert(self: Any, report_id: int, reminder: bool = False) -> str:
    report = Report.objects.select_related("school").filter(pk=report_id).first()
    if report is None:
        return "no such report"
    url = webhook_of(report.school_id)
    if not url:
        return "no Teams channel"
    number = self.request.retries + 1
    try:
        post_json(url, teams_message(report, reminder=reminder))
    except Exception as exc:
        problem = _problem(exc)
        last = number >= tries()
        _attempt(report, DeliveryAttempt.Channel.TEAMS, number, reminder=reminder,
                 problem=problem, last=last)
        if last:
            log.error("report %s: Teams message undelivered after %s tries (%s)", report.pk,
                      number, problem)
            return "undelivered"
        raise self.retry(countdown=wait_before(number + 1)) from None
    _attempt(report, DeliveryAttempt.Channel.TEAMS, number, reminder=reminder)
    return "delivered"


# -- sending -------------------------------------------------------------------------------------


def deliver(alert_ids: list[int], *, reminder: bool = False) -> None:
    """Send these alerts' e-mails, and one Teams message for each of their reports."""
    for alert_id in alert_ids:
        send_now(email_alert, alert_id, reminder)
    reports = Alert.objects.filter(pk__in=alert_ids).values_list("report_id", "school_id")
    for report_id, school_id in sorted(set(reports)):
        if webhook_of(school_id):
            send_now(teams_alert, report_id, reminder)


def resend_untried(now: dt.datetime | None = None) -> int:
    """Alerts whose e-mail never had a try (lost on the way to a worker): sent again."""
    now = now or timezone.now()
    lost = list(
        Alert.objects.filter(
            emailed_at__isnull=True, attempts__isnull=True,
            created_at__lte=now - UNTRIED_AFTER, created_at__gte=now - UNTRIED_WITHIN,
        ).values_list("pk", flat=True)
    )
    for alert_id in lost:
        send_now(email_alert, alert_id, False)
    return len(lost)

