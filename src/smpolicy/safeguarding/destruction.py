"""Destroying a report at the end of its retention, once a person has confirmed it.

The Destruction row is written first; only then do the database's guards let the report's evidence
and the report itself be deleted (see dbguard). Files go last, after the rows are committed, so a
failure never leaves a record whose file is gone.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from smpolicy.safeguarding import audit
from smpolicy.safeguarding.models import Destruction, Evidence, Report
from smpolicy.schools.models import Person


class NotDue(Exception):
    pass


def destroy(
    report: Report, *, person: Person, user: Any, reason: str, request: Any = None
) -> Destruction:
    today = timezone.localdate()
    if report.legal_hold:
        raise NotDue(f"{report.reference} is on legal hold and is never destroyed.")
    if report.retain_until is None or report.retain_until > today:
        raise NotDue(f"{report.reference} is kept until {report.retain_until}.")
    items = list(Evidence.objects.filter(report=report))
    paths = [item.absolute_path() for item in items if item.is_file]
    case_id = report.case_id
    with transaction.atomic():
        record = Destruction(
            school=report.school,
            report_id_at_time=report.pk,
            reference=report.reference,
            kind=report.kind,
            retention_rule=report.retention_rule,
            retain_until=report.retain_until,
            confirmed_by_name=person.full_name,
            confirmed_by_user_id=getattr(user, "pk", None),
            reason=reason,
            evidence_hashes=[item.sha256 for item in items],
        )
        record.save()
        with connection.cursor() as cursor:
            # Raw deletes: the ORM refuses them on purpose; the database allows them now that
            # the destruction is recorded.
            cursor.execute(
                "DELETE FROM safeguarding_evidencetext WHERE evidence_id IN "
                "(SELECT id FROM safeguarding_evidence WHERE report_id = %s)",
                [report.pk],
            )
            cursor.execute(
                "DELETE FROM safeguarding_evidence "
                "WHERE corrects_id IS NOT NULL AND report_id = %s",
                [report.pk],
            )
            cursor.execute("DELETE FROM safeguarding_evidence WHERE report_id = %s", [report.pk])
            cursor.execute(
                "DELETE FROM safeguarding_deliveryattempt WHERE report_id = %s", [report.pk]
            )
            cursor.execute("DELETE FROM safeguarding_alert WHERE report_id = %s", [report.pk])
            cursor.execute(
                "DELETE FROM safeguarding_retentionchange WHERE report_id = %s", [report.pk]
            )
            cursor.execute("DELETE FROM safeguarding_involvement WHERE report_id = %s", [report.pk])
            # Network findings outlive the report they were linked to (they keep their own
            # retention): the link goes, the finding stays.
            cursor.execute(
                "UPDATE network_finding SET report_id = NULL WHERE report_id = %s", [report.pk]
            )
            cursor.execute("DELETE FROM safeguarding_report WHERE id = %s", [report.pk])
            if case_id is not None and not Report.objects.filter(case_id=case_id).exists():
                for table in ("outcome", "advice", "policereferral", "caseaction"):
                    cursor.execute(
                        f"DELETE FROM safeguarding_{table} WHERE case_id = %s",
                        [case_id],
                    )
                cursor.execute("DELETE FROM safeguarding_case WHERE id = %s", [case_id])
        audit.record(
            "destroy",
            record,
            school=report.school_id,
            request=request,
            user=user,
            person=person,
            note=f"retention rule {report.retention_rule}",
        )
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            Path(path).unlink()
    with contextlib.suppress(OSError):
        if paths:
            Path(paths[0]).parent.rmdir()
    return record
