"""The address of the client a request comes from.

A minimal stand-in: the hardening work replaces this module with one that reads the reverse proxy's
forwarded-for header only from trusted proxies. Everything that needs a client's address (sign-in
throttling through django-axes, the parents' concern links) asks here, so that change is one place.
"""

from __future__ import annotations

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")
