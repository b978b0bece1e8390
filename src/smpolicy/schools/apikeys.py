"""API keys: how another system (the MIS, the school website) calls the API for one school.

A key looks like ``smp_<prefix>_<secret>``. It is shown once, when it is made; the database keeps
its SHA-256 (the secret has 256 bits of entropy, so a slow password hash would add nothing) and
the prefix to find it by, and compares hashes in constant time. A key acts for its school, not for
a person, and only for its scopes. Its record says who made it and when, who revoked it and when,
and how often and when it was last used: one counter per key rather than a row per call, since a
website plug-in may call many times a minute.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from smpolicy.schools.models import ApiKey, Person, School
from smpolicy.schools.signals import api_key_changed

# What a key may be allowed to do: one scope per group of API routes.
SCOPES: dict[str, str] = {
    "decisions": "Ask the policy: POST /api/decisions, and read GET /api/policy and "
    "GET /api/platforms",
    "posts": "Check posts before they are published: POST /api/posts/check",
}
PREFIX = "smp"
_PREFIX_BYTES = 6  # 12 hex characters: enough that two keys never share one


class KeyRefused(Exception):
    """A key that is well formed but may not do this: revoked, or outside its scopes."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    token: str  # the only time the whole key exists outside the caller's system


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _person_name(user: Any) -> str:
    person = Person.objects.filter(user_id=getattr(user, "pk", None)).first()
    if person is not None:
        return person.full_name
    return user.get_username() if user is not None else ""


def create(
    school: School, name: str, scopes: list[str], by: Any, request: HttpRequest | None = None
) -> NewKey:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(f"scopes must be some of {', '.join(SCOPES)}; not {unknown or 'none'}")
    prefix = secrets.token_hex(_PREFIX_BYTES)
    token = f"{PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    # The key and its audit entry are written together, or neither is.
    with transaction.atomic():
        key = ApiKey.objects.create(
            school=school,
            name=name.strip(),
            prefix=prefix,
            key_hash=_hash(token),
            scopes=[s for s in SCOPES if s in scopes],
            created_by=by,
            created_by_name=_person_name(by),
        )
        api_key_changed.send(ApiKey, key=key, action="created", by=by, request=request)
    return NewKey(key, token)


def revoke(key: ApiKey, by: Any, request: HttpRequest | None = None) -> bool:
    """Revoke ``key`` now; False when it was revoked already (the first revocation stands)."""
    now = timezone.now()
    with transaction.atomic():
        done = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=by, revoked_by_name=_person_name(by)
        )
        key.refresh_from_db()
        if done:
            api_key_changed.send(ApiKey, key=key, action="revoked", by=by, request=request)
    return bool(done)


def _prefix_of(token: str) -> str | None:
    parts = token.strip().split("_", 2)  # the secret itself may hold "_"
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 2 * _PREFIX_BYTES:
        return None
    return parts[1]


def find(token: str) -> ApiKey | None:
    """The key ``token`` is, revoked or not; None when it is no key of ours."""
    prefix = _prefix_of(token)
    if prefix is None:
        return None
    key = ApiKey.objects.select_related("school").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(token.strip())):
        return None
    return key


def authorise(token: str, scope: str, address: str = "") -> ApiKey | None:
    """The live key ``token`` is, allowed ``scope``, with this use counted; None when it is no
    key of ours. A revoked key or one outside its scopes raises KeyRefused, saying which."""
    if scope not in SCOPES:
        raise ValueError(f"{scope!r} is not a scope; use one of {', '.join(SCOPES)}")
    key = find(token)
    if key is None:
        return None
    # One conditional UPDATE, so a key revoked a moment ago is refused even by a request that
    # read it before the revocation.
    counted = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        use_count=F("use_count") + 1, last_used_at=timezone.now(), last_used_from=address[:64]
    )
    if not counted:
        raise KeyRefused("this API key has been revoked; ask the school for a new one", 401)
    if scope not in key.scopes:
        raise KeyRefused(
            f"this API key may not use {scope} (scope {scope!r}); its scopes are: "
            f"{', '.join(key.scopes) or 'none'}",
            403,
        )
    return key
