"""`smpolicy scan-logs`: files, gzip, standard input, outputs, exit codes, and the parallel path."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys

import orjson
import pytest

from smpolicy.cli import main as smpolicy
from smpolicy.monitoring import parallel

from .test_formats import CASES


def run(capsysbinary, *args):
    code = smpolicy(["scan-logs", *map(str, args)])
    out, err = capsysbinary.readouterr()
    return code, out.decode(), err.decode()


def school_args(fixtures):
    return ["--networks", fixtures / "networks.yaml", "--people", fixtures / "people.csv",
            "--lists", fixtures / "lists", "--year", "2026"]


def jsonl(out):
    return [orjson.loads(line) for line in out.splitlines()]


def test_jsonl_is_the_contract_s_findings_then_the_summary(capsysbinary, fixtures):
    code, out, _ = run(capsysbinary, fixtures / "squid-access.log", *school_args(fixtures))
    assert code == 0
    *findings, summary = jsonl(out)
    assert findings == CASES["squid-access.log"][1]
    assert set(summary) == {"summary"}
    assert {"lines", "parsed", "unparsed", "findings", "seconds"} <= set(summary["summary"])


def test_gzip_is_read_as_it_is(capsysbinary, fixtures):
    _, plain, _ = run(capsysbinary, fixtures / "squid-access.log", *school_args(fixtures))
    _, gzipped, _ = run(capsysbinary, fixtures / "squid-access.log.gz", *school_args(fixtures))
    assert jsonl(plain)[:-1] == jsonl(gzipped)[:-1]


@pytest.mark.parametrize("name", ["squid-access.log", "squid-access.log.gz", "zeek-dns.log"])
def test_a_dash_reads_standard_input(capsysbinary, fixtures, monkeypatch, name):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(
        io.BytesIO((fixtures / name).read_bytes()))))
    code, out, _ = run(capsysbinary, "-", *school_args(fixtures))
    assert code == 0
    assert jsonl(out)[:-1] == CASES[name][1]


def test_several_files_are_one_scan(capsysbinary, fixtures):
    code, out, _ = run(capsysbinary, fixtures / "zeek-ssl.log", fixtures / "zeek-dns.log",
                       *school_args(fixtures))
    *findings, summary = jsonl(out)
    assert code == 0
    assert summary["summary"]["lines"] == 21 + 28
    # The same visits seen in both logs are counted together, once per window.
    assert findings[0]["requests"] == 4 + 4


def test_csv_output_has_the_contract_s_columns(capsysbinary, fixtures):
    code, out, err = run(capsysbinary, fixtures / "dnsmasq.log", *school_args(fixtures),
                         "--output", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert list(rows[0]) == ["clause", "verdict", "network", "client", "user", "role",
                             "platform", "category", "domain", "requests", "first_seen",
                             "last_seen", "device", "on_premises", "situation"]
    assert [r["clause"] for r in rows] == [f["clause"] for f in CASES["dnsmasq.log"][1]]
    # the situation the engine decided, as JSON in its cell; the device and where, as read
    assert [json.loads(r["situation"]) for r in rows] == [
        f["situation"] for f in CASES["dnsmasq.log"][1]]
    assert (rows[0]["device"], rows[0]["on_premises"], rows[1]["device"]) == (
        "personal", "true", "")
    assert "55 lines, 54 parsed, 1 not understood" in err


def test_table_output_is_for_people(capsysbinary, fixtures):
    code, out, _ = run(capsysbinary, fixtures / "dnsmasq.log", *school_args(fixtures),
                       "--output", "table")
    assert code == 0
    assert out.splitlines()[0].split()[:4] == ["First", "seen", "Last", "seen"]
    assert "community.age-restrictions" in out
    assert "dnsmasq.log line 55: Nov 20 09:10:00 gw dnsmasq[612] no colon here" in out


def test_staff_flag_adds_monitoring_findings(capsysbinary, fixtures):
    _, out, _ = run(capsysbinary, fixtures / "squid-access.log", *school_args(fixtures),
                    "--staff")
    monitored = [f for f in jsonl(out)[:-1] if f["clause"] == "monitoring"]
    assert [(f["user"], f["client"], f["platform"]) for f in monitored] == [
        ("j.smith", "10.10.0.5", "facebook"),
        (None, "10.30.0.50", "instagram"),
    ]


@pytest.mark.parametrize(("args", "message"), [
    (["/no/such/file.log"], "cannot read /no/such/file.log"),
    (["-", "-"], "standard input (-) can be read only once"),
    (["{log}", "--window", "soon"], "is not a window"),
    (["{log}", "--format", "apache"], "invalid choice"),
    (["{log}", "--networks", "{people}"], "networks"),
    (["{log}", "--people", "{networks}"], "the header needs 'role'"),
    (["{log}", "--lists", "{fixtures}/lists", "--inappropriate", "adult,nonsense"],
     "no list for nonsense"),
    (["{log}", "--inappropriate", "adult"], "give --lists DIR"),
    (["{log}", "--timezone", "Mars/Olympus"], "is not a time zone"),
])
def test_bad_arguments_exit_2_with_a_reason(capsysbinary, fixtures, args, message):
    values = {"log": fixtures / "squid-access.log", "people": fixtures / "people.csv",
              "networks": fixtures / "networks.yaml", "fixtures": fixtures}
    code, out, err = run(capsysbinary, *(a.format(**values) for a in args))
    assert code == 2
    assert message in err
    assert out == ""


def test_help_exits_0(capsysbinary):
    code, out, _ = run(capsysbinary, "--help")
    assert code == 0
    assert "--inappropriate" in out


def test_a_truncated_gzip_is_reported_not_a_crash(capsysbinary, fixtures, tmp_path):
    whole = (fixtures / "squid-access.log.gz").read_bytes()
    broken = tmp_path / "broken.log.gz"
    broken.write_bytes(whole[: len(whole) // 2])
    code, out, err = run(capsysbinary, broken, *school_args(fixtures))
    assert code == 0
    summary = jsonl(out)[-1]["summary"]
    assert summary["unparsed_samples"][-1]["line"] is None
    assert "breaks off" in summary["unparsed_samples"][-1]["text"]
    assert "breaks off" in err


def test_a_large_file_read_by_every_core_gives_the_same_findings(capsysbinary, fixtures,
                                                                  tmp_path, monkeypatch):
    # Many copies of the morning, one day apart, so the file is cut in many segments.
    lines = (fixtures / "squid-access.log").read_text().splitlines()
    big = tmp_path / "big.log"
    with big.open("w") as handle:
        for day in range(30):
            for line in lines:
                head, _, rest = line.partition(" ")
                with contextlib.suppress(ValueError):
                    head = f"{float(head) + day * 86400:.3f}"
                handle.write(f"{head} {rest}\n")
    monkeypatch.setattr(parallel, "SEGMENT", 1000)
    monkeypatch.setattr(parallel, "MINIMUM", 1000)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    assert parallel.eligible(str(big), "squid")
    _, together, _ = run(capsysbinary, big, *school_args(fixtures))
    monkeypatch.setattr(parallel, "MINIMUM", 1 << 40)
    assert not parallel.eligible(str(big), "squid")
    _, alone, _ = run(capsysbinary, big, *school_args(fixtures))
    *found_together, summary_together = jsonl(together)
    *found_alone, summary_alone = jsonl(alone)
    assert found_together == found_alone
    assert len(found_alone) == 30 * 5
    for key in ("lines", "parsed", "unparsed", "blocked", "findings"):
        assert summary_together["summary"][key] == summary_alone["summary"][key]
    assert [s["line"] for s in summary_together["summary"]["unparsed_samples"]] == [
        s["line"] for s in summary_alone["summary"]["unparsed_samples"]
    ]


def test_a_school_s_own_pack_decides_what_is_a_finding(capsysbinary, fixtures, tmp_path):
    """A school whose governors allow parents on the guest WiFi to use social media adapts its
    pack; the scan then follows that pack, not the shipped one."""
    import yaml

    from smpolicy.policy.pack import DEFAULT_PACK

    shipped = yaml.safe_load((fixtures.parents[2] / "src/smpolicy/policy/packs"
                              / f"{DEFAULT_PACK}.yaml").read_text())
    shipped["rules"] = [r for r in shipped["rules"] if r["id"] != "parent-social-media-on-school-wifi"]
    own = tmp_path / "harbour.yaml"
    own.write_text(yaml.safe_dump(shipped, sort_keys=False))
    _, before, _ = run(capsysbinary, fixtures / "squid-access.log", *school_args(fixtures))
    code, after, _ = run(capsysbinary, fixtures / "squid-access.log", *school_args(fixtures),
                         "--pack", own)
    assert code == 0
    assert any(f["clause"] == "community.wifi" for f in jsonl(before)[:-1])
    assert not any(f["clause"] == "community.wifi" for f in jsonl(after)[:-1])


def test_a_pack_with_a_mistake_is_refused_naming_it(capsysbinary, fixtures, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("pack: {id: x}\n")
    code, out, err = run(capsysbinary, fixtures / "squid-access.log", "--pack", broken)
    assert code == 2 and out == ""
    assert "broken.yaml: clauses: is required" in err
