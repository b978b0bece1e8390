"""Keeping a school's people in step with its MIS through Wonde, nightly and on demand.

``sync_school(school, now, dry_run)`` reads everything first (smpolicy.schools.wonde), then
applies it in one transaction: pupils (with year group, class and their dates on roll), staff
(Wonde's employees), parents and carers (Wonde's contacts, linked to their children with the
relationship the MIS records), leavers and deletions. A token Wonde refuses, or any record that
does not validate, leaves the school exactly as it was; a dry run says what would change and
writes nothing (but the note of the run).

What each Wonde record becomes:

- A current student is a current pupil; ``year`` gives the year group, the student's REGISTRATION
  group (else the one class /classes puts them in) the class.
- A leaver (``/students-leaver``, or a pupil synced before whom Wonde no longer lists) becomes a
  *former* pupil with the day they left, never deleted: the policy covers pupils "current or
  previously on role up to the age of 18", and safeguarding records stay linked to them.
- A deletion (``/deletions``: removed from the MIS) of a student makes them former from the day of
  the deletion; of a contact, ends their links to children (the person stays, records may name
  them); of an employee, is reported for a person to decide. Restored deletions are ignored.
- Employees are staff; contacts linked to a pupil are parents (contacts linked to none are not
  brought in). The sync never changes a person's role: a clash is an error to resolve by hand.

People are matched on Wonde's id, then on the MIS id (``external_id``) with the same role, then
on name, role and date of birth among people not yet synced, so a roster imported from CSV
before is taken over, not doubled. Running it again with nothing changed in Wonde changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from smpolicy.schools import wonde
from smpolicy.schools.models import MisConnection, ParentLink, Person, School, year_group_label

RELATIONSHIPS = {
    "mother": ParentLink.Relationship.MOTHER,
    "father": ParentLink.Relationship.FATHER,
}


class SyncError(Exception):
    """The sync could not run (no connection, Wonde unreadable); nothing was changed."""


@dataclass
class SyncReport:
    """What a sync did or, in a dry run, would do; or why it did nothing."""

    school: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    links_created: int = 0
    links_updated: int = 0
    links_ended: int = 0
    # New staff (volunteers, trainees, governors) given their profile review task.
    reviews_opened: int = 0
    pages: int = 0
    changes: list[str] = field(default_factory=list)
    to_check: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.left} left the roll; parent links {self.links_created} created, "
            f"{self.links_updated} updated, {self.links_ended} ended"
            + (f"; {self.reviews_opened} profile review{'s' if self.reviews_opened != 1 else ''}"
               " opened for new staff" if self.reviews_opened else "")
        )

    def summary(self) -> str:
        if self.errors:
            return f"Nothing was changed at {self.school}: {'; '.join(self.errors)}"
        if self.dry_run:
            return f"Dry run, nothing was saved. Syncing {self.school} would give: {self.counts()}."
        return f"Synced {self.school} from Wonde ({self.pages} pages read): {self.counts()}."

    def as_text(self) -> str:
        lines = [self.summary()]
        if self.ok:
            lines += self.changes
            lines += [f"to check: {line}" for line in self.to_check]
        return "\n".join(lines)

    __str__ = as_text


def _date(value: Any) -> dt.date | None:
    """Wonde's dates are objects: {"date": "2016-03-12 00:00:00.000000", "timezone": ...}."""
    if isinstance(value, dict):
        value = value.get("date")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _data(record: dict[str, Any], include: str) -> Any:
    """An include's payload: Wonde wraps each in {"data": ...}."""
    wrapped = record.get(include)
    return wrapped.get("data") if isinstance(wrapped, dict) else None


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _names(record: dict[str, Any]) -> dict[str, str]:
    """First name as the MIS has it legally, preferred name where the school uses another."""
    known_as = _text(record.get("forename"))
    legal = _text(record.get("legal_forename")) or known_as
    last = _text(record.get("surname")) or _text(record.get("legal_surname"))
    return {
        "first_name": legal,
        "last_name": last,
        "preferred_name": known_as if known_as and known_as != legal else "",
    }


def _email(record: dict[str, Any]) -> str:
    details = _data(record, "contact_details") or {}
    emails = details.get("emails") if isinstance(details, dict) else None
    if not isinstance(emails, dict):
        return ""
    for key in ("email", "primary", "work", "home"):
        if isinstance(emails.get(key), str) and "@" in emails[key]:
            return emails[key].strip()
    return ""


