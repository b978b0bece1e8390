"""Importing photo consent from the school's MIS (Arbor, SIMS, Bromcom export it as CSV).

Columns: ``pupil`` (the pupil's MIS id or UPN, as the roster import stored it in ``external_id``;
the column may also be called ``upn`` or ``external_id``), ``use`` (website, social_media,
class_photo, internal, or their labels), ``status`` (granted, not granted, requested: the MIS's
words), ``given_by`` (the parent's MIS id, or their "First Last" name; they must be linked to the
pupil), ``given_on`` and ``valid_until`` (YYYY-MM-DD). Other columns are ignored.

Like the roster import (smpolicy.schools.importing): the whole file is one transaction, so a file
with any error writes nothing and the report names every error by row and column; and importing
the same file twice changes nothing, because a row that says what the entry in force already says
is left alone. A row that says something else is recorded as a new entry: the register keeps
every answer (PhotoConsent is append-only), so an import never rewrites what was recorded.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from smpolicy.posting.models import ConsentStatus, ConsentUse, PhotoConsent
from smpolicy.posting.registers import current_consent
from smpolicy.schools.importing import (
    CsvReport,
    Source,
    UnreadableText,
    _column_name,
    _delimiter,
    _read_text,
    read_date,
)
from smpolicy.schools.models import Person, School

PUPIL_COLUMNS: tuple[str, ...] = ("pupil", "upn", "external_id")
REQUIRED: tuple[str, ...] = ("use", "status")
OPTIONAL: tuple[str, ...] = ("given_by", "given_on", "valid_until")
NOTE = "Imported from the MIS"


def _words(value: str) -> str:
    return re.sub(r"[\s\-_]+", " ", value.strip().lower())


_USES = {_words(v): v for v in ConsentUse.values} | {
    _words(label): v for v, label in ConsentUse.choices
}
_USES |= {"social media": ConsentUse.SOCIAL_MEDIA, "web site": ConsentUse.WEBSITE}
_STATUSES = {_words(v): v for v in ConsentStatus.values} | {
    _words(label): v for v, label in ConsentStatus.choices
}
_STATUSES |= {"given": ConsentStatus.GRANTED, "refused": ConsentStatus.NOT_GRANTED}


@dataclass
class ConsentImportReport(CsvReport):
    recorded: int = 0
    unchanged: int = 0
    lines: list[str] = field(default_factory=list)

    def counts(self) -> str:
        return (
            f"{self.recorded} answers recorded, {self.unchanged} unchanged, "
            f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}"
        )

    def as_text(self) -> str:
        return "\n".join([self.summary(), *(str(e) for e in self.errors), *self.lines])


class _Import:
    def __init__(
        self, school: School, report: ConsentImportReport, recorded_by: Person | None
    ) -> None:
        self.school = school
        self.report = report
        self.recorded_by = recorded_by
        pupils = Person.objects.for_school(school).filter(role=Person.Role.PUPIL)
        self.pupils = {p.external_id: p for p in pupils.exclude(external_id="")}
        self.seen: dict[tuple[int, str], int] = {}

    def _parent(self, row: int, pupil: Person, raw: str) -> Person | None:
        value = " ".join(raw.split())
        if not value:
            return None
        parents = list(pupil.parents())
        found = [p for p in parents if p.external_id and p.external_id == value]
        if not found:
            wanted = value.lower()
            found = [
                p
                for p in parents
                if wanted in (f"{p.first_name} {p.last_name}".lower(), p.full_name.lower())
            ]
        if len(found) == 1:
            return found[0]
        self.report.error(
            row,
            "given_by",
            f"{value!r} is not a parent or carer linked to {pupil.full_name}"
            if not found
            else f"{value!r} matches more than one of {pupil.full_name}'s parents: "
            "use their MIS id",
        )
        return None

    def row(self, row: int, record: dict[str, str], pupil_column: str) -> None:
        errors_before = len(self.report.errors)
        key = record.get(pupil_column, "").strip()
        pupil = self.pupils.get(key) if key else None
        if not key:
            self.report.error(row, pupil_column, "the pupil's MIS id or UPN is empty")
        elif pupil is None:
            self.report.error(row, pupil_column, f"{key!r}: no pupil at the school has this id")
        raw_use = record.get("use", "")
        use = _USES.get(_words(raw_use))
        if use is None:
            self.report.error(
                row,
                "use",
                f"{raw_use.strip()!r} is not a use; use one of {', '.join(ConsentUse.values)}",
            )
        raw_status = record.get("status", "")
        status = _STATUSES.get(_words(raw_status))
        if status is None:
            self.report.error(
                row,
                "status",
                f"{raw_status.strip()!r} is not an answer; use granted, not granted or requested",
            )
        given_on = read_date(self.report, row, "given_on", record.get("given_on", ""))
        valid_until = read_date(self.report, row, "valid_until", record.get("valid_until", ""))
        given_by = self._parent(row, pupil, record.get("given_by", "")) if pupil else None
        if pupil is not None and use is not None:
            first = self.seen.setdefault((pupil.pk, use), row)
            if first != row:
                self.report.error(
                    row, pupil_column, f"{pupil.full_name}'s {use} consent is also on row {first}"
                )
        if len(self.report.errors) > errors_before or pupil is None or use is None:
            return
        wanted = {
            "status": status,
            "given_by_id": given_by.pk if given_by else None,
            "given_on": given_on,
            "valid_until": valid_until,
        }
        current = current_consent(pupil, use)
        if current is not None and all(getattr(current, k) == v for k, v in wanted.items()):
            self.report.unchanged += 1
            return
        entry = PhotoConsent(
            school=self.school,
            pupil=pupil,
            use=use,
            status=status,
            given_by=given_by,
            given_on=given_on,
            valid_until=valid_until,
            note=NOTE,
            recorded_by=self.recorded_by,
        )
        try:
            entry.full_clean()
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                where = column if column in OPTIONAL + REQUIRED else None
                for message in messages:
                    self.report.error(row, where, message)
            return
        entry.save()
        self.report.recorded += 1
        self.report.lines.append(
            f"row {row}: {pupil.full_name}, {ConsentUse(use).label.lower()}: "
            f"{ConsentStatus(status).label.lower()}"
        )


def import_consent(
    school: School,
    source: Source,
    *,
    dry_run: bool = False,
    recorded_by: Person | None = None,
) -> ConsentImportReport:
    """Import the photo consent in a CSV (text, bytes, a Path or an open file) into ``school``.
    Writes nothing when ``dry_run`` is set or when any row has an error."""
    report = ConsentImportReport(dry_run=dry_run)
    try:
        text = _read_text(source)
    except UnreadableText as exc:
        report.error(exc.line, None, str(exc))
        return report
    if not text.strip():
        report.error(1, None, "the file is empty; it needs a header line with pupil, use, status")
        return report
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    headers = [_column_name(h) for h in next(reader)]
    pupil_column = next((c for c in PUPIL_COLUMNS if c in headers), None)
    if pupil_column is None:
        report.error(1, "pupil", "the column 'pupil' (the MIS id or UPN) is missing")
    for column in REQUIRED:
        if column not in headers:
            report.error(1, column, f"the required column {column!r} is missing")
    known = [h for h in headers if h in PUPIL_COLUMNS + REQUIRED + OPTIONAL]
    for column in sorted({h for h in known if known.count(h) > 1}):
        report.error(1, column, f"the column {column!r} appears more than once")
    if report.errors or pupil_column is None:
        return report
    job = _Import(school, report, recorded_by)
    with transaction.atomic():
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            record = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(headers)}
            job.row(number, record, pupil_column)
        if dry_run or report.errors:
            transaction.set_rollback(True)
            report.recorded = 0 if report.errors else report.recorded
            if report.errors:
                report.lines = []
    return report


def example_csv() -> str:
    """The columns, with two rows, for the page to show."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["pupil", "use", "status", "given_by", "given_on", "valid_until"])
    writer.writerow(["A123456789012", "social_media", "granted", "Pat Smith", "2026-09-05", ""])
    writer.writerow(["A123456789012", "website", "not granted", "Pat Smith", "2026-09-05", ""])
    return out.getvalue()
