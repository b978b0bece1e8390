"""What the post checker knows about the school: its people, names, domains, numbers and logo.

A `SchoolContext` is plain data. The command line builds one from a roster CSV and a school YAML
(`SchoolContext.from_files`, the contract's "School context without a database"); the Django side
builds one from the database with the plain constructor. The matchers built from it (the name
index, the school's own numbers) are made once, on first use, and kept with it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from smpolicy.policy import vocabulary as v

if TYPE_CHECKING:
    from smpolicy.content.names import NameIndex

# The roster roles the contract names, plus the rest of the decisions vocabulary's people, so a
# context filled from the database (which uses the full vocabulary) is accepted too.
ROSTER_ROLES: tuple[str, ...] = ("pupil", "staff", "governor", "parent", "volunteer")
ACCEPTED_ROLES: frozenset[str] = frozenset(ROSTER_ROLES) | v.SCHOOL_REPRESENTATIVES
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_ROSTER_BYTES = 50 * 1024 * 1024
MAX_ERRORS_SHOWN = 20


class ContextError(ValueError):
    """A roster or school file the checker cannot use; the message names the file and the place."""


@dataclass(frozen=True, slots=True)
class Person:
    first_name: str
    last_name: str
    role: str
    preferred_name: str | None = None
    date_of_birth: date | None = None
    # The database's id when the Django side builds the context; findings then name the people.
    id: str | int | None = None

    @property
    def kind(self) -> str:
        """The finding kind for a mention of this person."""
        if self.role == "pupil":
            return "pupil_name"
        if self.role == "parent":
            return "parent_name"
        return "staff_name"


@dataclass
class SchoolContext:
    """The school as the checker sees it. No database: the Django side fills it from one."""

    name: str
    short_names: Sequence[str] = ()
    email_domains: Sequence[str] = ()
    phone_numbers: Sequence[str] = ()
    people: Sequence[Person] = ()
    logo: Path | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ContextError("school: name is required (the school's full name)")
        self.short_names = tuple(s for s in self.short_names if s and s.strip())
        self.email_domains = tuple(d.strip().lower().lstrip("@") for d in self.email_domains)
        for i, domain in enumerate(self.email_domains):
            if not _DOMAIN.match(domain):
                raise ContextError(
                    f"school: email_domains[{i}]: {domain!r} is not a domain name "
                    "(e.g. straits.sch.uk)"
                )
        self.phone_numbers = tuple(self.phone_numbers)
        self.people = tuple(self.people)
        for person in self.people:
            if person.role not in ACCEPTED_ROLES:
                raise ContextError(
                    f"roster: {person.first_name} {person.last_name}: role {person.role!r} is "
                    f"not one of {', '.join(sorted(ACCEPTED_ROLES))}"
                )
        if self.logo is not None:
            self.logo = Path(self.logo)
        # Parsed now so a bad number is an error when the context is made, not mid-check.
        _ = self.own_numbers

    # -- what the checks use, built once -------------------------------------------------------

    @cached_property
    def names(self) -> NameIndex:
        from smpolicy.content.names import NameIndex

        return NameIndex(self.people)

    @cached_property
    def own_numbers(self) -> frozenset[str]:
        """The school's numbers in E.164, to tell them from personal ones."""
        from smpolicy.content.contact import normalise_number

        out = set()
        for i, raw in enumerate(self.phone_numbers):
            number = normalise_number(str(raw))
            if number is None:
                raise ContextError(
                    f"school: phone_numbers[{i}]: {raw!r} is not a phone number "
                    "(write it as dialled in the UK, e.g. 01632 960000)"
                )
            out.add(number)
        return frozenset(out)

    @cached_property
    def dates_of_birth(self) -> frozenset[date]:
        return frozenset(p.date_of_birth for p in self.people if p.date_of_birth)

    @cached_property
    def logo_model(self) -> Any:
        """The logo's features for matching (None without a logo)."""
        image = self.logo_image
        if image is None:
            return None
        from smpolicy.content.images import LogoModel

        return LogoModel(image.rgb)

    @cached_property
    def logo_image(self) -> Any:
        """The logo as a decoded image (None without one); read once, checked like any upload."""
        if self.logo is None:
            return None
        from smpolicy.content.images import ImageError, load_image

        try:
            return load_image(self.logo)
        except ImageError as exc:
            raise ContextError(f"school: logo: {exc}") from exc

    # -- constructors --------------------------------------------------------------------------

    @classmethod
    def from_files(cls, roster_csv: str | Path | None, school_yaml: str | Path) -> SchoolContext:
        """The contract's school context without a database; ContextError names what is wrong."""
        settings = read_school_yaml(school_yaml)
        people = read_roster(roster_csv) if roster_csv is not None else []
        return cls(people=people, **settings)


