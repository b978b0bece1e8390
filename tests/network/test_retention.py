"""Findings are kept only as long as the school chose; raw logs are never kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from smpolicy.network.models import Finding, NetworkSettings, ScanRun

pytestmark = pytest.mark.django_db


def make_finding(school, days_ago, tag):
    when = timezone.now() - dt.timedelta(days=days_ago)
    return Finding.objects.create(
        school=school, fingerprint=f"{tag}-{days_ago}", clause="community.wifi",
        verdict="prohibited", network="guest_wifi", client="10.30.0.17", role="parent",
        platform="facebook", category="collaborative", domain="www.facebook.com", requests=3,
        first_seen=when, last_seen=when, window_start=when, window_seconds=3600,
    )


def test_expired_findings_are_deleted_per_school(school, other_school, capsys):
    NetworkSettings.objects.filter(school=school).update(retention_days=30)
    for days in (1, 29, 31, 400):
        make_finding(school, days, "straits")
        make_finding(other_school, days, "harbour")  # no settings: the default, 365 days
    call_command("expire_findings", "--dry-run")
    assert "Would delete 3 expired findings." in capsys.readouterr().out
    assert Finding.objects.count() == 8
    call_command("expire_findings")
    out = capsys.readouterr().out
    assert "Straits Primary School: deleted 2 findings older than 30 days" in out
    assert "Harbour Primary School: deleted 1 finding older than 365 days" in out
    assert sorted(Finding.objects.for_school(school).values_list("fingerprint", flat=True)) == [
        "straits-1", "straits-29"]
    assert Finding.objects.for_school(other_school).count() == 3


def test_no_raw_log_line_is_kept(client, it_lead, sign_in, upload):
    sign_in(it_lead)
    upload("squid-access.log")
    from django.db import connection

    lines = (FIXTURE := __import__("pathlib").Path(__file__).parent.parent / "monitoring" /
             "fixtures" / "squid-access.log").read_text().splitlines()
    assert FIXTURE.exists()
    with connection.cursor() as cursor:
        dump = []
        for model in (Finding, ScanRun):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            dump += [str(row) for row in cursor.fetchall()]
    text = "\n".join(dump)
    for line in lines:
        assert line not in text
        assert "HIER_DIRECT" not in text
