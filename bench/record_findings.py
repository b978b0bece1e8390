"""Benchmark: one school's day of proxy logs scanned, then scanned into the app's database.

    python bench/record_findings.py [--lines N] [--pupils N] [--runs N]

Generates a school day's Squid log for one school (by default 20,000 lines: a fiftieth of the
1,000,000-line day of issue 11, for 50 schools): a few hundred pupils signed in to the proxy by
their MIS ids, staff, guests on the WiFi, mostly CDN and update noise, and a handful of pupils who
keep reaching social media and video platforms all day (the filter refuses some of it). Then, in
a fresh SQLite database in a temporary data folder (migrated, with the school's people and its
DSL team):

- the scan alone: the web app's scanner (``scan_upload``'s, with the school's people) reading the
  log, deciding and returning findings;
- the scan into the database: ``scan_upload`` end to end (the same scan, then ``record_findings``:
  findings, one safeguarding report per pupil, platform and day, and its alerts);
- the same log again, as the app does when a log is uploaded twice: nothing new to report.

Prints a table with today's date: both timings (best of --runs for the scan alone; the database
run is once, since a second run is a re-scan), the ratio (issue 11's target: at most 3), the
findings, the reports raised and the alerts made. Issue 11 measured before: 35 s a school to
record, 19 ms a finding, and 63,802 reports for the 50 schools.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from logscan import NOISE, SOCIAL, START, _weighted  # noqa: E402  (the same hosts as the scan bench)

DAY = 7 * 3600  # 08:00 to 15:00
NETWORKS = (
    "networks:\n"
    "  - {name: Guest WiFi, kind: guest_wifi, ranges: [10.30.0.0/16]}\n"
    "  - {name: Pupils, kind: pupil_network, ranges: [10.20.0.0/16]}\n"
    "  - {name: Staff, kind: staff_network, ranges: [10.10.0.0/16]}\n"
)


def generate(lines: int, pupils: int, seed: int = 11) -> list[str]:
    """A day's log lines, in time order."""
    rng = random.Random(seed)
    noise, social = _weighted(NOISE), _weighted(SOCIAL)
    pupil_ids = [f"p{n:04d}" for n in range(pupils)]
    # One pupil in ten keeps going back to one to three platforms, in bursts through the day;
    # the rest touch social media rarely (an embedded video, a link from a game).
    keen = {pid: rng.sample(social, rng.randint(1, 3)) for pid in rng.sample(pupil_ids,
                                                                        pupils // 10)}
    out: list[tuple[float, str]] = []
    for _ in range(lines):
        at = START + rng.random() * DAY
        r = rng.random()
        if r < 0.2:  # guests: a parent's phone on the WiFi
            client, user = f"10.30.0.{rng.randint(1, 200)}", "-"
            host = rng.choice(social) if rng.random() < 0.3 else rng.choice(noise)
        elif r < 0.35:  # staff, signed in
            n = rng.randint(0, 39)
            client, user, host = f"10.10.0.{n + 1}", f"staff{n:02d}", rng.choice(noise)
        else:
            n = rng.randrange(pupils)
            pid = pupil_ids[n]
            client, user = f"10.20.{n // 250}.{n % 250 + 1}", pid
            if pid in keen and rng.random() < 0.35:
                host = rng.choice(keen[pid])
            elif rng.random() < 0.004:
                host = rng.choice(social)
            else:
                host = rng.choice(noise)
        code = "TCP_DENIED/403" if host in social and rng.random() < 0.2 else "TCP_TUNNEL/200"
        out.append((at, f"{at:.3f} {rng.randint(20, 60000):6d} {client} {code} "
                        f"{rng.randint(200, 90000)} CONNECT {host}:443 {user} "
                        "HIER_DIRECT/157.240.221.35 -\n"))
    out.sort()
    return [line for _, line in out]


def set_up_django(folder: Path) -> None:
    # A fresh SQLite database in a folder of its own, whatever the shell has set.
    os.environ.pop("DATABASE_URL", None)
    os.environ["SMPOLICY_DATA_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "smpolicy.web.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_school(pupils: int) -> Any:
    from smpolicy.network.models import NetworkSettings
    from smpolicy.schools import testing
    from smpolicy.schools.models import Person

    school = testing.make_school("Bench Primary School", slug="bench")
    NetworkSettings.objects.create(school=school, networks_yaml=NETWORKS)
    testing.make_person(school, "staff", "Dora", "Lead", positions=["dsl"])
    testing.make_person(school, "staff", "Dev", "Deputy", positions=["dsl"])
    testing.make_person(school, "staff", "Hana", "Head", positions=["headteacher"])
    today = dt.date.today()
    Person.objects.bulk_create(
        Person(school=school, role="pupil", first_name=f"Pupil{n}", last_name="Bench",
               external_id=f"p{n:04d}",
               date_of_birth=today.replace(year=today.year - 5 - n % 7) - dt.timedelta(days=40))
        for n in range(pupils)
    )
    Person.objects.bulk_create(
        Person(school=school, role="staff", first_name=f"Staff{n}", last_name="Bench",
               external_id=f"staff{n:02d}")
        for n in range(40)
    )
    return school


def scan_alone(school: Any, log: bytes) -> tuple[float, float, int]:
    """``scan_upload`` with its recording left out: the same scan, to the same findings.
    (wall seconds, CPU seconds, findings)."""
    from smpolicy.network import recording

    kept: list[Any] = []

    def keep(found: Any, *args: Any, **kwargs: Any) -> Any:
        kept.extend(found)
        return recording.RecordReport()

    real = recording.record_findings
    recording.record_findings = keep  # type: ignore[assignment]
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        recording.scan_upload(school, io.BytesIO(log), "access.log")
        return time.perf_counter() - wall, time.process_time() - cpu, len(kept)
    finally:
        recording.record_findings = real  # type: ignore[assignment]


HANDED: list[float] = []  # wall seconds handing alerts to the workers (on commit)


def into_db(school: Any, log: bytes) -> tuple[float, float, Any]:
    """``scan_upload`` end to end: (wall seconds, CPU seconds, its RecordReport)."""
    from smpolicy.network.recording import scan_upload
    from smpolicy.safeguarding import alerts

    real = alerts.send_alert_emails

    def timed_send(ids: list[int], **kwargs: Any) -> None:
        started = time.perf_counter()
        real(ids, **kwargs)
        HANDED.append(time.perf_counter() - started)

    alerts.send_alert_emails = timed_send  # type: ignore[assignment]
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        report, _ = scan_upload(school, io.BytesIO(log), "access.log")
        return time.perf_counter() - wall, time.process_time() - cpu, report
    finally:
        alerts.send_alert_emails = real  # type: ignore[assignment]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--pupils", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3, help="best of this many scans alone")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="smpolicy-bench-record-"))
    print(f"A fresh SQLite database in {folder} ...")
    set_up_django(folder)
    from django.conf import settings

    from smpolicy.network.models import Finding
    from smpolicy.safeguarding.models import Alert, Report

    school = make_school(options.pupils)
    log = "".join(generate(options.lines, options.pupils)).encode()
    print(f"{options.lines:,} Squid lines, {options.pupils} pupils, {len(log) / 1e6:.1f} MB")

    scan_alone(school, log)  # a first run warms what a running app has warm (imports, caches)
    scans = [scan_alone(school, log) for _ in range(options.runs)]
    scan_wall, scan_cpu, scanned = min(scans)
    db_wall, db_cpu, first = into_db(school, log)
    again_wall, again_cpu, again = into_db(school, log)
    findings = Finding.objects.for_school(school)
    reports = Report.objects.for_school(school).count()
    linked = findings.filter(report__isnull=False).count()
    alerted = Alert.objects.count()
    broker = settings.CELERY_BROKER_URL.partition(":")[0]

    rows = [
        (f"scan alone (best of {options.runs})", f"{scan_wall:.2f} s", f"{scan_cpu:.2f} s",
         f"{scanned:,} findings"),
        ("scan into the database", f"{db_wall:.2f} s", f"{db_cpu:.2f} s",
         f"{first.new:,} new, {first.incidents:,} reports raised, {alerted:,} alerts"),
        ("  ratio (target: at most 3)", f"{db_wall / scan_wall:.2f}x",
         f"{db_cpu / scan_cpu:.2f}x", ""),
        ("  recording, a finding",
         f"{(db_wall - scan_wall) / max(first.new, 1) * 1e3:.2f} ms",
         f"{(db_cpu - scan_cpu) / max(first.new, 1) * 1e3:.2f} ms",
         f"{linked:,} findings linked to {reports:,} reports"),
        ("  of which alerts to workers", f"{sum(HANDED):.2f} s", "",
         f"Celery, {broker} broker: {alerted / max(first.incidents, 1):.0f} a report"),
        ("the same log again", f"{again_wall:.2f} s", f"{again_cpu:.2f} s",
         f"{again.seen_again:,} seen again, {again.incidents} reports raised"),
    ]
    print(f"\nrecord_findings, {dt.date.today():%d %B %Y}, one school's day "
          f"({options.lines:,} lines), SQLite")
    width = max(len(r[0]) for r in rows)
    print(f"  {'':<{width}}  {'wall':>9}  {'CPU':>9}")
    for what, wall, cpu, note in rows:
        print(f"  {what:<{width}}  {wall:>9}  {cpu:>9}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
