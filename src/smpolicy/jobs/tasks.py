"""The scheduled jobs as Celery tasks (the beat schedule is in smpolicy.jobs.celery).

Each runs through ``runs.run``: at most one worker at a time, and when it last ran is recorded.
Each job is idempotent too, so a run that repeats one a crash cut short does no harm: escalation
locks each report and checks its level again, an alert is raised once per person, approvals lapse
once, reminders are sent once (an overdue action's is claimed on its own row), text is read once
per image.
"""

from __future__ import annotations

import io

from celery import shared_task
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from smpolicy.jobs.runs import Problem, run


def escalate_now() -> str:
    from smpolicy.safeguarding.alerts import escalate

    done = escalate()
    return f"{len(done)} report(s) escalated or reminded"


def catch_up_now() -> str:
    from smpolicy.web.startup import catch_up

    return ", ".join(f"{count} {what}" for what, count in catch_up().items())


def expire_approvals_now() -> str:
    from smpolicy.posting.workflow import expire_due

    return f"{expire_due(timezone.now())} post(s) expired"


def send_reminders_now() -> str:
    from smpolicy.registers.reminders import run as send

    reports = send(timezone.now())
    return f"{sum(len(r.sent) for r in reports)} reminder(s) sent"


def remind_actions_now() -> str:
    from smpolicy.safeguarding.telling import remind_overdue_actions

    return f"{remind_overdue_actions(timezone.now())} overdue action(s) reminded"


def _command(name: str, **options: object) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, stdout=out, stderr=err, **options)
    except CommandError as exc:
        raise Problem(str(exc)) from None
    lines = out.getvalue().strip().splitlines()
    return lines[-1] if lines else "done"


def verify_evidence_now() -> str:
    return _command("verify_evidence", anchor=str(settings.SMPOLICY_ANCHOR_FILE))


def expire_findings_now() -> str:
    return _command("expire_findings")


def expire_questions_now() -> str:
    return _command("expire_questions")


def mis_sync_now() -> str:
    from smpolicy.schools.mis_sync import nightly_sync

    reports = nightly_sync(timezone.now())
    failed = [r.school for r in reports if r.errors]
    if failed:  # the others are synced; the failures are named on the job's record
        raise Problem(f"MIS sync failed for {', '.join(failed)}")
    return f"{len(reports)} school(s) synced from their MIS"


# ignore_result: what a job did is in JobRun; a result store would only hold a copy.
@shared_task(name="smpolicy.jobs.escalate_alerts", ignore_result=True)
def escalate_alerts() -> str | None:
    return run("escalate-alerts", escalate_now)


@shared_task(name="smpolicy.jobs.catch_up", ignore_result=True)
def catch_up() -> str | None:
    return run("catch-up", catch_up_now)


@shared_task(name="smpolicy.jobs.expire_approvals", ignore_result=True)
def expire_approvals() -> str | None:
    return run("expire-approvals", expire_approvals_now)


@shared_task(name="smpolicy.jobs.send_reminders", ignore_result=True)
def send_reminders() -> str | None:
    return run("send-reminders", send_reminders_now)


@shared_task(name="smpolicy.jobs.verify_evidence", ignore_result=True)
def verify_evidence() -> str | None:
    return run("verify-evidence", verify_evidence_now)


@shared_task(name="smpolicy.jobs.expire_findings", ignore_result=True)
def expire_findings() -> str | None:
    return run("expire-findings", expire_findings_now)


@shared_task(name="smpolicy.jobs.expire_questions", ignore_result=True)
def expire_questions() -> str | None:
    return run("expire-questions", expire_questions_now)


@shared_task(name="smpolicy.jobs.mis_sync", ignore_result=True)
def mis_sync() -> str | None:
    return run("mis-sync", mis_sync_now)


@shared_task(name="smpolicy.jobs.remind_actions", ignore_result=True)
def remind_actions() -> str | None:
    return run("remind-actions", remind_actions_now)
