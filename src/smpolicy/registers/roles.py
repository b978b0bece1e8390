"""Who may do what in the registers.

The site's capabilities (``smpolicy.schools.access``) do not name these yet, so they follow here
from a person's role and posts, in one table, ready to move into ``schools.access`` as they are:

- ``own``: everyone the policy covers: declare their social contacts, do their profile review,
  acknowledge the policy, advise the headteacher of a professional judgement.
- ``lead``: the headteacher and senior leaders: acknowledge declarations, see who has not done
  what (by name), ask someone for a profile review, draft policy versions.
- ``see_declarations``: the leaders and the DSL team (read the register of declarations).
- ``sign_as_head`` / ``sign_as_chair``: sign a policy version off.
- ``governance``: governors, the Chair and the headteacher: the governors' report (counts only),
  the policy's versions, oversight.
- ``name_responsible``: record the DfE named responsible people (headteacher or the Chair).
- ``judgements``: read and answer professional-judgement advisories (the headteacher).
- ``subject_access``: answer subject access requests (the headteacher and the DSL team).

A superuser with no person at the school gets none: these records are about people, and the
deployment's administrator works through the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from smpolicy.registers.models import COVERED_ROLES
from smpolicy.safeguarding import totp
from smpolicy.safeguarding.access import second_factor_redirect
from smpolicy.schools.access import attach, forbidden, login_url
from smpolicy.schools.models import Person
from smpolicy.schools.positions import positions_of

REGISTER_CAPABILITIES: dict[str, str] = {
    "own": "declare social contacts, review your profiles and acknowledge the policy",
    "lead": "lead the registers (the headteacher and senior leaders)",
    "see_declarations": "read the register of declared social contacts",
    "sign_as_head": "sign the policy as the Headteacher",
    "sign_as_chair": "sign the policy as the Chair of Governors",
    "governance": "read the governors' reports and the policy's versions",
    "name_responsible": "name the people responsible for filtering and monitoring",
    "judgements": "read and answer professional-judgement advisories",
    "subject_access": "answer subject access requests",
}
_ROLE: dict[str, frozenset[str]] = {role: frozenset({"own"}) for role in COVERED_ROLES}
_ROLE["governor"] = frozenset({"own", "governance"})
_POST: dict[str, frozenset[str]] = {
    "headteacher": frozenset(
        {
            "lead",
            "see_declarations",
            "sign_as_head",
            "governance",
            "name_responsible",
            "judgements",
            "subject_access",
        }
    ),
    "senior_leadership": frozenset({"lead", "see_declarations"}),
    # The DSL team answers subject access requests too: only they decide on the safeguarding
    # records in one (see registers.sar).
    "dsl": frozenset({"see_declarations", "subject_access"}),
    "deputy_dsl": frozenset({"see_declarations", "subject_access"}),
    "chair_of_governors": frozenset({"sign_as_chair", "governance", "name_responsible"}),
}
_CACHE = "_registers_capabilities"


def register_capabilities(person: Person | None) -> frozenset[str]:
    if person is None:
        return frozenset()
    cached = getattr(person, _CACHE, None)
    if cached is not None:
        return cached
    found = set(_ROLE.get(person.role, frozenset()))
    for post in positions_of(person):
        found |= _POST.get(post, frozenset())
    result = frozenset(found)
    setattr(person, _CACHE, result)
    return result


def can(person: Person | None, capability: str) -> bool:
    if capability not in REGISTER_CAPABILITIES:
        raise ValueError(f"{capability!r} is not a register capability")
    return capability in register_capabilities(person)


ViewFunc = Callable[..., HttpResponse]


def requires_register(*any_of: str, second_factor: bool = False) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: sign in first; then the signed-in person must have one of ``any_of``;
    with ``second_factor``, the session must have given a code too (policy versions, subject
    access: the pages that decide what the policy is and what leaves the school)."""
    for name in any_of:
        if name not in REGISTER_CAPABILITIES:
            raise ValueError(f"{name!r} is not a register capability")

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url())
            if not hasattr(request, "person"):
                attach(request)
            person = request.person  # type: ignore[attr-defined]
            if person is None or request.school is None:  # type: ignore[attr-defined]
                return forbidden(
                    request,
                    "Your account is not linked to a person at a school, so there is nothing "
                    "to show here.",
                )
            if not any(can(person, name) for name in any_of):
                wanted = " or ".join(REGISTER_CAPABILITIES[name] for name in any_of)
                return forbidden(
                    request,
                    f"This page is for people who can {wanted}. Your account does not have "
                    "that permission.",
                )
            if second_factor and not totp.is_verified(request):
                return second_factor_redirect(request)
            return view(request, *args, **kwargs)

        wrapped.register_capabilities = any_of  # type: ignore[attr-defined]
        wrapped.second_factor = second_factor  # type: ignore[attr-defined]
        return wrapped

    return decorator
