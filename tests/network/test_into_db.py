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
    assert "recorded 5 new finding(s), 0 already recorded" in capsysbinary.readouterr().err.decode()
    assert smpolicy([*args, "--school", "straits"]) == 0
    assert "recorded 0 new finding(s), 5 already recorded" in capsysbinary.readouterr().err.decode()
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
