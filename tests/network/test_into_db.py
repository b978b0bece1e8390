"""`smpolicy scan-logs --into-db`: the command line records findings in the app."""

from __future__ import annotations

import pytest

from smpolicy.cli import main as smpolicy
from smpolicy.monitoring import route
from smpolicy.network.models import Finding, ScanRun

pytestmark = pytest.mark.django_db


def test_into_db_records_without_duplicates(school, fixtures, capsysbinary):
    args = ["scan-logs", str(fixtures / "dnsmasq.log"), "--networks",
            str(fixtures / "networks.yaml"), "--people", str(fixtures / "people.csv"),
            "--lists", str(fixtures / "lists"), "--year", "2026", "--into-db"]
    assert smpolicy(args) == 0
    assert "recorded 5 new finding(s), 0 already recorded, " in capsysbinary.readouterr().err.decode()
    assert smpolicy([*args, "--school", "straits"]) == 0
    assert "recorded 0 new finding(s), 5 already recorded, 0 reported" in capsysbinary.readouterr().err.decode()
    assert Finding.objects.for_school(school).count() == 5
    assert ScanRun.objects.count() == 2
    ben = Finding.objects.get(platform="tiktok")
    assert (ben.person_name, ben.age, route(ben)) == ("Ben Pupil", 9, "dsl")


def test_into_db_needs_a_known_school(school, other_school, fixtures, capsysbinary):
    args = ["scan-logs", str(fixtures / "dnsmasq.log"), "--into-db"]
    assert smpolicy(args) == 2
    assert "name the school with --school SLUG" in capsysbinary.readouterr().err.decode()
    assert smpolicy([*args, "--school", "nowhere"]) == 2
    assert "no school has the slug 'nowhere'" in capsysbinary.readouterr().err.decode()


def test_findings_that_must_be_reported_become_safeguarding_reports_once(school, fixtures, capsysbinary):
    from smpolicy.safeguarding.models import Report

    args = ["scan-logs", str(fixtures / "dnsmasq.log"), "--networks",
            str(fixtures / "networks.yaml"), "--people", str(fixtures / "people.csv"),
            "--lists", str(fixtures / "lists"), "--year", "2026", "--into-db"]
    assert smpolicy(args) == 0
    to_report = Finding.objects.for_school(school).exclude(report_to="none")
    assert to_report.exists()
    reports = Report.objects.for_school(school)
    assert reports.count() == to_report.count()
    assert f"{to_report.count()} reported to the safeguarding team" in capsysbinary.readouterr().err.decode()

    ben = Finding.objects.get(platform="tiktok")
    report = reports.get(details__network_finding=ben.fingerprint)
    assert report.clauses[0] == "community.age-restrictions"
    assert {"kind": "report", "to": "dsl", "when": "promptly",
            "clause": "community.age-restrictions"} in report.decision["obligations"]
    assert report.situation["actor"] == {"role": "pupil", "age": 9}

    assert smpolicy(args) == 0  # the same log again: no new report
    assert Report.objects.for_school(school).count() == to_report.count()
