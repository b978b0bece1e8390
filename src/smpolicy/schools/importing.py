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

from smpolicy.schools.models import (
    PERSON_ROLES,
    ParentLink,
    Person,
    School,
    today,
    year_group_label,
)

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
# Other names a header may give a column by: ours for short, and the usual headers of SIMS,
# Arbor and Bromcom reports. A header none of these names is mapped once on the Import people
# page, and the mapping is kept for that school's exports of the same shape (ImportMapping).
COLUMN_ALIASES: dict[str, str] = {
    "class": "class_name",
    "year": "year_group",
    "forename": "first_name",
    "surname": "last_name",
    "preferred_forename": "preferred_name",
    "preferred_first_name": "preferred_name",
    "known_as": "preferred_name",
    "dob": "date_of_birth",
    "date_of_birth": "date_of_birth",
    "birth_date": "date_of_birth",
    "nc_year": "year_group",
    "year_group": "year_group",
    "reg_group": "class_name",
    "registration_group": "class_name",
    "registration_form": "class_name",
    "tutor_group": "class_name",
    "form": "class_name",
    "upn": "external_id",
    "mis_id": "external_id",
    "email_address": "email",
    "primary_email": "email",
    "admission_date": "on_roll_from",
    "date_of_admission": "on_roll_from",
    "leaving_date": "on_roll_until",
    "date_of_leaving": "on_roll_until",
}
# The kind of export, and the role it gives every row that has no role column.
EXPORT_KINDS: dict[str, str | None] = {
    "people": None,
    "pupils": "pupil",
    "staff": "staff",
    "parents": "parent",
}
EXPORT_KIND_LABELS: dict[str, str] = {
    "people": "Everyone, with a role column",
    "pupils": "Pupils",
    "staff": "Staff",
    "parents": "Parents and carers",
}
# Columns only a pupil has: a file with one of them and no role column is a pupils export.
PUPIL_ONLY_COLUMNS = frozenset({"year_group", "class_name", "on_roll", "on_roll_from"})
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
        if self.errors:
            # No counts: the rows that would have been created or updated were rolled back, and
            # "1 created" beside "Nothing was imported" reads as if someone had been.
            return (
                f"Nothing was imported: fix the {len(self.errors)} "
                f"error{'s' if len(self.errors) != 1 else ''} below and import the file again."
            )
        counts = self.counts()
        if self.dry_run:
            return f"Checked only, nothing was saved. Importing this file would give: {counts}."
        return f"Imported: {counts}."


_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_UK_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_WORDS_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{4})")
# Excel and MIS reports add a midnight to dates: "24/11/2026 00:00", "2026-11-24 00:00:00".
_MIDNIGHT = re.compile(r"\s+0?0:00(?::00(?:\.0+)?)?$")
DATE_FORMS = "DD/MM/YYYY, YYYY-MM-DD or 24 Nov 2026"


def parse_date(value: str) -> dt.date:
    """A date as UK schools' MIS exports write it: DD/MM/YYYY or D/M/YYYY (day first, always:
    these are UK exports), YYYY-MM-DD, "24 Nov 2026" or "24 November 2026". ValueError if not."""
    value = _MIDNIGHT.sub("", value.strip())
    if _ISO_DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    if match := _UK_DATE.fullmatch(value):
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    if (match := _WORDS_DATE.fullmatch(value)) and match.group(2).lower() in _MONTHS:
        return dt.date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
    raise ValueError(value)


def read_date(report: CsvReport, row: int, column: str, raw: str) -> dt.date | None:
    """A date cell (see parse_date) as a date; None when empty, or wrong (the error is on the
    report)."""
    value = raw.strip()
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        report.error(row, column, f"{value!r} is not a date ({DATE_FORMS})")
        return None