def _relationship(contact: dict[str, Any]) -> str:
    about = contact.get("relationship")
    words = _text(about.get("relationship") if isinstance(about, dict) else about).lower()
    if words in RELATIONSHIPS:
        return RELATIONSHIPS[words]
    if "guardian" in words:
        return ParentLink.Relationship.GUARDIAN
    if "carer" in words:
        return ParentLink.Relationship.CARER
    return ParentLink.Relationship.OTHER


class _Sync:
    def __init__(self, school: School, data: wonde.WondeData, today: dt.date) -> None:
        self.school = school
        self.data = data
        self.today = today
        self.report = SyncReport(school=school.name, pages=data.pages)
        people = list(Person.objects.for_school(school))
        self.by_wonde = {p.wonde_id: p for p in people if p.wonde_id}
        self.by_mis = {p.external_id: p for p in people if p.external_id}
        self.unsynced = [p for p in people if not p.wonde_id]
        self.seen: set[str] = set()  # Wonde ids met in this run
        self.created: list[Person] = []

    # --- people -------------------------------------------------------------------------------
    def _match(
        self, wonde_id: str, mis_id: str, role: str, values: dict[str, Any]
    ) -> Person | None:
        if wonde_id in self.by_wonde:
            return self.by_wonde[wonde_id]
        found = self.by_mis.get(mis_id) if mis_id else None
        if found is not None and not found.wonde_id and found.role == role:
            return found
        candidates = [
            p
            for p in self.unsynced
            if not p.wonde_id
            and p.role == role
            and p.first_name.lower() == values["first_name"].lower()
            and p.last_name.lower() == values["last_name"].lower()
            and (p.date_of_birth is None or p.date_of_birth == values.get("date_of_birth"))
        ]
        return candidates[0] if len(candidates) == 1 else None

    def person(self, record: dict[str, Any], role: str, values: dict[str, Any]) -> Person | None:
        """Create or update the person of one Wonde record; None after an error (reported)."""
        wonde_id = _text(record.get("id"))
        mis_id = _text(record.get("mis_id"))
        if not wonde_id:
            self.report.errors.append(f"a Wonde {role} record has no id")
            return None
        self.seen.add(wonde_id)
        person = self._match(wonde_id, mis_id, role, values)
        created = person is None
        if person is None:
            person = Person(school=self.school, role=role)
        elif person.role != role:
            self.report.errors.append(
                f"{person.full_name} is a {person.role} here but a {role} in the MIS "
                f"(Wonde id {wonde_id}); change one of them by hand"
            )
            return None
        changed = [name for name, value in values.items() if getattr(person, name) != value]
        for name in changed:
            setattr(person, name, values[name])
        if person.wonde_id != wonde_id:
            person.wonde_id = wonde_id
            changed.append("wonde_id")
        owner = self.by_mis.get(mis_id)
        if mis_id and not person.external_id and (owner is None or owner is person):
            person.external_id = mis_id
            changed.append("external_id")
        if not created and not changed:
            # Nothing to write, so nothing to validate: a night with no changes stays cheap.
            self.by_wonde[wonde_id] = person
            self.report.unchanged += 1
            return person
        try:
            # The unique MIS and Wonde ids are kept unique by the matching above and by the
            # database's constraints (an IntegrityError ends the run, nothing changed); checking
            # them here again costs two queries a person.
            person.full_clean(exclude=["user", "line_manager"], validate_constraints=False)
        except ValidationError as error:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            self.report.errors.append(f"{values['first_name']} {values['last_name']} ({role}, "
                                      f"Wonde id {wonde_id}): {problems}")
            return None
        if created or changed:
            person.save()
        self.by_wonde[wonde_id] = person
        if person.external_id:
            self.by_mis.setdefault(person.external_id, person)
        if created:
            self.report.created += 1
            self.created.append(person)
            self.report.changes.append(f"created {person.label} ({role})")
        elif [c for c in changed if c not in {"wonde_id", "external_id"}]:
            self.report.updated += 1
            shown = ", ".join(c for c in changed if c not in {"wonde_id", "external_id"})
            self.report.changes.append(f"updated {person.label} ({role}): {shown}")
        else:
            self.report.unchanged += 1
        return person

    def _pupil_values(self, record: dict[str, Any], classes: dict[str, list[str]]) -> dict:
        year = _data(record, "year") or {}
        education = _data(record, "education_details") or {}
        groups = _data(record, "groups") or []
        registration = [
            _text(g.get("name"))
            for g in groups
            if isinstance(g, dict) and _text(g.get("type")).upper() == "REGISTRATION"
        ]
        in_classes = classes.get(_text(record.get("id")), [])
        class_name = registration[0] if registration else (
            in_classes[0] if len(in_classes) == 1 else ""
        )
        year_name = ""
        if isinstance(year, dict):
            year_name = _text(year.get("name")) or _text(year.get("code"))
        return {
            **_names(record),
            "date_of_birth": _date(record.get("date_of_birth")),
            "on_roll": Person.OnRoll.CURRENT,
            "on_roll_from": _date(education.get("admission_date")) if education else None,
            "on_roll_until": None,
            "year_group": year_group_label(year_name),
            "class_name": class_name[:60],
        }

    def pupils(self) -> dict[str, Person]:
        classes: dict[str, list[str]] = defaultdict(list)
        for group in self.data.classes:
            for student in _data(group, "students") or []:
                if isinstance(student, dict) and _text(group.get("name")):
                    classes[_text(student.get("id"))].append(_text(group.get("name")))
        pupils: dict[str, Person] = {}
        current = {_text(r.get("id")) for r in self.data.students}
        for record in self.data.students:
            person = self.person(record, Person.Role.PUPIL, self._pupil_values(record, classes))
            if person is not None:
                pupils[person.wonde_id] = person
        for record in self.data.leavers:
            if _text(record.get("id")) in current:
                continue
            values = self._pupil_values(record, classes)
            education = _data(record, "education_details") or {}
            left_on = (_date(education.get("leaving_date")) if education else None) or self.today
            values.update(on_roll=Person.OnRoll.FORMER, on_roll_until=left_on)
            self._leaving(record, values)
        # A pupil synced before whom Wonde lists nowhere now has left the roll, today.
        for wonde_id, person in list(self.by_wonde.items()):
            if person.is_pupil and wonde_id not in self.seen and person.on_roll != "former":
                self._mark_left(person, self.today, "no longer on Wonde's roll")
        return pupils

    def _leaving(self, record: dict[str, Any], values: dict[str, Any]) -> None:
        wonde_id = _text(record.get("id"))
        before = self.by_wonde.get(wonde_id)
        was_current = before is not None and before.on_roll != Person.OnRoll.FORMER
        person = self.person(record, Person.Role.PUPIL, values)
        if person is not None and was_current:
            self.report.left += 1
            self.report.changes.append(
                f"left: {person.label}, on {person.on_roll_until:%d/%m/%Y} (kept as a former pupil)"
            )

    def _mark_left(self, person: Person, on: dt.date, why: str) -> None:
        person.on_roll = Person.OnRoll.FORMER
        if person.on_roll_until is None or person.on_roll_until > on:
            person.on_roll_until = on
        if person.on_roll_from and person.on_roll_until < person.on_roll_from:
            person.on_roll_until = person.on_roll_from
        person.save(update_fields=["on_roll", "on_roll_until"])
        self.report.left += 1
        self.report.changes.append(
            f"left: {person.label}, on {person.on_roll_until:%d/%m/%Y} ({why}; kept as a former "
            "pupil)"
        )

    def employees(self) -> None:
        for record in self.data.employees:
            self.person(record, Person.Role.STAFF, {**_names(record), "email": _email(record)})
        # Staff who have gone from Wonde are not ours to remove: their posts, account and the
        # records naming them stay until a person decides.
        for wonde_id, person in self.by_wonde.items():
            if person.role == Person.Role.STAFF and wonde_id not in self.seen:
                self.report.to_check.append(
                    f"{person.label} is no longer among the MIS's staff; they are kept here: end "
                    "their posts and account if they have left"
                )

    def parents(self, pupils: dict[str, Person]) -> None:
        emails = {_text(c.get("id")): _email(c) for c in self.data.contacts}
        wanted: dict[tuple[int, int], str] = {}
        for record in self.data.students:
            child = pupils.get(_text(record.get("id")))
            if child is None:
                continue
            for contact in _data(record, "contacts") or []:
                if not isinstance(contact, dict):
                    continue
                contact_id = _text(contact.get("id"))
                values = {
                    **_names(contact),
                    "email": emails.get(contact_id) or _email(contact),
                }
                parent = (
                    self.by_wonde.get(contact_id)
                    if contact_id in self.seen
                    else self.person(contact, Person.Role.PARENT, values)
                )
                if parent is not None:
                    wanted[(parent.pk, child.pk)] = _relationship(contact)
        self._links(wanted, set(pupils.values()))

    def _links(self, wanted: dict[tuple[int, int], str], children: set[Person]) -> None:
        links = ParentLink.objects.for_school(self.school).select_related("parent", "child")
        existing = {(link.parent_id, link.child_id): link for link in links}
        for (parent_id, child_id), relationship in wanted.items():
            link = existing.get((parent_id, child_id))
            if link is None:
                link = ParentLink(
                    school=self.school, parent_id=parent_id, child_id=child_id,
                    relationship=relationship,
                )
                link.save()
                self.report.links_created += 1
                self.report.changes.append(f"linked: {link}")
            elif link.relationship != relationship:
                link.relationship = relationship
                link.save(update_fields=["relationship"])
                self.report.links_updated += 1
                self.report.changes.append(f"relationship now: {link}")
        # A synced parent no longer listed as a current pupil's contact is no longer linked.
        for key, link in existing.items():
            if key in wanted or link.child not in children or not link.parent.wonde_id:
                continue
            self._end_link(link, "no longer the pupil's contact in the MIS")

    def _end_link(self, link: ParentLink, why: str) -> None:
        self.report.links_ended += 1
        self.report.changes.append(f"unlinked: {link} ({why})")
        link.delete()

    def deletions(self) -> None:
        for record in self.data.deletions:
            if record.get("restored") or record.get("restored_at"):
                continue
            person = self.by_wonde.get(_text(record.get("id")))
            if person is None:
                continue
            kind = _text(record.get("type")).lower()
            on = _date(record.get("deleted_at")) or self.today
            if kind == "student" and person.is_pupil and person.on_roll != "former":
                self._mark_left(person, on, "deleted from the MIS")
            elif kind == "contact":
                for link in ParentLink.objects.for_school(self.school).filter(parent=person):
                    self._end_link(link, "the contact was deleted from the MIS")
            elif kind == "employee":
                self.report.to_check.append(
                    f"{person.label} was deleted from the MIS on {on:%d/%m/%Y}; they are kept "
                    "here: end their posts and account if they have left"
                )

    def run(self) -> SyncReport:
        from smpolicy.registers import profiles

        # The first sync brings the whole workforce, not its new starters: no reviews then.
        first = not profiles.has_staff(self.school)
        pupils = self.pupils()
        self.employees()
        self.parents(pupils)
        self.deletions()
        if not first and not self.report.errors:
            self.report.reviews_opened = profiles.open_for_new_people(
                self.school, self.created, self.today)
        return self.report


