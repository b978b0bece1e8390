"""What makes a finding: each rule of the policy the network shows, decided by the engine."""

from __future__ import annotations

import pytest

from smpolicy.monitoring import Networks, People, PersonEntry, Scanner, route, scan
from smpolicy.policy import default_engine

T0 = 1795161600.0  # 2026-11-20T08:00:00Z

NETWORKS = Networks.from_data(
    {
        "networks": [
            {"name": "Guest WiFi", "kind": "guest_wifi", "ranges": ["10.30.0.0/16"]},
            {"name": "Pupils", "kind": "pupil_network", "ranges": ["10.20.0.0/16"]},
            {"name": "Staff", "kind": "staff_network", "ranges": ["10.10.0.0/16"]},
        ]
    }
)


def squid(seconds: float, client: str, host: str, user: str = "-", code: str = "TCP_TUNNEL/200"):
    target = f"CONNECT {host}:443" if not host.startswith("http") else f"GET {host}"
    return f"{T0 + seconds:.3f}    100 {client} {code} 1234 {target} {user} HIER_DIRECT/1.2.3.4 -"


def findings(lines, people=None, **kwargs):
    *found, _summary = scan(lines, NETWORKS, people, **kwargs)
    return found


def test_a_parent_on_the_guest_wifi_using_facebook_breaks_community_wifi():
    [finding] = findings([squid(60, "10.30.0.17", "www.facebook.com")])
    assert finding["clause"] == "community.wifi"
    assert finding["verdict"] == "prohibited"
    assert finding["role"] == "parent"
    assert finding["network"] == "guest_wifi"


def test_the_verdict_and_clause_are_the_engine_s():
    situation = {"actor": {"role": "parent"}, "action": "access", "on_premises": True,
                 "network": "guest_wifi", "device": "personal",
                 "channel": {"platform": "facebook"}}
    decision = default_engine().decide(situation)
    [finding] = findings([squid(60, "10.30.0.17", "www.facebook.com")])
    assert (finding["verdict"], finding["clause"]) == (decision["verdict"], decision["clauses"][0])


def test_a_pupil_aged_9_on_tiktok_breaks_the_age_restrictions():
    people = People([PersonEntry("pupil", 9, "Ben", address="10.20.0.9")])
    [finding] = findings([squid(60, "10.20.0.9", "www.tiktok.com")], people)
    assert finding["clause"] == "community.age-restrictions"
    assert finding["verdict"] == "prohibited"
    assert (finding["platform"], finding["category"]) == ("tiktok", "media_sharing")


def test_a_pupil_old_enough_for_the_platform_is_no_finding():
    people = People([PersonEntry("pupil", 14, "Cara", address="10.20.0.14")])
    assert findings([squid(60, "10.20.0.14", "www.tiktok.com")], people) == []


def test_a_pupil_of_unknown_age_on_the_pupil_network_is_reported_as_a_precaution():
    [finding] = findings([squid(60, "10.20.0.99", "www.tiktok.com")])
    assert (finding["clause"], finding["role"]) == ("community.age-restrictions", "pupil")


def test_inappropriate_content_on_the_premises_is_reported(fixtures):
    [finding] = findings([squid(60, "10.30.0.17", "http://badsite.example/x")],
                         lists=fixtures / "lists")
    assert finding["clause"] == "community.inappropriate-content"
    assert (finding["platform"], finding["category"]) == (None, "adult")
    assert route({**finding, "obligations": None}) == "headteacher"


def test_subdomains_of_a_listed_domain_are_covered(fixtures):
    [finding] = findings([squid(60, "10.20.0.5", "cdn.www.adult-videos.example")],
                         lists=fixtures / "lists")
    assert finding["category"] == "adult"
    assert finding["domain"] == "cdn.www.adult-videos.example"


def test_only_the_chosen_categories_count(fixtures):
    lines = [squid(60, "10.30.0.17", "bet.example"), squid(61, "10.30.0.17", "badsite.example")]
    found = findings(lines, lists=fixtures / "lists", inappropriate=["gambling"])
    assert [f["category"] for f in found] == ["gambling"]


def test_a_widget_is_never_a_visit():
    lines = [squid(60 + i, "10.30.0.18", "connect.facebook.net") for i in range(20)]
    lines.append(squid(90, "10.30.0.18", "platform.twitter.com"))
    assert findings(lines) == []


def test_cdn_requests_alone_are_not_a_visit():
    lines = [squid(60 + i, "10.30.0.18", "scontent-lhr8-1.xx.fbcdn.net") for i in range(5)]
    assert findings(lines) == []


def test_cdn_requests_add_to_a_visit_in_the_same_window():
    lines = [
        squid(60, "10.30.0.17", "www.facebook.com"),
        squid(30, "10.30.0.17", "static.xx.fbcdn.net"),
        squid(90, "10.30.0.17", "scontent-lhr8-1.xx.fbcdn.net"),
        squid(95, "10.30.0.17", "connect.facebook.net"),  # a widget: not counted at all
    ]
    [finding] = findings(lines)
    assert finding["requests"] == 3
    assert finding["domain"] == "www.facebook.com"
    assert (finding["first_seen"], finding["last_seen"]) == (
        "2026-11-20T08:00:30Z", "2026-11-20T08:01:30Z"
    )


