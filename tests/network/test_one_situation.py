"""One situation per finding: what the scan put to the engine (the network's on_premises, the
device) is kept with the finding, and recording and routing decide from it, never from a
situation rebuilt from the finding's other fields."""

from __future__ import annotations

import pytest

from smpolicy.monitoring import Networks, People, PersonEntry, Scanner, recipients, route
from smpolicy.monitoring.routing import situation_for
from smpolicy.network.models import Finding as StoredFinding
from smpolicy.network.recording import record_findings
from smpolicy.policy import default_engine
from smpolicy.safeguarding.models import Report

pytestmark = pytest.mark.django_db

# The school's loan laptops, used at home over the school's VPN: a school network, off the
# premises, on the school's devices.
NETWORKS = Networks.from_data({"networks": [
    {"name": "Guest WiFi", "kind": "guest_wifi", "ranges": ["10.30.0.0/16"]},
    {"name": "Loan laptops (VPN)", "kind": "pupil_network", "ranges": ["10.40.0.0/16"],
     "on_premises": False, "device": "school"},
]})
PEOPLE = People([PersonEntry("pupil", 9, "Ben Pupil", address="10.40.0.9")])


def squid(seconds, client, host):
    return (f"{1795161600 + seconds:.3f}    120 {client} TCP_TUNNEL/200 1500 CONNECT {host}:443 "
            "- HIER_DIRECT/157.240.221.35 -")


LINES = [
    squid(60, "10.40.0.9", "www.tiktok.com"),       # Ben, 9, at home on a loan laptop
    squid(70, "10.40.0.9", "badsite.example"),      # ... and an adult site
    squid(80, "10.30.0.17", "www.facebook.com"),    # a parent on the guest WiFi
]


def scanned(fixtures):
    from smpolicy.monitoring import CategoryLists

    scanner = Scanner(NETWORKS, PEOPLE, lists=CategoryLists(fixtures / "lists"))
    return [*scanner.feed(LINES, format="squid"), *scanner.finish()]


def test_the_scan_keeps_its_situation_with_the_finding(fixtures):
    by_what = {f.platform or f.category: f for f in scanned(fixtures)}
    assert set(by_what) == {"tiktok", "adult", "facebook"}
    tiktok = by_what["tiktok"]
    assert tiktok.situation == {
        "actor": {"role": "pupil", "age": 9}, "action": "access", "on_premises": False,
        "network": "pupil_network", "device": "school", "channel": {"platform": "tiktok"},
    }
    assert (tiktok.on_premises, tiktok.device) == (False, "school")
    exported = tiktok.as_dict()
    assert (exported["on_premises"], exported["device"], exported["situation"]) == (
        False, "school", tiktok.situation)
    assert by_what["facebook"].situation["on_premises"] is True
    assert by_what["facebook"].situation["device"] == "personal"


def test_recording_and_routing_decide_as_the_scan_did(school, fixtures):
    engine = default_engine()
    found = scanned(fixtures)
    record_findings(found, school, source="loan-laptops.log")
    for finding in found:
        stored = StoredFinding.objects.get(school=school, fingerprint=finding.fingerprint)
        # the scan's situation, kept as it was: off the premises, on a school laptop
        assert stored.situation == finding.situation
        assert situation_for(stored) == finding.situation
        assert stored.as_contract()["situation"] == finding.situation
        assert stored.as_contract()["on_premises"] == finding.on_premises
        # the scan's decision, whichever way routing gets it: the kept obligations, or the engine
        # asked again about the kept situation (a contract finding carries no obligations)
        decided = engine.decision(finding.situation)
        again = engine.decision(situation_for(stored))
        assert (again.verdict, again.clauses) == (decided.verdict, decided.clauses) == (
            finding.verdict, finding.clauses)
        assert route(stored) == route(finding) == route(finding.as_dict()) == stored.report_to
        assert recipients(stored) == recipients(finding) == recipients(
            {**stored.as_contract(), "obligations": None})

    tiktok = StoredFinding.objects.get(school=school, platform="tiktok")
    assert (tiktok.situation["on_premises"], tiktok.situation["device"]) == (False, "school")
    assert tiktok.report_to == "dsl"


def test_the_safeguarding_report_is_made_from_the_same_situation(school, fixtures):
    found = scanned(fixtures)
    record_findings(found, school, source="loan-laptops.log")
    for finding in found:
        if route(finding) == "none":
            continue
        report = Report.objects.for_school(school).get(
            details__network_finding=finding.fingerprint)
        assert report.situation == {**finding.situation, "occurred": True}
        assert report.on_premises is finding.on_premises
    adult = next(f for f in found if f.category == "adult")
    report = Report.objects.for_school(school).get(details__network_finding=adult.fingerprint)
    assert report.on_premises is False


def test_a_finding_without_its_situation_is_not_decided_from_a_guess():
    with pytest.raises(ValueError, match="carries no situation"):
        route({"clause": "community.wifi", "role": "parent", "platform": "facebook",
               "network": "guest_wifi"})
