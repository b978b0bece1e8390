"""Escalation as the beat job runs it: two workers at once escalate a report once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from parallel import in_parallel
from smpolicy.jobs import tasks
from smpolicy.jobs.models import JobRun
from smpolicy.safeguarding import alerts
from smpolicy.safeguarding.models import Alert, AuditEntry

from .conftest import make_report


@pytest.mark.parametrize("through_the_lease", [True, False])
def test_two_workers_escalating_at_once_escalate_once(straits, guarded_db, through_the_lease):
    made = timezone.now() - dt.timedelta(minutes=16)
    report = make_report(straits, recorded_at=made)
    mail.outbox.clear()

    def worker(i: int) -> object:
        # Through the beat job's lease, or straight into escalate(), which must hold by itself
        # (a report locked and its level read again): a worker whose lease ran out mid-job.
        return tasks.escalate_alerts() if through_the_lease else alerts.escalate()

    results = in_parallel(worker, threads=4)
    assert not [r for r in results if isinstance(r, Exception)], results
    report.refresh_from_db()
    assert report.escalation_level == 1
    assert Alert.objects.filter(report=report, recipient=straits.head).count() == 1
    assert AuditEntry.objects.filter(action="escalate", reference=report.reference).count() == 1
    assert [m.to for m in mail.outbox].count(["head@straits.sch.uk"]) == 1
    if through_the_lease:
        row = JobRun.objects.get(name="escalate-alerts")
        assert row.ok and row.runs + row.skipped == 4 and row.succeeded_at is not None
