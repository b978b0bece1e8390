"""The policy's own life: versions from draft to archived, sign-off, acknowledgement coverage.

A version keeps its pack's YAML text whole, so the policy as approved can be reproduced (and
printed) whatever happens to the pack file later. Approval follows governance.sign-off: the Chair
of Governors and the Headteacher each sign with the date, and the date of the Full Governing Body
meeting that agreed it is recorded; a version is approved once all three are there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from smpolicy.policy import Pack, parse_pack_text
from smpolicy.policy import pack as pack_module
from smpolicy.registers.models import COVERED_ROLES, Acknowledgement, PolicyVersion
from smpolicy.schools.models import Person, School

Status = PolicyVersion.Status
DEFAULT_REVIEW_MONTHS = 12


class VersionError(ValueError):
    """A step the version's state does not allow, said plainly."""


def read_pack_text(text: str, source: str = "pack") -> Pack:
    """Validate pack YAML text exactly as a pack file is validated (duplicate keys refused)."""
    return parse_pack_text(text, source=source)


def current_pack_text(school: School) -> str:
    """The YAML of the pack the school's decisions use now."""
    reference = school.policy_pack.strip()
    if reference:
        return Path(reference).read_text(encoding="utf-8")
    return (
        resources.files("smpolicy.policy")
        .joinpath(f"packs/{pack_module.DEFAULT_PACK}.yaml")
        .read_text("utf-8")
    )


def pack_of(version: PolicyVersion) -> Pack:
    return read_pack_text(version.pack_yaml, f"version {version.label}")


def in_force(school: School | int | None) -> PolicyVersion | None:
    return PolicyVersion.objects.for_school(school).filter(status=Status.IN_FORCE).first()


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def new_version(
    school: School,
    by: Person | None,
    changes: str,
    yaml_text: str | None = None,
    label: str = "",
) -> PolicyVersion:
    """A draft from pack YAML (the school's current pack when none is given)."""
    text = yaml_text if yaml_text is not None else current_pack_text(school)
    pack = read_pack_text(text)
    label = (label or pack.version).strip()
    if PolicyVersion.objects.for_school(school).filter(label=label).exists():
        raise VersionError(
            f"Version {label} already exists: give the new one its own version (change "
            "pack.version in the YAML, or type a version here)."
        )
    return PolicyVersion.objects.create(
        school=school,
        label=label,
        title=pack.title or "Social media policy",
        changes=changes,
        pack_id=pack.id,
        pack_version=pack.version,
        pack_yaml=text,
        created_by=by,
    )


def submit(version: PolicyVersion, now: dt.datetime | None = None) -> None:
    if version.status != Status.DRAFT:
        raise VersionError("Only a draft can be put under review.")
    version.status = Status.UNDER_REVIEW
    version.submitted_at = now or timezone.now()
    version.save(update_fields=["status", "submitted_at"])


def back_to_draft(version: PolicyVersion) -> None:
    if version.status != Status.UNDER_REVIEW:
        raise VersionError("Only a version under review can go back to draft.")
    version.status = Status.DRAFT
    version.chair = version.head = None
    version.chair_signed_on = version.head_signed_on = None
    version.agreed_at_meeting_on = None
    version.save()


def _approve_if_complete(version: PolicyVersion, now: dt.datetime | None) -> None:
    if version.status == Status.UNDER_REVIEW and version.is_signed_off:
        version.status = Status.APPROVED
        version.approved_at = now or timezone.now()


def sign(
    version: PolicyVersion,
    person: Person,
    as_: str,
    on: dt.date,
    now: dt.datetime | None = None,
) -> None:
    """``person`` signs as ``as_`` ("chair" or "head") on the date ``on``."""
    if version.status != Status.UNDER_REVIEW:
        raise VersionError("A version is signed while it is under review.")
    if on > timezone.localdate(now or timezone.now()):
        raise VersionError("The date signed cannot be in the future.")
    if as_ == "chair":
        version.chair, version.chair_signed_on = person, on
    elif as_ == "head":
        version.head, version.head_signed_on = person, on
    else:
        raise ValueError(as_)
    _approve_if_complete(version, now)
    version.save()


