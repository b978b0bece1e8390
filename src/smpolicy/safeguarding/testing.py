"""For tests in any app: a session that has passed the second factor.

    from smpolicy.safeguarding.testing import pass_second_factor

    client.force_login(user)
    pass_second_factor(client, user)

The account gets an authenticator app if it has none, and the session is marked as the
second-factor page marks it, so the idle limit and a reset apply to it as to a real one.
"""

from __future__ import annotations

from typing import Any

import pyotp
from django.test import Client
from django.utils import timezone

from smpolicy.safeguarding import totp
from smpolicy.safeguarding.models import SecondFactor


def enrol(user: Any) -> SecondFactor:
    factor = totp.factor_of(user)
    if factor is None:
        factor = SecondFactor.objects.create(user=user, secret=pyotp.random_base32(32))
    return factor


def pass_second_factor(client: Client, user: Any, at: Any = None) -> SecondFactor:
    factor = enrol(user)
    session = client.session
    totp.mark_session(session, user, factor, at or timezone.now())
    session.save()
    return factor
