"""Secrets kept sealed at rest: a stolen database copy or backup must not hand them over.

An authenticator app's TOTP secret is a password that never changes; whoever holds it can make
codes for ever. So it is stored sealed (Fernet: AES-128-CBC with an HMAC-SHA256 tag) under a key
the database does not hold: the keys in ``SMPOLICY_SEALING_KEYS`` (comma-separated Fernet keys,
the first seals, all unseal, so a key can be rotated), else one derived from ``SECRET_KEY`` with
HKDF, so the demo needs no configuration.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

# Values written before sealing came in: a TOTP secret is base32. A Fernet token never is.
_LEGACY_PLAIN = re.compile(r"[A-Z2-7]{16,128}={0,6}")


class SealError(ValueError):
    """A sealed value that no configured key opens (a wrong or lost key), said plainly."""


def _derived_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"smpolicy sealed v1")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8")))


@lru_cache(maxsize=4)
def _sealer(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    chosen = [k.encode("ascii") for k in keys] or [_derived_key(secret_key)]
    return MultiFernet([Fernet(k) for k in chosen])


def sealer() -> MultiFernet:
    keys = tuple(getattr(settings, "SMPOLICY_SEALING_KEYS", ()) or ())
    return _sealer(keys, settings.SECRET_KEY)


def seal(text: str) -> str:
    return sealer().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    try:
        return sealer().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise SealError(
            "A sealed secret could not be opened: SMPOLICY_SEALING_KEYS (or SECRET_KEY) is not "
            "the key it was sealed with."
        ) from exc


class SealedTextField(models.TextField):
    """Text sealed in the database, plain in Python. Not for lookups: sealing is randomised."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "" or _LEGACY_PLAIN.fullmatch(value):
            return value
        return unseal(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return seal(value)