def record_meeting(version: PolicyVersion, on: dt.date, now: dt.datetime | None = None) -> None:
    if version.status != Status.UNDER_REVIEW:
        raise VersionError("The meeting is recorded while the version is under review.")
    if on > timezone.localdate(now or timezone.now()):
        raise VersionError("The meeting's date cannot be in the future.")
    version.agreed_at_meeting_on = on
    _approve_if_complete(version, now)
    version.save()


@transaction.atomic
def put_in_force(
    version: PolicyVersion,
    on: dt.date,
    review_due_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> PolicyVersion | None:
    """The version comes into force; the one before is archived. Everyone covered is asked to
    acknowledge it (see reminders). Returns the version archived, if any."""
    if version.status != Status.APPROVED:
        raise VersionError("Only an approved version (signed and agreed) can come into force.")
    now = now or timezone.now()
    before = in_force(version.school_id)
    if before is not None:
        before.status = Status.ARCHIVED
        before.archived_at = now
        before.save(update_fields=["status", "archived_at"])
    version.status = Status.IN_FORCE
    version.in_force_from = on
    version.review_due_on = review_due_on or add_months(on, DEFAULT_REVIEW_MONTHS)
    version.save(update_fields=["status", "in_force_from", "review_due_on"])
    return before


def set_review_date(version: PolicyVersion, on: dt.date) -> None:
    version.review_due_on = on
    version.save(update_fields=["review_due_on"])


def archive(version: PolicyVersion, now: dt.datetime | None = None) -> None:
    if version.status == Status.IN_FORCE:
        raise VersionError(
            "The version in force is archived when the next one comes into force."
        )
    if version.status == Status.ARCHIVED:
        return
    version.status = Status.ARCHIVED
    version.archived_at = now or timezone.now()
    version.save(update_fields=["status", "archived_at"])


# -- acknowledgements ---------------------------------------------------------------------------


def covered_people(school: School | int) -> list[Person]:
    """Everyone the policy covers at the school (clauses.yaml, applies_to: staff)."""
    return list(Person.objects.for_school(school).filter(role__in=COVERED_ROLES))


def acknowledge(
    person: Person, version: PolicyVersion, now: dt.datetime | None = None
) -> Acknowledgement:
    if version.status != Status.IN_FORCE:
        raise VersionError("Only the version in force is acknowledged.")
    if person.school_id != version.school_id:
        raise VersionError("That version belongs to another school.")
    found, _ = Acknowledgement.objects.get_or_create(
        person=person,
        version=version,
        defaults={"school_id": person.school_id, "acknowledged_at": now or timezone.now()},
    )
    return found


def has_acknowledged(person: Person, version: PolicyVersion | None) -> bool:
    return version is not None and Acknowledgement.objects.filter(
        person=person, version=version
    ).exists()


@dataclass(frozen=True)
class Coverage:
    version: PolicyVersion
    done: list[tuple[Person, Acknowledgement]]
    not_done: list[Person]
    by_role: list[tuple[str, int, int]]  # role label, acknowledged, covered

    @property
    def total(self) -> int:
        return len(self.done) + len(self.not_done)

    @property
    def percent(self) -> int:
        return round(100 * len(self.done) / self.total) if self.total else 100


def coverage(version: PolicyVersion) -> Coverage:
    acks = {
        a.person_id: a
        for a in Acknowledgement.objects.for_school(version.school_id).filter(version=version)
    }
    done, not_done = [], []
    counts: dict[str, list[int]] = {}
    for person in covered_people(version.school_id):
        label = person.get_role_display()
        row = counts.setdefault(label, [0, 0])
        row[1] += 1
        if person.pk in acks:
            done.append((person, acks[person.pk]))
            row[0] += 1
        else:
            not_done.append(person)
    by_role = [(label, n_done, n_all) for label, (n_done, n_all) in counts.items()]
    return Coverage(version, done, not_done, by_role)