def connection_for(school: School) -> MisConnection:
    connection = MisConnection.objects.for_school(school).first()
    if connection is None or not connection.token:
        raise SyncError(
            f"{school.name} has no Wonde connection yet: add its Wonde school id and token on the "
            "MIS sync page."
        )
    return connection


def sync_school(
    school: School, now: dt.datetime | None = None, dry_run: bool = False
) -> SyncReport:
    """Sync one school from Wonde (the scheduler's nightly job calls this, once per school).

    Never raises for a failed sync: the report's ``errors`` say why nothing was changed, and the
    connection keeps the note of the run (``last_run_at``, ``last_run_ok``, ``last_report``)."""
    now = now or timezone.now()
    report = SyncReport(school=school.name, dry_run=dry_run)
    connection = MisConnection.objects.for_school(school).first()
    try:
        connection = connection_for(school)
        data = wonde.fetch_school(connection.mis_school_id, connection.token)
    except (SyncError, wonde.WondeError) as exc:
        report.errors.append(str(exc))
    else:
        try:
            with transaction.atomic():
                report = _Sync(school, data, timezone.localtime(now).date()).run()
                report.dry_run = dry_run
                if dry_run or report.errors:
                    transaction.set_rollback(True)
        except IntegrityError as exc:
            report = SyncReport(school=school.name, dry_run=dry_run)
            report.errors.append(f"two records in the MIS clash here ({exc}); nothing was changed")
    if connection is not None:
        connection.last_run_at = now
        connection.last_run_ok = report.ok
        connection.last_run_dry = dry_run
        connection.last_report = report.as_text()[:20_000]
        connection.save(
            update_fields=["last_run_at", "last_run_ok", "last_run_dry", "last_report"]
        )
    return report


def nightly_sync(now: dt.datetime | None = None) -> list[SyncReport]:
    """Every school whose connection syncs nightly, one after another."""
    schools = School.objects.filter(
        pk__in=MisConnection.objects.filter(nightly=True).exclude(token="").values("school")
    )
    return [sync_school(school, now) for school in schools]
