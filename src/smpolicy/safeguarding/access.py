"""Need to know: who may see which safeguarding record.

- Everyone who can log a concern sees the reports they made, and only what they added to them.
- The DSL team (capability ``safeguarding``) sees the safeguarding records: reports about children.
- The headteacher sees every report.
- Whoever a report was routed to (a line manager, the Chair of Governors for an allegation against
  the headteacher) sees that report.
- A report about a member of staff is hidden from that person, whatever post they hold.
- Governors see anonymised counts only.
- Cases are for the DSL team and the headteacher (and the Chair for cases whose every report was
  routed to them); a case shows only to someone who may see every report in it.

The same querysets answer lists and single pages, so a page can't show what its list hides.
Opening someone else's record needs a second factor; so does any record page for the DSL team,
the headteacher, the Chair and the deployment's administrators.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from smpolicy.safeguarding import totp
from smpolicy.safeguarding.models import Case, Involvement, Report
from smpolicy.schools.access import attach, capabilities, forbidden, login_url, person_for
from smpolicy.schools.models import Person
from smpolicy.schools.positions import positions_of


def posts(person: Person | None) -> set[str]:
    if person is None:
        return set()
    cached = getattr(person, "_sg_posts", None)
    if cached is None:
        cached = positions_of(person)
        person._sg_posts = cached  # type: ignore[attr-defined]
    return cached


def is_headteacher(person: Person | None) -> bool:
    return "headteacher" in posts(person)


def is_chair(person: Person | None) -> bool:
    return "chair_of_governors" in posts(person)


def is_dsl_team(user: Any) -> bool:
    return "safeguarding" in capabilities(user)


def privileged(user: Any) -> bool:
    """Accounts that need a second factor before any safeguarding record opens."""
    if user is None or not user.is_authenticated:
        return False
    person = person_for(user)
    return bool(user.is_staff or user.is_superuser or is_dsl_team(user) or is_chair(person))


def _about(person: Person) -> Q:
    subject_of = Involvement.objects.filter(person=person, role=Involvement.Role.SUBJECT)
    return Q(pk__in=subject_of.values("report_id")) & ~Q(reported_by=person)


def full_reports(person: Person | None, user: Any) -> Any:
    """Reports this person may open in full (not as the one who reported it)."""
    if person is None:
        return Report.objects.none()
    reports = Report.objects.for_school(person.school_id).exclude(_about(person))
    if is_headteacher(person):
        return reports
    allowed = Q(alerts__recipient=person)
    if is_dsl_team(user):
        allowed |= Q(is_safeguarding=True)
    return reports.filter(pk__in=reports.filter(allowed).values("pk"))


def own_reports(person: Person | None) -> Any:
    if person is None:
        return Report.objects.none()
    return Report.objects.for_school(person.school_id).filter(reported_by=person)


def visible_reports(person: Person | None, user: Any) -> Any:
    if person is None:
        return Report.objects.none()
    full = full_reports(person, user).values("pk")
    return Report.objects.for_school(person.school_id).filter(
        Q(pk__in=full) | Q(reported_by=person)
    )


def can_handle_cases(person: Person | None, user: Any) -> bool:
    return person is not None and (is_dsl_team(user) or is_headteacher(person) or is_chair(person))


def visible_cases(person: Person | None, user: Any) -> Any:
    if not can_handle_cases(person, user):
        return Case.objects.none()
    assert person is not None
    school_reports = Report.objects.for_school(person.school_id)
    hidden = school_reports.exclude(pk__in=full_reports(person, user).values("pk"))
    return (
        Case.objects.for_school(person.school_id)
        .filter(reports__isnull=False)
        .exclude(reports__in=hidden.values("pk"))
        .distinct()
    )


def can_send_file(person: Person | None, user: Any, pupil: Person) -> bool:
    """A pupil's child protection file is sent, and its transfers shown, only by someone who may
    open every report in it: a partial file would mislead the new school."""
    if not can_handle_cases(person, user) or person is None:
        return False
    reports = Report.objects.for_school(person.school_id).involving(pupil)
    return not reports.exclude(pk__in=full_reports(person, user).values("pk")).exists()


def can_see_chronologies(person: Person | None, user: Any) -> bool:
    return person is not None and (is_dsl_team(user) or is_headteacher(person))


# -- decorators ---------------------------------------------------------------------------------


ViewFunc = Callable[..., HttpResponse]


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url())
    if not hasattr(request, "school"):
        attach(request)
    if request.school is None or request.person is None:  # type: ignore[attr-defined]
        return forbidden(
            request,
            "Your account is not linked to a person at a school, so there are no safeguarding "
            "records for it to see.",
        )
    return None


def safe_next(request: HttpRequest) -> str:
    """Where to go after the second factor: the ``next`` asked for, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("safeguarding:index")


def login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path(), login_url())


def second_factor_redirect(request: HttpRequest) -> HttpResponse:
    target = (
        "safeguarding:second_factor_verify"
        if totp.factor_of(request.user) is not None
        else "safeguarding:second_factor_setup"
    )
    return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def signed_in_person(view: ViewFunc) -> ViewFunc:
    """Signed in and linked to a person at a school; a second factor for privileged accounts."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = _signed_in(request)
        if refused is not None:
            return refused
        if privileged(request.user) and not totp.is_verified(request):
            return second_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped


def second_factor_view(view: ViewFunc) -> ViewFunc:
    """Signed in, linked to a person at a school, and past the second factor, whoever they are:
    for the pages that change who may see safeguarding records."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = _signed_in(request)
        if refused is not None:
            return refused
        if not totp.is_verified(request):
            return second_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped


def case_handler_view(view: ViewFunc) -> ViewFunc:
    """A page for the DSL team, the headteacher (and the Chair): second factor, always."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = _signed_in(request)
        if refused is not None:
            return refused
        if not can_handle_cases(request.person, request.user):  # type: ignore[attr-defined]
            return forbidden(
                request,
                "This page is for the Designated Safeguarding Lead, their deputies and the "
                "headteacher.",
            )
        if not totp.is_verified(request):
            return second_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped
