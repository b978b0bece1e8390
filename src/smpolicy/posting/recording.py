"""Changing the spokesperson and branding registers: every change is an event.

An entry says what the headteacher allowed; when it changes (training done, restrictions, a new end
date, a revocation, an answer to a request) the change is written as an event with who made it,
when, and each changed field before and after, in the same transaction as the change itself. The
models refuse any other way of changing an entry (``RecordedChanges``) and the events cannot be
changed or deleted, here or in the database (history.py), so the earlier state is never lost: the
first event holds the entry as it was made, and each later one what it changed.

The rules of who may do what live here, so the pages, the admin and any script obey them alike:
the headteacher approves, restricts, renews and revokes spokespeople, and answers requests for
written permission; anyone acting for the school may ask for one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from smpolicy.posting.models import (
    BrandingEvent,
    BrandingPermission,
    RecordedChanges,
    RegisterEvent,
    Spokesperson,
    SpokespersonEvent,
)
from smpolicy.posting.registers import is_headteacher
from smpolicy.schools.models import Person, today

SPOKESPERSON_FIELDS: tuple[str, ...] = (
    "person",
    "approved_by",
    "approved_on",
    "training",
    "training_completed_on",
    "platforms",
    "expires_on",
    "restrictions",
    "revoked_on",
    "revoked_by",
    "revoked_reason",
)
BRANDING_FIELDS: tuple[str, ...] = (
    "requested_by",
    "uses",
    "purpose",
    "platforms",
    "requested_at",
    "status",
    "decided_by",
    "decided_at",
    "written_permission",
    "valid_from",
    "expires_on",
    "note",
)
Granted = BrandingPermission.Status


class RecordingError(Exception):
    """A change that cannot be made now; the message says why, for the person who tried."""


class NotAllowed(RecordingError):
    """The person may not make this change at all."""


def value_of(entry: models.Model, name: str) -> Any:
    """A field's value as the history keeps it: plain JSON, a person with their name then."""
    value = getattr(entry, name)
    if isinstance(value, Person):
        return {"id": value.pk, "name": value.full_name}
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def _require_head(person: Person | None, what: str) -> None:
    if not is_headteacher(person):
        raise NotAllowed(f"Only the headteacher {what}.")


def _same_school(person: Person | None, entry: RecordedChanges) -> None:
    if person is not None and person.school_id != entry.school_id:
        raise NotAllowed("This entry belongs to another school.")


def _event(
    entry: RecordedChanges,
    actor: Person | None,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    note: str,
    at: dt.datetime,
    actor_name: str | None,
) -> RegisterEvent:
    fields: dict[str, Any] = {
        "school_id": entry.school_id,
        "actor": actor,
        "actor_name": actor_name or (actor.full_name if actor is not None else "the system"),
        "action": action,
        "before": before,
        "after": after,
        "note": note,
        "at": at,
    }
    if isinstance(entry, Spokesperson):
        return SpokespersonEvent.objects.create(entry=entry, **fields)
    return BrandingEvent.objects.create(permission=entry, **fields)


def _create(
    entry: RecordedChanges,
    fields: tuple[str, ...],
    actor: Person | None,
    action: str,
    at: dt.datetime,
    note: str = "",
) -> None:
    entry.full_clean()
    entry.save()
    after = {name: value_of(entry, name) for name in fields}
    _event(entry, actor, action, {}, after, note, at, None)


def change(
    entry: RecordedChanges,
    actor: Person | None,
    action: str,
    changes: dict[str, Any],
    *,
    note: str = "",
    now: dt.datetime | None = None,
    actor_name: str | None = None,
) -> RegisterEvent | None:
    """Apply ``changes`` to ``entry`` and record them; None when nothing changed. A change the
    entry's rules refuse raises ValidationError and nothing is written."""
    at = now or timezone.now()
    frozen = set(entry.FROZEN) & set(changes)
    if frozen:
        raise RecordingError(f"{', '.join(sorted(frozen))} cannot change: make a new entry.")
    with transaction.atomic():
        before = {name: value_of(entry, name) for name in changes}
        for name, value in changes.items():
            setattr(entry, name, value)
        after = {name: value_of(entry, name) for name in changes}
        changed = [name for name in changes if before[name] != after[name]]
        if not changed:
            return None
        try:
            entry.full_clean()
        except Exception:
            entry.refresh_from_db()
            raise
        entry._recording = True  # type: ignore[attr-defined]
        try:
            entry.save()
        finally:
            entry._recording = False  # type: ignore[attr-defined]
        return _event(
            entry,
            actor,
            action,
            {n: before[n] for n in changed},
            {n: after[n] for n in changed},
            note,
            at,
            actor_name,
        )


# -- spokespeople ----------------------------------------------------------------------------

Spoke = SpokespersonEvent.Action


