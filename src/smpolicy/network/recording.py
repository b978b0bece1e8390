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


class RecordingError(Exception):
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
    slug; may be left out where the app holds one school), with a ScanRun of the summary."""
    _setup_django()
    from django.db import transaction

    from smpolicy.monitoring import route
    from smpolicy.network.incidents import report_finding
    from smpolicy.network.models import Finding, ScanRun
    from smpolicy.schools.models import Person

    school = _school(school)
    findings = list(findings)
    counts = (summary or {}).get("summary", {})
    report = RecordReport()
    with transaction.atomic():
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
        known = {
            f.fingerprint: f
            for f in Finding.objects.for_school(school).filter(
                fingerprint__in=[f.fingerprint for f in findings]
            )
        }
        people: dict[str, Person | None] = {}
        for found in findings:
            print_ = found.fingerprint
            first, last = _when(found.first_seen), _when(found.last_seen)
            existing = known.get(print_)
            if existing is not None:
                existing.first_seen = min(existing.first_seen, first)
                existing.last_seen = max(existing.last_seen, last)
                existing.requests = max(existing.requests, found.requests)
                existing.scan = scan
                existing.save(update_fields=["first_seen", "last_seen", "requests", "scan",
                                             "updated"])
                report.seen_again += 1
                continue
            person = _person(school, found, people)
            created = Finding.objects.create(
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
            known[print_] = created
            report.new += 1
            if report_finding(created) is not None:
                report.incidents += 1
        scan.findings_new = report.new
        scan.findings_seen_again = report.seen_again
        scan.save(update_fields=["findings_new", "findings_seen_again"])
    report.scan_id = scan.pk
    return report


def _person(school: Any, found: Any, cache: dict[str, Any]) -> Any:
    """The school's Person behind a finding: the one the scan named (the web scan puts its pk in
    ``person_key``), else the one whose sign-in name or MIS id is the log's login."""
    from django.db.models import Q

    from smpolicy.schools.models import Person

    key = found.person_key or (f"login:{found.user.casefold()}" if found.user else "")
    if not key:
        return None
    if key not in cache:
        people = Person.objects.for_school(school)
        if found.person_key:
            cache[key] = people.filter(pk=found.person_key).first()
        else:
            bare = found.user.rpartition("\\")[2].partition("@")[0]
            cache[key] = people.filter(
                Q(user__username__iexact=found.user)
                | Q(user__username__iexact=bare)
                | Q(external_id__iexact=bare)
            ).first()
    return cache[key]


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
