"""A record can be kept longer than its rule says, never for less: a legal hold (for an inquiry, a
claim or a police investigation) keeps it whatever its date, and a later date keeps it until then.
Who decided, when and why is kept with the record, and cannot be changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from smpolicy.safeguarding import retention
from smpolicy.safeguarding.models import AuditEntry, Destruction, Report, RetentionChange
from smpolicy.schools.appendonly import AppendOnlyError

from .conftest import make_report, sign_in
from .test_retention_and_transfer import overdue

pytestmark = pytest.mark.django_db


def page_for(report):
    return reverse("safeguarding:retention_change", args=[report.pk])


def test_a_legal_hold_placed_on_the_page_stops_destruction_until_it_is_lifted(client, straits):
    report = overdue(make_report(straits))
    sign_in(client, straits.dsl)
    response = client.post(page_for(report), {"action_taken": "hold", "hold-action": "hold",
                                              "hold-reason": "IICSA request ref 2026/114."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.legal_hold
    destroy = reverse("safeguarding:destroy", args=[report.pk])
    client.post(destroy, {"confirm_reference": report.reference, "reason": "Past retention"})
    assert Report.objects.filter(pk=report.pk).exists()

    client.post(page_for(report), {"action_taken": "release", "release-action": "release",
                                   "release-reason": "The inquiry has closed its call for records."})
    report.refresh_from_db()
    assert not report.legal_hold
    page = client.get(page_for(report)).content.decode()
    assert "IICSA request ref 2026/114." in page and "Legal hold lifted" in page
    client.post(destroy, {"confirm_reference": report.reference, "reason": "Past retention"})
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not RetentionChange.objects.exists()  # destroyed with the report it was about
    assert Destruction.objects.get().reference == report.reference


def test_a_record_is_kept_longer_never_for_less(client, straits):
    report = make_report(straits)
    before = report.retain_until
    sign_in(client, straits.head)
    shorter = client.post(page_for(report), {
        "action_taken": "extend", "extend-action": "extend",
        "extend-until": (before - dt.timedelta(days=1)).isoformat(),
        "extend-reason": "Tidying up."})
    assert shorter.status_code == 422
    assert "never kept for less than its rule says" in shorter.content.decode()
    later = before + dt.timedelta(days=365 * 2)
    client.post(page_for(report), {"action_taken": "extend", "extend-action": "extend",
                                   "extend-until": later.isoformat(),
                                   "extend-reason": "An insurer's claim is open."})
    report.refresh_from_db()
    assert report.retain_until == later
    change = RetentionChange.objects.get()
    assert (change.retain_until_before, change.retain_until_after) == (before, later)
    assert change.made_by == straits.head
    assert AuditEntry.objects.filter(action="retention", reference=report.reference).exists()


def test_a_change_needs_a_reason_and_a_date_and_says_so(client, straits):
    report = make_report(straits)
    sign_in(client, straits.dsl)
    response = client.post(page_for(report), {"action_taken": "extend", "extend-action": "extend",
                                              "extend-until": "", "extend-reason": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Give the date to keep it until." in page and "This field is required." in page
    assert not RetentionChange.objects.exists()
    with pytest.raises(retention.RetentionRefused, match="Say why"):
        retention.place_hold(report, straits.dsl, "   ")


def test_what_was_decided_cannot_be_changed_or_deleted(straits):
    change = retention.place_hold(make_report(straits), straits.dsl, "Police investigation.")
    with pytest.raises(AppendOnlyError):
        RetentionChange.objects.filter(pk=change.pk).update(reason="nothing")
    with pytest.raises(AppendOnlyError):
        change.delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE safeguarding_retentionchange SET reason = 'x' WHERE id = %s",
                       [change.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM safeguarding_retentionchange WHERE id = %s", [change.pk])


def test_only_the_dsl_team_and_the_headteacher_keep_records_longer(client, straits):
    report = make_report(straits)
    sign_in(client, straits.teacher, second_factor=False)
    assert client.get(page_for(report)).status_code == 403
    sign_in(client, straits.deputy)
    assert client.get(page_for(report)).status_code == 200
    assert timezone.localdate() < report.retain_until
