"""Retention: each record kind keeps to its rule, a review list shows what is due, and nothing is
destroyed until a person confirms it. A pupil's child protection file goes to their new school
with the transfer and its receipt recorded."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from smpolicy.jobs import exports
from smpolicy.jobs.models import Export
from smpolicy.safeguarding import dbguard, evidence
from smpolicy.safeguarding.models import AuditEntry, Destruction, Evidence, Report, Transfer
from smpolicy.safeguarding.retention import add_years

from .conftest import as_if_retention_ended, make_report, png_bytes, sign_in, upload

pytestmark = pytest.mark.django_db


def test_child_protection_records_are_kept_until_the_pupil_is_25(straits):
    report = make_report(straits)
    assert report.retention_rule == "child_protection"
    assert report.retain_until == add_years(straits.pupil.date_of_birth, 25)


def test_allegations_against_staff_are_kept_10_years_or_to_pension_age(straits):
    straits.colleague.date_of_birth = dt.date(1990, 5, 1)
    straits.colleague.save()
    report = make_report(
        straits,
        "staff_breach",
        subject=straits.colleague,
        account="Colin posted about the school.",
        details={"breach": "damaging_post"},
    )
    assert report.retention_rule == "allegation"
    assert report.retain_until == dt.date(2057, 5, 1)


def test_other_records_are_kept_six_years(straits):
    happened = timezone.make_aware(dt.datetime(2026, 2, 3, 10, 0))
    report = make_report(
        straits,
        "professional_judgement",
        occurred_at=happened,
        account="I used my own phone to call a parent.",
    )
    assert (report.retention_rule, report.retain_until) == ("general", dt.date(2032, 2, 3))


def overdue(report: Report) -> Report:
    """The report as if its retention had ended."""
    return as_if_retention_ended(report)


def test_the_review_list_shows_what_is_due(client, straits):
    due = overdue(make_report(straits))
    later = make_report(straits, account="Pip messaged again on Snapchat.")
    sign_in(client, straits.head)
    page = client.get(reverse("safeguarding:retention")).content.decode()
    assert f"Review and destroy {due.reference}" in page
    assert later.reference not in page


def test_nothing_is_destroyed_until_a_person_confirms_it(client, straits, settings):
    report = overdue(make_report(straits))
    item = evidence.add_file(report, upload("a.png", png_bytes("a")), added_by=straits.teacher)
    sign_in(client, straits.head)
    url = reverse("safeguarding:destroy", args=[report.pk])
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"confirm_reference": "R0000-0000", "reason": "Past retention"})
    assert wrong.status_code == 200 and "exactly to confirm" in wrong.content.decode()
    assert Report.objects.filter(pk=report.pk).exists()

    client.post(url, {"confirm_reference": report.reference, "reason": "Past retention"})
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not Evidence.objects.filter(pk=item.pk).exists()
    assert not item.absolute_path().exists()
    trace = Destruction.objects.get()
    assert (trace.reference, trace.confirmed_by_name) == (report.reference, straits.head.full_name)
    assert trace.evidence_hashes == [item.sha256]
    assert AuditEntry.objects.filter(action="destroy", reference=report.reference).exists()
    assert dbguard.expected(connection.vendor, dbguard.GUARDS) <= dbguard.installed(connection)


def test_a_record_not_yet_due_or_on_legal_hold_is_not_destroyed(client, straits):
    report = make_report(straits)
    held = overdue(make_report(straits, account="Pip sent a photo I reported."))
    Report.objects.filter(pk=held.pk).update(legal_hold=True)
    sign_in(client, straits.head)
    for target in (report, held):
        client.post(
            reverse("safeguarding:destroy", args=[target.pk]),
            {"confirm_reference": target.reference, "reason": "tidy"},
        )
        assert Report.objects.filter(pk=target.pk).exists()
    assert not Destruction.objects.exists()


def test_a_pupil_s_child_protection_file_is_exported_with_a_manifest(client, straits):
    report = make_report(straits, account="Pip sent a snap asking for my number.")
    item = evidence.add_file(
        report, upload("snap.png", png_bytes("number?")), added_by=straits.teacher, read_text=False
    )
    unrelated = make_report(straits, pupils=[straits.sibling], account="Sid messaged me once.")
    sign_in(client, straits.dsl)
    response = client.post(
        reverse("safeguarding:transfer_new", args=[straits.pupil.pk]),
        {
            "to_school": "Harbour Primary School",
            "to_contact": "Ms Dee, DSL",
            "method": "CPOMS transfer",
            "sent_on": timezone.localdate().isoformat(),
        },
    )
    transfer = Transfer.objects.get()
    assert response["Location"] == reverse("safeguarding:transfer_detail", args=[transfer.pk])
    assert transfer.report_references == [report.reference]

    queued = client.post(reverse("safeguarding:transfer_export", args=[transfer.pk]))
    job = Export.objects.get()
    assert queued["Location"] == reverse("jobs:export", args=[job.pk])
    exports.run(job.pk)  # what the worker does (the test's transaction never commits)
    export = client.get(reverse("jobs:export_download", args=[job.pk]))
    data = b"".join(export.streaming_content)
    assert export["Content-Type"] == "application/zip"
    assert hashlib.sha256(data).hexdigest() == transfer.export_sha256  # same bytes every time
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["reports"] == [report.reference]
    [entry] = manifest["files"]
    assert entry["sha256"] == item.sha256
    assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == item.sha256
    index = archive.read("index.html").decode()
    assert "Pip sent a snap asking for my number." in index
    assert unrelated.reference not in index and "<script" not in index
    assert AuditEntry.objects.filter(action="export").exists()


def test_a_transfer_s_receipt_is_recorded_and_a_late_one_is_chased(client, straits):
    sign_in(client, straits.dsl)
    make_report(straits)
    sent = timezone.localdate() - dt.timedelta(days=10)
    client.post(
        reverse("safeguarding:transfer_new", args=[straits.pupil.pk]),
        {
            "to_school": "Harbour Primary School",
            "to_contact": "Ms Dee",
            "method": "By hand",
            "sent_on": sent.isoformat(),
        },
    )
    transfer = Transfer.objects.get()
    assert transfer.chase_due()
    assert "chase the new school" in client.get(reverse("safeguarding:retention")).content.decode()
    client.post(
        reverse("safeguarding:transfer_detail", args=[transfer.pk]),
        {"received_on": timezone.localdate().isoformat(), "received_by": "Ms Dee"},
    )
    transfer.refresh_from_db()
    assert transfer.received_by == "Ms Dee" and not transfer.chase_due()


def test_only_whole_files_leave_the_school(client, straits):
    make_report(straits)
    make_report(
        straits,
        "staff_breach",
        subject=straits.dsl,
        pupils=[straits.pupil],
        account="Dora messaged Pip.",
        details={"breach": "message_pupil"},
    )
    sign_in(client, straits.dsl)
    response = client.get(reverse("safeguarding:transfer_new", args=[straits.pupil.pk]))
    assert response.status_code == 403  # part of Pip's file is hidden from Dora
