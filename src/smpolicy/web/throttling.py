"""What django-axes says when it refuses a sign-in, and how it names the account.

The sign-in form gets a page in the site's style saying until when; the API (HTTP Basic) gets JSON
in the contracts' error shape with HTTP 429 and Retry-After. Settings: the "Sign-in throttling"
block at the end of settings.py.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

API_PREFIX = "/api/"
STATUS = 429


def username_of(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The account tried, folded, so ``DSL`` and ``dsl `` count against the same allowance."""
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "") if request.method == "POST" else ""
    return str(raw).strip().casefold()


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
                f"try again after {at} ({seconds} seconds)",
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
