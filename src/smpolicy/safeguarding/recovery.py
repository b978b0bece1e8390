"""Recovery codes: what stands in for the authenticator app when the phone is lost.

Ten codes are made when the app is enrolled (and again on request); each is shown once and works
once. Only their SHA-256 is stored. Using one is recorded in the audit and the account holder is
told by e-mail, so a stolen code does not go unnoticed. A wrong code counts against the same
lockout as a wrong authenticator code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from smpolicy.safeguarding import totp
from smpolicy.safeguarding.models import RecoveryCode, SecondFactor

COUNT = 10
# Crockford's base32: no I, L, O or U to misread; 16 characters are 80 random bits.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16


def _normalise(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.replace("O", "0").replace("I", "1").replace("L", "1")


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode("ascii")).hexdigest()


def _format(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def looks_like_code(text: str) -> bool:
    return len(_normalise(text)) == LENGTH


def new_codes(factor: SecondFactor, now: dt.datetime | None = None) -> list[str]:
    """A fresh set for ``factor``; any unused codes of the old set stop working."""
    now = now or timezone.now()
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(
            factor=factor, used_at__isnull=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        RecoveryCode.objects.bulk_create(
            RecoveryCode(factor=factor, code_hash=_hash(code), created_at=now) for code in codes
        )
    return [_format(code) for code in codes]


def unused(factor: SecondFactor) -> int:
    return RecoveryCode.objects.filter(
        factor=factor, used_at__isnull=True, withdrawn_at__isnull=True
    ).count()


def use(factor: SecondFactor, code: str, now: dt.datetime | None = None) -> bool:
    """Spend ``code`` if it is one of ``factor``'s unused codes. One conditional UPDATE, so two
    requests at once cannot both spend it; a wrong code is counted towards the lockout."""
    now = now or timezone.now()
    locked = SecondFactor.objects.filter(pk=factor.pk, locked_until__gt=now).values_list(
        "locked_until", flat=True
    )
    for until in locked:
        raise totp.Locked(until)
    spent = RecoveryCode.objects.filter(
        factor=factor,
        factor__revoked_at__isnull=True,
        code_hash=_hash(code),
        used_at__isnull=True,
        withdrawn_at__isnull=True,
    ).update(used_at=now)
    if spent == 1:
        return True
    with transaction.atomic():
        SecondFactor.objects.filter(pk=factor.pk).update(failures=F("failures") + 1)
        SecondFactor.objects.filter(pk=factor.pk, failures__gte=totp.MAX_FAILURES).update(
            failures=0, locked_until=now + totp.LOCKOUT
        )
    return False
