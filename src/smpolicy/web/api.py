"""The HTTP API (OpenAPI at /api/openapi.json, docs at /api/docs). Every route needs a signed-in
user: the browser's session (with its CSRF token), or HTTP Basic for another system's account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBasicAuth, django_auth

import smpolicy
from smpolicy.asking.api import router as decisions_router
from smpolicy.posting.api import router as posting_router
from smpolicy.schools.access import attach


class BasicAuth(HttpBasicAuth):
    def authenticate(self, request: HttpRequest, username: str, password: str) -> Any:
        user = authenticate(request, username=username, password=password)
        if user is None or not user.is_active:
            return None
        request.user = user
        attach(request)  # the school and person follow the account, as for the session
        return user


api = NinjaAPI(
    title="smpolicy",
    version=smpolicy.__version__,
    description="A school's social media policy as a service. Contracts: decisions, post checks, "
    "network log scans.",
    auth=[django_auth, BasicAuth()],
    urls_namespace="api",
)
api.add_router("/", decisions_router)
api.add_router("/", posting_router)
from smpolicy.web import api_errors  # noqa: E402, F401  registers the body-error handlers
