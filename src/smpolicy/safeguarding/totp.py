"""The second factor: an authenticator app's time-based one-time passwords (RFC 6238).

pyotp computes the codes; this module adds what a school needs around them: a code is used once
(a replayed code is refused), five wrong codes lock the factor for 15 minutes, and the enrolment QR
code is drawn here as SVG (segno), so the secret never leaves the server for a QR service.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

import pyotp
import segno
from django.http import HttpRequest
from django.utils import timezone

from smpolicy.safeguarding.models import SecondFactor

SESSION_KEY = "smpolicy_second_factor"
ISSUER = "smpolicy"
WINDOW = 1  # one 30-second step either side, for a phone's clock a little out
MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
DEFAULT_IDLE_MINUTES = 30


def new_secret() -> str:
    return pyotp.random_base32(32)  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str, title: str = "QR code for your authenticator app") -> str:
    return segno.make(uri, error="m").svg_inline(
        scale=5, dark="#0b0c0c", light="#ffffff", title=title, border=4
    )


def group_secret(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step ``code`` belongs to, within the window around ``now``; None if none."""
    code = _clean(code)
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    for offset in range(-WINDOW, WINDOW + 1):
        moment = now + dt.timedelta(seconds=offset * totp.interval)
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


class Locked(Exception):
    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"locked until {until:%H:%M}")
        self.until = until


def check(factor: SecondFactor, code: str, now: dt.datetime | None = None) -> bool:
    """Whether ``code`` is right and unused; counts failures and locks after too many."""
    now = now or timezone.now()
    if factor.locked_until and factor.locked_until > now:
        raise Locked(factor.locked_until)
    step = matching_step(factor.secret, code, now)
    if step is None or step <= factor.last_step:
        factor.failures += 1
        if factor.failures >= MAX_FAILURES:
            factor.locked_until = now + LOCKOUT
            factor.failures = 0
        factor.save(update_fields=["failures", "locked_until"])
        return False
    factor.last_step = step
    factor.failures = 0
    factor.locked_until = None
    factor.save(update_fields=["last_step", "failures", "locked_until"])
    return True


def factor_of(user: Any) -> SecondFactor | None:
    """The account's authenticator app in use (a reset one is kept, revoked, and is not it)."""
    if user is None or not user.is_authenticated:
        return None
    return SecondFactor.objects.filter(user_id=user.pk, revoked_at__isnull=True).first()


def idle_limit(request: HttpRequest) -> dt.timedelta:
    """How long a verified session may go unused before the code is asked again: the school's
    choice, else DEFAULT_IDLE_MINUTES."""
    school = getattr(request, "school", None)
    minutes = getattr(school, "second_factor_idle_minutes", None) or DEFAULT_IDLE_MINUTES
    return dt.timedelta(minutes=minutes)


def mark_session(session: Any, user: Any, factor: SecondFactor, now: dt.datetime) -> None:
    """Record in ``session`` that ``user`` has just given a code of ``factor``."""
    moment = now.isoformat()
    session[SESSION_KEY] = {"user": user.pk, "factor": factor.pk, "at": moment, "last": moment}


def mark_verified(request: HttpRequest, factor: SecondFactor | None = None) -> None:
    factor = factor or factor_of(request.user)
    if factor is None:
        raise ValueError("an account without an authenticator app cannot be verified")
    # A new session key, so a session fixed before the second factor is not the one trusted.
    request.session.cycle_key()
    mark_session(request.session, request.user, factor, timezone.now())
    request._smpolicy_second_factor = True  # type: ignore[attr-defined]


def is_verified(request: HttpRequest, now: dt.datetime | None = None) -> bool:
    """Whether this session gave a code of the account's current authenticator app, and has been
    used since within the idle limit. Each positive answer counts as use; a stale or revoked one
    is forgotten, so the next page asks for the code again."""
    cached = getattr(request, "_smpolicy_second_factor", None)
    if cached is not None:
        return bool(cached)
    session = getattr(request, "session", None)
    value = session.get(SESSION_KEY) if session is not None else None
    user = getattr(request, "user", None)
    verified = False
    if isinstance(value, dict) and value.get("user") == getattr(user, "pk", None):
        now = now or timezone.now()
        try:
            last = dt.datetime.fromisoformat(str(value.get("last") or value.get("at")))
        except ValueError:
            last = None
        fresh = last is not None and now - last <= idle_limit(request)
        factor_id = value.get("factor")
        current = (
            fresh
            and factor_id is not None
            and SecondFactor.objects.filter(
                pk=factor_id, user_id=user.pk, revoked_at__isnull=True  # type: ignore[union-attr]
            ).exists()
        )
        if current:
            verified = True
            value["last"] = now.isoformat()
            session[SESSION_KEY] = value  # type: ignore[index]
        else:
            session.pop(SESSION_KEY, None)  # type: ignore[union-attr]
    request._smpolicy_second_factor = verified  # type: ignore[attr-defined]
    return verified
