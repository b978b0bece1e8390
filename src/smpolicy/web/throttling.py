"""Sign-in throttling around django-axes: one password check at a time per account and client
address, how axes names the account, and what it says when it refuses.

Axes asks "is this pair locked?" before the password is checked and counts the failure after, so
24 parallel guesses would all be let through before the first was counted. ``serial_sign_in``
makes the check, the password and the count one step per pair (SerialSignInMiddleware for the
sign-in forms, smpolicy.web.api for HTTP Basic).

The sign-in form gets a page in the site's style saying until when; the API (HTTP Basic) gets JSON
in the contracts' error shape with HTTP 429 and Retry-After. Settings: the "Sign-in throttling"
block at the end of settings.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from smpolicy.schools.clientaddress import client_address
from smpolicy.words import counted

API_PREFIX = "/api/"
STATUS = 429


def username_of(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The account tried, folded, so ``DSL`` and ``dsl `` count against the same allowance."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "") if request.method == "POST" else ""
    return str(raw).strip().casefold()


_process_locks: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()
_process_locks_guard = threading.Lock()


def _pair_id(request: HttpRequest, username: str) -> int:
    pair = f"{username_of(request, {'username': username})}\n{client_address(request)}"
    return int.from_bytes(hashlib.sha256(pair.encode()).digest()[:8], "big", signed=True)


@contextmanager
def serial_sign_in(request: HttpRequest, username: str) -> Iterator[None]:
    """Hold the sign-in of ``username`` from this client address while one password is checked
    and counted. PostgreSQL: a transaction-scoped advisory lock, shared by every worker process.
    SQLite (the demo, one process): a lock in this process, as SQLite has no advisory locks."""
    pair = _pair_id(request, username)
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [pair])
            yield
        return
    with _process_locks_guard:
        lock = _process_locks.get(pair)
        if lock is None:
            lock = _process_locks[pair] = threading.Lock()
    with lock:
        yield


SIGN_IN_URL_NAMES = ("schools:login", "admin:login", "account_login")


def _sign_in_paths() -> frozenset[str]:
    paths = set()
    for name in SIGN_IN_URL_NAMES:  # account_login: django-allauth's, where it is installed
        try:
            paths.add(reverse(name))
        except NoReverseMatch:
            continue
    return frozenset(paths)


class SerialSignInMiddleware:
    """A password posted to a sign-in form is checked one at a time per account and client
    address (see serial_sign_in). Other requests pass untouched: their bodies are not read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.paths: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            if self.paths is None:
                self.paths = _sign_in_paths()
            if request.path in self.paths:
                username = request.POST.get("username") or request.POST.get("login") or ""
                with serial_sign_in(request, username):
                    return self.get_response(request)
        return self.get_response(request)


def locked_until(request: HttpRequest, credentials: dict[str, Any] | None = None) -> dt.datetime:
    """When this account may try again from this client address."""
    cool_off = get_cool_off(request) or dt.timedelta(0)
    last = (
        AccessAttempt.objects.filter(
            username=username_of(request, credentials),
            ip_address=getattr(request, "axes_ip_address", None) or get_client_ip_address(request),
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (last or timezone.now()) + cool_off


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    until = locked_until(request, credentials)
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    at = f"{timezone.localtime(until):%H:%M}"
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse(
            {
                "error": f"too many failed sign-ins for this account from this address; "
                f"try again after {at} ({counted(seconds, 'second')})",
                "field": "Authorization",
                "retry_after": seconds,
            },
            status=STATUS,
        )
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"until": until, "minutes": math.ceil(seconds / 60)},
            status=STATUS,
        )
    response["Retry-After"] = str(seconds)
    return response
