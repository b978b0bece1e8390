"""The HTTP API (OpenAPI at /api/openapi.json, docs at /api/docs). Every route needs one of:

- ``Authorization: Bearer <key>``: a school's API key (smpolicy.schools.apikeys), for another
  system; it acts for the key's school, within the key's scopes;
- HTTP Basic: a person's account, for a script run by that person; sign-in throttling (axes)
  counts its wrong passwords like the sign-in form's;
- the browser's session, with its CSRF token.

Neither a key nor Basic needs a CSRF token: a browser sends neither by itself to another site, so a
forged request cannot carry them. The session's cookie it does send, so the session keeps CSRF.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBasicAuth, HttpBearer
from ninja.security.session import SessionAuth

import smpolicy
from smpolicy.asking.api import router as decisions_router
from smpolicy.posting.api import router as posting_router
from smpolicy.schools import apikeys
from smpolicy.schools.access import attach
from smpolicy.schools.clientaddress import client_address
from smpolicy.web.throttling import serial_sign_in


class ApiKeyAuth(HttpBearer):
    """A school's API key, allowed ``scope``."""

    def __init__(self, scope: str) -> None:
        if scope not in apikeys.SCOPES:
            raise ValueError(f"{scope!r} is not an API key scope")
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = apikeys.authorise(token, self.scope, client_address(request))
        if key is None:
            return None
        # The key acts for its school and for no person, even if a session cookie came along.
        request.user = AnonymousUser()
        request.api_key = key  # type: ignore[attr-defined]
        request.school = key.school  # type: ignore[attr-defined]
        request.person = None  # type: ignore[attr-defined]
        return key


class BasicAuth(HttpBasicAuth):
    def authenticate(self, request: HttpRequest, username: str, password: str) -> Any:
        # With the request, so django-axes counts a wrong password and refuses a locked account;
        # one at a time per account and address, so parallel guesses are counted before the next.
        with serial_sign_in(request, username):
            user = authenticate(request, username=username, password=password)
        if user is None or not user.is_active:
            return None
        request.user = user
        attach(request)  # the school and person follow the account, as for the session
        return user


class SignedInSession(SessionAuth):
    """ninja's django_auth, asking for the CSRF token only of a signed-in session: without one
    there is nothing a forged request could use, and the caller gets 401, not a CSRF error."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


def auth_for(scope: str) -> list[Any]:
    """The ways in, for the routes of ``scope``: a key first, so a key's caller is never asked
    for a CSRF token."""
    return [ApiKeyAuth(scope), BasicAuth(), SignedInSession()]


api = NinjaAPI(
    title="smpolicy",
    version=smpolicy.__version__,
    description="A school's social media policy as a service. Contracts: decisions, post checks, "
    "network log scans. Other systems authenticate with a school's API key "
    "(Authorization: Bearer smp_...), made by the headteacher or IT lead.",
    auth=auth_for("decisions"),
    urls_namespace="api",
)


@api.exception_handler(apikeys.KeyRefused)
def key_refused(request: HttpRequest, exc: apikeys.KeyRefused) -> HttpResponse:
    body = {"error": str(exc), "field": "Authorization"}
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {
        "detail": "Unauthorized",  # ninja's own answer, kept for callers that read it
        "error": "not signed in: send the school's API key (Authorization: Bearer smp_...), "
        "or HTTP Basic with an account's username and password",
        "field": "Authorization",
    }
    return api.create_response(request, body, status=401)


api.add_router("/", decisions_router, auth=auth_for("decisions"))
api.add_router("/", posting_router, auth=auth_for("posts"))

from smpolicy.web import api_errors  # noqa: E402, F401  registers the body-error handlers
