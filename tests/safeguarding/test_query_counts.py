"""Each list and chronology page runs the same number of queries whatever the records it shows
(issue 11, trust scale): a page that asks once per record grows with the school's history."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smpolicy.safeguarding.models import Case, Report

from .conftest import Staffroom, make_report, sign_in

pytestmark = pytest.mark.django_db

N = 3


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def reports(room: Staffroom, n: int) -> None:
    """``n`` reports about the pupil: one by the pupil's teacher about contact, with its alerts."""
    for i in range(n):
        make_report(room, account=f"Pip sent me a snap, time {i}.")


def same_as_records_grow(
    client: Client, url: str, grow: Callable[[int], None], n: int = N
) -> tuple[int, int]:
    grow(n)
    queries_for(client, url)  # the first page of a session reads what later ones keep
    few = queries_for(client, url)
    grow(3 * n)
    many = queries_for(client, url)
    return few, many


def test_the_chronology_asks_the_same_whatever_its_length(straits):
    client = sign_in(Client(), straits.dsl)
    url = reverse("safeguarding:chronology", args=[straits.pupil.pk])

    def grow(n: int) -> None:
        reports(straits, n)
        # a case with an action on some of them, so the case's entries show too
        case = Case.objects.create(
            school=straits.school, title="Contact", lead=straits.dsl, opened_by=straits.dsl
        )
        Report.objects.filter(school=straits.school, case__isnull=True).update(case=case)

    few, many = same_as_records_grow(client, url, grow)
    assert few == many


def test_the_dsls_report_list_asks_the_same_whatever_its_length(straits):
    client = sign_in(Client(), straits.dsl)
    few, many = same_as_records_grow(
        client, reverse("safeguarding:records"), lambda n: reports(straits, n)
    )
    assert few == many


def test_the_report_search_asks_the_same_whatever_it_finds(straits):
    client = sign_in(Client(), straits.dsl)
    few, many = same_as_records_grow(
        client, reverse("safeguarding:records") + "?q=snap", lambda n: reports(straits, n)
    )
    assert few == many


def test_the_alerts_page_asks_the_same_whatever_its_length(straits):
    client = sign_in(Client(), straits.dsl)
    few, many = same_as_records_grow(
        client, reverse("safeguarding:alerts"), lambda n: reports(straits, n)
    )
    assert few == many


def test_my_reports_asks_the_same_whatever_its_length(straits):
    client = sign_in(Client(), straits.teacher, second_factor=False)
    few, many = same_as_records_grow(
        client, reverse("safeguarding:my_reports"), lambda n: reports(straits, n)
    )
    assert few == many


def test_the_cases_list_asks_the_same_whatever_its_length(straits):
    client = sign_in(Client(), straits.dsl)

    def grow(n: int) -> None:
        for i in range(n):
            report = make_report(straits, account=f"Contact {i}.")
            case = Case.objects.create(
                school=straits.school, title=f"Case {i}", lead=straits.dsl, opened_by=straits.dsl
            )
            Report.objects.filter(pk=report.pk).update(case=case, status=Report.Status.IN_CASE)

    few, many = same_as_records_grow(client, reverse("safeguarding:cases"), grow)
    assert few == many


def test_the_people_list_asks_the_same_whatever_its_length(straits):
    from smpolicy.schools import testing

    client = sign_in(Client(), straits.dsl)

    def grow(n: int) -> None:
        for i in range(n):
            pupil = testing.make_person(straits.school, "pupil", f"P{i}", f"Pupil{i}x{n}")
            make_report(straits, account=f"Contact {i}.", pupils=[pupil])

    few, many = same_as_records_grow(client, reverse("safeguarding:people"), grow)
    assert few == many


def test_the_audit_log_asks_the_same_whatever_its_length(straits):
    client = sign_in(Client(), straits.head)
    few, many = same_as_records_grow(
        client, reverse("safeguarding:audit"), lambda n: reports(straits, n)
    )
    assert few == many


def test_the_retention_review_asks_the_same_whatever_the_records(straits):
    client = sign_in(Client(), straits.dsl)
    few, many = same_as_records_grow(
        client, reverse("safeguarding:retention"), lambda n: reports(straits, n)
    )
    assert few == many


# -- what the queries read, and pages ------------------------------------------------------------


def report_queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured if 'FROM "safeguarding_report"' in q["sql"]]


def test_the_report_list_reads_only_the_columns_it_shows(straits):
    reports(straits, 2)
    client = sign_in(Client(), straits.dsl)
    for sql in report_queries(client, reverse("safeguarding:records")):
        selected = sql.split(" FROM ", 1)[0]
        for column in ("account", "details", "situation", "decision", "clauses"):
            assert f'"safeguarding_report"."{column}"' not in selected, (column, sql)


def test_the_chronology_finds_its_reports_without_an_or_across_the_join(straits):
    """An OR of "involved in it" and "made it" cannot use either index; a UNION of the two
    look-ups can, each on its own index."""
    reports(straits, 2)
    client = sign_in(Client(), straits.dsl)
    url = reverse("safeguarding:chronology", args=[straits.pupil.pk])
    (found,) = [sql for sql in report_queries(client, url) if " UNION " in sql]
    assert "safeguarding_involvement" in found
    made_it = f'OR "safeguarding_report"."reported_by_id" = {straits.pupil.pk})'
    assert not [sql for sql in report_queries(client, url) if made_it in sql]
    # The page's own columns only: the account and the decision are not read.
    assert '"safeguarding_report"."decision"' not in found.split(" FROM ", 1)[0]


@pytest.mark.parametrize("name", ["safeguarding:records", "safeguarding:alerts"])
def test_the_report_list_and_the_alerts_come_a_page_at_a_time(straits, monkeypatch, name):
    from smpolicy.safeguarding import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    reports(straits, 5)
    client = sign_in(Client(), straits.dsl)
    first = client.get(reverse(name)).content.decode()
    assert "Page 1 of 3" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get(reverse(name), {"page": 3}).content.decode()
    assert "Page 3 of 3" in last and 'rel="prev"' in last and 'rel="next"' not in last
    newest = Report.objects.filter(school=straits.school).order_by("-recorded_at", "-pk")
    assert newest[0].reference in first and newest[0].reference not in last


def test_the_report_lists_pages_keep_its_filters(straits, monkeypatch):
    from smpolicy.safeguarding import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    reports(straits, 5)
    client = sign_in(Client(), straits.dsl)
    page = client.get(reverse("safeguarding:records"), {"q": "snap", "kind": "pupil_contact"})
    assert "q=snap&amp;kind=pupil_contact&amp;page=2" in page.content.decode()
