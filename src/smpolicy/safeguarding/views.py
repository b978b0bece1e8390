"""The safeguarding pages: reporting, alerts, records, evidence, cases, retention, transfers,
governors' counts, the second factor, and parents' concerns.

Every page that shows a record asks ``access`` what this person may see, and writes what it showed
to the audit log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_POST

from smpolicy.jobs import exports
from smpolicy.safeguarding import (
    access,
    alerts,
    audit,
    evidence,
    forms,
    intake,
    recovery,
    telling,
    totp,
)
from smpolicy.safeguarding import destruction as destroying
from smpolicy.safeguarding import retention as keeping
from smpolicy.safeguarding import transfer as transferring
from smpolicy.safeguarding.models import (
    Advice,
    Alert,
    AuditEntry,
    Case,
    CaseAction,
    EmailVerification,
    Evidence,
    EvidenceText,
    Involvement,
    Outcome,
    PoliceReferral,
    Report,
    SecondFactor,
    Transfer,
)
from smpolicy.schools.access import capabilities, forbidden
from smpolicy.schools.clientaddress import client_address
from smpolicy.schools.mailing import email_later
from smpolicy.schools.models import Person, School
from smpolicy.schools.positions import dsl_team, headteacher
from smpolicy.words import counted, plural

PARENT_LINK_HOURS = 24
# Links sent to one e-mail address: its owner's inbox is not flooded by someone else's asking.
PARENT_LINKS_PER_HOUR = 3
PARENT_LINKS_PER_DAY = 10
# Links asked for from one client address, whatever the addresses: so one client cannot send
# mail to any number of people. Generous, as parents at a school event share its guest Wi-Fi.
PARENT_CLIENT_LINKS_PER_HOUR = 10
PARENT_CLIENT_LINKS_PER_DAY = 30
# Rows a page of the report list and of the alerts shows.
PER_PAGE = 50
REPORT_LIST_FIELDS = (
    "school_id", "reference", "kind", "status", "urgent", "first_opened_at", "occurred_at",
    "recorded_at", "reporter_name", "reported_by__first_name", "reported_by__preferred_name",
    "reported_by__last_name", "case__reference",
)
CHRONOLOGY_UNREAD = (
    "account", "others_involved", "details", "situation", "decision", "clauses", "categories",
)
ALERT_LIST_FIELDS = (
    "school_id", "report_id", "recipient_id", "when", "reason", "level", "created_at", "seen_at",
    "report__school_id", "report__reference",
)


def _ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    person = request.person  # type: ignore[attr-defined]
    user = request.user
    return {
        "can_report": "log_concern" in capabilities(user),
        "can_handle": access.can_handle_cases(person, user),
        "can_count": "governor_reports" in capabilities(user) or access.is_headteacher(person),
        "unseen_alerts": Alert.objects.for_school(request.school)  # type: ignore[attr-defined]
        .filter(recipient=person, seen_at__isnull=True)
        .count()
        if person is not None
        else 0,
        **extra,
    }


def _person(request: HttpRequest) -> Person:
    return request.person  # type: ignore[attr-defined]


def _school(request: HttpRequest) -> School:
    return request.school  # type: ignore[attr-defined]


# -- the app's front page ----------------------------------------------------------------------


@access.signed_in_person
def index(request: HttpRequest) -> HttpResponse:
    context = _ctx(request)
    person = _person(request)
    if not (
        context["can_report"]
        or context["can_handle"]
        or context["can_count"]
        or context["unseen_alerts"]
    ):
        return forbidden(request, "There are no safeguarding pages for your account.")
    context["my_count"] = access.own_reports(person).count()
    if context["can_handle"]:
        full = access.full_reports(person, request.user)
        context["new_count"] = full.filter(status=Report.Status.NEW).count()
        context["open_cases"] = (
            access.visible_cases(person, request.user).filter(status=Case.Status.OPEN).count()
        )
        context["overdue_actions"] = (
            CaseAction.objects.for_school(_school(request))
            .filter(
                case__in=access.visible_cases(person, request.user),
                done_at__isnull=True,
                due_on__lt=timezone.localdate(),
            )
            .count()
        )
    return render(request, "safeguarding/index.html", context)


# -- reporting -------------------------------------------------------------------------------


def _can_report(request: HttpRequest) -> HttpResponse | None:
    if "log_concern" not in capabilities(request.user):
        return forbidden(
            request,
            "Reports are made by staff, volunteers and governors. If you need to report "
            "something, tell the Designated Safeguarding Lead in person.",
        )
    return None


def _asked(params: Any, named: Person | None) -> str:
    """What the person told Ask the policy, in words, to start the account with (they edit it):
    the answers the report form has no question of its own for are kept so."""
    from smpolicy.asking import labels

    who = labels.COUNTERPART.get(params.get("counterpart", ""), "")
    facts = [f"{who}{f' ({named.full_name})' if named is not None else ''}" if who else ""]
    if params.get("age", "").isdigit():
        facts.append(f"aged {params['age']}")
    if params.get("on_roll") in labels.ON_ROLL and params["on_roll"]:
        facts.append(labels.ON_ROLL[params["on_roll"]].lower())
    for key, words in (("action", labels.ACTION), ("account", labels.ACCOUNT),
                       ("network", labels.NETWORK), ("device", labels.DEVICE)):
        if params.get(key) in words and params[key]:
            facts.append(words[params[key]].lower())
    if params.get("platform"):
        facts.append(f"on {params['platform']}")
    if params.get("on_premises") in ("yes", "no"):
        facts.append("on the school's premises" if params["on_premises"] == "yes"
                     else "not on the school's premises")
    said = "; ".join(f for f in facts if f)
    return f"What I told Ask the policy: {said}.\n\n" if said else ""


def _prefill(params: Any, school: School | None = None) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    named = None
    if school is not None and params.get("person", "").isdigit():
        named = Person.objects.for_school(school).filter(pk=int(params["person"])).first()
        if named is not None and named.is_pupil:
            initial["pupils"] = [named.pk]
    if asked := _asked(params, named):
        initial["account"] = asked
    if params.get("platform"):
        initial["platform"] = params["platform"]
        initial["evidence_platform"] = params["platform"]
    if params.get("account") in intake.ACCOUNTS:
        initial["channel_account"] = params["account"]
    if params.get("counterpart") in intake.CONTACT_FROM:
        initial["contact_from"] = params["counterpart"]
    if params.get("role") in intake.CONTACT_FROM:
        initial["contact_from"] = params["role"]
    if params.get("action") in intake.CONTACT_HOW:
        initial["contact_how"] = params["action"]
    now = timezone.localtime()
    initial.setdefault("occurred_date", now.date())
    initial.setdefault("occurred_time", now.time().replace(second=0, microsecond=0))
    return initial


@access.signed_in_person
def report_new(request: HttpRequest) -> HttpResponse:
    refused = _can_report(request)
    if refused is not None:
        return refused
    params = request.GET
    kind = params.get("kind") or intake.kind_from_situation(params.dict())
    valid_kinds = dict(forms.STAFF_KINDS)
    if kind not in valid_kinds:
        chooser = forms.KindForm(params if "kind" in params else None)
        return render(request, "safeguarding/report_kind.html", _ctx(request, form=chooser))
    school, person = _school(request), _person(request)
    if request.method == "POST":
        form = forms.ReportForm(
            request.POST, request.FILES, school=school, reporter=person, kind=kind
        )
        if form.is_valid():
            report = _save_report(request, form)
            if report is not None:
                return redirect("safeguarding:report_detail", report.pk)
    else:
        form = forms.ReportForm(
            initial=_prefill(params, school), school=school, reporter=person, kind=kind,
            searched=params,
        )
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "safeguarding/report_form.html",
        _ctx(request, form=form, kind=kind, kind_label=valid_kinds[kind]),
        status=status,
    )


def _save_report(request: HttpRequest, form: forms.ReportForm) -> Report | None:
    school, person = _school(request), _person(request)
    answers = form.answers()
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            report, found_routes = intake.create_report(school, answers)
            stored = _store_evidence(report, form, person)
            made = alerts.raise_alerts(report, found_routes)
            telling.report_received(report)
            audit.record(
                "create",
                report,
                school=school,
                request=request,
                note=f"{len(stored)} evidence item(s); {len(made)} alert(s)",
            )
            for item in stored:
                audit.record("add_evidence", item, school=school, request=request)
            if access.full_reports(person, request.user).filter(pk=report.pk).exists():
                alerts.mark_opened(report, person)
    except evidence.UploadRefused as exc:
        _remove_files(stored)
        form.add_error("files", str(exc))
        return None
    except BaseException:
        _remove_files(stored)
        raise
    _read_text(stored)
    told = sorted({a.recipient.full_name for a in report.alerts.select_related("recipient")})
    messages.success(
        request,
        f"Your report {report.reference} is recorded."
        + (
            f" {len(told)} {'person has' if len(told) == 1 else 'people have'} been alerted."
            if told
            else ""
        ),
    )
    return report


def _store_evidence(
    report: Report, form: forms.EvidenceFields, person: Person, corrects: Evidence | None = None
) -> list[Evidence]:
    data = form.cleaned_data
    stored: list[Evidence] = []
    common = {
        "added_by": person,
        "captured_at": form.captured_at(),
        "platform": data.get("evidence_platform") or data.get("platform") or "",
        "description": data.get("evidence_description", ""),
        "corrects": corrects,
        "correction_reason": data.get("correction_reason", "") if corrects else "",
    }
    try:
        for upload in data.get("files") or []:
            stored.append(
                evidence.add_file(
                    report, upload, address=data.get("address", ""), read_text=False, **common
                )
            )
        if data.get("link"):
            stored.append(evidence.add_link(report, data["link"], **common))
    except BaseException:
        _remove_files(stored)
        raise
    return stored


def _remove_files(items: list[Evidence]) -> None:
    for item in items:
        if item.is_file:
            with contextlib.suppress(FileNotFoundError):
                item.absolute_path().unlink()


def _read_text(items: list[Evidence]) -> None:
    for item in items:
        evidence.read_evidence_text(item)


def _report_or_404(request: HttpRequest, pk: int) -> Report:
    report = (
        access.visible_reports(_person(request), request.user)
        .select_related("reported_by", "case", "dsl_told", "first_opened_by", "school")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("No such report")
    return report


def _is_full(request: HttpRequest, report: Report) -> bool:
    return access.full_reports(_person(request), request.user).filter(pk=report.pk).exists()


@access.signed_in_person
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    person = _person(request)
    full = _is_full(request, report)
    if full and not totp.is_verified(request):
        return access.second_factor_redirect(request)
    items = (
        Evidence.objects.filter(report=report)
        .prefetch_related(Prefetch("texts", queryset=EvidenceText.objects.order_by("id")))
        .select_related("added_by", "corrects")
    )
    if not full:
        items = items.filter(added_by=person)
    if full and report.reported_by_id != person.pk:
        alerts.mark_opened(report, person)
    audit.record(
        "view",
        report,
        school=report.school,
        request=request,
        note="full" if full else "as the person who reported it",
    )
    context = _ctx(request, report=report, full=full, evidence_items=items)
    if full:
        engine_clauses = _clauses(report)
        # A network incident's report is written once; the findings linked to it since (a
        # later scan the same day) are counted from the findings themselves.
        network_findings = list(
            report.network_findings.order_by("first_seen", "id").values(
                "first_seen", "last_seen", "requests", "domain"
            )
        )
        context.update(
            network_findings=network_findings,
            network_requests=sum(f["requests"] for f in network_findings),
            network_last=max((f["last_seen"] for f in network_findings), default=None),
        )
        context.update(
            involvements=report.involvements.select_related("person"),
            alert_list=report.alerts.select_related("recipient")
            .prefetch_related("attempts")
            .order_by("created_at"),
            teams_attempts=report.delivery_attempts.filter(channel="teams").order_by("at", "id"),
            clauses=engine_clauses,
            next_steps=[{**ob, "text": _obligation_text(ob)} for ob in intake.next_steps(report)],
            retention_rule=keeping.RULES.get(report.retention_rule),
            can_triage=access.can_handle_cases(person, request.user) and report.case_id is None,
        )
    return render(request, "safeguarding/report_detail.html", context)


def _clauses(report: Report) -> list[dict[str, str]]:
    from smpolicy.asking.engines import engine_for

    pack = engine_for(report.school).pack
    found = []
    for cid in report.clauses:
        clause = pack.clauses.get(cid)
        if clause is not None:
            found.append({"id": cid, "section": clause.section, "text": clause.text})
    return found


def _obligation_text(ob: dict[str, Any]) -> str:
    from smpolicy.asking.labels import obligation_text

    try:
        return obligation_text(ob)
    except (KeyError, TypeError):
        return f"{ob.get('kind')} — {ob.get('to')}, {ob.get('when')}"


@access.signed_in_person
def my_reports(request: HttpRequest) -> HttpResponse:
    reports = access.own_reports(_person(request)).order_by("-recorded_at")
    audit.record(
        "list",
        None,
        school=_school(request),
        request=request,
        record_type="own_reports",
        note=f"{reports.count()} report(s)",
    )
    return render(request, "safeguarding/my_reports.html", _ctx(request, reports=reports))


@access.signed_in_person
def alert_list(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    found = (
        Alert.objects.for_school(_school(request))
        .filter(recipient=person)
        .filter(report__in=access.full_reports(person, request.user))
        .select_related("report")
        # The list shows a report's reference only: not its account or its JSON columns.
        .only(*ALERT_LIST_FIELDS)
        .order_by("seen_at", "-created_at", "-pk")
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    # The DSL team sees every alert of the school that could not be delivered, so someone
    # tells that person another way.
    undelivered: list[Alert] = []
    if access.is_dsl_team(request.user):
        undelivered = [
            alert
            for alert in Alert.objects.for_school(_school(request))
            .filter(emailed_at__isnull=True, attempts__last=True, attempts__delivered=False)
            .filter(report__in=access.full_reports(person, request.user))
            .select_related("report", "recipient")
            .only(*ALERT_LIST_FIELDS, "emailed_at", "email_problem", "recipient__first_name",
                  "recipient__preferred_name", "recipient__last_name")
            .prefetch_related("attempts")
            .distinct()
            .order_by("-created_at")[:200]
            if alert.undelivered
        ]
    return render(
        request,
        "safeguarding/alerts.html",
        _ctx(request, alert_items=page.object_list, page=page, undelivered=undelivered),
    )


# -- evidence ----------------------------------------------------------------------------------


def _may_add_evidence(request: HttpRequest, report: Report) -> bool:
    return report.reported_by_id == _person(request).pk or _is_full(request, report)


@access.signed_in_person
def evidence_add(request: HttpRequest, pk: int, correct: int | None = None) -> HttpResponse:
    report = _report_or_404(request, pk)
    if not _may_add_evidence(request, report):
        raise Http404("No such report")
    full = _is_full(request, report)
    if full and not totp.is_verified(request):
        return access.second_factor_redirect(request)
    person = _person(request)
    corrects = None
    if correct is not None:
        corrects = get_object_or_404(Evidence.objects.filter(report=report), pk=correct)
        if not full and corrects.added_by_id != person.pk:
            raise Http404("No such evidence")
    if request.method == "POST":
        form = forms.EvidenceForm(request.POST, request.FILES, correcting=corrects is not None)
        if form.is_valid():
            try:
                with transaction.atomic():
                    stored = _store_evidence(report, form, person, corrects=corrects)
                    for item in stored:
                        audit.record(
                            "correct_evidence" if corrects else "add_evidence",
                            item,
                            school=report.school,
                            request=request,
                        )
            except evidence.UploadRefused as exc:
                form.add_error("files", str(exc))
            else:
                _read_text(stored)
                messages.success(request, f"{counted(len(stored), 'item')} of evidence added.")
                return redirect("safeguarding:report_detail", report.pk)
    else:
        form = forms.EvidenceForm(correcting=corrects is not None)
    return render(
        request,
        "safeguarding/evidence_form.html",
        _ctx(request, form=form, report=report, corrects=corrects),
        status=422 if request.method == "POST" else 200,
    )


@access.signed_in_person
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    person = _person(request)
    item = (
        Evidence.objects.for_school(_school(request)).select_related("report").filter(pk=pk).first()
    )
    if item is None or not item.is_file:
        raise Http404("No such evidence")
    full = _is_full(request, item.report)
    if not full and not (item.report.reported_by_id == person.pk and item.added_by_id == person.pk):
        raise Http404("No such evidence")
    if full and not totp.is_verified(request):
        return access.second_factor_redirect(request)
    audit.record("download", item, school=item.report.school, request=request)
    inline = request.GET.get("inline") == "1" and item.is_image
    if inline and evidence.needs_view_copy(item.content_type):
        # A JPEG made to show an HEIC photo; the original stays as it came, for download.
        response: HttpResponse = HttpResponse(
            evidence.view_copy(item.absolute_path()), content_type="image/jpeg"
        )
        response["Content-Disposition"] = "inline"
    else:
        response = FileResponse(
            evidence.open_for_reading(item),
            as_attachment=not inline,
            filename=item.original_name or Path(item.file_path).name,
            content_type=item.content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "no-store, private"
    return response


# -- records for the DSL team and the headteacher -------------------------------------------


@access.case_handler_view
def records(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    # Only the columns the list shows: a report's account and JSON columns are most of its row.
    found = (
        access.full_reports(person, request.user)
        .select_related("reported_by", "case")
        .only(*REPORT_LIST_FIELDS)
    )
    status = request.GET.get("status", "")
    if status in Report.Status.values:
        found = found.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in Report.Kind.values:
        found = found.filter(kind=kind)
    query = request.GET.get("q", "").strip()[:200]
    if query:
        text_hits = EvidenceText.objects.filter(text__icontains=query).values("evidence__report_id")
        found = found.filter(
            Q(reference__icontains=query)
            | Q(account__icontains=query)
            | Q(pk__in=text_hits)
            | Q(involvements__person__last_name__icontains=query)
        ).distinct()
    page = Paginator(found.order_by("-recorded_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    audit.record(
        "list",
        None,
        school=_school(request),
        request=request,
        record_type="reports",
        note=f"{len(page.object_list)} shown" + (" (search)" if query else ""),
    )
    # The pages' links keep the filters; only the page number changes.
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "safeguarding/records.html",
        _ctx(
            request,
            reports=page.object_list,
            page=page,
            kept=kept.urlencode(),
            statuses=Report.Status.choices,
            kinds=Report.Kind.choices,
            status=status,
            kind=kind,
            query=query,
        ),
    )


@access.case_handler_view
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    report = access.full_reports(person, request.user).filter(pk=pk).first()
    if report is None:
        raise Http404("No such report")
    if report.case_id is not None:
        return redirect("safeguarding:case_detail", report.case_id)
    cases = access.visible_cases(person, request.user).filter(status=Case.Status.OPEN)
    leads = (
        Person.objects.for_school(_school(request))
        .filter(pk__in=[p.pk for p in _handlers(_school(request))])
        .exclude(pk__in=report.involvements.filter(role="subject").values("person_id"))
    )
    if request.method == "POST":
        form = forms.TriageForm(request.POST, cases=cases, leads=leads)
        if form.is_valid():
            with transaction.atomic():
                case = form.cleaned_data["case"]
                if case is None:
                    case = Case(
                        school=report.school,
                        title=form.cleaned_data["title"].strip(),
                        lead=form.cleaned_data.get("lead") or person,
                        opened_by=person,
                    )
                    case.save()
                    audit.record("create", case, school=case.school, request=request)
                report.case = case
                report.status = Report.Status.IN_CASE
                if report.first_opened_at is None:
                    report.first_opened_at = timezone.now()
                    report.first_opened_by = person
                report.save(update_fields=["case", "status", "first_opened_at", "first_opened_by"])
                audit.record(
                    "triage",
                    report,
                    school=report.school,
                    request=request,
                    note=f"into case {case.reference}",
                )
            messages.success(request, f"{report.reference} is now in case {case.reference}.")
            return redirect("safeguarding:case_detail", case.pk)
    else:
        form = forms.TriageForm(cases=cases, leads=leads, initial={"lead": person.pk})
    return render(request, "safeguarding/triage.html", _ctx(request, form=form, report=report))


def _handlers(school: School) -> list[Person]:
    people = list(dsl_team(school))
    head = headteacher(school)
    if head is not None and head.pk not in {p.pk for p in people}:
        people.append(head)
    return people


@access.case_handler_view
def cases(request: HttpRequest) -> HttpResponse:
    found = (
        access.visible_cases(_person(request), request.user)
        .select_related("lead")
        .annotate(report_count=Count("reports", distinct=True))
        .order_by("status", "-opened_at")
    )
    audit.record(
        "list",
        None,
        school=_school(request),
        request=request,
        record_type="cases",
        note=f"{len(found)} shown",
    )
    return render(request, "safeguarding/cases.html", _ctx(request, cases=found))


def _case_or_404(request: HttpRequest, pk: int) -> Case:
    case = access.visible_cases(_person(request), request.user).filter(pk=pk).first()
    if case is None:
        raise Http404("No such case")
    return case


def _case_people(case: Case) -> Any:
    return Person.objects.filter(
        pk__in=Involvement.objects.filter(report__case=case).values("person_id")
    )


@access.case_handler_view
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    school = _school(request)
    audit.record("view", case, school=school, request=request)
    people = _case_people(case)
    owners = (
        Person.objects.for_school(school)
        .filter(role__in=forms.ADULT_ROLES)
        .exclude(
            pk__in=Involvement.objects.filter(report__case=case, role="subject").values("person_id")
        )
    )
    handlers = Person.objects.for_school(school).filter(pk__in=[p.pk for p in _handlers(school)])
    bullied = Person.objects.filter(
        pk__in=Involvement.objects.filter(report__case=case, role="bullied").values("person_id")
    ) | Person.objects.filter(
        pk__in=case.reports.filter(kind=Report.Kind.CYBERBULLYING).values("reported_by_id")
    )
    context = _ctx(
        request,
        case=case,
        case_reports=case.reports.select_related("reported_by").order_by("occurred_at"),
        people=people.order_by("role", "last_name"),
        actions=case.actions.select_related("owner", "done_by"),
        outcomes=case.outcomes.select_related("subject", "decided_by", "recorded_by"),
        advice_items=case.advice.select_related("recorded_by"),
        referrals=case.police_referrals.select_related("person_bullied", "recorded_by"),
        action_form=forms.ActionForm(owners=owners),
        outcome_form=forms.OutcomeForm(
            subjects=people, deciders=handlers, initial={"decided_on": timezone.localdate()}
        ),
        advice_form=forms.AdviceForm(initial={"advised_on": timezone.localdate()}),
        referral_form=forms.PoliceReferralForm(bullied=bullied.distinct())
        if bullied.exists()
        else None,
        close_form=forms.CloseCaseForm(),
        today=timezone.localdate(),
    )
    return render(request, "safeguarding/case_detail.html", context)


def _case_post(request: HttpRequest, pk: int) -> tuple[Case, School, Person] | HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    case = _case_or_404(request, pk)
    if case.status == Case.Status.CLOSED:
        messages.error(request, "This case is closed.")
        return redirect("safeguarding:case_detail", case.pk)
    return case, _school(request), _person(request)


def _case_form_failed(request: HttpRequest, case: Case, form: Any, what: str) -> HttpResponse:
    problems = "; ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}".lstrip(": ")
        for name, errs in form.errors.items()
    )
    messages.error(request, f"The {what} was not recorded. {problems}")
    return redirect("safeguarding:case_detail", case.pk)


@access.case_handler_view
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    got = _case_post(request, pk)
    if isinstance(got, HttpResponse):
        return got
    case, school, person = got
    owners = Person.objects.for_school(school).filter(role__in=forms.ADULT_ROLES)
    form = forms.ActionForm(request.POST, owners=owners)
    if not form.is_valid():
        return _case_form_failed(request, case, form, "action")
    with transaction.atomic():
        action = CaseAction.objects.create(case=case, created_by=person, **form.cleaned_data)
        audit.record("add_action", action, school=school, request=request)
        telling.action_set(action)
    messages.success(request, "Action added.")
    return redirect("safeguarding:case_detail", case.pk)


@access.case_handler_view
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(CaseAction.objects.for_school(_school(request)), pk=pk)
    case = _case_or_404(request, action.case_id)
    form = forms.ActionDoneForm(request.POST)
    if action.done_at is None and form.is_valid():
        action.done_at = timezone.now()
        action.done_by = _person(request)
        action.done_note = form.cleaned_data["done_note"]
        action.save(update_fields=["done_at", "done_by", "done_note"])
        audit.record("complete_action", action, school=case.school, request=request)
        messages.success(request, "Action marked done.")
    return redirect("safeguarding:case_detail", case.pk)


@access.case_handler_view
def outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    got = _case_post(request, pk)
    if isinstance(got, HttpResponse):
        return got
    case, school, person = got
    handlers = Person.objects.for_school(school).filter(pk__in=[p.pk for p in _handlers(school)])
    form = forms.OutcomeForm(request.POST, subjects=_case_people(case), deciders=handlers)
    if not form.is_valid():
        return _case_form_failed(request, case, form, "outcome")
    data = form.cleaned_data
    outcome = Outcome(
        case=case,
        subject=data.get("subject"),
        kind=data["kind"],
        clause=Outcome.CLAUSES[data["kind"]],
        decided_by=data["decided_by"],
        decided_on=data["decided_on"],
        reasons=data["reasons"],
        recorded_by=person,
    )
    outcome.full_clean()
    outcome.save()
    audit.record("add_outcome", outcome, school=school, request=request)
    messages.success(request, f"Outcome recorded: {outcome.get_kind_display()}.")
    return redirect("safeguarding:case_detail", case.pk)


@access.case_handler_view
def advice_add(request: HttpRequest, pk: int) -> HttpResponse:
    got = _case_post(request, pk)
    if isinstance(got, HttpResponse):
        return got
    case, school, person = got
    form = forms.AdviceForm(request.POST)
    if not form.is_valid():
        return _case_form_failed(request, case, form, "advice")
    item = Advice(case=case, recorded_by=person, **form.cleaned_data)
    item.save()
    audit.record("add_advice", item, school=school, request=request)
    messages.success(request, "Advice recorded.")
    return redirect("safeguarding:case_detail", case.pk)


@access.case_handler_view
def police_referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    got = _case_post(request, pk)
    if isinstance(got, HttpResponse):
        return got
    case, school, person = got
    bullied = Person.objects.filter(
        Q(pk__in=Involvement.objects.filter(report__case=case, role="bullied").values("person_id"))
        | Q(pk__in=case.reports.filter(kind=Report.Kind.CYBERBULLYING).values("reported_by_id"))
    )
    form = forms.PoliceReferralForm(request.POST, bullied=bullied)
    if not form.is_valid():
        return _case_form_failed(request, case, form, "police referral")
    data = form.cleaned_data
    item = PoliceReferral(
        case=case,
        person_bullied=data["person_bullied"],
        chosen_on=data["chosen_on"],
        referred_on=data.get("referred_on"),
        police_reference=data.get("police_reference", ""),
        notes=data.get("notes", ""),
        recorded_by=person,
    )
    item.save()
    audit.record("add_police_referral", item, school=school, request=request)
    messages.success(request, "Police referral recorded.")
    return redirect("safeguarding:case_detail", case.pk)


@access.case_handler_view
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    got = _case_post(request, pk)
    if isinstance(got, HttpResponse):
        return got
    case, school, person = got
    form = forms.CloseCaseForm(request.POST)
    if not case.outcomes.exists():
        messages.error(request, "Record an outcome before closing the case.")
        return redirect("safeguarding:case_detail", case.pk)
    open_actions = case.actions.filter(done_at__isnull=True).count()
    if open_actions:
        messages.error(request, f"{counted(open_actions, 'action')} "
                       f"{plural('is', open_actions)} not done yet.")
        return redirect("safeguarding:case_detail", case.pk)
    if not form.is_valid():
        return _case_form_failed(request, case, form, "closing")
    with transaction.atomic():
        case.status = Case.Status.CLOSED
        case.closed_at = timezone.now()
        case.closed_by = person
        case.closing_summary = form.cleaned_data["closing_summary"]
        case.save()
        case.reports.update(status=Report.Status.CLOSED)
        audit.record("close", case, school=school, request=request)
        telling.case_closed(case, person)
    messages.success(request, f"Case {case.reference} is closed.")
    return redirect("safeguarding:case_detail", case.pk)


@access.case_handler_view
def chronology(request: HttpRequest, person_pk: int) -> HttpResponse:
    viewer = _person(request)
    if not access.can_see_chronologies(viewer, request.user):
        return forbidden(request, "Chronologies are for the DSL team and the headteacher.")
    school = _school(request)
    subject = get_object_or_404(Person.objects.for_school(school), pk=person_pk)
    if subject.pk == viewer.pk:
        raise Http404("No chronology")  # nobody reads the records about themselves
    # The reports about them and the reports they made, as a UNION of two look-ups that each
    # use an index (an OR across the two cannot), and each report's involvements and evidence
    # fetched once for all: the page's queries stay the same as records grow. The columns the
    # page does not show (the account, the JSON of the decision) are left unread.
    theirs = (
        Involvement.objects.filter(person=subject)
        .order_by()
        .values("report_id")
        .union(Report.objects.for_school(school).filter(reported_by=subject).order_by().values("pk"))
    )
    reports = list(
        access.full_reports(viewer, request.user)
        .filter(pk__in=theirs)
        .select_related("case", "reported_by")
        .defer(*CHRONOLOGY_UNREAD)
        .prefetch_related("involvements", "evidence")
    )
    entries: list[dict[str, Any]] = []
    for report in reports:
        role = (
            "reported it"
            if report.reported_by_id == subject.pk
            else ", ".join(
                i.get_role_display().lower()
                for i in report.involvements.all()
                if i.person_id == subject.pk
            )
        )
        entries.append({"at": report.occurred_at, "what": "report", "report": report, "role": role})
        for item in report.evidence.all():
            entries.append({"at": item.added_at, "what": "evidence", "evidence": item,
                            "report": report})
    case_ids = {r.case_id for r in reports if r.case_id is not None}
    visible_case_ids = access.visible_cases(viewer, request.user).values("pk")
    cases = Case.objects.filter(pk__in=case_ids).filter(pk__in=visible_case_ids)
    for action in CaseAction.objects.filter(case__in=cases).select_related("case", "owner"):
        entries.append({"at": action.created_at, "what": "action", "action": action})
    for advice in Advice.objects.filter(case__in=cases).select_related("case"):
        entries.append({"at": advice.recorded_at, "what": "advice", "advice": advice})
    for outcome in (
        Outcome.objects.for_school(school)
        .filter(subject=subject, case__in=visible_case_ids)
        .select_related("case", "decided_by")
    ):
        entries.append(
            {
                "at": timezone.make_aware(dt.datetime.combine(outcome.decided_on, dt.time(12))),
                "what": "outcome",
                "outcome": outcome,
            }
        )
    if subject.is_pupil and access.can_send_file(viewer, request.user, subject):
        for item in Transfer.objects.for_school(school).filter(pupil=subject):
            entries.append(
                {
                    "at": timezone.make_aware(dt.datetime.combine(item.sent_on, dt.time(12))),
                    "what": "transfer",
                    "transfer": item,
                }
            )
    entries.sort(key=lambda e: e["at"])
    audit.record(
        "view_chronology",
        subject,
        school=school,
        request=request,
        record_type="chronology",
        note=f"chronology of {subject.full_name}: {len(entries)} entries",
    )
    return render(
        request,
        "safeguarding/chronology.html",
        _ctx(
            request,
            subject=subject,
            entries=entries,
            siblings=subject.siblings() if subject.is_pupil else [],
        ),
    )


@access.case_handler_view
def people(request: HttpRequest) -> HttpResponse:
    """Everyone with a record the viewer may see: the way into chronologies."""
    viewer = _person(request)
    if not access.can_see_chronologies(viewer, request.user):
        return forbidden(request, "Chronologies are for the DSL team and the headteacher.")
    reports = access.full_reports(viewer, request.user)
    counts = Counter(
        Involvement.objects.filter(report__in=reports)
        .exclude(person=viewer)
        .values_list("person_id", flat=True)
    )
    found = sorted(
        Person.objects.for_school(_school(request)).filter(pk__in=counts),
        key=lambda p: (p.role != "pupil", p.last_name, p.first_name),
    )
    audit.record(
        "list",
        None,
        school=_school(request),
        request=request,
        record_type="people",
        note=f"{len(found)} people",
    )
    return render(
        request,
        "safeguarding/people.html",
        _ctx(request, found=[(p, counts[p.pk]) for p in found]),
    )


# -- retention --------------------------------------------------------------------------------


@access.case_handler_view
def retention_review(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    today = timezone.localdate()
    due = keeping.due_for_review(access.full_reports(person, request.user), today)
    audit.record(
        "list",
        None,
        school=_school(request),
        request=request,
        record_type="retention",
        note=f"{len(due)} due",
    )
    transfers_waiting = [
        t
        for t in Transfer.objects.for_school(_school(request))
        .filter(received_on__isnull=True)
        .select_related("pupil")
        if t.chase_due(today)
    ]
    return render(
        request,
        "safeguarding/retention.html",
        _ctx(
            request,
            due=due,
            today=today,
            rules=keeping.RULES.values(),
            transfers_waiting=transfers_waiting,
        ),
    )


@access.case_handler_view
def destroy(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    report = access.full_reports(person, request.user).filter(pk=pk).first()
    if report is None:
        raise Http404("No such report")
    if request.method == "POST":
        form = forms.DestroyForm(request.POST, reference=report.reference)
        if form.is_valid():
            try:
                destroying.destroy(
                    report,
                    person=person,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except destroying.NotDue as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{report.reference} has been destroyed.")
                return redirect("safeguarding:retention")
    else:
        form = forms.DestroyForm(reference=report.reference)
    return render(
        request,
        "safeguarding/destroy.html",
        _ctx(
            request,
            form=form,
            report=report,
            today=timezone.localdate(),
            rule=keeping.RULES.get(report.retention_rule),
        ),
    )


@access.case_handler_view
def retention_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Place or lift a legal hold, or keep a report longer, with the reason; all kept."""
    person = _person(request)
    report = access.full_reports(person, request.user).filter(pk=pk).first()
    if report is None:
        raise Http404("No such report")
    forms_by_action = {
        action: forms.RetentionForm(prefix=action, initial={"action": action})
        for action in forms.RetentionForm.ACTIONS
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action_taken", "")
        if action not in forms_by_action:
            return HttpResponseBadRequest("Unknown action.")
        form = forms_by_action[action] = forms.RetentionForm(request.POST, prefix=action)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "hold":
                    keeping.place_hold(report, person, data["reason"], request)
                elif action == "release":
                    keeping.lift_hold(report, person, data["reason"], request)
                else:
                    keeping.keep_until(report, person, data["until"], data["reason"], request)
            except keeping.RetentionRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{report.reference}: recorded.")
                return redirect("safeguarding:retention_change", pk=report.pk)
        status = 422
    return render(
        request,
        "safeguarding/retention_change.html",
        _ctx(
            request,
            report=report,
            forms_by_action=forms_by_action,
            changes=report.retention_changes.select_related("made_by"),
            rule=keeping.RULES.get(report.retention_rule),
        ),
        status=status,
    )


# -- transfers of a pupil's child protection file -------------------------------------------


@access.case_handler_view
def transfer_new(request: HttpRequest, pupil_pk: int) -> HttpResponse:
    school, person = _school(request), _person(request)
    pupil = get_object_or_404(Person.objects.for_school(school).filter(role="pupil"), pk=pupil_pk)
    reports = transferring.pupil_reports(pupil)
    if not access.can_send_file(person, request.user, pupil):
        return forbidden(
            request,
            "Some of this pupil's records are not open to you, so you "
            "cannot send their file. Ask the headteacher.",
        )
    if request.method == "POST":
        form = forms.TransferForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                item = Transfer(
                    school=school,
                    pupil=pupil,
                    sent_by=person,
                    report_references=[r.reference for r in reports],
                    **form.cleaned_data,
                )
                item.save()
                item.export_sha256 = hashlib.sha256(transferring.build(item)).hexdigest()
                item.save(update_fields=["export_sha256"])
                audit.record(
                    "transfer",
                    item,
                    school=school,
                    request=request,
                    note=f"{len(item.report_references)} report(s)",
                )
            messages.success(request, "The transfer is recorded. Download the file below.")
            return redirect("safeguarding:transfer_detail", item.pk)
    else:
        form = forms.TransferForm(initial={"sent_on": timezone.localdate()})
    return render(
        request,
        "safeguarding/transfer_form.html",
        _ctx(request, form=form, pupil=pupil, reports=reports),
    )


def _transfer_or_404(request: HttpRequest, pk: int) -> Transfer:
    item = get_object_or_404(
        Transfer.objects.for_school(_school(request)).select_related("pupil", "sent_by"), pk=pk
    )
    if not access.can_send_file(_person(request), request.user, item.pupil):
        raise Http404("No such transfer")
    return item


@access.case_handler_view
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _transfer_or_404(request, pk)
    if request.method == "POST":
        form = forms.ReceiptForm(request.POST)
        if form.is_valid() and item.received_on is None:
            item.received_on = form.cleaned_data["received_on"]
            item.received_by = form.cleaned_data["received_by"]
            item.receipt_recorded_by = _person(request)
            item.save(update_fields=["received_on", "received_by", "receipt_recorded_by"])
            audit.record("transfer_receipt", item, school=item.school, request=request)
            messages.success(request, "Receipt recorded.")
            return redirect("safeguarding:transfer_detail", item.pk)
    else:
        form = forms.ReceiptForm(initial={"received_on": timezone.localdate()})
    audit.record("view", item, school=item.school, request=request)
    return render(
        request,
        "safeguarding/transfer_detail.html",
        _ctx(request, transfer=item, form=form, chase=item.chase_due()),
    )


@access.case_handler_view
def transfer_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the file for a worker (smpolicy.jobs.exports) and show its page: a file with every
    report and its evidence can take longer to build than a page may. The download is audited."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    item = _transfer_or_404(request, pk)
    job = exports.queue(item.school, request.user, "cp_file", {"transfer": item.pk})
    return redirect("jobs:export", job.pk)


# -- governors ------------------------------------------------------------------------------


def _term(day: dt.date) -> str:
    if day.month >= 9:
        return f"Autumn {day.year}"
    if day.month <= 3:
        return f"Spring {day.year}"
    return f"Summer {day.year}"


@access.signed_in_person
def governor_counts(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    if not ("governor_reports" in capabilities(request.user) or access.is_headteacher(person)):
        return forbidden(request, "These counts are for governors and the headteacher.")
    school = _school(request)
    reports = Report.objects.for_school(school)
    kinds = dict(Report.Kind.choices)
    by_term: dict[str, Counter[str]] = {}
    for kind, occurred in reports.values_list("kind", "recorded_at"):
        term = _term(timezone.localtime(occurred).date())
        by_term.setdefault(term, Counter())[kind] += 1
    outcome_counts = Counter(Outcome.objects.for_school(school).values_list("kind", flat=True))
    context = _ctx(
        request,
        total=reports.count(),
        open_count=reports.exclude(status=Report.Status.CLOSED).count(),
        by_kind=[
            (kinds[k], n) for k, n in Counter(reports.values_list("kind", flat=True)).most_common()
        ],
        by_term=[
            (term, [(kinds[k], n) for k, n in counts.most_common()])
            for term, counts in sorted(by_term.items(), reverse=True)
        ],
        outcomes=[(dict(Outcome.Kind.choices)[k], n) for k, n in outcome_counts.most_common()],
        cases_open=Case.objects.for_school(school).filter(status=Case.Status.OPEN).count(),
        cases_closed=Case.objects.for_school(school).filter(status=Case.Status.CLOSED).count(),
    )
    return render(request, "safeguarding/governor_counts.html", context)


# -- second factor ------------------------------------------------------------------------------


_safe_next = access.safe_next


SETUP_SECRET = "smpolicy_second_factor_setup"


def second_factor_setup(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        from smpolicy.schools.access import login_url

        return redirect_to_login(request.get_full_path(), login_url())
    if totp.factor_of(request.user) is not None:
        return HttpResponseRedirect(
            f"{reverse('safeguarding:second_factor_verify')}?next={_safe_next(request)}"
        )
    secret = request.session.get(SETUP_SECRET)
    if not secret:
        secret = totp.new_secret()
        request.session[SETUP_SECRET] = secret
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = totp.matching_step(secret, form.cleaned_data["code"], timezone.now())
        if step is None:
            form.add_error(
                "code",
                "That code is not right. Check the app shows this account, "
                "and type the code it shows now.",
            )
        else:
            with transaction.atomic():
                factor = SecondFactor.objects.create(
                    user=request.user, secret=secret, last_step=step
                )
                codes = recovery.new_codes(factor)
                del request.session[SETUP_SECRET]
                school = getattr(request, "school", None)
                if school is not None:
                    audit.record(
                        "enrol_second_factor",
                        None,
                        school=school,
                        request=request,
                        record_type="second_factor",
                    )
            totp.mark_verified(request, factor)
            messages.success(request, "Your authenticator app is set up.")
            # Shown this once, on this response: nothing keeps them to show again.
            return render(
                request,
                "safeguarding/recovery_codes.html",
                {"codes": codes, "unused": len(codes), "next": _safe_next(request)},
            )
    account = request.user.get_username()
    school = getattr(request, "school", None)
    issuer = f"smpolicy {school.name}" if school is not None else "smpolicy"
    uri = totp.provisioning_uri(secret, account, issuer)
    return render(
        request,
        "safeguarding/second_factor_setup.html",
        {
            "form": form,
            "qr": totp.qr_svg(uri),
            "secret": totp.group_secret(secret),
            "next": _safe_next(request),
        },
        status=422 if request.method == "POST" else 200,
    )


def second_factor_verify(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        from smpolicy.schools.access import login_url

        return redirect_to_login(request.get_full_path(), login_url())
    factor = totp.factor_of(request.user)
    if factor is None:
        return HttpResponseRedirect(
            f"{reverse('safeguarding:second_factor_setup')}?next={_safe_next(request)}"
        )
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ok = totp.check(factor, form.cleaned_data["code"])
        except totp.Locked as exc:
            form.add_error(
                "code",
                f"Too many wrong codes. Try again after {timezone.localtime(exc.until):%H:%M}.",
            )
        else:
            school = getattr(request, "school", None)
            if ok:
                totp.mark_verified(request)
                if school is not None:
                    audit.record(
                        "second_factor",
                        None,
                        school=school,
                        request=request,
                        record_type="second_factor",
                        note="verified",
                    )
                return HttpResponseRedirect(_safe_next(request))
            if school is not None:
                audit.record(
                    "second_factor",
                    None,
                    school=school,
                    request=request,
                    record_type="second_factor",
                    note="wrong code",
                )
            form.add_error(
                "code",
                "That code is not right, or was used already. Type the code your app shows now.",
            )
    return render(
        request,
        "safeguarding/second_factor_verify.html",
        {"form": form, "next": _safe_next(request)},
        status=422 if request.method == "POST" else 200,
    )


# -- parents: raise a concern ---------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _client_hash(request: HttpRequest) -> str:
    # Keyed, so the table never holds a parent's IP address, only something to count by.
    return salted_hmac("smpolicy.parent_concern.client", client_address(request)).hexdigest()


def _limit_lifts(
    rows: Any, limits: tuple[tuple[int, dt.timedelta], ...], now: dt.datetime
) -> dt.datetime | None:
    """When the oldest link that keeps ``rows`` over a limit falls out of its window; None when
    within every limit. Counts across schools on purpose: one mailbox, one client."""
    lifts = None
    for limit, window in limits:
        recent = list(
            rows.filter(created_at__gte=now - window)
            .order_by("-created_at", "-id")
            .values_list("created_at", flat=True)[: limit + 1]
        )
        if len(recent) > limit:
            at = recent[limit] + window  # the oldest counted: when it leaves, one more fits
            lifts = at if lifts is None else max(lifts, at)
    return lifts


def parent_concern_start(request: HttpRequest, slug: str) -> HttpResponse:
    school = get_object_or_404(School, slug=slug)
    sent = False
    wait_until = None
    form = forms.ParentEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        client = _client_hash(request)
        token = secrets.token_urlsafe(32)
        # Saved first and counted after, each its own commit: of requests racing in parallel,
        # the last to pass counts every other that passed, so no more than the limits pass.
        asked = EmailVerification.objects.create(
            school=school, email=email, token_hash=_token_hash(token), client_hash=client
        )
        now = timezone.now()
        everyone = EmailVerification.objects.all()
        wait_until = _limit_lifts(
            everyone.filter(client_hash=client),
            (
                (PARENT_CLIENT_LINKS_PER_HOUR, dt.timedelta(hours=1)),
                (PARENT_CLIENT_LINKS_PER_DAY, dt.timedelta(days=1)),
            ),
            now,
        )
        mailbox_full = _limit_lifts(
            everyone.filter(email=email),
            (
                (PARENT_LINKS_PER_HOUR, dt.timedelta(hours=1)),
                (PARENT_LINKS_PER_DAY, dt.timedelta(days=1)),
            ),
            now,
        )
        if wait_until is not None or mailbox_full is not None:
            asked.delete()  # not sent, so it counts against nobody
        if wait_until is None:
            # The same answer whether or not a link is sent to that address, so the page tells
            # nobody who else has asked.
            sent = True
            if mailbox_full is None:
                link = settings.SITE_URL + reverse(
                    "safeguarding:parent_concern_write", args=[school.slug, token]
                )
                email_later(
                    f"Your link to raise a concern with {school.name}",
                    f"Hello,\n\nUse this link to write your concern to the headteacher of "
                    f"{school.name}. It works once, for {PARENT_LINK_HOURS} hours:\n\n{link}\n\n"
                    "If you did not ask for this, you can ignore this e-mail.\n",
                    [email],
                    on_commit=False,  # the link's record is already saved
                )
    return render(
        request,
        "safeguarding/parent_start.html",
        {
            "form": form,
            "sent": sent,
            "for_school": school,
            "wait_until": wait_until,
            "wait_today": wait_until is not None
            and timezone.localdate(wait_until) == timezone.localdate(),
        },
        status=429 if wait_until is not None else 200,
    )


def _link_expired(request: HttpRequest, school: School) -> HttpResponse:
    # What the parent wrote is shown back to them to copy: a link that ran out while they were
    # writing must not cost them their words.
    kept = {
        field: request.POST.get(field, "").strip()
        for field in ("name", "child", "concern")
        if request.method == "POST"
    }
    return render(
        request,
        "safeguarding/parent_link_expired.html",
        {"for_school": school, "kept": kept if any(kept.values()) else None},
        status=410,
    )


def parent_concern_write(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    school = get_object_or_404(School, slug=slug)
    check = (
        EmailVerification.objects.for_school(school)
        .filter(
            token_hash=_token_hash(token),
            created_at__gte=timezone.now() - dt.timedelta(hours=PARENT_LINK_HOURS),
        )
        .first()
    )
    if check is None or check.used_at is not None:
        return _link_expired(request, school)
    form = forms.ParentConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = data["concern"]
        if data.get("child"):
            account = f"About: {data['child']}\n\n{account}"
        with transaction.atomic():
            updated = EmailVerification.objects.filter(pk=check.pk, used_at__isnull=True).update(
                used_at=timezone.now()
            )
            if not updated:
                return _link_expired(request, school)
            answers = intake.Answers(
                kind=Report.Kind.PARENT_CONCERN,
                reporter=None,
                occurred_at=timezone.now(),
                account=account,
                reporter_email=check.email,
                reporter_name=data["name"],
                details={"child": data.get("child", "")},
            )
            report, found_routes = intake.create_report(school, answers)
            alerts.raise_alerts(report, found_routes)
            audit.record(
                "create",
                report,
                school=school,
                request=request,
                note="parent's concern, verified e-mail",
            )
            # Sent by a worker once this commits: the concern stands if the mail server is down.
            telling.report_received(report)
        return render(
            request,
            "safeguarding/parent_done.html",
            {"for_school": school, "reference": report.reference},
        )
    return render(
        request,
        "safeguarding/parent_write.html",
        {"form": form, "for_school": school, "email": check.email},
        status=422 if request.method == "POST" else 200,
    )


# -- audit log for the headteacher ----------------------------------------------------------


@access.case_handler_view
def audit_log(request: HttpRequest) -> HttpResponse:
    if not access.is_headteacher(_person(request)):
        return forbidden(request, "The audit log is for the headteacher.")
    school, person = _school(request), _person(request)
    # Entries about records hidden from the headteacher (an allegation against them) stay hidden:
    # even "the Chair viewed R..." would tell them a record exists.
    hidden = list(
        Report.objects.for_school(school)
        .exclude(pk__in=access.full_reports(person, request.user).values("pk"))
        .values_list("reference", flat=True)
    ) + list(
        Case.objects.for_school(school)
        .exclude(pk__in=access.visible_cases(person, request.user).values("pk"))
        .values_list("reference", flat=True)
    )
    entries = (
        AuditEntry.objects.for_school(school)
        .exclude(reference__in=hidden)
        .order_by("-at", "-id")[:500]
    )
    return render(request, "safeguarding/audit.html", _ctx(request, entries=entries))
