"""Findings into the app: from ``smpolicy scan-logs --into-db`` and from the upload page.

The same log scanned twice makes no duplicates: a finding's fingerprint (who, which clause and
platform or category, which window) is unique in its school, and a finding seen again keeps its
review status while its times and request count widen to cover both scans (the larger count, not
the sum: a re-scan of the same log must not double it).

``record_findings`` can be called from plain Python (the command line): it sets Django up first.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


class RecordingError(ValueError):
    """The findings cannot be recorded (no such school, or several and none named)."""


@dataclass
class RecordReport:
    new: int = 0
    seen_again: int = 0
    incidents: int = 0  # safeguarding reports raised for new findings that must be reported
    scan_id: int | None = None

    def __str__(self) -> str:
        return (
            f"{self.new} new finding(s), {self.seen_again} already recorded, "
            f"{self.incidents} reported to the safeguarding team"
        )


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpolicy.web.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _school(school: Any) -> Any:
    from smpolicy.schools.models import School

    if isinstance(school, School):
        return school
    if school:
        found = School.objects.filter(slug=school).first()
        if found is None:
            raise RecordingError(f"no school has the slug {school!r}")
        return found
    schools = list(School.objects.all()[:2])
    if len(schools) != 1:
        raise RecordingError(
            "name the school with --school SLUG" if schools else "there is no school yet"
        )
    return schools[0]


def _when(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.UTC)


def record_findings(
    findings: Iterable[Any],
    school: Any = None,
    *,
    source: str = "",
    summary: dict[str, Any] | None = None,
    by: Any = None,
) -> RecordReport:
    """Record scanner findings (``smpolicy.monitoring.Finding``) for a school (a School or its
    slug; may be left out where the app holds one school), with a ScanRun of the summary.

    In bulk: a day's log holds thousands of findings, so the queries are the same however many
    there are (new ones inserted together, seen-again ones updated together), bar one report
    (and its alerts) per incident raised (see ``incidents``)."""
    _setup_django()
    from django.db import transaction
    from django.utils import timezone

    from smpolicy.monitoring import route
    from smpolicy.network.incidents import incident_key, report_incident
    from smpolicy.network.models import Finding, ScanRun
    from smpolicy.schools.models import School

    school = _school(school)
    findings = list(findings)
    counts = (summary or {}).get("summary", {})
    report = RecordReport()
    with transaction.atomic():
        # Two scans of one school at once would each see the other's incidents as new and
        # report them twice: they wait for each other here. (A no-key lock: it does not hold
        # up rows that merely refer to the school.)
        School.objects.select_for_update(no_key=True).filter(pk=school.pk).first()
        scan = ScanRun.objects.create(
            school=school,
            by=by if by is not None and by.is_authenticated else None,
            source=source[:300],
            format=",".join(sorted(set((counts.get("formats") or {}).values())))[:40],
            lines=counts.get("lines", 0),
            parsed=counts.get("parsed", 0),
            unparsed=counts.get("unparsed", 0),
            blocked=counts.get("blocked", 0),
        )
        prints = list(dict.fromkeys(f.fingerprint for f in findings))
        known: dict[str, Any] = {}
        for at in range(0, len(prints), BATCH):
            known.update(
                (f.fingerprint, f)
                for f in Finding.objects.for_school(school)
                .filter(fingerprint__in=prints[at:at + BATCH])
                # what a finding seen again may change: not its situation and obligations
                .only("id", "school", "fingerprint", "first_seen", "last_seen", "requests")
            )
        people = _People(school, findings)
        now = timezone.now()
        seen_again: dict[str, Any] = {}
        widened: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for found in findings:
            print_ = found.fingerprint
            first, last = _when(found.first_seen), _when(found.last_seen)
            existing = known.get(print_) or new.get(print_)
            if existing is not None:
                before = (existing.first_seen, existing.last_seen, existing.requests)
                existing.first_seen = min(existing.first_seen, first)
                existing.last_seen = max(existing.last_seen, last)
                existing.requests = max(existing.requests, found.requests)
                if print_ in known:
                    seen_again[print_] = existing
                    if (existing.first_seen, existing.last_seen, existing.requests) != before:
                        widened[print_] = existing
                report.seen_again += 1
                continue
            person = people.behind(found)
            made = Finding(
                school=school,
                fingerprint=print_,
                clause=found.clause,
                verdict=found.verdict,
                network=found.network or "",
                client=found.client[:100],
                user=(found.user or "")[:150],
                person=person,
                person_name=(person.full_name if person else found.name)[:200],
                role=found.role,
                age=found.age,
                platform=found.platform or "",
                category=found.category[:60],
                domain=found.domain[:253],
                requests=found.requests,
                first_seen=first,
                last_seen=last,
                window_start=_when(found.window_start),
                window_seconds=found.window,
                obligations=[dict(o) for o in found.obligations],
                situation=dict(found.situation),
                report_to=route(found),
                scan=scan,
            )
            made.incident_key = incident_key(made)
            new[print_] = made
        report.incidents = _link_or_report(school, list(new.values()), report_incident)
        Finding.objects.bulk_create(new.values(), batch_size=BATCH)
        # Every finding seen again is now this scan's: one plain UPDATE a batch. Only those the
        # scan widened need their times and count written, row by row (Django's bulk_update,
        # a CASE a row: slow, so kept to the few a later scan of the day widens).
        again = [f.pk for f in seen_again.values()]
        for at in range(0, len(again), BATCH):
            Finding.objects.filter(pk__in=again[at:at + BATCH]).update(scan=scan, updated=now)
        for finding in widened.values():
            finding.scan, finding.updated = scan, now
        Finding.objects.bulk_update(
            widened.values(), ["first_seen", "last_seen", "requests"], batch_size=BATCH
        )
        report.new = len(new)
        scan.findings_new = report.new
        scan.findings_seen_again = report.seen_again
        scan.save(update_fields=["findings_new", "findings_seen_again"])
    report.scan_id = scan.pk
    return report


# Rows a query names or writes at once: well under SQLite's limit on a statement's parameters
# (a Finding has 30 columns) and PostgreSQL's, and few queries even for a large school's day.
BATCH = 500


def _link_or_report(school: Any, new: list[Any], report_incident: Any) -> int:
    """Link new findings to their incident's report: the one already raised (by an earlier scan
    the same day), else one raised now. Returns how many reports were raised."""
    from smpolicy.monitoring.routing import NOBODY
    from smpolicy.network.models import Finding

    incidents: dict[str, list[Any]] = {}
    for finding in new:
        if finding.report_to != NOBODY:
            incidents.setdefault(finding.incident_key, []).append(finding)
    keys = list(incidents)
    reported: dict[str, int] = {}
    for at in range(0, len(keys), BATCH):
        reported.update(
            Finding.objects.for_school(school)
            .filter(incident_key__in=keys[at:at + BATCH], report__isnull=False)
            .order_by()
            .values_list("incident_key", "report_id")
        )
    raised = 0
    routes_memo: dict[Any, Any] = {}
    for key, group in incidents.items():
        report_id = reported.get(key)
        if report_id is None:
            made = report_incident(group, routes_memo)
            if made is None:
                continue
            report_id = made.pk
            raised += 1
        for finding in group:
            finding.report_id = report_id
    return raised


class _People:
    """The school's people behind a scan's findings, looked up in one query (a scan names
    hundreds): the one the scan named (the web scan puts its pk in ``person_key``), else the one
    whose sign-in name or MIS id is the log's login."""

    def __init__(self, school: Any, findings: list[Any]) -> None:
        from smpolicy.schools.models import Person

        self.by_pk: dict[str, Any] = {}
        self.by_login: dict[str, Any] = {}
        self.by_external: dict[str, Any] = {}
        self.rank: dict[int, int] = {}
        if not any(f.person_key or f.user for f in findings):
            return
        people = Person.objects.for_school(school).select_related("user")
        for rank, person in enumerate(people):
            self.rank[person.pk] = rank
            self.by_pk[str(person.pk)] = person
            if person.user is not None:
                self.by_login.setdefault(person.user.username.casefold(), person)
            if person.external_id:
                self.by_external.setdefault(person.external_id.casefold(), person)

    def behind(self, found: Any) -> Any:
        if found.person_key:
            return self.by_pk.get(str(found.person_key))
        if not found.user:
            return None
        bare = found.user.rpartition("\\")[2].partition("@")[0].casefold()
        matches = [
            p for p in (self.by_login.get(found.user.casefold()), self.by_login.get(bare),
                        self.by_external.get(bare))
            if p is not None
        ]
        # As the query it replaces: the first match in the people's own order.
        return min(matches, key=lambda p: self.rank[p.pk]) if matches else None


