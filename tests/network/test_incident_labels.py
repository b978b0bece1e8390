"""Reports raised from network findings say what they are: found by network monitoring (not "a
parent or carer" and not "Something else"), what was reached and where in words, with an entry
in the safeguarding audit; a finding's page says what became of it, the report's reference and
state only for those who may open the report (the DSL team with the second factor)."""

from __future__ import annotations

import pytest

from smpolicy.network.models import Finding
from smpolicy.safeguarding.forms import STAFF_KINDS
from smpolicy.safeguarding.models import AuditEntry, Report
from smpolicy.safeguarding.testing import pass_second_factor
from smpolicy.schools import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_lead(school):
    person = testing.make_person(school, "staff", "Ira", "Tech", positions=["it_lead"])
    testing.make_user(person, username="ira.tech")
    return person


@pytest.fixture
def dsl(school):
    person = testing.make_person(school, "staff", "Dora", "Lead", positions=["dsl"],
                                 email="dsl@straits.sch.uk")
    testing.make_user(person, username="dora.lead")
    return person


@pytest.fixture
def scanned(client, it_lead, dsl, sign_in, upload):
    sign_in(it_lead)
    upload("squid-access.log", people="people.csv")
    client.logout()
    return Finding.objects.get(client="10.20.0.9", platform="tiktok")  # Ben, aged 9


def test_the_report_says_it_was_found_by_network_monitoring(client, dsl, scanned):
    report = Report.objects.get(pk=scanned.report_id)
    assert report.kind == Report.Kind.NETWORK_MONITORING
    assert report.network_label == ("A pupil reached TikTok on the pupil network, which is for "
                                    "older children")
    client.force_login(dsl.user)
    pass_second_factor(client, dsl.user)
    page = client.get(f"/safeguarding/reports/{report.pk}/").text
    assert ("Found by network monitoring: A pupil reached TikTok on the pupil network, which is "
            "for older children") in page
    assert "Network monitoring, from the school's web filter logs" in page
    assert "parent or carer" not in page and "Something else" not in page
    assert "T08:" not in page and "+00:00" not in page  # times in words, not timestamps


def test_each_report_from_a_scan_is_in_the_audit(scanned):
    raised = Report.objects.filter(school=scanned.school)
    assert raised.count() == 3
    entries = AuditEntry.objects.filter(school=scanned.school, action="create")
    assert sorted(e.reference for e in entries) == sorted(r.reference for r in raised)
    assert all(e.note.startswith("raised by network monitoring from 1 finding(s)")
               for e in entries)
    assert "Ben" not in " ".join(e.note for e in entries)


def test_the_finding_page_says_what_became_of_it(client, it_lead, dsl, scanned):
    report = Report.objects.get(pk=scanned.report_id)
    url = f"/network/findings/{scanned.pk}/"
    client.force_login(it_lead.user)
    page = client.get(url).text
    assert "Passed to the safeguarding team" in page and report.reference not in page
    client.force_login(dsl.user)
    page = client.get(url).text  # no second factor yet: as the IT lead
    assert "Passed to the safeguarding team" in page and report.reference not in page
    pass_second_factor(client, dsl.user)
    page = client.get(url).text
    assert f"Report {report.reference}</a>: New: not yet opened" in page
    nobody = Finding.objects.filter(school=scanned.school, report_to="none").first()
    assert "None: nobody needs to be told" in client.get(f"/network/findings/{nobody.pk}/").text


def test_staff_cannot_choose_network_monitoring_on_the_report_form():
    assert Report.Kind.NETWORK_MONITORING not in dict(STAFF_KINDS)
