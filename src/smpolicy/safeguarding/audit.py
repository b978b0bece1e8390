"""The audit log: every view and change of a safeguarding record, kept append-only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest

from smpolicy.safeguarding.models import AuditEntry
from smpolicy.schools.clientaddress import client_address
from smpolicy.schools.models import Person, School


def _reference(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    for attr in ("reference",):
        value = getattr(obj, attr, "")
        if value:
            return str(value)
    for parent in ("report", "case"):
        related = getattr(obj, parent, None)
        if related is not None and getattr(related, "reference", ""):
            return str(related.reference)
    return ""


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    school: School | int,
    request: HttpRequest | None = None,
    user: Any = None,
    person: Person | None = None,
    note: str = "",
    record_type: str = "",
) -> AuditEntry:
    """Write one entry. ``note`` must never carry safeguarding details: it says what was done,
    not what the record says."""
    if request is not None:
        user = user or getattr(request, "user", None)
        person = person or getattr(request, "person", None)
    if isinstance(user, AnonymousUser):
        user = None
    ip = None
    if request is not None:
        ip = client_address(request) or None
    entry = AuditEntry(
        school_id=school if isinstance(school, int) else school.pk,
        user_id_at_time=getattr(user, "pk", None),
        username=user.get_username() if user is not None else "",
        person_id_at_time=person.pk if person is not None else None,
        person_name=person.full_name if person is not None else "",
        action=action,
        record_type=record_type or (obj._meta.model_name if obj is not None else ""),
        record_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        reference=_reference(obj),
        note=note[:300],
        ip_address=ip,
    )
    entry.save()
    return entry


def api_key_changed(
    sender: Any, *, key: Any, action: str, by: Any, request: HttpRequest | None, **_: Any
) -> None:
    """A key that acts for the whole school is an access change like a post: on the record."""
    record(
        f"api_key_{action}",
        key,
        school=key.school_id,
        request=request,
        user=by,
        note=f"“{key.name}” ({key.prefix}…), scopes: {', '.join(key.scopes)}"[:300],
    )
