"""Parallel sessions get no more guesses at the second factor than one session (issue 10).

An attacker with a DSL's password opened 24 sessions and guessed codes in parallel: 80 guesses in
4.5 s, because each request read the failure count, added one in Python and saved. These tests
run real threads, each with its own database connection, against the test database (SQLite and
PostgreSQL), and count how many codes were actually compared.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parallel import in_parallel
from smpolicy.safeguarding import totp
from smpolicy.safeguarding.models import SecondFactor

from .conftest import code_for, enrol, sign_in

THREADS = 24
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def compared(monkeypatch) -> list[str]:
    """Every code the second factor actually compared, from any thread."""
    seen: list[str] = []
    lock = threading.Lock()
    real = totp.matching_step

    def counting(secret: str, code: str, now):
        with lock:
            seen.append(code)
        return real(secret, code, now)

    monkeypatch.setattr(totp, "matching_step", counting)
    return seen


def wrong_code(factor: SecondFactor, now) -> str:
    right = {code_for(factor, now + timezone.timedelta(seconds=s)) for s in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def test_parallel_wrong_codes_get_no_more_guesses_than_one_session(straits, compared):
    factor = enrol(straits.dsl)
    now = timezone.now()
    wrong = wrong_code(factor, now)

    def guess(_: int) -> str:
        mine = SecondFactor.objects.get(pk=factor.pk)  # as each request loads it
        try:
            return "right" if totp.check(mine, wrong, now) else "wrong"
        except totp.Locked:
            return "locked"

    outcomes = Counter(in_parallel(guess))
    assert set(outcomes) <= {"wrong", "locked"}, outcomes  # no errors, nothing accepted
    assert len(compared) <= totp.MAX_FAILURES, f"{len(compared)} codes compared: {outcomes}"
    assert outcomes["wrong"] == len(compared)
    assert outcomes["locked"] >= THREADS - totp.MAX_FAILURES
    # Locked now, even for the right code.
    with pytest.raises(totp.Locked):
        totp.check(SecondFactor.objects.get(pk=factor.pk), code_for(factor, now), now)


def test_a_right_code_sent_in_parallel_is_accepted_once(straits):
    factor = enrol(straits.dsl)
    now = timezone.now()
    code = code_for(factor, now)

    def send(_: int) -> object:
        try:
            return totp.check(SecondFactor.objects.get(pk=factor.pk), code, now)
        except totp.Locked:
            return "locked"

    outcomes = Counter(in_parallel(send, threads=8))
    assert outcomes[True] == 1, outcomes
    assert set(outcomes) <= {True, False, "locked"}, outcomes


def test_parallel_sessions_on_the_verify_page_share_one_allowance(guarded_db, straits, compared):
    """The attack as it was made: many signed-in sessions of one account posting codes."""
    factor = enrol(straits.dsl)
    wrong = wrong_code(factor, timezone.now())
    clients = [sign_in(Client(), straits.dsl, second_factor=False) for _ in range(THREADS)]
    url = reverse("safeguarding:second_factor_verify")

    def post(i: int) -> str:
        page = clients[i].post(url, {"code": wrong}).content.decode()
        if "Too many wrong codes" in page:
            return "locked"
        return "wrong" if "not right" in page else page

    outcomes = Counter(in_parallel(post))
    assert set(outcomes) <= {"wrong", "locked"}, outcomes
    assert len(compared) <= totp.MAX_FAILURES, f"{len(compared)} codes compared: {outcomes}"
    assert outcomes["locked"] >= THREADS - totp.MAX_FAILURES
