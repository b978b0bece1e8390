"""Posts and access (who holds the posts that open safeguarding records, changed only with a
second person's confirmation), and the recovery codes that stand in for a lost phone."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from smpolicy.safeguarding import access, access_changes, audit, recovery, totp
from smpolicy.safeguarding.access_forms import ChangeRequestForm, DecisionForm, RecoveryCodeForm
from smpolicy.safeguarding.models import AccessChange
from smpolicy.schools.access import SchoolRequest, capabilities, forbidden
from smpolicy.schools.models import Position
from smpolicy.schools.positions import holders


def _may_use_page(request: SchoolRequest) -> bool:
    """Who asks for changes (people managers, the DSL team) or may confirm them (the
    headteacher, the Chair)."""
    found = capabilities(request.user)
    return bool(
        {"manage_people", "safeguarding"} & found
        or access.is_headteacher(request.person)
        or access.is_chair(request.person)
    )


def _holders(request: SchoolRequest) -> list[tuple[str, list[object]]]:
    school = request.school
    assert school is not None
    return [
        (label, list(holders(school, kind)))
        for kind, label in Position.Kind.choices
        if kind in Position.GUARDED
    ]


@access.second_factor_view
def access_changes_page(request: SchoolRequest) -> HttpResponse:
    if not _may_use_page(request):
        return forbidden(
            request,
            "This page is for the headteacher, the Chair of Governors, the DSL team and the "
            "people who manage the school's people.",
        )
    school = request.school
    person = request.person
    assert school is not None and person is not None
    form = ChangeRequestForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = access_changes.request_change(
                school,
                data["what"],
                data["person"],
                requested_by=person,
                reason=data["reason"],
                post=data.get("post") or "",
                starts_on=data.get("starts_on"),
                request=request,
            )
        except (access_changes.ChangeRefused, ValidationError) as exc:
            form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            who = ", ".join(p.full_name for p in access_changes.confirmers(change))
            messages.success(
                request,
                f"Asked: {access_changes.describe(change)}. It takes effect once "
                f"{who or 'someone who may confirm it'} confirms it with their second factor.",
            )
            return HttpResponseRedirect(reverse("safeguarding:access_changes"))
    changes = list(
        AccessChange.objects.for_school(school)
        .select_related("person", "requested_by", "decided_by", "school")
        .order_by("-requested_at", "-id")[:50]
    )
    rows = [
        {
            "change": change,
            "text": access_changes.describe(change),
            "may_confirm": change.status == AccessChange.Status.PENDING
            and access_changes.may_confirm(change, person),
            "may_withdraw": change.status == AccessChange.Status.PENDING
            and change.requested_by_id == person.pk,
            "confirmers": ", ".join(p.full_name for p in access_changes.confirmers(change))
            or "nobody yet (the school needs a headteacher or a Chair)",
        }
        for change in changes
    ]
    return render(
        request,
        "safeguarding/access_changes.html",
        {
            "form": form,
            "holders": _holders(request),
            "pending": [row for row in rows if row["change"].status == "pending"],
            "decided": [row for row in rows if row["change"].status != "pending"][:20],
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
@access.second_factor_view
def access_change_decide(request: SchoolRequest, pk: int) -> HttpResponse:
    person = request.person
    assert person is not None
    change = get_object_or_404(AccessChange.objects.for_school(request.school), pk=pk)
    if not _may_use_page(request):
        raise Http404("No such request")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose to confirm, refuse or withdraw the request.")
        return HttpResponseRedirect(reverse("safeguarding:access_changes"))
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    act = {
        "confirm": access_changes.confirm,
        "refuse": access_changes.refuse,
    }
    try:
        if decision == "withdraw":
            access_changes.withdraw(change, person, request=request)
        else:
            act[decision](change, person, note=note, request=request)
    except (access_changes.ChangeRefused, ValidationError) as exc:
        text = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        done = {"confirm": "Confirmed", "refuse": "Refused", "withdraw": "Withdrawn"}[decision]
        messages.success(request, f"{done}: {access_changes.describe(change)}.")
    return HttpResponseRedirect(reverse("safeguarding:access_changes"))


@access.second_factor_view
def recovery_codes(request: SchoolRequest) -> HttpResponse:
    factor = totp.factor_of(request.user)
    assert factor is not None  # second_factor_view saw to it
    codes: list[str] = []
    if request.method == "POST":
        codes = recovery.new_codes(factor)
        audit.record(
            "new_recovery_codes",
            None,
            school=request.school,  # type: ignore[arg-type]
            request=request,
            record_type="second_factor",
        )
    return render(
        request,
        "safeguarding/recovery_codes.html",
        {"codes": codes, "unused": recovery.unused(factor), "next": ""},
    )


def second_factor_recover(request: SchoolRequest) -> HttpResponse:
    """Sign in's second step with a recovery code instead of the app's code."""
    if not request.user.is_authenticated:
        return access.login_redirect(request)
    factor = totp.factor_of(request.user)
    if factor is None:
        return HttpResponseRedirect(
            f"{reverse('safeguarding:second_factor_setup')}?next={access.safe_next(request)}"
        )
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ok = recovery.use(factor, form.cleaned_data["code"])
        except totp.Locked as exc:
            form.add_error(
                "code",
                f"Too many wrong codes. Try again after {timezone.localtime(exc.until):%H:%M}.",
            )
        else:
            school = request.school
            if school is not None:
                audit.record(
                    "recovery_code",
                    None,
                    school=school,
                    request=request,
                    record_type="second_factor",
                    note="used" if ok else "wrong code",
                )
            if ok:
                totp.mark_verified(request, factor)
                left = recovery.unused(factor)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. If your phone is lost, ask for your "
                    "authenticator app to be reset, and make new codes once you have a new one.",
                )
                return HttpResponseRedirect(access.safe_next(request))
            form.add_error(
                "code", "That is not one of your recovery codes, or it was used already."
            )
    return render(
        request,
        "safeguarding/second_factor_recover.html",
        {"form": form, "next": access.safe_next(request)},
        status=422 if request.method == "POST" else 200,
    )