@dataclass
class ImportReport(CsvReport):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_created: int = 0
    links_updated: int = 0
    # New staff (and volunteers, trainees, governors) given their profile review task.
    reviews_opened: int = 0
    # The school had no staff before this file: its whole workforce, not its new starters.
    first_roster: bool = False
    outcomes: list[RowOutcome] = field(default_factory=list)
    # How the file was read: its shape, a saved mapping used, the role its kind gave every row.
    signature: str = ""
    mapping_used: str = ""
    role_implied: str = ""
    # The file's headers do not say which column is which: map them (the Import people page).
    needs_mapping: bool = False
    headers: list[str] = field(default_factory=list)

    def counts(self) -> str:
        counts = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}"
        )
        links = self.links_created + self.links_updated
        if links:
            counts += f"; {self.links_created} parent links created, {self.links_updated} updated"
        if self.reviews_opened:
            counts += f"; {self.reviews_line()}"
        elif self.first_roster and self.created:
            counts += "; no profile reviews opened (the school's first list of staff)"
        return counts

    def reviews_line(self) -> str:
        n = self.reviews_opened
        return f"{n} profile review{'s' if n != 1 else ''} opened for new staff"

    def as_text(self) -> str:
        """The summary, then each error, or else each person created or updated."""
        lines = [self.summary()]
        if self.mapping_used:
            lines.append(f"Read with {self.mapping_used}.")
        if self.role_implied:
            lines.append(f"No role column: every row is a {self.role_implied}, from the export.")
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
        self.created: list[Person] = []

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
        if created:
            self.created.append(person)
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

    # --- new starters' profile reviews, once every row is in ---------------------------------
    def open_profile_reviews(self) -> None:
        """Everyone who joins reviews their own social media (code.review-own-profiles); the
        import that creates them opens it, inside its transaction, so a refused file opens none."""
        from smpolicy.registers import profiles

        self.report.reviews_opened += profiles.open_for_new_people(self.school, self.created,
                                                                   today())

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