# -- the web app's scan ----------------------------------------------------------------------


def scan_upload(
    school: Any,
    upload: IO[bytes],
    name: str,
    *,
    format: str = "auto",
    people_csv: IO[bytes] | None = None,
    by: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[RecordReport, dict[str, Any]]:
    """Scan an uploaded log for ``school`` with its settings, and record the findings. The log is
    read as a stream and dropped: only findings and counts are kept. ``progress`` is told, after
    each block read, how many bytes of the upload and how many lines have been read (the upload
    page's progress bar)."""
    import gzip

    from smpolicy.asking.engines import engine_for
    from smpolicy.monitoring import CategoryLists, Scanner, Tally
    from smpolicy.monitoring.reading import GZIP_MAGIC, read_lines
    from smpolicy.network.models import NetworkSettings

    settings_, _ = NetworkSettings.objects.get_or_create(school=school)
    people = _people(school, people_csv)
    lists = None
    if settings_.lists_dir and Path(settings_.lists_dir).is_dir():
        available = set(CategoryLists.available(settings_.lists_dir))
        lists = CategoryLists(
            settings_.lists_dir, [c for c in settings_.categories() if c in available]
        )
    scanner = Scanner(
        settings_.networks(),
        people,
        lists=lists,
        window=settings_.window_minutes * 60,
        staff=settings_.report_staff,
        engine=engine_for(school),  # the school's own policy pack, if it loaded one
    )
    head = upload.read(2)
    upload.seek(0)
    stream: IO[bytes] = gzip.GzipFile(fileobj=upload) if head == GZIP_MAGIC else upload  # type: ignore[assignment]
    if progress is not None:
        stream = _Watched(stream, upload, progress)  # type: ignore[assignment]
    tally = Tally(name=name)
    found = [*scanner.feed(read_lines(stream, tally), name, format, tally), *scanner.finish()]
    summary = scanner.summary()
    report = record_findings(found, school, source=name, summary=summary, by=by)
    return report, summary


class _Watched:
    """The log's lines as the scanner reads them (in blocks), counting lines and telling
    ``progress`` how far into the upload (its compressed bytes, for a gzip file) that is."""

    def __init__(self, stream: IO[bytes], upload: IO[bytes],
                 progress: Callable[[int, int], None]) -> None:
        self.stream, self.upload, self.progress = stream, upload, progress
        self.lines = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.lines += data.count(b"\n")
        self.progress(self.upload.tell(), self.lines)
        return data


def _people(school: Any, people_csv: IO[bytes] | None) -> Any:
    import io

    from smpolicy.monitoring import People, PersonEntry
    from smpolicy.schools.models import Person

    people = People(source="the school's people")
    if people_csv is not None:
        text = io.TextIOWrapper(people_csv, encoding="utf-8-sig", newline="")
        uploaded = People.from_csv(text, "the people CSV")
        # The uploaded rows first: they name addresses the app cannot know.
        for entry in {*uploaded.by_login.values(), *uploaded.by_address.values()}:
            people.add(entry)
        text.detach()
    for person in Person.objects.for_school(school).select_related("user"):
        logins = {person.user.username if person.user else "", person.external_id} - {""}
        for login in logins:
            people.add(PersonEntry(person.role, person.age(), person.full_name, login=login,
                                   key=str(person.pk)))
    return people