def test_requests_are_aggregated_per_client_platform_and_window():
    lines = [
        squid(60, "10.30.0.17", "www.facebook.com"),
        squid(120, "10.30.0.17", "m.facebook.com"),
        squid(130, "10.30.0.17", "www.instagram.com"),
        squid(140, "10.30.0.18", "www.facebook.com"),
        squid(3600 + 10, "10.30.0.17", "www.facebook.com"),  # the next hour
    ]
    found = findings(lines)
    assert [(f["client"], f["platform"], f["requests"], f["first_seen"]) for f in found] == [
        ("10.30.0.17", "facebook", 2, "2026-11-20T08:01:00Z"),
        ("10.30.0.17", "instagram", 1, "2026-11-20T08:02:10Z"),
        ("10.30.0.18", "facebook", 1, "2026-11-20T08:02:20Z"),
        ("10.30.0.17", "facebook", 1, "2026-11-20T09:00:10Z"),
    ]


def test_a_longer_window_joins_what_a_shorter_one_splits():
    lines = [squid(60, "10.30.0.17", "www.facebook.com"),
             squid(3600 + 10, "10.30.0.17", "www.facebook.com")]
    assert [f["requests"] for f in findings(lines, window="15m")] == [1, 1]
    assert [f["requests"] for f in findings(lines, window="1d")] == [2]


def test_a_login_wins_over_an_address():
    people = People([
        PersonEntry("pupil", 9, "Ben", address="10.20.0.9"),
        PersonEntry("pupil", 15, "Dee", login="dee"),
    ])
    found = findings([squid(60, "10.20.0.9", "www.tiktok.com", user="dee"),
                      squid(61, "10.20.0.9", "www.instagram.com")], people)
    # Dee (15) may use TikTok; the address alone is Ben (9), who may not use Instagram.
    assert [(f["platform"], f["user"]) for f in found] == [("instagram", None)]


def test_a_domain_login_matches_the_bare_login():
    people = People([PersonEntry("pupil", 9, "Ben", login="ben")])
    [finding] = findings([squid(60, "10.10.0.9", "www.tiktok.com", user="SCHOOL\\Ben")], people)
    assert (finding["role"], finding["user"]) == ("pupil", "SCHOOL\\Ben")


def test_staff_use_is_reported_with_the_monitoring_clause_only_when_asked():
    lines = [squid(60, "10.10.0.5", "www.facebook.com", user="j.smith")]
    assert findings(lines) == []
    [finding] = findings(lines, staff=True)
    assert (finding["clause"], finding["verdict"], finding["role"]) == (
        "monitoring", "allowed", "staff"
    )


def test_a_named_staff_member_on_the_guest_wifi_is_not_a_parent():
    people = People([PersonEntry("staff", None, "Sam", address="10.30.0.50")])
    assert findings([squid(60, "10.30.0.50", "www.instagram.com")], people) == []


def test_an_address_in_no_known_network_is_not_taken_for_a_parent():
    assert findings([squid(60, "192.168.1.5", "www.facebook.com")]) == []


def test_a_request_the_filter_refused_is_not_a_visit():
    lines = [squid(60, "10.30.0.21", "www.instagram.com", code="TCP_DENIED/403")]
    *found, summary = scan(lines, NETWORKS)
    assert found == []
    assert summary["summary"]["blocked"] == 1


def test_each_situation_is_put_to_the_engine_once(monkeypatch):
    engine = default_engine()
    calls = []
    original = engine.decision

    def counting(situation):
        calls.append(situation)
        return original(situation)

    monkeypatch.setattr(engine, "decision", counting)
    lines = [squid(60 + i, f"10.30.0.{i % 50}", "www.facebook.com") for i in range(500)]
    lines += [squid(3600 + i, f"10.30.0.{i % 50}", "www.facebook.com") for i in range(500)]
    scanner = Scanner(NETWORKS, engine=engine)
    found = [*scanner.feed(lines), *scanner.finish()]
    assert len(found) == 100
    assert len(calls) == 1


def test_findings_stream_out_as_windows_close():
    # A day of a parent's Facebook: the first hour's finding comes out long before the end.
    def lines():
        for hour in range(24):
            yield squid(hour * 3600 + 5, "10.30.0.17", "www.facebook.com")

    stream = scan(lines(), NETWORKS)
    first = next(stream)
    assert first["first_seen"] == "2026-11-20T08:00:05Z"
    rest = list(stream)
    assert len(rest) == 24  # 23 more findings and the summary


@pytest.mark.parametrize(("role", "age", "host", "expected"), [
    ("pupil", 9, "www.tiktok.com", "dsl"),
    ("pupil", 9, "http://badsite.example/", "dsl"),
    ("parent", None, "http://badsite.example/", "headteacher"),
    ("parent", None, "www.facebook.com", "none"),
])
def test_route_says_who_must_be_told_from_the_engine_s_obligations(role, age, host, expected,
                                                                    fixtures):
    people = People([PersonEntry(role, age, "X", address="10.30.0.40")])
    scanner = Scanner(NETWORKS, people, lists=None)
    from smpolicy.monitoring import CategoryLists

    scanner.classifier.lists = CategoryLists(fixtures / "lists")
    [finding] = [*scanner.feed([squid(60, "10.30.0.40", host)]), *scanner.finish()]
    assert route(finding) == expected
    assert route(finding.as_dict()) == expected  # the contract's dict: decided again


def test_memory_stays_flat_only_two_windows_are_ever_open():
    scanner = Scanner(NETWORKS)
    open_windows = []

    def lines():
        for minute in range(48 * 60):  # two days, a request a minute from 40 clients
            for client in range(40):
                yield squid(minute * 60 + client, f"10.30.0.{client}", "www.facebook.com")
            open_windows.append(len(scanner._counts.buckets))

    found = [*scanner.feed(lines()), *scanner.finish()]
    assert len(found) == 48 * 40
    assert max(open_windows) <= 2
