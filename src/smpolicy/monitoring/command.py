"""``smpolicy scan-logs``: the log-scan contract's command line (../shared/contracts/log-scan.md).

The scanner never imports the web app: ``--into-db`` records through the ``record`` function
the caller gives (``smpolicy`` gives the network app's, importing Django only then), so a scan
that prints findings starts fast and needs no database.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from smpolicy.monitoring.directory import DirectoryError, Networks, People
from smpolicy.monitoring.formats import FORMATS, ParseOptions, Tally
from smpolicy.monitoring.lists import DEFAULT_INAPPROPRIATE, CategoryLists, ListsError
from smpolicy.monitoring.output import OUTPUTS, Writer
from smpolicy.monitoring.scanner import Finding, Scanner, parse_window
from smpolicy.policy import Engine, PackError, load_pack

EXIT_OK = 0
EXIT_BAD_ARGUMENTS = 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="smpolicy scan-logs",
        description="Scan web filter, proxy or DNS logs against the school's social media "
        "policy: who used social media where they must not, and inappropriate content reached "
        "on the premises.",
    )
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="log files (gzip is read as it is); - reads standard input")
    p.add_argument("--format", default="auto", choices=("auto", *FORMATS),
                   help="the logs' format (default: told from the first lines of each file)")
    p.add_argument("--networks", metavar="networks.yaml",
                   help="address ranges and the network kind of each")
    p.add_argument("--people", metavar="people.csv",
                   help="logins and addresses to roles (columns login/address, role, age, name)")
    p.add_argument("--lists", metavar="DIR",
                   help="category lists in the UT1 layout (DIR/<category>/domains)")
    p.add_argument("--inappropriate", metavar="CAT,...",
                   help="which categories of --lists are inappropriate content (default: "
                   f"{', '.join(DEFAULT_INAPPROPRIATE)} where present)")
    p.add_argument("--window", default="1h",
                   help="findings are per client, platform and clause within each window "
                   "(default 1h; e.g. 15m, 1d)")
    p.add_argument("--output", default="jsonl", choices=OUTPUTS)
    p.add_argument("--staff", action="store_true",
                   help="also report staff use of social media on school IT (clause "
                   "'monitoring': allowed, but the school may monitor it)")
    p.add_argument("--timezone", default="Europe/London",
                   help="the zone of times written without one, as in syslog (default "
                   "Europe/London)")
    p.add_argument("--year", type=int,
                   help="the year of syslog times, which have none (default: the year that "
                   "puts them in the past)")
    p.add_argument("--pack", metavar="pack.yaml",
                   help="the school's own policy pack (default: the pack shipped with smpolicy)")
    p.add_argument("--into-db", action="store_true",
                   help="also record the findings in the web app, without duplicates")
    p.add_argument("--school", metavar="SLUG",
                   help="with --into-db: the school (needed where the app holds several)")
    return p


# Records findings (the web app's): called with the findings, the school's slug (or None), the
# source and the summary; returns what it did in words, or raises ValueError naming what is wrong.
Record = Callable[[list[Finding], str | None, str, dict[str, Any]], str]


def main(argv: Sequence[str], record: Record | None = None) -> int:
    try:
        options = parser().parse_args(list(argv))
    except SystemExit as exc:  # argparse's own exits: --help (0), bad arguments (2)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_ARGUMENTS
    err = sys.stderr

    def fail(message: str) -> int:
        err.write(f"smpolicy scan-logs: {message}\n")
        return EXIT_BAD_ARGUMENTS

    if options.files.count("-") > 1:
        return fail("standard input (-) can be read only once")
    for name in options.files:
        if name != "-" and not os.path.isfile(name):
            return fail(f"cannot read {name}: no such file")
        if name != "-" and not os.access(name, os.R_OK):
            return fail(f"cannot read {name}: permission denied")
    try:
        window = parse_window(options.window)
        zone = ZoneInfo(options.timezone)
    except ValueError as exc:
        return fail(str(exc))
    except ZoneInfoNotFoundError:
        return fail(f"--timezone: {options.timezone!r} is not a time zone (e.g. Europe/London)")
    if options.into_db and record is None:
        return fail("--into-db needs the web app: run it as `smpolicy scan-logs`")
    if options.inappropriate and not options.lists:
        return fail("--inappropriate chooses among the categories of --lists: give --lists DIR")
    try:
        networks = Networks.load(options.networks) if options.networks else Networks()
        people = People.load(options.people) if options.people else People()
        lists = None
        if options.lists:
            chosen = options.inappropriate.split(",") if options.inappropriate else None
            lists = CategoryLists(options.lists, chosen)
        engine = Engine(load_pack(options.pack)) if options.pack else None
    except (DirectoryError, ListsError, PackError) as exc:
        return fail(str(exc))

    # What is loaded now lives as long as the process: keep the collector from rescanning it.
    # The scan itself makes no reference cycles (counts are lists in dicts), so reference
    # counting frees everything; the cyclic collector would only rescan the growing counts
    # (a quarter of the scan's time on a busy log), so it is off until the scan is done.
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        found = _scan(options, networks, people, lists, window, zone, engine)
    except OSError as exc:
        return fail(f"cannot read {exc.filename}: {exc.strerror or exc}")
    finally:
        gc.enable()
        gc.unfreeze()
    kept, summary = found
    if options.into_db and record is not None:
        try:
            said = record(list(kept), options.school, ", ".join(options.files), summary)
        except ValueError as exc:
            return fail(str(exc))
        err.write(f"smpolicy scan-logs: recorded {said}\n")
    return EXIT_OK


def _scan(
    options: argparse.Namespace,
    networks: Networks,
    people: People,
    lists: CategoryLists | None,
    window: int,
    zone: ZoneInfo,
    engine: Engine | None = None,
) -> tuple[list[Finding], dict[str, Any]]:
    """Scan every file in turn, writing findings as they come; (kept for --into-db, summary).
    Raises OSError for a file that cannot be opened."""
    err = sys.stderr

    scanner = Scanner(
        networks,
        people,
        lists=lists,
        window=window,
        staff=options.staff,
        engine=engine,
        options=ParseOptions(timezone=zone, year=options.year),
    )
    writer = Writer(options.output, sys.stdout.buffer, err)
    kept: list[Finding] = []
    for name in options.files:
        tally = Tally(name=name)
        batch: list[Finding] = []
        for finding in scanner.feed_path(name, options.format, tally):
            batch.append(finding)
            if len(batch) >= 1024:
                writer.write(batch)
                if options.into_db:
                    kept.extend(batch)
                batch = []
        writer.write(batch)
        if options.into_db:
            kept.extend(batch)
        if tally.format == "unknown":
            err.write(f"smpolicy scan-logs: {name}: cannot tell the format; give --format\n")
        if tally.error:
            err.write(f"smpolicy scan-logs: {name}: {tally.error}\n")
    rest = list(scanner.finish())
    writer.write(rest)
    kept.extend(rest if options.into_db else ())
    summary = scanner.summary()
    writer.close(summary)
    return kept, summary