def approve_spokesperson(
    head: Person,
    person: Person,
    *,
    platforms: list[str] | None = None,
    training: str = "",
    training_completed_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    restrictions: str = "",
    on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Spokesperson:
    """``head`` approves ``person`` to speak for the school (staff.speaking-for-school)."""
    _require_head(head, "approves spokespeople")
    entry = Spokesperson(
        school_id=person.school_id,
        person=person,
        approved_by=head,
        approved_on=on or today(),
        platforms=list(platforms or []),
        training=training,
        training_completed_on=training_completed_on,
        expires_on=expires_on,
        restrictions=restrictions,
    )
    with transaction.atomic():
        _create(entry, SPOKESPERSON_FIELDS, head, Spoke.APPROVED, now or timezone.now())
    return entry


def _open_entry(entry: Spokesperson, by: Person, what: str) -> None:
    _require_head(by, what)
    _same_school(by, entry)
    if entry.revoked_on is not None:
        raise RecordingError(
            f"{entry.person.full_name}'s approval was revoked: approve them again as a new entry."
        )


def record_training(
    entry: Spokesperson,
    by: Person,
    completed_on: dt.date,
    training: str | None = None,
    now: dt.datetime | None = None,
) -> RegisterEvent | None:
    _open_entry(entry, by, "records a spokesperson's training")
    changes: dict[str, Any] = {"training_completed_on": completed_on}
    if training is not None:
        changes["training"] = training
    return change(entry, by, Spoke.TRAINING, changes, now=now)


def restrict(
    entry: Spokesperson,
    by: Person,
    *,
    platforms: list[str],
    restrictions: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> RegisterEvent | None:
    """Where they may speak for the school, and on what terms."""
    _open_entry(entry, by, "changes a spokesperson's restrictions")
    return change(
        entry,
        by,
        Spoke.RESTRICTED,
        {"platforms": list(platforms), "restrictions": restrictions},
        note=note,
        now=now,
    )


def renew(
    entry: Spokesperson,
    by: Person,
    expires_on: dt.date | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> RegisterEvent | None:
    """A new end date for the approval (blank: until revoked)."""
    _open_entry(entry, by, "renews a spokesperson's approval")
    if expires_on is not None and expires_on < today():
        raise RecordingError("A renewed approval ends today or later.")
    return change(entry, by, Spoke.RENEWED, {"expires_on": expires_on}, note=note, now=now)


def revoke_spokesperson(
    entry: Spokesperson,
    by: Person,
    reason: str,
    on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> RegisterEvent | None:
    _open_entry(entry, by, "revokes a spokesperson's approval")
    if not reason.strip():
        raise RecordingError("Say why the approval is revoked.")
    return change(
        entry,
        by,
        Spoke.REVOKED,
        {"revoked_on": on or today(), "revoked_by": by, "revoked_reason": reason.strip()},
        note=reason.strip(),
        now=now,
    )


# -- written permission for branding --------------------------------------------------------

Brand = BrandingEvent.Action


def request_branding(
    person: Person,
    *,
    uses: list[str],
    purpose: str,
    platforms: list[str] | None = None,
    now: dt.datetime | None = None,
) -> BrandingPermission:
    if not person.is_school_representative:
        raise NotAllowed("Only staff and others acting for the school ask for this permission.")
    at = now or timezone.now()
    permission = BrandingPermission(
        school_id=person.school_id,
        requested_by=person,
        uses=list(uses),
        purpose=purpose,
        platforms=list(platforms or []),
        requested_at=at,
    )
    with transaction.atomic():
        _create(permission, BRANDING_FIELDS, person, Brand.REQUESTED, at)
    return permission


def _answerable(permission: BrandingPermission, by: Person, what: str) -> None:
    _require_head(by, what)
    _same_school(by, permission)
    if permission.status != Granted.REQUESTED:
        raise RecordingError("This request has already been answered.")


def grant_branding(
    permission: BrandingPermission,
    head: Person,
    *,
    written_permission: str,
    expires_on: dt.date,
    valid_from: dt.date | None = None,
    now: dt.datetime | None = None,
) -> RegisterEvent | None:
    _answerable(permission, head, "gives written permission")
    at = now or timezone.now()
    return change(
        permission,
        head,
        Brand.GRANTED,
        {
            "status": Granted.GRANTED,
            "decided_by": head,
            "decided_at": at,
            "written_permission": written_permission.strip(),
            "valid_from": valid_from or timezone.localdate(at),
            "expires_on": expires_on,
        },
        now=at,
    )


def refuse_branding(
    permission: BrandingPermission, head: Person, note: str, now: dt.datetime | None = None
) -> RegisterEvent | None:
    _answerable(permission, head, "answers requests for written permission")
    if not note.strip():
        raise RecordingError("Say why, so they know what to change.")
    at = now or timezone.now()
    return change(
        permission,
        head,
        Brand.REFUSED,
        {"status": Granted.REFUSED, "decided_by": head, "decided_at": at, "note": note.strip()},
        note=note.strip(),
        now=at,
    )


def revoke_branding(
    permission: BrandingPermission, head: Person, note: str, now: dt.datetime | None = None
) -> RegisterEvent | None:
    _require_head(head, "revokes written permission")
    _same_school(head, permission)
    if permission.status != Granted.GRANTED:
        raise RecordingError("Only a granted permission can be revoked.")
    if not note.strip():
        raise RecordingError("Say why the permission is revoked.")
    at = now or timezone.now()
    return change(
        permission,
        head,
        Brand.REVOKED,
        {"status": Granted.REVOKED, "decided_by": head, "decided_at": at, "note": note.strip()},
        note=note.strip(),
        now=at,
    )
