"""Every log format the scanner reads, on real-shaped logs of the same morning at the fixture
school: the same people doing the same things give the same findings, whatever wrote the log.

The morning (fixtures/, made from one list of requests):
- a parent on the guest WiFi (10.30.0.17) opens Facebook four times between 08:41 and 08:56 (one
  of them a photo from Facebook's CDN), bets on bet.example at 08:55, and opens Facebook again at
  09:05, in the next hour;
- another guest (10.30.0.18) only loads a page with a Like button and a shared photo: no finding;
- Ben (10.20.0.9, aged 9) opens TikTok; Cara (10.20.0.14, aged 14) does too, which her age allows;
- Amy (login amy.pupil, aged 11, at 10.20.0.22) reaches an adult site;
- Jo Smith (staff) opens Facebook on the staff network, and Sam Supply (staff, on the guest WiFi)
  Instagram: allowed, and only reported when staff monitoring is asked for;
- the filter refuses Instagram to 10.30.0.21 (blocked: not a visit);
- an address in no known network (192.168.1.5) opens Facebook: not known to be a parent.
"""

from __future__ import annotations

import pytest

from smpolicy.monitoring import scan
from smpolicy.monitoring.formats import detect

PARENT_FACEBOOK = {
    "clause": "community.wifi", "verdict": "prohibited", "network": "guest_wifi",
    "client": "10.30.0.17", "user": None, "role": "parent", "platform": "facebook",
    "category": "collaborative", "domain": "www.facebook.com", "requests": 4,
    "first_seen": "2026-11-20T08:41:07Z", "last_seen": "2026-11-20T08:55:40Z",
    # the situation the engine decided, kept with the finding (visitors bring their own device)
    "device": "personal", "on_premises": True,
    "situation": {"actor": {"role": "parent"}, "action": "access", "on_premises": True,
                  "network": "guest_wifi", "device": "personal",
                  "channel": {"platform": "facebook"}},
}
BEN_TIKTOK = {
    "clause": "community.age-restrictions", "verdict": "prohibited", "network": "pupil_network",
    "client": "10.20.0.9", "user": None, "role": "pupil", "platform": "tiktok",
    "category": "media_sharing", "domain": "www.tiktok.com", "requests": 3,
    "first_seen": "2026-11-20T08:50:00Z", "last_seen": "2026-11-20T08:50:31Z",
    "device": None, "on_premises": True,
    "situation": {"actor": {"role": "pupil", "age": 9}, "action": "access", "on_premises": True,
                  "network": "pupil_network", "channel": {"platform": "tiktok"}},
}
AMY_ADULT = {
    "clause": "community.inappropriate-content", "verdict": "prohibited",
    "network": "pupil_network", "client": "10.20.0.22", "user": None, "role": "pupil",
    "platform": None, "category": "adult", "domain": "badsite.example", "requests": 1,
    "first_seen": "2026-11-20T08:51:40Z", "last_seen": "2026-11-20T08:51:40Z",
    "device": None, "on_premises": True,
    # her address alone does not say who she is: a pupil, of an age not known
    "situation": {"actor": {"role": "pupil"}, "action": "access", "on_premises": True,
                  "network": "pupil_network", "content": {"inappropriate": True}},
}
PARENT_BETTING = {
    "clause": "community.inappropriate-content", "verdict": "prohibited",
    "network": "guest_wifi", "client": "10.30.0.17", "user": None, "role": "parent",
    "platform": None, "category": "gambling", "domain": "bet.example", "requests": 1,
    "first_seen": "2026-11-20T08:55:00Z", "last_seen": "2026-11-20T08:55:00Z",
    "device": "personal", "on_premises": True,
    "situation": {"actor": {"role": "parent"}, "action": "access", "on_premises": True,
                  "network": "guest_wifi", "device": "personal",
                  "content": {"inappropriate": True}},
}
PARENT_FACEBOOK_NEXT_HOUR = {
    **PARENT_FACEBOOK, "domain": "m.facebook.com", "requests": 1,
    "first_seen": "2026-11-20T09:05:00Z", "last_seen": "2026-11-20T09:05:00Z",
}
# her login does: Amy, aged 11
WITH_LOGIN = {**AMY_ADULT, "user": "amy.pupil",
              "situation": {**AMY_ADULT["situation"], "actor": {"role": "pupil", "age": 11}}}
MORNING = [PARENT_FACEBOOK, BEN_TIKTOK, AMY_ADULT, PARENT_BETTING, PARENT_FACEBOOK_NEXT_HOUR]
# ssl.log sees HTTPS only: Amy's adult site and the 09:05 visit were plain HTTP.
HTTPS_ONLY = [PARENT_FACEBOOK, BEN_TIKTOK, PARENT_BETTING]

