"""The network monitoring pages: scanning a log into findings, finding them again, reviewing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from smpolicy.network.models import Finding, NetworkSettings, ScanRun
from smpolicy.schools import testing

pytestmark = pytest.mark.django_db


def test_uploading_a_log_records_its_findings(client, it_lead, sign_in, upload):
    sign_in(it_lead)
    response = upload("squid-access.log", people="people.csv")
    assert response.status_code == 200
    assert "5 new findings; 0 already recorded." in response.text
    found = Finding.objects.for_school(it_lead.school).order_by("first_seen")
    assert [(f.clause, f.client, f.platform or f.category) for f in found] == [
        ("community.wifi", "10.30.0.17", "facebook"),
        ("community.age-restrictions", "10.20.0.9", "tiktok"),
        ("community.inappropriate-content", "10.20.0.22", "adult"),
        ("community.inappropriate-content", "10.30.0.17", "gambling"),
        ("community.wifi", "10.30.0.17", "facebook"),
    ]
    ben = found[1]
    assert (ben.person_name, ben.age, ben.role) == ("Ben Pupil", 9, "pupil")
    assert ben.report_to == "dsl"
    assert found[3].report_to == "headteacher"
    assert found[0].report_to == "none"
    assert found[0].as_contract()["first_seen"] == "2026-11-20T08:41:07Z"
    scan = ScanRun.objects.get()
    assert (scan.lines, scan.unparsed, scan.blocked, scan.findings_new) == (20, 2, 1, 5)
    assert scan.by == it_lead.user


def test_uploading_the_same_log_again_adds_no_duplicates(client, it_lead, sign_in, upload):
    sign_in(it_lead)
    upload("squid-access.log", people="people.csv")
    first = {f.fingerprint: f.requests for f in Finding.objects.all()}
    response = upload("squid-access.log", people="people.csv")
    assert "0 new findings; 5 already recorded." in response.text
    assert {f.fingerprint: f.requests for f in Finding.objects.all()} == first
    # The same morning from the DNS log, gzip or not: still the same findings.
    upload("squid-access.log.gz", people="people.csv")
    assert Finding.objects.count() == 5
    assert ScanRun.objects.count() == 3


def test_a_reviewed_finding_keeps_its_status_when_seen_again(client, it_lead, sign_in, upload):
    sign_in(it_lead)
    upload("squid-access.log")
    finding = Finding.objects.filter(clause="community.wifi").first()
    client.post(reverse("network:finding", args=[finding.pk]),
                {"status": "false_positive", "reason": "The school's own test device."})
    upload("squid-access.log")
    finding.refresh_from_db()
    assert finding.status == "false_positive"
    assert finding.status_reason == "The school's own test device."
    assert finding.reviewed_by == it_lead.user


def test_a_false_positive_needs_a_reason(client, it_lead, sign_in, upload):
    sign_in(it_lead)
    upload("squid-access.log")
    finding = Finding.objects.first()
    response = client.post(reverse("network:finding", args=[finding.pk]),
                           {"status": "false_positive", "reason": "  "})
    assert response.status_code == 200
    assert "Say why this is a false positive." in response.text
    finding.refresh_from_db()
    assert finding.status == "new"


def test_a_person_the_school_knows_is_linked_by_their_login(client, it_lead, sign_in, upload):
    amy = testing.make_person(it_lead.school, "pupil", "Amy", "Pupil",
                              date_of_birth=testing.born_aged(11))
    testing.make_user(amy, username="amy.pupil")
    sign_in(it_lead)
    upload("squid-access.log")
    finding = Finding.objects.get(category="adult")
    assert finding.person == amy
    assert (finding.person_name, finding.age, finding.role) == ("Amy Pupil", 11, "pupil")


def test_the_findings_page_filters_by_date_network_clause_and_person(client, it_lead, sign_in,
                                                                     upload):
    sign_in(it_lead)
    upload("squid-access.log", people="people.csv")
    url = reverse("network:findings")

    def count(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return response.context["total"]

    assert count() == 5
    assert count(network="guest_wifi") == 3
    assert count(clause="community.inappropriate-content") == 2
    # The IT lead finds pupils' findings by device only (see test_identity.py).
    assert count(person="Ben") == 0
    assert count(person="10.20.0.9") == 1
    assert count(person="10.30.0.17") == 3
    assert count(person="amy.pupil") == 0
    assert count(date_from="2026-11-20", date_to="2026-11-20") == 5
    assert count(date_from="2026-11-21") == 0
    assert count(status="new") == 5
    assert count(date_from="2026-11-21", date_to="2026-11-20") == 5  # refused: not applied
    response = client.get(url, {"date_from": "2026-11-21", "date_to": "2026-11-20"})
    assert "The &#x27;to&#x27; date is before the &#x27;from&#x27; date." in response.text


def test_the_chart_shows_findings_per_day(client, it_lead, sign_in, upload):
    sign_in(it_lead)
    upload("squid-access.log", people="people.csv")
    school = it_lead.school
    first = Finding.objects.first()
    for days in (1, 3):  # two more findings on later days (one day with none between)
        Finding.objects.create(
            school=school, fingerprint=f"later-{days}", clause="community.wifi",
            verdict="prohibited", network="guest_wifi", client="10.30.0.99", role="parent",
            platform="facebook", category="collaborative", domain="www.facebook.com",
            requests=1, first_seen=first.first_seen + dt.timedelta(days=days),
            last_seen=first.first_seen + dt.timedelta(days=days),
            window_start=first.window_start, window_seconds=3600,
        )
    response = client.get(reverse("network:findings"))
    assert [n for _, n in response.context["days"]] == [5, 1, 0, 1]
    assert response.text.count('<rect class="bar"') == 4
    assert "Fri 20 Nov: 5" in response.text


def test_blocklist_downloads_in_each_form(client, it_lead, sign_in):
    sign_in(it_lead)
    response = client.get(reverse("network:blocklist"),
                          {"download": "1", "format": "squid", "categories": "on"})
    assert response.status_code == 200
    assert 'filename="guest-wifi-blocklist-squid.acl"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert ".facebook.com\n" in body and ".badsite.example\n" in body
    response = client.get(reverse("network:blocklist"),
                          {"download": "1", "format": "adguard", "guest_only": "on"})
    body = b"".join(response.streaming_content).decode()
    assert "||facebook.com^$client=10.30.0.0/16\n" in body
    assert ".badsite.example" not in body and "badsite" not in body


def test_the_annual_review_is_recorded(client, it_lead, sign_in):
    sign_in(it_lead)
    url = reverse("network:reviews")
    assert "No review is recorded yet." in client.get(url).text
    response = client.post(url, {
        "reviewed_on": "2026-11-02", "reviewers": "Ira Tech (IT lead), the DSL",
        "governor": "G. Overnor", "checked": "Guest WiFi blocks Facebook; test search blocked.",
        "outcome": "Added the gambling category to the guest filter.",
        "next_review_due": "2027-11-02",
    })
    assert response.status_code == 302
    page = client.get(url).text
    assert "Added the gambling category" in page and "2 November 2026" in page


def test_only_the_site_administrator_sets_the_lists_folder(client, it_lead, sign_in, fixtures):
    sign_in(it_lead)
    client.post(reverse("network:settings"), {
        "networks-TOTAL_FORMS": 0, "networks-INITIAL_FORMS": 0, "inappropriate": "adult",
        "lists_dir": "/etc", "window_minutes": 60, "retention_days": 30,
    })
    settings = NetworkSettings.objects.get(school=it_lead.school)
    assert settings.lists_dir == str(fixtures / "lists")
    assert settings.retention_days == 30


def test_a_bad_people_csv_is_refused_with_the_reason(client, it_lead, sign_in, upload):
    sign_in(it_lead)
    response = upload("squid-access.log", people="networks.yaml")
    assert response.status_code == 200
    assert "the header needs &#x27;role&#x27;" in response.text
    assert Finding.objects.count() == 0
