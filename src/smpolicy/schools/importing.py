"""Importing a school's people from a CSV file (an MIS export: SIMS, Arbor, Bromcom...).

Columns (the roster of ../shared/contracts/post-check.md, and more): ``first_name``, ``last_name``,
``role`` are required; ``preferred_name``, ``date_of_birth`` (YYYY-MM-DD), ``external_id`` (the MIS
id), ``email``, ``on_roll`` (current/former), ``on_roll_from``, ``on_roll_until``, ``parent_of``
(the children's external ids or "First Last", separated by ``;``), ``relationship`` (mother,
father, carer, guardian, other), and for pupils ``year_group`` ("Year 5", "5", "R"...) and
``class`` (or ``class_name``) are optional; other columns are ignored. A column that is present
sets the value (an empty cell clears it); a column that is absent leaves it as it is.

Each row is matched to a person already at the school, so importing the same file twice changes
nothing: on ``external_id`` when the row has one (or else on the same name, role and date of birth
among people with no MIS id yet, who then get it), and otherwise on first name, last name, role and
date of birth (a blank date of birth matches any). The whole file is one transaction: if any row has
an error, nothing is written, and the report lists every error by row and column.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from smpolicy.schools.models import PERSON_ROLES, ParentLink, Person, School, year_group_label

REQUIRED_COLUMNS: tuple[str, ...] = ("first_name", "last_name", "role")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "preferred_name",
    "date_of_birth",
    "external_id",
    "email",
    "on_roll",
    "on_roll_from",
    "on_roll_until",
    "parent_of",
    "relationship",
    "year_group",
    "class_name",
)
# The Person fields a row can set, each from the column of the same name.
PERSON_COLUMNS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "preferred_name",
    "role",
    "date_of_birth",
    "external_id",
    "email",
    "on_roll",
    "on_roll_from",
    "on_roll_until",
    "year_group",
    "class_name",
)
# Other names a header may give a column by.
COLUMN_ALIASES: dict[str, str] = {"class": "class_name", "year": "year_group"}
DATE_COLUMNS = frozenset({"date_of_birth", "on_roll_from", "on_roll_until"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Source = str | bytes | Path | IO[str] | IO[bytes]


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell, row or the file. ``row`` counts as a spreadsheet does: the
    header is row 1, the first person row 2."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RowOutcome:
    row: int
    outcome: str  # "created", "updated" or "unchanged"
    name: str
    role: str
    changed: tuple[str, ...] = ()

    def __str__(self) -> str:
        what = f" ({', '.join(self.changed)})" if self.outcome == "updated" and self.changed else ""
        return f"row {self.row}: {self.outcome} {self.name} ({self.role}){what}"


@dataclass
class CsvReport(ABC):
    """What an all-or-nothing CSV import did, or would do: its counts, or its errors by row."""

    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        """Whether the import changed the database (not a dry run, no errors)."""
        return self.ok and not self.dry_run

    def error(self, row: int, column: str | None, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    @abstractmethod
    def counts(self) -> str:
        """What the import did, in words: "3 created, 1 updated, ..."."""

    def summary(self) -> str:
        counts = self.counts()
        if self.errors:
            return (
                f"Nothing was imported: fix the {len(self.errors)} "
                f"error{'s' if len(self.errors) != 1 else ''} below and import the file again. "
                f"({counts})"
            )
        if self.dry_run:
            return f"Checked only, nothing was saved. Importing this file would give: {counts}."
        return f"Imported: {counts}."


def read_date(report: CsvReport, row: int, column: str, raw: str) -> dt.date | None:
    """A YYYY-MM-DD cell as a date; None when empty, or wrong (the error is on the report)."""
    value = raw.strip()
    if not value:
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        report.error(row, column, f"{value!r} is not a date (YYYY-MM-DD)")
        return None


@dataclass
class ImportReport(CsvReport):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_created: int = 0
    links_updated: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)

    def counts(self) -> str:
        counts = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}"
        )
        links = self.links_created + self.links_updated
        if links:
            counts += f"; {self.links_created} parent links created, {self.links_updated} updated"
        return counts

    def as_text(self) -> str:
        """The summary, then each error, or else each person created or updated."""
        lines = [self.summary()]
        if self.errors:
            lines += [str(error) for error in self.errors]
        else:
            lines += [str(outcome) for outcome in self.outcomes if outcome.outcome != "unchanged"]
        return "\n".join(lines)

    __str__ = as_text


class UnreadableText(ValueError):
    """A file that is not CSV text; ``line`` is where the trouble is, for the import's report."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A UTF-8 character of two or more bytes. A file holding these is UTF-8 (cp1252 text almost never
