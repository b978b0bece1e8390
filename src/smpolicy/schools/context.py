"""Template context: the current school, the signed-in person, and what they may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from smpolicy.schools.access import attach, capabilities


def school(request: HttpRequest) -> dict[str, Any]:
    """``school``, ``person`` and ``capabilities`` (a frozenset of names) for every template."""
    if not hasattr(request, "school"):
        attach(request)
    return {
        "school": request.school,  # type: ignore[attr-defined]
        "person": request.person,  # type: ignore[attr-defined]
        "capabilities": capabilities(getattr(request, "user", None)),
    }