CASES = {
    # file: (detected format, findings, lines, unparsed, blocked)
    "squid-access.log": ("squid", [PARENT_FACEBOOK, BEN_TIKTOK, WITH_LOGIN, PARENT_BETTING,
                                   PARENT_FACEBOOK_NEXT_HOUR], 20, 2, 1),
    "squid-access.log.gz": ("squid", [PARENT_FACEBOOK, BEN_TIKTOK, WITH_LOGIN, PARENT_BETTING,
                                      PARENT_FACEBOOK_NEXT_HOUR], 20, 2, 1),
    "dnsmasq.log": ("dnsmasq", MORNING, 55, 1, 1),
    "pihole.log": ("dnsmasq", MORNING, 53, 0, 1),
    "pihole-ftl.csv": ("pihole", MORNING, 20, 1, 1),
    "zeek-dns.log": ("zeek", MORNING, 28, 1, 1),
    "zeek-dns.json": ("zeek", MORNING, 19, 1, 1),
    "zeek-ssl.log": ("zeek", HTTPS_ONLY, 21, 0, 0),
    "zeek-ssl.json": ("zeek", HTTPS_ONLY, 15, 1, 0),
    "filter-export.csv": ("csv", [PARENT_FACEBOOK, BEN_TIKTOK, WITH_LOGIN, PARENT_BETTING,
                                  PARENT_FACEBOOK_NEXT_HOUR], 20, 1, 1),
    # Filters' and firewalls' own logs (fixtures/README.md says where each format is documented).
    "smoothwall-webfilter.csv": ("csv", [PARENT_FACEBOOK, BEN_TIKTOK, WITH_LOGIN, PARENT_BETTING,
                                         PARENT_FACEBOOK_NEXT_HOUR], 20, 1, 1),
    "lightspeed-activity.csv": ("csv", [PARENT_FACEBOOK, BEN_TIKTOK, WITH_LOGIN, PARENT_BETTING,
                                        PARENT_FACEBOOK_NEXT_HOUR], 20, 1, 1),
    "fortigate.log": ("fortigate", [PARENT_FACEBOOK, BEN_TIKTOK, WITH_LOGIN, PARENT_BETTING,
                                    PARENT_FACEBOOK_NEXT_HOUR], 20, 1, 1),
    "sophos-firewall.log": ("sophos", [PARENT_FACEBOOK, BEN_TIKTOK, WITH_LOGIN, PARENT_BETTING,
                                       PARENT_FACEBOOK_NEXT_HOUR], 19, 1, 1),
    "cef.log": ("cef", [PARENT_FACEBOOK, BEN_TIKTOK, WITH_LOGIN, PARENT_BETTING,
                        PARENT_FACEBOOK_NEXT_HOUR], 19, 1, 1),
    "w3c-proxy.log": ("w3c", [PARENT_FACEBOOK, BEN_TIKTOK, WITH_LOGIN, PARENT_BETTING,
                              PARENT_FACEBOOK_NEXT_HOUR], 24, 1, 1),
}


def read(path):
    if path.suffix == ".gz":
        import gzip

        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return handle.read().splitlines()
    return path.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_format_gives_the_morning_s_findings(name, fixtures, networks, people, lists, options):
    expected_format, expected, lines, unparsed, blocked = CASES[name]
    out = list(scan(read(fixtures / name), networks, people, lists=lists, options=options))
    *findings, summary = out
    assert findings == expected
    summary = summary["summary"]
    assert (summary["lines"], summary["parsed"], summary["unparsed"], summary["findings"]) == (
        lines, lines - unparsed, unparsed, len(expected)
    )
    assert summary["blocked"] == blocked
    assert list(summary["formats"].values()) == [expected_format]


@pytest.mark.parametrize("name", sorted(n for n in CASES if not n.endswith(".gz")))
def test_the_format_is_told_from_the_first_lines(name, fixtures):
    assert detect(read(fixtures / name)[:20]) == CASES[name][0]


@pytest.mark.parametrize("name", sorted(n for n in CASES if not n.endswith(".gz")))
def test_naming_the_format_gives_the_same_as_detecting_it(name, fixtures, networks, people,
                                                           lists, options):
    named = "pihole" if name.startswith("pihole") else CASES[name][0]
    found = list(scan(read(fixtures / name), networks, people, lists=lists, options=options,
                      format=named))
    assert found[:-1] == CASES[name][1]


def test_bad_lines_are_counted_and_shown_with_their_numbers(fixtures, networks, people, lists,
                                                            options):
    *_, summary = scan(read(fixtures / "squid-access.log"), networks, people, lists=lists,
                       options=options)
    assert summary["summary"]["unparsed_samples"] == [
        {"file": "-", "line": 7, "text": "this line is not a squid line at all"},
        {"file": "-", "line": 14, "text": "1795164999.000 12 10.30.0.17 TCP_TUNNEL/200"},
    ]


def test_a_file_in_no_known_format_is_all_unparsed_and_no_crash(networks):
    lines = ["hello world", "", "this is a letter, not a log"]
    *findings, summary = scan(lines, networks)
    assert findings == []
    assert summary["summary"]["lines"] == 3
    assert summary["summary"]["unparsed"] == 2
    assert summary["summary"]["formats"] == {"-": "unknown"}


def test_bytes_lines_and_line_ends_are_accepted(fixtures, networks, people, lists, options):
    raw = (fixtures / "squid-access.log").read_bytes().splitlines(keepends=True)
    found = list(scan(raw, networks, people, lists=lists, options=options))
    assert found[:-1] == CASES["squid-access.log"][1]
