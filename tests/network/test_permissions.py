"""Who may see network findings: the headteacher, the DSL team and the IT lead; nobody sees
another school's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from smpolicy.network.models import Finding, NetworkSettings
from smpolicy.schools import testing

pytestmark = pytest.mark.django_db

PAGES = ["network:findings", "network:upload", "network:blocklist", "network:reviews",
         "network:settings"]


@pytest.mark.parametrize("page", PAGES)
def test_a_teacher_gets_403(client, school, sign_in, page):
    teacher = testing.make_person(school, "staff")
    testing.make_user(teacher)
    sign_in(teacher)
    assert client.get(reverse(page)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_the_anonymous_are_sent_to_sign_in(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("post", ["it_lead", "headteacher", "dsl", "deputy_dsl"])
def test_the_it_lead_headteacher_and_dsl_team_see_findings(client, school, sign_in, upload,
                                                           post):
    person = testing.make_person(school, "staff", positions=[post])
    testing.make_user(person)
    sign_in(person)
    upload("squid-access.log", people="people.csv")
    response = client.get(reverse("network:findings"))
    assert response.status_code == 200
    assert response.context["total"] == 5


def test_another_school_s_findings_never_show(client, school, other_school, it_lead, sign_in,
                                              upload):
    # Harbour scans the same log: its findings are its own.
    harbour_lead = testing.make_person(other_school, "staff", positions=["it_lead"])
    testing.make_user(harbour_lead)
    NetworkSettings.objects.create(school=other_school, networks_yaml=(
        "networks:\n  - {name: Guest, kind: guest_wifi, ranges: [10.30.0.0/16]}\n"))
    sign_in(harbour_lead)
    upload("squid-access.log", people="people.csv")
    harbour_ids = set(Finding.objects.for_school(other_school).values_list("pk", flat=True))
    assert harbour_ids

    sign_in(it_lead)
    upload("squid-access.log", people="people.csv")
    response = client.get(reverse("network:findings"))
    shown = {f.pk for f in response.context["page"].object_list}
    assert shown and not shown & harbour_ids
    for pk in harbour_ids:
        assert client.get(reverse("network:finding", args=[pk])).status_code == 404
    # Same log, same fingerprints: unique per school, so both schools keep their own.
    assert Finding.objects.for_school(school).count() == 5
