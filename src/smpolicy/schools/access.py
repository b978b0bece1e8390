"""Who is signed in, for which school, and what they may do.

A capability is a named thing a person may do on the site. It follows from their role and the posts
they hold (see ROLE_CAPABILITIES and POST_CAPABILITIES); views ask for one with ``@requires``::

    @requires("safeguarding")
    def concerns(request): ...

An app that needs a new capability adds it to CAPABILITIES and to the tables below, so who may do
what stays in this one file.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from smpolicy.schools.models import Person, School
from smpolicy.schools.positions import positions_of

CAPABILITIES: dict[str, str] = {
    "ask_policy": "Ask what the social media policy says about a situation",
    "check_post": "Check a post against the policy before it is published",
    "log_concern": "Record a concern about something that happened online",
    "manage_people": "Manage the school's people: staff, pupils, parents and governors",
    "safeguarding": "See and act on safeguarding records (the DSL team)",
    "governor_reports": "Read the governors' reports",
    "network_monitoring": "Review what the network filtering and monitoring found",
    "manage_api_keys": "Make and revoke the API keys other systems use to call smpolicy",
    "mis_sync": "Connect the school's MIS through Wonde and run its sync",
}

_REPRESENTATIVE = frozenset({"ask_policy", "check_post"})
_WORKFORCE = _REPRESENTATIVE | {"log_concern"}

# What each role may do, whatever posts they hold.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    "staff": _WORKFORCE,
    "volunteer": _WORKFORCE,
    "trainee": _WORKFORCE,
    "third_party": _REPRESENTATIVE,
    "elected_member": _REPRESENTATIVE,
    # Governors report what the policy says must be reported, as staff do (issue 3).
    "governor": _REPRESENTATIVE | {"log_concern", "governor_reports"},
    "pupil": frozenset(),
    "parent": frozenset(),
}
# What each post adds.
POST_CAPABILITIES: dict[str, frozenset[str]] = {
    "headteacher": frozenset(
        {"manage_people", "safeguarding", "network_monitoring", "manage_api_keys", "mis_sync"}
    ),
    "dsl": frozenset({"safeguarding", "network_monitoring"}),
    "deputy_dsl": frozenset({"safeguarding", "network_monitoring"}),
    # The school business manager is usually on the senior leadership team.
    "senior_leadership": frozenset({"manage_people", "mis_sync"}),
    "chair_of_governors": frozenset({"governor_reports"}),
    "it_lead": frozenset({"network_monitoring", "manage_api_keys", "mis_sync"}),
}
# A superuser (the deployment's administrator) manages people, but reads no safeguarding records
# unless their own post allows it: child protection files are open only to safeguarding staff.
SUPERUSER_CAPABILITIES: frozenset[str] = frozenset({"manage_people"})


class SchoolRequest(HttpRequest):
    """An HttpRequest as CurrentSchoolMiddleware leaves it (for type hints in views)."""

    school: School | None
    person: Person | None


_PERSON_CACHE = "_smpolicy_person"
_CAPABILITY_CACHE = "_smpolicy_capabilities"


def person_for(user: Any) -> Person | None:
    """The Person linked to a signed-in ``user``; None when anonymous or not linked."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, _PERSON_CACHE):
        person = Person.objects.select_related("school").filter(user_id=user.pk).first()
        setattr(user, _PERSON_CACHE, person)
    return getattr(user, _PERSON_CACHE)


def school_for(user: Any) -> School | None:
    """The school ``user`` works in: their person's school.

    A superuser not linked to a person gets the deployment's school when it runs exactly one, and
    None on a deployment of many schools (they work through the admin, which shows every school).
    """
    person = person_for(user)
    if person is not None:
        return person.school
    if user is not None and user.is_authenticated and user.is_superuser:
        schools = list(School.objects.all()[:2])
        if len(schools) == 1:
            return schools[0]
    return None


def capabilities(user: Any) -> frozenset[str]:
    """Everything ``user`` may do: from their role, their posts, and being a superuser."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CAPABILITY_CACHE, None)
    if cached is not None:
        return cached
    found: set[str] = set(SUPERUSER_CAPABILITIES) if user.is_superuser else set()
    person = person_for(user)
    if person is not None:
        found |= ROLE_CAPABILITIES.get(person.role, frozenset())
        for post in positions_of(person):
            found |= POST_CAPABILITIES.get(post, frozenset())
    result = frozenset(found)
    setattr(user, _CAPABILITY_CACHE, result)
    return result


def attach(request: HttpRequest) -> SchoolRequest:
    """Set ``request.person`` and ``request.school`` (what CurrentSchoolMiddleware does)."""
    user = getattr(request, "user", None)
    request.person = person_for(user)  # type: ignore[attr-defined]
    request.school = school_for(user)  # type: ignore[attr-defined]
    return request  # type: ignore[return-value]


def login_url() -> str:
    return reverse("schools:login")


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    """The 403 page, saying why in plain words."""
    return render(request, "403.html", {"reason": reason}, status=403)


ViewFunc = Callable[..., HttpResponse]


def requires(capability: str) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: sends the anonymous to sign in, and answers 403 with a page saying what is
    missing to a user without ``capability`` or not linked to a school."""
    if capability not in CAPABILITIES:
        raise ValueError(
            f"{capability!r} is not a capability; use one of {', '.join(CAPABILITIES)}"
        )

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url())
            if capability not in capabilities(request.user):
                return forbidden(
                    request,
                    f"This page is for people who can: {CAPABILITIES[capability].lower()}. "
                    "Your account does not have that permission. If you need it, ask your "
                    "headteacher or the person who manages accounts at your school.",
                )
            if not hasattr(request, "school"):
                attach(request)
            if request.school is None:  # type: ignore[attr-defined]
                return forbidden(
                    request,
                    "Your account is not linked to a school, so there is nothing to show here.",
                )
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability  # type: ignore[attr-defined]
        return wrapped

    return decorator
