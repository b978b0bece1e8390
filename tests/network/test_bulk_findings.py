"""A day of logs must not bury the DSL: a pupil's findings on one platform on one day make one
safeguarding report (and one set of alerts), however many windows the scanner cut them into and
however many scans of the day record them; and recording costs the same queries for 10 findings
as for 100."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smpolicy.monitoring import CategoryLists, Networks, People, PersonEntry, Scanner
from smpolicy.network.models import Finding
from smpolicy.network.recording import RecordReport, record_findings
from smpolicy.safeguarding.models import Alert, Report
from smpolicy.schools import testing

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db

# Friday 20 November 2026, 08:00 in London (GMT: the same as UTC).
MORNING = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
NETWORKS = Networks.from_yaml((FIXTURES / "networks.yaml").read_text(), "networks")


def squid(at: dt.datetime, client: str, host: str, user: str = "-") -> str:
    return (f"{at.timestamp():.3f}    120 {client} TCP_TUNNEL/200 1500 CONNECT {host}:443 "
            f"{user} HIER_DIRECT/157.240.221.35 -")


def every(start: dt.datetime, minutes: int, times: int) -> list[dt.datetime]:
    return [start + dt.timedelta(minutes=minutes * n) for n in range(times)]


@pytest.fixture
def dsl_team(school):
    return [testing.make_person(school, "staff", "Dora", "Lead", positions=["dsl"]),
            testing.make_person(school, "staff", "Dev", "Deputy", positions=["dsl"])]


@pytest.fixture
def ben(school):
    pupil = testing.make_person(school, "pupil", "Ben", "Pupil",
                                date_of_birth=testing.born_aged(9))
    testing.make_user(pupil, username="ben.pupil")
    return pupil


def scan(school: Any, lines: list[str], *, window: int = 3600, people: tuple[Any, ...] = ()
         ) -> RecordReport:
    """Scan lines as the web app does (its people known by pk) and record the findings."""
    entries = [PersonEntry(p.role, p.age(), p.full_name, login=p.user.username, key=str(p.pk))
               for p in people]
    scanner = Scanner(NETWORKS, People(entries), lists=CategoryLists(FIXTURES / "lists"),
                      window=window)
    found = [*scanner.feed(lines, "test.log", "squid"), *scanner.finish()]
    return record_findings(found, school, source="test.log", summary=scanner.summary())


def bens_morning(start: dt.datetime = MORNING, host: str = "www.tiktok.com",
                 times: int = 30) -> list[str]:
    # Every 10 minutes for five hours: five one-hour windows, so five findings.
    return [squid(at, "10.20.0.9", host, "ben.pupil") for at in every(start, 10, times)]


def test_a_pupils_day_on_a_platform_is_one_report_with_one_set_of_alerts(school, dsl_team, ben):
    recorded = scan(school, bens_morning(), people=(ben,))
    findings = Finding.objects.for_school(school).filter(person=ben, platform="tiktok")
    assert recorded.new == findings.count() == 5
    assert recorded.incidents == 1
    (report,) = Report.objects.for_school(school)
    assert set(findings.values_list("report", flat=True)) == {report.pk}
    assert {a.recipient for a in Alert.objects.filter(report=report)} == set(dsl_team)
    assert Alert.objects.count() == len(dsl_team)
    # the count and the times are in the account, written once
    assert "30 requests in 5 finding(s) between 08:00 and 12:50" in report.account
    assert "08:00-08:50 (6)" in report.account
    assert report.details["network_requests"] == 30
    assert len(report.details["network_findings"]) == 5
    assert list(report.involvements.values_list("person", flat=True)) == [ben.pk]


def test_a_later_scan_the_same_day_is_linked_not_reported_again(school, dsl_team, ben):
    scan(school, bens_morning(), people=(ben,))
    (report,) = Report.objects.for_school(school)
    alerts = Alert.objects.count()

    again = scan(school, bens_morning(), people=(ben,))  # the same log again
    assert (again.new, again.seen_again, again.incidents) == (0, 5, 0)

    afternoon = scan(school, bens_morning(MORNING + dt.timedelta(hours=6), times=12),
                     people=(ben,))
    assert (afternoon.new, afternoon.incidents) == (2, 0)
    assert Report.objects.for_school(school).count() == 1
    assert Alert.objects.count() == alerts
    assert Finding.objects.for_school(school).filter(report=report).count() == 7
    assert Report.objects.get(pk=report.pk).account == report.account  # never rewritten


def test_another_day_or_another_platform_is_another_report(school, dsl_team, ben):
    scan(school, bens_morning(), people=(ben,))
    instagram = scan(school, bens_morning(host="www.instagram.com", times=6), people=(ben,))
    monday = scan(school, bens_morning(MORNING + dt.timedelta(days=3), times=6), people=(ben,))
    assert (instagram.incidents, monday.incidents) == (1, 1)
    reports = Report.objects.for_school(school)
    assert reports.count() == 3
    assert Alert.objects.count() == 3 * len(dsl_team)
    by_report = {
        r.pk: set(Finding.objects.filter(report=r).values_list("platform", "first_seen__date"))
        for r in reports
    }
    assert sorted(len(pairs) for pairs in by_report.values()) == [1, 1, 1]


def test_a_device_without_a_person_is_grouped_by_its_address(school, dsl_team):
    lines = [squid(at, "10.20.0.50", "badsite.example") for at in every(MORNING, 20, 9)]
    lines += [squid(at, "10.20.0.51", "badsite.example") for at in every(MORNING, 30, 2)]
    recorded = scan(school, lines)
    assert recorded.new == 3 + 1
    assert recorded.incidents == 2
    fifty = Finding.objects.for_school(school).filter(client="10.20.0.50")
    assert fifty.count() == 3 and fifty.filter(person__isnull=True).count() == 3
    assert len(set(fifty.values_list("report", flat=True))) == 1
    report = fifty.first().report
    assert "a device at 10.20.0.50" in report.account
    assert "9 requests in 3 finding(s)" in report.account


def test_a_finding_that_needs_no_report_is_linked_to_none(school, dsl_team):
    # a parent on the guest WiFi reaching Facebook: allowed, so nobody is told
    recorded = scan(school, [squid(MORNING, "10.30.0.17", "www.facebook.com")])
    assert (recorded.new, recorded.incidents) == (1, 0)
    assert Finding.objects.get().report is None
    assert not Report.objects.exists()


def _queries(school: Any, lines: list[str], people: tuple[Any, ...]
             ) -> tuple[int, int, RecordReport]:
    """(queries, of which INSERTs of findings, what was recorded)."""
    with CaptureQueriesContext(connection) as queries:
        recorded = scan(school, lines, window=60, people=people)
    inserts = [q for q in queries.captured_queries
               if q["sql"].startswith('INSERT INTO "network_finding"')]
    return len(queries), len(inserts), recorded


def _batches(count: int) -> int:
    """INSERTs the backend needs for this many findings: Django caps a SQLite statement at 999
    parameters (32 findings), PostgreSQL at our own batch of 500."""
    fields = [f for f in Finding._meta.concrete_fields if not f.primary_key]
    size = min(connection.ops.bulk_batch_size(fields, [None] * count), 500)
    return -(-count // size)


def test_ten_or_a_hundred_new_findings_cost_the_same_queries(school, dsl_team, ben):
    def minutes(host: str, count: int) -> list[str]:
        # one request every two minutes, one-minute windows: a finding each
        return [squid(at, "10.20.0.9", host, "ben.pupil") for at in every(MORNING, 2, count)]

    _queries(school, minutes("www.snapchat.com", 3), (ben,))  # the first scan fills caches
    ten, ten_inserts, recorded_ten = _queries(school, minutes("www.tiktok.com", 10), (ben,))
    hundred, hundred_inserts, recorded_hundred = _queries(
        school, minutes("www.instagram.com", 100), (ben,))
    assert (recorded_ten.new, recorded_hundred.new) == (10, 100)
    assert recorded_ten.incidents == recorded_hundred.incidents == 1  # a report for each
    # The same queries, bar the extra INSERT statements SQLite's parameter cap splits 100 rows
    # into (none on PostgreSQL).
    assert (ten_inserts, hundred_inserts) == (_batches(10), _batches(100))
    assert ten - ten_inserts == hundred - hundred_inserts
    if connection.vendor == "postgresql":
        assert ten == hundred

    # seen again: the same few queries, and no report
    ten_again, _, again = _queries(school, minutes("www.tiktok.com", 10), (ben,))
    hundred_again, _, _ = _queries(school, minutes("www.instagram.com", 100), (ben,))
    assert (again.seen_again, again.incidents) == (10, 0)
    assert ten_again <= 8 and hundred_again <= 8 + _batches(100)


def test_the_reports_page_counts_the_findings_linked_since(school, dsl_team, ben, client):
    from django.urls import reverse

    from smpolicy.safeguarding.testing import pass_second_factor

    scan(school, bens_morning(), people=(ben,))
    scan(school, bens_morning(MORNING + dt.timedelta(hours=6), times=12), people=(ben,))
    (report,) = Report.objects.for_school(school)
    user = testing.make_user(dsl_team[0], username="dora.lead")
    client.force_login(user)
    pass_second_factor(client, user)
    body = client.get(reverse("safeguarding:report_detail", args=[report.pk])).content.decode()
    assert "5 finding(s)" in body  # the account, as it was written
    assert "7 findings, 42 requests, between 08:00 and 15:50" in body  # and since
    assert body.count("www.tiktok.com</td>") == 7


def test_a_destroyed_report_leaves_its_findings_unlinked(school, dsl_team, ben):
    from django.utils import timezone

    from smpolicy.safeguarding import dbguard, destruction

    scan(school, bens_morning(), people=(ben,))
    (report,) = Report.objects.for_school(school)
    # as if its retention had ended: only the database's owner, lifting the guard, can do that
    with dbguard.lifted(connection, [dbguard.guard_for("safeguarding_report")]):
        Report._base_manager.filter(pk=report.pk).update(
            retain_until=timezone.localdate() - dt.timedelta(days=1))
    report.refresh_from_db()
    head = testing.make_person(school, "staff", "Hana", "Head", positions=["headteacher"])
    destruction.destroy(report, person=head, user=None, reason="Past retention")
    connection.check_constraints()  # PostgreSQL checks its foreign keys at commit: now
    assert not Report.objects.exists()
    assert Finding.objects.for_school(school).count() == 5
    assert not Finding.objects.filter(report__isnull=False).exists()
