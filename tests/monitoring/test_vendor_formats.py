"""The filters' and firewalls' formats in detail: UK dates, header names as vendors spell them,
the quoting and escapes of key=value, CEF and W3C lines, and what each says was refused."""

from __future__ import annotations

import datetime as dt

import pytest

from smpolicy.monitoring import ParseOptions, PersonEntry, scan
from smpolicy.monitoring.formats import (
    _any_time,
    cef_extension,
    csv_columns,
    detect,
    key_values,
)

LONDON = ParseOptions()
NETWORKS = {"networks": [{"name": "Pupils", "kind": "pupil_network", "ranges": ["10.20.0.0/16"]},
                         {"name": "Guest WiFi", "kind": "guest_wifi",
                          "ranges": ["10.30.0.0/16"]}]}


def utc(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


@pytest.mark.parametrize(("text", "expected"), [
    ("24/11/2026 10:00", "2026-11-24T10:00:00"),
    ("24/11/2026 10:00:05", "2026-11-24T10:00:05"),
    ("24-11-2026 10:00:05", "2026-11-24T10:00:05"),
    ("24.11.2026", "2026-11-24T00:00:00"),
    ("4/1/2026 9:05", "2026-01-04T09:05:00"),
    ("24/11/2026 10:00 PM", "2026-11-24T22:00:00"),
    ("24/11/2026 12:30 am", "2026-11-24T00:30:00"),
    ("24/11/2026 10:00:05.250", "2026-11-24T10:00:05.250000"),
    # British Summer Time: 10:00 in London is 09:00 UTC
    ("24/06/2026 10:00", "2026-06-24T09:00:00"),
    ("2026-11-24 10:00:00", "2026-11-24T10:00:00"),
    ("1795164067", "2026-11-20T08:41:07"),
    ("1795164067000", "2026-11-20T08:41:07"),
    ("1795164067000000000", "2026-11-20T08:41:07"),
])
def test_uk_and_other_times_are_read(text, expected):
    assert _any_time(text, LONDON) == pytest.approx(utc(expected))


@pytest.mark.parametrize("text", ["31/02/2026 10:00", "24/13/2026", "24/11/2026 25:00",
                                  "24/11/2026 13:00 PM", "24/11/26", "11/24/2026 10:00"])
def test_a_date_that_cannot_be_is_no_time(text):
    assert _any_time(text, LONDON) is None


def test_header_names_are_matched_with_spaces_and_case_ignored():
    columns = csv_columns(" TIME ,User  Name,Source IP , Group,CODE,url")
    assert columns is not None
    assert (columns["time"], columns["user"], columns["client"], columns["host"],
            columns["code"]) == (0, 1, 2, 5, 4)
    columns = csv_columns("Destination,Action,Reason,User,IP Address,Time")
    assert columns is not None
    assert (columns["host"], columns["action"], columns["user"], columns["client"],
            columns["time"]) == (0, 1, 3, 4, 5)


def test_a_date_and_a_time_in_columns_of_their_own_are_read_together():
    lines = ["Date,Time,IP Address,URL",
             "24/11/2026,10:00,10.20.0.9,https://www.tiktok.com/",
             "24/11/2026,10:05:30,10.20.0.9,https://www.tiktok.com/foryou"]
    *findings, summary = scan(lines, NETWORKS)
    assert [(f["client"], f["platform"], f["requests"], f["first_seen"], f["last_seen"])
            for f in findings] == [("10.20.0.9", "tiktok", 2, "2026-11-24T10:00:00Z",
                                    "2026-11-24T10:05:30Z")]
    assert summary["summary"]["unparsed"] == 0


def test_a_refusal_in_smoothwall_s_code_or_lightspeed_s_action_is_not_a_visit():
    smoothwall = ["Time,Username,Source IP,Group,Code,URL",
                  "24/11/2026 10:00,,10.30.0.5,Guests,403,https://www.facebook.com/",
                  "24/11/2026 10:01,,10.30.0.5,Guests,407,https://www.facebook.com/"]
    *findings, summary = scan(smoothwall, NETWORKS)
    assert findings == [] and summary["summary"]["blocked"] == 2
    lightspeed = ["Time,Destination,Action,Reason,User,IP Address",
                  "24/11/2026 10:00,https://www.facebook.com/,Blocked,Category,,10.30.0.5",
                  "24/11/2026 10:01,https://www.facebook.com/,Redirected,Safe,,10.30.0.5",
                  "24/11/2026 10:02,https://www.facebook.com/,Allowed,Rule,,10.30.0.6"]
    *findings, summary = scan(lightspeed, NETWORKS)
    assert [(f["client"], f["requests"]) for f in findings] == [("10.30.0.6", 1)]
    assert summary["summary"]["blocked"] == 2


def test_key_values_take_quotes_off_and_keep_what_is_inside():
    pairs = key_values('<189>date=2026-11-24 time=10:00:00 msg="URL belongs to a \\"denied\\" '
                       'category" url="/search?q=a b" hostname=www.tiktok.com user=""')
    assert pairs == {"date": "2026-11-24", "time": "10:00:00",
                     "msg": 'URL belongs to a "denied" category', "url": "/search?q=a b",
                     "hostname": "www.tiktok.com", "user": ""}


def test_fortigate_lines_read_login_zone_and_nanoseconds():
    lines = [
        'date=2026-11-24 time=11:00:00 tz="+0100" logid="0317013312" type="utm" '
        'subtype="webfilter" srcip=10.20.0.9 user="ben.pupil" hostname="www.tiktok.com" '
        'action="passthrough" url="/"',
        'date=2026-11-24 time=10:01:00 logid="0317013312" eventtime=1795514460000000000 '
        'type="utm" subtype="webfilter" srcip=10.20.0.9 user="ben.pupil" '
        'hostname="www.tiktok.com" action="passthrough"',
        'date=2026-11-24 time=10:02:00 logid="0316013056" type="utm" subtype="webfilter" '
        'srcip=10.20.0.9 hostname="www.tiktok.com" action="blocked"',
    ]
    assert detect(lines) == "fortigate"
    *findings, summary = scan(lines, NETWORKS, [PersonEntry("pupil", 9, login="ben.pupil")])
    assert [(f["user"], f["requests"], f["first_seen"], f["last_seen"]) for f in findings] == [
        ("ben.pupil", 2, "2026-11-24T10:00:00Z", "2026-11-24T10:01:00Z")]
    assert summary["summary"]["blocked"] == 1


def test_cef_escapes_and_values_with_spaces():
    record = cef_extension(r"msg=URL belongs to a category request=https://x.example/a?b\=c\\d "
                           "src=10.20.0.9")
    assert record == {"msg": "URL belongs to a category",
                      "request": "https://x.example/a?b=c\\d", "src": "10.20.0.9"}
    lines = [
        r"CEF:0|Vendor\|Inc|Proxy|1.0|100|web|3|rt=Nov 24 2026 10:00:00 UTC src=10.20.0.9 "
        "request=https://www.tiktok.com/@school?x\\=1 act=allowed",
        "CEF:0|Vendor|Proxy|1.0|100|web|3|rt=1795514460000 src=10.20.0.9 "
        "dhost=www.tiktok.com act=deny",
    ]
    *findings, summary = scan(lines, NETWORKS)
    assert [(f["client"], f["domain"], f["first_seen"]) for f in findings] == [
        ("10.20.0.9", "www.tiktok.com", "2026-11-24T10:00:00Z")]
    assert summary["summary"]["blocked"] == 1


IIS_FIELDS = ("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
              "c-ip cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status "
              "time-taken")


def test_iis_s_own_field_names_are_read():
    lines = [
        "#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0",
        "#Date: 2026-11-24 10:00:00", IIS_FIELDS,
        "2026-11-24 10:00:00 10.0.0.2 GET / - 443 SCHOOL\\ben 10.20.0.9 "
        "Mozilla/5.0+(Windows+NT+10.0) - www.tiktok.com 200 0 0 15",
    ]
    assert detect(lines) == "w3c"
    *findings, summary = scan(lines, NETWORKS)
    assert [(f["client"], f["user"], f["platform"], f["first_seen"]) for f in findings] == [
        ("10.20.0.9", "SCHOOL\\ben", "tiktok", "2026-11-24T10:00:00Z")]
    assert summary["summary"]["unparsed"] == 0


def test_a_w3c_log_with_no_host_or_client_says_so_line_by_line():
    lines = ["#Version: 1.0", "#Fields: date time s-ip cs-method cs-uri-stem sc-status",
             "2026-11-24 10:00:00 10.0.0.2 GET / 200"]
    *findings, summary = scan(lines, NETWORKS)
    assert findings == []
    assert summary["summary"]["unparsed"] == 2
    assert [s["line"] for s in summary["summary"]["unparsed_samples"]] == [2, 3]


def test_a_w3c_log_with_only_times_takes_its_date_from_the_directive():
    lines = ["#Version: 1.0", "#Date: 2026-11-24 09:59:00", "#Fields: time c-ip cs-uri",
             "10:00:00 10.20.0.9 https://www.tiktok.com/"]
    *findings, _summary = scan(lines, NETWORKS)
    assert [f["first_seen"] for f in findings] == ["2026-11-24T10:00:00Z"]