# makes these pairs), so one bad byte in it is damage, not a sign that the file is cp1252.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _line_at(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode_csv(data: bytes) -> str:
    """The text of a CSV file's bytes: UTF-8 (with or without Excel's BOM), UTF-16 with a BOM
    (Excel's "Unicode text"), or, for a file with no UTF-8 in it at all, cp1252 (what Excel on
    Windows saves as "CSV"). Anything else is UnreadableText naming the byte and its line."""
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableText(
            1, "the file is an Excel workbook (or another zip), not CSV; save it as CSV UTF-8"
        )
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode("utf-16", "replace").count("\n") + 1
            raise UnreadableText(
                line, f"the file is damaged UTF-16 text at line {line}; save it as CSV UTF-8"
            ) from None
    if (nul := data.find(b"\x00")) != -1:
        raise UnreadableText(
            _line_at(data, nul),
            f"the file holds a NUL byte at line {_line_at(data, nul)}: it is not CSV text "
            "(a spreadsheet, or UTF-16 without its BOM?); save it as CSV UTF-8",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    if not _UTF8_MULTIBYTE.search(data):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("cp1252")
    line = _line_at(data, bad)
    raise UnreadableText(
        line,
        f"the file is not UTF-8 text: byte 0x{data[bad]:02x} at line {line}; "
        "save it as CSV UTF-8",
    )


def _read_text(source: Source) -> str:
    """The text of ``source``; UnreadableText when its bytes are not CSV text."""
    if isinstance(source, Path):
        source = source.read_bytes()
    elif not isinstance(source, str | bytes):
        source = source.read()
    if isinstance(source, bytes):
        source = decode_csv(source)
    return source.removeprefix("\ufeff")


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max([",", ";", "\t"], key=header.count)


def _column_name(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().strip("\ufeff").lower())


def _person_column(header: str) -> str:
    name = _column_name(header)
    return COLUMN_ALIASES.get(name, name)


def _name(value: str) -> str:
    return " ".join(value.split())


class _Skip(Exception):
    """The row has an error, already reported."""


class _Import:
    def __init__(self, school: School, report: ImportReport) -> None:
        self.school = school
        self.report = report
        self.columns: set[str] = set()
        self.seen: dict[Any, int] = {}  # a person's key in this file -> its first row
        self.parent_rows: list[tuple[int, Person, list[str], str | None]] = []
        self.failed_refs: set[str] = set()  # ids and names of the people of rows with errors

    # --- one cell -------------------------------------------------------------------------
    def _cell(self, row: int, column: str, raw: str) -> Any:
        value = (
            _name(raw) if column in {"first_name", "last_name", "preferred_name"} else raw.strip()
        )
        if column in DATE_COLUMNS:
            return read_date(self.report, row, column, value)
        if column == "year_group":
            return year_group_label(value)
        if column == "role":
            value = value.lower()
            if value not in PERSON_ROLES:
                shown = f"{value!r} is not a role" if value else "the role is empty"
                self.report.error(row, column, f"{shown}; use one of {', '.join(PERSON_ROLES)}")
        elif column == "on_roll":
            value = value.lower()
            if value and value not in Person.OnRoll.values:
                self.report.error(
                    row, column, f"{value!r} is not an on-roll status; use current or former"
                )
        elif column in {"first_name", "last_name"} and not value:
            self.report.error(row, column, "is required, and the cell is empty")
        return value

    # --- one row --------------------------------------------------------------------------
    def row(self, row: int, record: dict[str, str]) -> None:
        errors_before = len(self.report.errors)
        self._row(row, record)
        if len(self.report.errors) > errors_before:
            # A parent_of naming this row's person is not reported again.
            names = [record.get(c) or "" for c in ("first_name", "preferred_name", "last_name")]
            self.failed_refs |= {
                _name(record.get("external_id") or "").lower(),
                _name(f"{names[0]} {names[2]}").lower(),
                _name(f"{names[1]} {names[2]}").lower(),
            }

    def _row(self, row: int, record: dict[str, str]) -> None:
        errors_before = len(self.report.errors)
        values = {
            column: self._cell(row, column, record.get(column) or "")
            for column in PERSON_COLUMNS
            if column in self.columns
        }
        relationship = (record.get("relationship") or "").strip().lower() or None
        if relationship and relationship not in ParentLink.Relationship.values:
            self.report.error(
                row,
                "relationship",
                f"{relationship!r} is not a relationship; use one of "
                f"{', '.join(ParentLink.Relationship.values)}",
            )
        children = [
            ref.strip() for ref in (record.get("parent_of") or "").split(";") if ref.strip()
        ]
        role = values.get("role")
        if children and role in PERSON_ROLES and role != Person.Role.PARENT:
            self.report.error(
                row,
                "parent_of",
                f"only parents have children here, and the role is {values['role']!r}",
            )
        if role in PERSON_ROLES and role != Person.Role.PUPIL:
            for column in ("on_roll", "on_roll_from", "on_roll_until"):
                if values.get(column):
                    self.report.error(row, column, "only pupils have an on-roll status and dates")
            for column, what in (("year_group", "a year group"), ("class_name", "a class")):
                if values.get(column):
                    self.report.error(row, column, f"only pupils have {what}")
        if len(self.report.errors) > errors_before:
            return

        key = self._file_key(values)
        if key in self.seen:
            self.report.error(row, None, f"the same person as row {self.seen[key]}")
            return
        self.seen[key] = row

        try:
            person = self._match(row, values)
        except _Skip:
            return
        created = person is None
        if person is None:
            person = Person(school=self.school)
        changed = []
        for column, value in values.items():
            if column in {"on_roll", "external_id"} and not value and not created:
                continue  # an empty status or MIS id leaves an existing person's as it is
            if getattr(person, column) != value:
                setattr(person, column, value)
                changed.append(column)
        if person.role == Person.Role.PUPIL and not person.on_roll:
            person.on_roll = Person.OnRoll.CURRENT
        try:
            person.full_clean(exclude=["user", "line_manager"])
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                name = None if column == NON_FIELD_ERRORS else column
                for message in messages:
                    self.report.error(row, name, _cell_message(name, values, message))
            return
        if created or changed:
            person.save()
        outcome = "created" if created else ("updated" if changed else "unchanged")
        setattr(self.report, outcome, getattr(self.report, outcome) + 1)
        self.report.outcomes.append(
            RowOutcome(
                row, outcome, person.full_name, person.role, () if created else tuple(changed)
            )
        )
        if children:
            self.parent_rows.append((row, person, children, relationship))

    def _file_key(self, values: dict[str, Any]) -> Any:
        if values.get("external_id"):
            return ("id", values["external_id"])
        return (
            "name",
            values["first_name"].lower(),
            values["last_name"].lower(),
            values["role"],
            values.get("date_of_birth"),
        )

    def _match(self, row: int, values: dict[str, Any]) -> Person | None:
        """The person this row is about, or None for a new one (raises _Skip after an error)."""
        people = Person.objects.for_school(self.school)
        external_id = values.get("external_id")
        if external_id:
            found = people.filter(external_id=external_id).first()
            if found is not None:
                return found
            people = people.filter(external_id="")
        candidates = list(
            people.filter(
                first_name__iexact=values["first_name"],
                last_name__iexact=values["last_name"],
                role=values["role"],
            )
        )
        born = values.get("date_of_birth")
        if born is not None:
            exact = [p for p in candidates if p.date_of_birth == born]
            candidates = exact or [p for p in candidates if p.date_of_birth is None]
        if len(candidates) > 1:
            self.report.error(
                row,
                None,
                f"{values['first_name']} {values['last_name']} ({values['role']}) matches "
                f"{len(candidates)} people at the school; add an external_id column to tell them "
                "apart",
            )
            raise _Skip
        return candidates[0] if candidates else None

    # --- parents' children, once every row is in --------------------------------------------
    def link_parents(self) -> None:
        if not self.parent_rows:
            return
        pupils = list(Person.objects.for_school(self.school).filter(role=Person.Role.PUPIL))
        by_id = {p.external_id: p for p in pupils if p.external_id}
        by_name: dict[str, list[Person]] = {}
        for pupil in pupils:
            names = {f"{pupil.first_name} {pupil.last_name}", f"{pupil.full_name}"}
            for name in names:
                by_name.setdefault(name.lower(), []).append(pupil)
        for row, parent, refs, relationship in self.parent_rows:
            for ref in refs:
                found = [by_id[ref]] if ref in by_id else by_name.get(_name(ref).lower(), [])
                if not found and _name(ref).lower() in self.failed_refs:
                    continue  # that child's own row has an error, already reported
                if len(found) != 1:
                    problem = (
                        f"no pupil {ref!r} in this file or at the school"
                        if not found
                        else f"{ref!r} matches {len(found)} pupils; use their external_id"
                    )
                    self.report.error(row, "parent_of", problem)
                    continue
                link, created = ParentLink.objects.get_or_create(
                    school=self.school,
                    parent=parent,
                    child=found[0],
                    defaults={"relationship": relationship or ParentLink.Relationship.OTHER},
                )
                if created:
                    self.report.links_created += 1
                elif relationship and link.relationship != relationship:
                    link.relationship = relationship
                    link.save(update_fields=["relationship"])
                    self.report.links_updated += 1


def _cell_message(column: str | None, values: dict[str, Any], message: str) -> str:
    if column in values and values[column] not in (None, ""):
        return f"{values[column]!r}: {message}"
    return message


def import_people(school: School, file_or_text: Source, *, dry_run: bool = False) -> ImportReport:
    """Import the people in a CSV (text, bytes, a Path or an open file) into ``school``.

    Writes nothing when ``dry_run`` is set or when any row has an error; the report says which.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        text = _read_text(file_or_text)
    except UnreadableText as exc:
        report.error(exc.line, None, str(exc))
        return report
    if not text.strip():
        report.error(
            1, None, f"the file is empty; it needs a header line with {', '.join(REQUIRED_COLUMNS)}"
        )
        return report
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    headers = [_person_column(h) for h in next(reader)]
    known = [h for h in headers if h in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    for column in sorted({h for h in known if known.count(h) > 1}):
        report.error(1, column, f"the column {column!r} appears more than once in the header line")
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    for column in missing:
        report.error(1, column, f"the required column {column!r} is missing from the header line")
    if report.errors:
        return report
    job = _Import(school, report)
    job.columns = {h for h in headers if h in PERSON_COLUMNS}
    with transaction.atomic():
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            record = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(headers)}
            job.row(number, record)
        job.link_parents()
        if dry_run or report.errors:
            transaction.set_rollback(True)
    return report