def _cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV would hold. A formula is its text ("=HYPERLINK(...)"):
    it is read, never run, and kept as text like any other cell."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """The first worksheet of an Excel workbook, as rows of text cells."""
    import zipfile

    import openpyxl

    try:
        # data_only=False: a formula cell gives its formula's text, not a value computed by Excel
        # on someone's machine; it is stored as text and never evaluated.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = book.worksheets[0]
            return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, IndexError, ValueError,
            TypeError, OSError, SyntaxError) as exc:
        # A damaged or hostile workbook (XML parse errors are SyntaxErrors) is bad input,
        # said plainly, never a server error.
        raise UnreadableText(
            1, f"the file is not a readable Excel workbook ({type(exc).__name__}); "
            "save it again from Excel as .xlsx, or as CSV UTF-8"
        ) from None


def read_table(source: Source) -> list[list[str]]:
    """The rows of a CSV file (any of decode_csv's encodings; comma, semicolon or tab) or of an
    Excel workbook (.xlsx), as text cells; UnreadableText when it is neither."""
    if isinstance(source, Path):
        source = source.read_bytes()
    elif not isinstance(source, str | bytes):
        source = source.read()
    if isinstance(source, bytes) and source.startswith(b"PK\x03\x04"):
        return _xlsx_rows(source)
    text = _read_text(source)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))


def header_signature(headers: list[str]) -> str:
    """What tells one shape of export from another: its header names, tidied, in order."""
    import hashlib

    names = "\x1f".join(_column_name(h) for h in headers)
    return hashlib.sha256(names.encode("utf-8")).hexdigest()


def guess_columns(headers: list[str]) -> dict[str, str]:
    """Our column for each header we recognise (for the mapping page to start from)."""
    known = set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    return {h: c for h in headers if (c := _person_column(h)) in known}


def import_people(
    school: School,
    file_or_text: Source,
    *,
    dry_run: bool = False,
    kind: str | None = None,
    mapping: dict[str, str] | None = None,
    profile_reviews: bool = True,
) -> ImportReport:
    """Import the people in a CSV or Excel file (text, bytes, a Path or an open file) into
    ``school``.

    ``mapping`` gives our column for each of the file's headers ("" to ignore one); without it,
    the mapping the school saved for exports of this shape is used, else the headers are read as
    our column names or their usual aliases. ``kind`` (pupils, staff, parents) gives every row its
    role when the file has no role column. Each new member of staff, volunteer, trainee or
    governor gets a profile review task, unless ``profile_reviews`` is off (a roster of people who
    are not new, such as the demo school's) or the school had no staff before (its first roster).
    Writes nothing when ``dry_run`` is set or when any row has an error; the report says which.
    """
    from smpolicy.schools.models import ImportMapping

    report = ImportReport(dry_run=dry_run)
    try:
        table = read_table(file_or_text)
    except UnreadableText as exc:
        report.error(exc.line, None, str(exc))
        return report
    while table and not any(cell.strip() for cell in table[0]):
        table.pop(0)
    if not table:
        report.error(
            1, None, f"the file is empty; it needs a header line with {', '.join(REQUIRED_COLUMNS)}"
        )
        return report
    raw_headers = [h.strip() for h in table[0]]
    report.signature = header_signature(raw_headers)
    if mapping is None:
        saved = ImportMapping.objects.for_school(school).filter(signature=report.signature).first()
        if saved is not None:
            mapping, kind = saved.columns, kind or saved.kind
            report.mapping_used = f"the column mapping saved on {saved.created_at:%d/%m/%Y}"
    if mapping is not None:
        headers = [mapping.get(h, "") for h in raw_headers]
    else:
        headers = [_person_column(h) for h in raw_headers]
    # Errors name the file's own header for a mapped column.
    shown = {ours: raw for raw, ours in zip(raw_headers, headers, strict=True) if ours}
    role = EXPORT_KINDS.get(kind or "people")
    if kind and kind not in EXPORT_KINDS:
        report.error(1, None, f"{kind!r} is not a kind of export; use {', '.join(EXPORT_KINDS)}")
        return report
    if role is None and "role" not in headers and PUPIL_ONLY_COLUMNS & set(headers):
        role = Person.Role.PUPIL
        report.role_implied = "pupil"
    elif role is not None and "role" not in headers:
        report.role_implied = role
    known = [h for h in headers if h in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    for column in sorted({h for h in known if known.count(h) > 1}):
        report.error(1, column, f"the column {column!r} appears more than once in the header line")
    missing = [c for c in REQUIRED_COLUMNS if c not in headers and not (c == "role" and role)]
    for column in missing:
        report.error(1, column, f"the required column {column!r} is missing from the header line")
    if missing:
        report.needs_mapping = True
        report.headers = raw_headers
        report.error(
            1, None, "say which column is which once on the Import people page: exports of this "
            "shape are then read that way here and by smpolicy import-people"
        )
    if report.errors:
        return report
    from smpolicy.registers import profiles

    # A school's first roster is everyone who already works there, not who has just joined:
    # opening a review for each would bury the one task that matters among a hundred that don't.
    report.first_roster = not profiles.has_staff(school)
    job = _Import(school, report)
    job.columns = {h for h in headers if h in PERSON_COLUMNS} | ({"role"} if role else set())
    with transaction.atomic():
        for number, cells in enumerate(table[1:], start=2):
            if not any(cell.strip() for cell in cells):
                continue
            record = {h: cells[i] if i < len(cells) else "" for i, h in enumerate(headers) if h}
            if role and "role" not in headers:
                record["role"] = role
            job.row(number, record)
        job.link_parents()
        if profile_reviews and not report.first_roster and not report.errors:
            # A dry run opens them too, then rolls back, so that it reports what importing would.
            job.open_profile_reviews()
        if dry_run or report.errors:
            transaction.set_rollback(True)
    if mapping is not None:
        report.errors = [
            RowError(e.row, shown.get(e.column, e.column) if e.column else None, e.message)
            for e in report.errors
        ]
    return report