# -- reading the files -----------------------------------------------------------------------


def _read_text(path: Path, what: str, limit: int) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ContextError(f"{what} {path}: cannot read it: {exc.strerror}") from exc
    if size > limit:
        raise ContextError(f"{what} {path}: {size:,} bytes is more than the {limit:,} allowed")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContextError(f"{what} {path}: cannot read it: {exc.strerror}") from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ContextError(
            f"{what} {path}: the file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8)"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContextError(
            f"{what} {path}: line {line} is not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
            "save the file as UTF-8 (in Excel: CSV UTF-8)"
        ) from exc


def read_school_yaml(path: str | Path) -> dict[str, Any]:
    """The school YAML's settings as constructor arguments; ContextError names the field."""
    path = Path(path)
    text = _read_text(path, "school file", 1024 * 1024)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContextError(f"school file {path}:{where}: not valid YAML: {problem}") from exc
    if not isinstance(data, dict):
        raise ContextError(f"school file {path}: expected a mapping with name, short_names, ...")

    def strings(key: str) -> list[str]:
        value = data.get(key) or []
        if isinstance(value, str | int):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(s, str | int) for s in value):
            raise ContextError(f"school file {path}: {key}: expected a list of text")
        return [str(s) for s in value]

    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ContextError(f"school file {path}: name: the school's full name is required")
    logo = data.get("logo")
    logo_path = None
    if logo is not None:
        if not isinstance(logo, str):
            raise ContextError(f"school file {path}: logo: expected a file name")
        logo_path = (path.parent / logo).resolve()
        if not logo_path.is_file():
            raise ContextError(f"school file {path}: logo: {logo_path} does not exist")
    return {
        "name": name.strip(),
        "short_names": strings("short_names"),
        "email_domains": strings("email_domains"),
        "phone_numbers": strings("phone_numbers"),
        "logo": logo_path,
    }


def read_roster(path: str | Path) -> list[Person]:
    """People from a roster CSV; every bad row is named, with its line, in one ContextError."""
    path = Path(path)
    text = _read_text(path, "roster", MAX_ROSTER_BYTES)
    return parse_roster(text, str(path))


def parse_roster(text: str, where: str = "roster") -> list[Person]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        raise ContextError(f"{where}: empty; expected a header line: first_name,last_name,role")
    missing = [c for c in ("first_name", "last_name", "role") if c not in header]
    if missing:
        raise ContextError(
            f"{where}: line 1: the header has no {', '.join(missing)} column; expected "
            "first_name,last_name,role and optionally preferred_name,date_of_birth"
        )
    reader.fieldnames = header
    people: list[Person] = []
    errors: list[str] = []
    for row in reader:
        line = reader.line_num
        clean = {k: (val or "").strip() for k, val in row.items() if isinstance(k, str)}
        if not any(clean.values()):
            continue
        try:
            people.append(_person(clean))
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        tail = f"\n  ... and {more} more" if more else ""
        raise ContextError(f"{where}: {len(errors)} bad row(s):\n  " + "\n  ".join(shown) + tail)
    return people


def _person(row: dict[str, str]) -> Person:
    first, last = row.get("first_name", ""), row.get("last_name", "")
    if not first:
        raise ValueError("first_name is empty")
    if not last:
        raise ValueError("last_name is empty")
    role = row.get("role", "").lower()
    if role not in ACCEPTED_ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROSTER_ROLES)}")
    born = None
    if row.get("date_of_birth"):
        try:
            born = date.fromisoformat(row["date_of_birth"])
        except ValueError:
            raise ValueError(
                f"date_of_birth {row['date_of_birth']!r} is not a date as YYYY-MM-DD"
            ) from None
    return Person(
        first_name=first,
        last_name=last,
        role=role,
        preferred_name=row.get("preferred_name") or None,
        date_of_birth=born,
        id=row.get("id") or None,
    )


def people_from_rows(rows: Iterable[dict[str, Any]]) -> list[Person]:
    """People from dicts with the roster's columns (for callers holding rows, not a file)."""
    out = []
    for i, row in enumerate(rows):
        try:
            out.append(_person({k: str(val or "").strip() for k, val in row.items()}))
        except ValueError as exc:
            raise ContextError(f"people[{i}]: {exc}") from exc
    return out
