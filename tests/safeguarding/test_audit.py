"""Every view and change of a safeguarding record is in an audit log nobody can edit; `smpolicy
audit` prints it."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from smpolicy.safeguarding.models import AuditEntry, Report

from .conftest import make_report, png_bytes, sign_in, upload
from .test_evidence_store import report_post

pytestmark = pytest.mark.django_db


def test_views_and_changes_are_audited(client, straits):
    sign_in(client, straits.teacher, second_factor=False)
    client.post(
        reverse("safeguarding:report_new") + "?kind=pupil_contact",
        report_post(straits, files=[upload("a.png", png_bytes("a"))]),
    )
    report = Report.objects.get()
    sign_in(client, straits.dsl)
    client.get(reverse("safeguarding:report_detail", args=[report.pk]))
    item = report.evidence.get()
    client.get(reverse("safeguarding:evidence_file", args=[item.pk]))
    actions = list(
        AuditEntry.objects.filter(reference=report.reference).values_list("username", "action")
    )
    assert ("ada.straits", "create") in actions
    assert ("ada.straits", "add_evidence") in actions
    assert ("dora.straits", "view") in actions
    assert ("dora.straits", "download") in actions


def test_audit_entries_hold_no_safeguarding_details(client, straits):
    report = make_report(straits, account="Secret words from Pip about home.")
    sign_in(client, straits.dsl)
    client.get(reverse("safeguarding:report_detail", args=[report.pk]))
    for entry in AuditEntry.objects.all():
        text = json.dumps([entry.note, entry.reference, entry.record_type, entry.action])
        assert "Secret" not in text and "Pip" not in text


def test_the_audit_command_prints_the_log(client, straits, capsys):
    report = make_report(straits)
    sign_in(client, straits.dsl)
    client.get(reverse("safeguarding:report_detail", args=[report.pk]))
    call_command("audit", "--school", "straits")
    out = capsys.readouterr().out
    assert f"dora.straits (Dora LeadStraits) view report {report.reference}" in out
    call_command("audit", "--reference", report.reference, "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines and all(line["reference"] == report.reference for line in lines)


def test_the_headteacher_s_audit_page_hides_entries_about_records_hidden_from_them(client, straits):
    allegation = make_report(
        straits,
        "staff_breach",
        subject=straits.head,
        account="The head shared pupils' photos.",
        details={"breach": "pupil_images"},
    )
    sign_in(client, straits.chair)
    assert (
        client.get(reverse("safeguarding:report_detail", args=[allegation.pk])).status_code == 200
    )
    sign_in(client, straits.head)
    page = client.get(reverse("safeguarding:audit")).content.decode()
    assert allegation.reference not in page
