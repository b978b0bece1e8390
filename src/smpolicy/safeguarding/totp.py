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
from django.db.models import Case, DateTimeField, F, Q, Value, When
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
    """Whether ``code`` is right and unused; counts failures and locks after too many.

    Parallel sessions share one allowance. Each attempt is first *admitted* by one conditional
    UPDATE that counts it as a failure (and sets the lock when it is the MAX_FAILURESth) unless the
    factor is locked; only an admitted attempt has its code compared. Reading the count, adding one
    in Python and saving would let 24 parallel requests all read the same count (issue 10).
    A right code then claims its time step with another conditional UPDATE, so a code replayed in
    parallel is accepted once.
    """
    now = now or timezone.now()
    rows = SecondFactor.objects.filter(pk=factor.pk)
    reaches_limit = Q(failures__gte=MAX_FAILURES - 1)
    admitted = rows.filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now)).update(
        failures=Case(When(reaches_limit, then=Value(0)), default=F("failures") + 1),
        locked_until=Case(
            When(reaches_limit, then=Value(now + LOCKOUT)),
            default=Value(None),
            output_field=DateTimeField(),
        ),
    )
    if not admitted:
        until = rows.values_list("locked_until", flat=True).first()
        raise Locked(until if until is not None and until > now else now + LOCKOUT)
    step = matching_step(factor.secret, code, now)
    accepted = step is not None and bool(
        rows.filter(last_step__lt=step).update(last_step=step, failures=0, locked_until=None)
    )
    factor.refresh_from_db(fields=["last_step", "failures", "locked_until"])
    return accepted


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
