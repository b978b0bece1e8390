"""The findings list asks the database the same number of times whatever the findings (issue 11,
trust scale)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from smpolicy.network.models import Finding
from smpolicy.schools import testing

pytestmark = pytest.mark.django_db


def findings(school, n: int, start: int) -> None:
    pupil = testing.make_person(school, "pupil", "Ben", f"Pupil{start}")
    at = timezone.now() - dt.timedelta(days=2)
    for i in range(start, start + n):
        Finding.objects.create(
            school=school, fingerprint=f"f-{i}", clause="community.age-restrictions",
            verdict="prohibited", network="pupil_wifi", client=f"10.20.0.{i % 250}",
            person=pupil, person_name=pupil.full_name, role="pupil", age=9,
            platform="tiktok", category="social", domain="www.tiktok.com", requests=i + 1,
            first_seen=at + dt.timedelta(minutes=i), last_seen=at + dt.timedelta(minutes=i),
            window_start=at, window_seconds=3600,
        )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_findings_list_asks_the_same_whatever_the_findings(client, it_lead, sign_in):
    sign_in(it_lead)
    url = reverse("network:findings")
    findings(it_lead.school, 3, 0)
    count(client, url)  # the first page of a session reads what later ones keep
    few = count(client, url)
    findings(it_lead.school, 9, 3)
    assert count(client, url) == few
