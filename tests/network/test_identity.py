"""Network findings on a need-to-know basis (issue 10, item 8).

A finding about a pupil (a platform above their age, adult content) names the child only for the
DSL team with the second factor; the IT lead sees the device, the site and the time, which is what
fixing the filter needs. Attacked through the list, a finding's page, the CSV export, the search
(a name typed into it would tell who a device belongs to), the report made from a finding, and the
Django admin.

The log and people list are tests/monitoring/fixtures: Ben Pupil (9) is 10.20.0.9, on TikTok;
Amy Pupil (11) signs in as amy.pupil at 10.20.0.22, reaching adult content.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pyotp
import pytest
from django.urls import reverse

from smpolicy.network.models import Finding
from smpolicy.network.views import HIDDEN_PUPIL
from smpolicy.safeguarding.models import Report, SecondFactor
from smpolicy.safeguarding.testing import pass_second_factor
from smpolicy.schools import testing

pytestmark = pytest.mark.django_db

IDENTITY = ("Ben Pupil", "Amy Pupil", "amy.pupil", "aged 9", "aged 11")
DEVICES = ("10.20.0.9", "10.20.0.22", "www.tiktok.com", "badsite.example")


def verify(client, person) -> None:
    """The second factor as a person passes it: a code typed into the verify page."""
    factor = SecondFactor.objects.create(user=person.user, secret=pyotp.random_base32(32))
    response = client.post(reverse("safeguarding:second_factor_verify"),
                           {"code": pyotp.TOTP(factor.secret).now()})
    assert response.status_code == 302


@pytest.fixture
def scanned(client, it_lead, sign_in, upload):
    sign_in(it_lead)
    assert upload("squid-access.log", people="people.csv").status_code == 200
    return {f.person_name: f for f in Finding.objects.for_school(it_lead.school)}


@pytest.fixture
def dsl(school):
    person = testing.make_person(school, "staff", "Dee", "Lead", positions=["dsl"])
    testing.make_user(person)
    return person


def everything_shown(client, found) -> str:
    """The list, each pupil's finding, and the export, as one text."""
    parts = [client.get(reverse("network:findings")).content.decode()]
    for name in ("Ben Pupil", "Amy Pupil"):
        response = client.get(reverse("network:finding", args=[found[name].pk]))
        assert response.status_code == 200
        parts.append(response.content.decode())
    response = client.get(reverse("network:findings_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    parts.append(response.content.decode())
    return "\n".join(parts)


def test_the_it_lead_sees_the_device_the_site_and_the_time_but_not_the_pupil(client, scanned):
    text = everything_shown(client, scanned)
    for identity in IDENTITY:
        assert identity not in text, identity
    for device in DEVICES:
        assert device in text, device
    assert HIDDEN_PUPIL in text
    ben = scanned["Ben Pupil"]
    page = client.get(reverse("network:finding", args=[ben.pk])).content.decode()
    assert "20 November 2026" in page  # when: the time the filter let it through
    rows = list(csv.DictReader(io.StringIO(
        client.get(reverse("network:findings_csv")).content.decode())))
    (row,) = [r for r in rows if r["address or device"] == "10.20.0.9"]
    assert row["who"] == HIDDEN_PUPIL and row["login"] == "" and row["age"] == ""
    assert row["site"] == "www.tiktok.com" and row["first seen"].startswith("2026-11-20T")


def test_the_it_lead_cannot_find_a_pupil_by_name_or_login(client, scanned):
    url = reverse("network:findings")
    for text in ("Ben", "Pupil", "Amy Pupil", "amy.pupil", "amy"):
        response = client.get(url, {"person": text})
        assert response.context["total"] == 0, text
        export = client.get(reverse("network:findings_csv"), {"person": text}).content.decode()
        assert export.count("\n") == 1, text  # the header only
    assert client.get(url, {"person": "10.20.0.9"}).context["total"] == 1


def test_the_it_lead_still_finds_adults_by_name(client, it_lead, sign_in, scanned):
    adults = Finding.objects.exclude(role="pupil").exclude(person_name="")
    for finding in adults:
        response = client.get(reverse("network:findings"), {"person": finding.person_name})
        assert response.context["total"] >= 1, finding.person_name


def test_the_dsl_with_the_second_factor_sees_who_and_can_search_by_name(client, scanned, dsl):
    client.force_login(dsl.user)
    verify(client, dsl)
    text = everything_shown(client, scanned)
    for identity in ("Ben Pupil", "Amy Pupil", "amy.pupil", "aged 9"):
        assert identity in text, identity
    assert HIDDEN_PUPIL not in text
    assert client.get(reverse("network:findings"), {"person": "Ben"}).context["total"] == 1
    assert client.get(reverse("network:findings"), {"person": "amy.pupil"}).context[
        "total"] == 1


@pytest.mark.parametrize("post", ["dsl", "deputy_dsl", "headteacher"])
def test_the_dsl_team_without_the_second_factor_sees_no_identity_and_is_offered_it(
        client, school, scanned, post):
    person = testing.make_person(school, "staff", positions=[post])
    testing.make_user(person)
    client.force_login(person.user)
    text = everything_shown(client, scanned)
    for identity in IDENTITY:
        assert identity not in text, identity
    assert reverse("safeguarding:second_factor_setup") in text
    assert client.get(reverse("network:findings"), {"person": "Ben"}).context["total"] == 0


def test_the_report_made_from_a_finding_is_not_the_it_lead_s_to_open(client, it_lead, scanned):
    made = [r for r in Report.objects.for_school(it_lead.school)
            if "Ben Pupil" in r.account or "Amy Pupil" in r.account]
    assert made  # the policy says these are reported: the DSL team reads them
    for report in made:
        response = client.get(reverse("safeguarding:report_detail", args=[report.pk]))
        assert response.status_code in (403, 404)
        assert "Pupil" not in response.content.decode()
    for page in ("safeguarding:index", "safeguarding:records", "safeguarding:alerts"):
        response = client.get(reverse(page))
        assert "Ben Pupil" not in response.content.decode(), page


def test_a_formula_in_a_log_is_not_run_by_the_spreadsheet(client, scanned):
    first = Finding.objects.first()
    Finding.objects.create(
        school=first.school, fingerprint="formula", clause="community.wifi",
        verdict="prohibited", network="guest_wifi", client="10.30.0.99", role="parent",
        platform="", category="adult", domain="=HYPERLINK(\"http://x.example\")", requests=1,
        first_seen=first.first_seen + dt.timedelta(minutes=1),
        last_seen=first.first_seen + dt.timedelta(minutes=1), window_start=first.window_start,
        window_seconds=3600,
    )
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("network:findings_csv")).content.decode())))
    (row,) = [r for r in rows if r[3] == "10.30.0.99"]
    assert row[10] == "'=HYPERLINK(\"http://x.example\")"


def test_the_admin_neither_shows_nor_searches_who_a_finding_is_about(client, school, scanned):
    admin = testing.make_person(school, "staff", "Ada", "Admin")
    user = testing.make_user(admin, is_staff=True, is_superuser=True)
    client.force_login(user)
    pass_second_factor(client, user)  # every admin page asks for it
    url = "/admin/network/finding/"
    body = client.get(url).content.decode()
    assert "10.20.0.9" in body
    for identity in IDENTITY:
        assert identity not in body, identity
    found = client.get(url, {"q": "Ben"}).content.decode()
    assert "10.20.0.9" not in found
    assert "10.20.0.22" not in client.get(url, {"q": "amy.pupil"}).content.decode()
    change = client.get(f"{url}{scanned['Amy Pupil'].pk}/change/").content.decode()
    assert "badsite.example" in change
    for identity in ("Amy Pupil", "amy.pupil"):
        assert identity not in change, identity
