"""Whatever lines a parser is given, it never raises, and every line is counted once."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smpolicy.monitoring import Classifier, ParseOptions, Tally
from smpolicy.monitoring.formats import COUNTERS, Counts

CLASSIFIER = Classifier()
OPTIONS = ParseOptions(year=2026)

# Lines that look nearly right are the ones that find the bugs: build some from real pieces.
PIECES = st.sampled_from([
    "1795164067.000", "Nov 20 08:41:07", "2026-11-20T08:41:07Z", "nan", "inf", "-1e309",
    "10.30.0.17", "::1", "[fe80::1]", "dnsmasq[612]:", "query[A]", "from", "is", "0.0.0.0",
    "CONNECT", "GET", "www.facebook.com:443", "http://m.facebook.com/x", "TCP_DENIED/403",
    "TCP_TUNNEL/200", "-", "#fields", "#separator", "\\x09", "\t", ",", '"', "{", "}",
    '{"ts": 1, "query": "www.tiktok.com", "id.orig_h": "10.1.1.1"}', "ts,client,domain",
    "timestamp,domain,client,status", "1", "4", "gravity", "blocked", "reply", "\x00", "é",
    # the filters' and firewalls' formats: CSV exports, key=value, CEF and W3C
    "Time,Username,Source IP,Group,Code,URL", "Destination,Action,Reason,User,IP Address,Time",
    "Date,Time,IP Address,URL", "24/11/2026 10:00", "31/02/2026", "24/11/2026 13:00 PM", "403",
    "date=2026-11-20", "time=08:41:07", "time=", 'tz="+0100"', "eventtime=1795164067000000000",
    "eventtime=nan", 'logid="0316013056"', 'hostname="www.tiktok.com"', "srcip=10.20.0.9",
    'action="blocked"', 'user="', 'log_type="Content Filtering"', "src_ip=10.30.0.17",
    'url="https://www.facebook.com/"', 'log_subtype="Denied"', "domain=www.tiktok.com",
    "CEF:0|Fortinet|Fortigate|v7|13312|utm:webfilter|3|", "CEF: 0|sophos|sophos central|1.0|",
    "Event::Endpoint::WebFilteringBlocked|Access to 'www.tiktok.com' was blocked|5|",
    "rt=1795164067000", "rt=Nov 20 2026 08:41:07", "src=10.20.0.9", "dhost=www.tiktok.com",
    "request=https://www.tiktok.com/a?b\\=c", "act=passthrough", "\\|", "\\=", "|", "=",
    "#Fields:", "#Fields: date time c-ip cs-host s-action", "#Fields: time c-ip cs-uri",
    "#Date: 2026-11-20", "#Software: SGOS", "TCP_DENIED", "DENIED", '"Social Networking"',
    "\\x0", "\\x", "\\u12",  # truncated escapes on a #separator line
])
LINE = st.one_of(
    st.text(max_size=200),
    st.lists(PIECES, max_size=12).map(" ".join),
    st.lists(PIECES, max_size=12).map("\t".join),
    st.lists(PIECES, max_size=8).map(",".join),
    st.lists(PIECES, max_size=10).map("".join),  # key=value and CEF pieces run together
)


@pytest.mark.parametrize("format", sorted(COUNTERS))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(LINE, max_size=30))
def test_no_line_crashes_a_parser(format, lines):
    lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    tally = Tally()
    counts = Counts(3600)
    for _ in COUNTERS[format](iter(lines), CLASSIFIER, tally, OPTIONS, counts):
        pass
    assert tally.lines == len(lines)
    assert 0 <= tally.unparsed <= len(lines)
    assert len(tally.samples) <= 5
    for bucket in counts.buckets.values():
        for number, first, last in bucket.values():
            assert number >= 1 and first <= last


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(LINE, max_size=30))
def test_the_whole_scan_never_crashes(lines):
    from smpolicy.monitoring import scan

    lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    *findings, summary = scan(lines)
    s = summary["summary"]
    assert s["lines"] == len(lines)
    assert s["parsed"] + s["unparsed"] == s["lines"]
    assert s["findings"] == len(findings)


@pytest.mark.parametrize("stamp", ["nan", "inf", "-inf", "1e308", "-5", "99999999999999999999"])
def test_a_time_no_log_could_hold_is_a_bad_line_not_a_crash(stamp):
    from smpolicy.monitoring import scan

    lines = [
        f"{stamp}    12 10.30.0.17 TCP_TUNNEL/200 1 CONNECT www.facebook.com:443 - HIER_NONE/- -",
        "1795164067.000 12 10.30.0.17 TCP_TUNNEL/200 1 CONNECT www.facebook.com:443 - HIER_NONE/- -",
    ]
    *_findings, summary = scan(lines, format="squid")
    assert summary["summary"]["unparsed"] == 1
    *_findings, summary = scan(["ts,client,domain", f"{stamp},10.1.1.1,www.tiktok.com"])
    assert summary["summary"]["unparsed"] == 1
    *_findings, summary = scan([f'{{"ts": {stamp if stamp[0] != "n" else 1e300}, '
                               '"id.orig_h": "10.1.1.1", "query": "www.tiktok.com"}'])
    assert summary["summary"]["unparsed"] == 1  # 1e300, or not JSON at all


@pytest.mark.parametrize("token", ["\\x0", "\\x", "\\=", "\\u12"])
def test_a_separator_that_names_none_is_a_bad_line_not_a_crash(token):
    from smpolicy.monitoring import scan

    *_findings, summary = scan([f"#separator {token}", "#fields\tts\tquery\tid.orig_h",
                                "1795164067.0\twww.tiktok.com\t10.20.0.9"], format="zeek")
    assert summary["summary"]["unparsed"] == 1
    assert summary["summary"]["unparsed_samples"][0]["line"] == 1
