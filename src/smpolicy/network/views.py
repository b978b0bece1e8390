"""The network monitoring pages: findings (filters and a chart per day), one finding (marking it
reviewed or a false positive), uploading a log, the guest WiFi block list, the annual filtering
and monitoring review, and the settings. Every page needs the ``network_monitoring`` capability
(the headteacher, the DSL team, the IT lead) and shows the user's own school only.

Who a finding about a pupil concerns (their name, their login, their record, their age) is shown
only to the DSL team with the second factor verified in this session. Everyone else, the IT lead
first, sees the device, the site and the time, which is what fixing the filter needs, and a
neutral label in place of the child; searching by a pupil's name or login finds nothing for them,
so the search can't be used to learn who a device belongs to. The same rule holds in the list, a
finding's page and the CSV export (``Shown``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from smpolicy.monitoring import CategoryLists, blocklist
from smpolicy.monitoring.blocklist import EXTENSIONS
from smpolicy.network import scanjobs
from smpolicy.network.forms import (
    BlocklistForm,
    FindingFilterForm,
    FindingStatusForm,
    NetworkFormSet,
    ReviewForm,
    SettingsForm,
    UploadForm,
    network_initial,
)
from smpolicy.network.models import (
    FilteringReview,
    Finding,
    LogScan,
    NetworkSettings,
    ScanRun,
)
from smpolicy.safeguarding import access, totp
from smpolicy.schools.access import SchoolRequest, requires

FINDINGS_PER_PAGE = 50
RECENT_SCANS = 10
CHART_DAYS = 92
REPORT_TO_LABELS = {
    "dsl": "the Designated Safeguarding Lead, now",
    "headteacher": "the headteacher",
    "none": "nobody beyond the network review",
}


HIDDEN_PUPIL = "a pupil (identity held by the DSL team)"
PUPIL = Q(role="pupil") | Q(person__role="pupil")


def sees_pupils(request: HttpRequest) -> bool:
    """The DSL team, with the second factor verified in this session."""
    return access.is_dsl_team(request.user) and totp.is_verified(request)


def about_a_pupil(finding: Finding) -> bool:
    return finding.role == "pupil" or (
        finding.person_id is not None and finding.person is not None
        and finding.person.role == "pupil"
    )


@dataclass(frozen=True)
class Shown:
    """A finding as this viewer may see it: who it is about, or a neutral label."""

    finding: Finding
    hidden: bool

    @property
    def who(self) -> str:
        return HIDDEN_PUPIL if self.hidden else self.finding.who

    @property
    def name(self) -> str:
        if self.hidden:
            return HIDDEN_PUPIL
        if self.finding.person is not None:
            return self.finding.person.label
        return self.finding.person_name

    @property
    def login(self) -> str:
        return "" if self.hidden else self.finding.user

    @property
    def age(self) -> int | None:
        return None if self.hidden else self.finding.age

    @property
    def named(self) -> bool:
        """Whether the label shown is a name or login (so the device is added beside it)."""
        return self.hidden or bool(self.finding.person_name or self.finding.user)


def shown(findings: Iterable[Finding], request: HttpRequest) -> list[Shown]:
    sees = sees_pupils(request)
    return [Shown(f, not sees and about_a_pupil(f)) for f in findings]


def _settings(request: SchoolRequest) -> NetworkSettings:
    found, _ = NetworkSettings.objects.get_or_create(school=request.school)
    return found


def _filtered(request: SchoolRequest, form: FindingFilterForm) -> QuerySet[Finding]:
    found = Finding.objects.for_school(request.school)
    if not form.is_valid():
        return found
    data = form.cleaned_data
    zone = timezone.get_current_timezone()
    if data["date_from"]:
        found = found.filter(
            first_seen__gte=dt.datetime.combine(data["date_from"], dt.time(), zone)
        )
    if data["date_to"]:
        found = found.filter(
            first_seen__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time(),
                                               zone)
        )
    if data["network"]:
        found = found.filter(network=data["network"])
    if data["clause"]:
        found = found.filter(clause=data["clause"])
    if data["status"]:
        found = found.filter(status=data["status"])
    if data["person"]:
        text = data["person"].strip()
        identity = (
            Q(person_name__icontains=text) | Q(user__icontains=text)
            | Q(person__first_name__icontains=text) | Q(person__last_name__icontains=text)
        )
        if not sees_pupils(request):
            # A match by name or login on a pupil's finding would tell who the device is.
            identity &= ~PUPIL
        found = found.filter(identity | Q(client__iexact=text))
    return found


def per_day(found: QuerySet[Finding]) -> list[tuple[dt.date, int]]:
    """Findings per day (by first seen, in the school's time zone), every day of the span
    included, the last CHART_DAYS days at most."""
    rows = (
        found.order_by()
        .annotate(day=TruncDate("first_seen", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("id"))
    )
    counts = {row["day"]: row["n"] for row in rows}
    if not counts:
        return []
    last = max(counts)
    first = max(min(counts), last - dt.timedelta(days=CHART_DAYS - 1))
    days = (last - first).days + 1
    return [(first + dt.timedelta(days=i), counts.get(first + dt.timedelta(days=i), 0))
            for i in range(days)]


CHART_MIN_WIDTH = 360
CHART_LABEL_WIDTH = 44  # px a date ("30 Nov") takes at the chart's 11 px text


def chart(days: list[tuple[dt.date, int]]) -> dict[str, Any]:
    """Bars of an SVG chart, drawn on the server (no script). The plot is at least CHART_MIN_WIDTH
    wide whatever the number of days (one day was a sliver with its date cut off), each bar's
    slot shares it out (16 to 64 px), and dates are written under as many bars as they fit."""
    height, base, left = 160, 130, 40
    slot = max(16.0, min(64.0, (CHART_MIN_WIDTH - left - 24) / max(len(days), 1)))
    every = max(1, math.ceil(CHART_LABEL_WIDTH / slot))  # one date label per so many bars
    top = max((n for _, n in days), default=0) or 1
    bars = []
    for i, (day, n) in enumerate(days):
        h = round(n / top * (base - 12))
        x = left + i * slot + slot * 0.15
        bars.append({
            "x": round(x, 1), "y": base - h, "height": h, "day": day, "n": n,
            "w": round(slot * 0.7, 1), "mid": round(x + slot * 0.35, 1),
            "label": i % every == 0, "value": slot >= 24,
        })
    width = max(CHART_MIN_WIDTH, round(left + len(days) * slot + 24))
    return {"bars": bars, "width": width, "height": height, "base": base,
            "top": top, "mid": (top + 1) // 2, "mid_y": base - round(((top + 1) // 2) / top
                                                                    * (base - 12))}


@requires("network_monitoring")
def findings(request: SchoolRequest) -> HttpResponse:
    clauses = list(
        Finding.objects.for_school(request.school).order_by("clause")
        .values_list("clause", flat=True).distinct()
    )
    form = _filter_form(request, clauses)
    found = _filtered(request, form).select_related("person")
    days = per_day(found)
    page = Paginator(found, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "network/findings.html", {
        "form": form, "page": page, "rows": shown(page.object_list, request),
        "total": page.paginator.count, "query": query.urlencode(),
        "days": days, "chart": chart(days), "last_scan": ScanRun.objects.for_school(
            request.school).first(),
        **_identity_context(request),
    })


def _filter_form(request: SchoolRequest, clauses: list[str]) -> FindingFilterForm:
    form = FindingFilterForm(request.GET or None, clauses=clauses)
    if not sees_pupils(request):
        form.fields["person"].label = "Address, device, or an adult's name or login"
    return form


def _identity_context(request: SchoolRequest) -> dict[str, Any]:
    sees = sees_pupils(request)
    verify_url = None
    if not sees and access.is_dsl_team(request.user):
        verify_url = access.second_factor_redirect(request)["Location"]
    return {"sees_pupils": sees, "verify_url": verify_url}


# Cells a spreadsheet would run as a formula (OWASP CSV injection): a domain or login comes
# from a log anyone on the network can write into.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


CSV_COLUMNS = ("first seen", "last seen", "network", "address or device", "who", "login",
               "role", "age", "platform", "category", "site", "requests", "clause", "verdict",
               "status")


@requires("network_monitoring")
def findings_csv(request: SchoolRequest) -> HttpResponse:
    """The findings the page's filters choose, as CSV, with the same identity rule."""
    clauses = list(
        Finding.objects.for_school(request.school).order_by("clause")
        .values_list("clause", flat=True).distinct()
    )
    found = _filtered(request, _filter_form(request, clauses)).select_related("person")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    zone = timezone.get_current_timezone()
    for row in shown(found.iterator(chunk_size=500), request):
        f = row.finding
        writer.writerow([_cell(v) for v in (
            f.first_seen.astimezone(zone).isoformat(timespec="seconds"),
            f.last_seen.astimezone(zone).isoformat(timespec="seconds"),
            f.network_label, f.client, row.name, row.login, f.role,
            row.age, f.platform, f.category, f.domain, f.requests, f.clause, f.verdict,
            f.get_status_display(),
        )])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="network-findings.csv"'
    response["Cache-Control"] = "no-store, private"
    return response


@requires("network_monitoring")
@require_http_methods(["GET", "POST"])
def finding(request: SchoolRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Finding.objects.for_school(request.school).select_related("person"),
                             pk=pk)
    if request.method == "POST":
        form = FindingStatusForm(request.POST)
        if form.is_valid():
            item.status = form.cleaned_data["status"]
            item.status_reason = form.cleaned_data["reason"].strip()
            item.reviewed_by = request.user
            item.reviewed_at = timezone.now()
            item.save(update_fields=["status", "status_reason", "reviewed_by", "reviewed_at",
                                     "updated"])
            messages.success(request, f"Marked as {item.get_status_display().lower()}.")
            return redirect("network:finding", pk=item.pk)
    else:
        form = FindingStatusForm(initial={"status": item.status, "reason": item.status_reason})
    return render(request, "network/finding.html", {
        "finding": item, "form": form, "shown": shown([item], request)[0],
        "report": _report_shown(request, item),
        "report_to": REPORT_TO_LABELS.get(item.report_to, item.report_to),
        **_identity_context(request),
    })


def _report_shown(request: SchoolRequest, item: Finding) -> Any:
    """The safeguarding report a finding was passed on in, where this person may open it (the
    DSL team with the second factor, or whoever it alerted): its reference and state are about a
    child's record, so everyone else learns only that it was passed on."""
    if item.report_id is None or not totp.is_verified(request):
        return None
    return access.full_reports(request.person, request.user).filter(
        pk=item.report_id).only("reference", "status").first()


@requires("network_monitoring")
@require_http_methods(["GET", "POST"])
def upload(request: SchoolRequest) -> HttpResponse:
    """The log is kept for a worker and its scan queued; the scan's page shows it being read."""
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            job = scanjobs.queue(
                request.school, form.cleaned_data["log"], format=form.cleaned_data["format"],
                people=form.cleaned_data.get("people"), by=request.user,
            )
            return redirect("network:scan", pk=job.pk)
    else:
        form = UploadForm()
    recent = LogScan.objects.for_school(request.school).select_related("by").only(
        "name", "created", "state", "by__first_name", "by__last_name", "by__username",
        "updated_at", "result",
    )[:RECENT_SCANS]
    return render(request, "network/upload.html", {
        "form": form, "configured": bool(_settings(request).networks_yaml),
        "recent": [(job, scanjobs.progress(job)) for job in recent],
    })


def _scan_for(request: SchoolRequest, pk: int) -> LogScan:
    return get_object_or_404(LogScan.objects.for_school(request.school).select_related("scan"),
                             pk=pk)


@requires("network_monitoring")
def scan(request: SchoolRequest, pk: int) -> HttpResponse:
    job = _scan_for(request, pk)
    return render(request, "network/scan.html", {
        "job": job, "progress": scanjobs.progress(job),
        "progress_url": reverse("network:scan_progress", args=[job.pk]),
    })


@requires("network_monitoring")
def scan_progress(request: SchoolRequest, pk: int) -> HttpResponse:
    """How far the scan has got, for the page's progress bar (polled while it runs)."""
    return JsonResponse(scanjobs.progress(_scan_for(request, pk)))


@requires("network_monitoring")
def blocklist_page(request: SchoolRequest) -> HttpResponse:
    settings = _settings(request)
    form = BlocklistForm(request.GET or None)
    if request.GET.get("download") and form.is_valid():
        data = form.cleaned_data
        lists = None
        if data["categories"] and settings.lists_dir and Path(settings.lists_dir).is_dir():
            available = set(CategoryLists.available(settings.lists_dir))
            lists = CategoryLists(settings.lists_dir,
                                  [c for c in settings.categories() if c in available])
        clients: list[str] = []
        if data["guest_only"] and data["format"] == "adguard":
            clients = [str(r) for n in settings.networks().networks if n.kind == "guest_wifi"
                       for r in n.ranges]

        def lines() -> Iterator[str]:
            for line in blocklist(data["format"], lists=lists, include_widgets=data["widgets"],
                                  clients=clients, school=request.school.name):
                yield line + "\n"

        response = StreamingHttpResponse(lines(), content_type="text/plain; charset=utf-8")
        name = f"guest-wifi-blocklist-{data['format']}.{EXTENSIONS[data['format']]}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    preview = list(blocklist(form.cleaned_data["format"] if form.is_valid() else "dnsmasq",
                             school=request.school.name))[:14]
    return render(request, "network/blocklist.html", {
        "form": form if request.GET else BlocklistForm(), "preview": preview,
        "lists_ready": bool(settings.lists_dir and Path(settings.lists_dir).is_dir()),
        "categories": settings.categories(),
    })


@requires("network_monitoring")
@require_http_methods(["GET", "POST"])
def reviews(request: SchoolRequest) -> HttpResponse:
    if request.method == "POST":
        form = ReviewForm(request.POST, instance=FilteringReview(school=request.school))
        if form.is_valid():
            review = form.save(commit=False)
            review.recorded_by = request.user
            review.save()
            messages.success(request, "The review is recorded.")
            return redirect("network:reviews")
    else:
        form = ReviewForm()
    found = FilteringReview.objects.for_school(request.school)
    latest = found.first()
    return render(request, "network/reviews.html", {
        "correcting": None,
        "form": form, "reviews": found, "overdue": latest is not None
        and latest.next_review_due < timezone.localdate(), "none_yet": latest is None,
    })


@requires("network_monitoring")
@require_http_methods(["GET", "POST"])
def review_correct(request: SchoolRequest, pk: int) -> HttpResponse:
    """Correct a review recorded with a mistake in it (the same form, filled in)."""
    review = get_object_or_404(FilteringReview.objects.for_school(request.school), pk=pk)
    form = ReviewForm(request.POST if request.method == "POST" else None, instance=review)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"The review of {review.reviewed_on.day} "
                         f"{review.reviewed_on:%B %Y} is corrected.")
        return redirect("network:reviews")
    found = FilteringReview.objects.for_school(request.school)
    return render(request, "network/reviews.html", {
        "form": form, "reviews": found, "correcting": review, "overdue": False,
        "none_yet": False,
    }, status=422 if request.method == "POST" else 200)


@requires("network_monitoring")
@require_http_methods(["GET", "POST"])
def settings_page(request: SchoolRequest) -> HttpResponse:
    instance = _settings(request)
    data = request.POST if request.method == "POST" else None
    # The networks are a form each (name, kind, ranges...), kept as networks.yaml: the file
    # `smpolicy scan-logs --networks` reads, so the page and the command line agree.
    networks = NetworkFormSet(data, prefix="networks", initial=network_initial(instance))
    networks_valid = data is not None and networks.is_valid()
    if networks_valid:
        instance.networks_yaml = networks.as_yaml()
    form = SettingsForm(data, instance=instance)
    if not request.user.is_superuser:
        # A folder on the server is the deployment's business: a school sees, not sets, it.
        form.fields["lists_dir"].disabled = True
        form.fields["lists_dir"].help_text += " Set by the site's administrator."
    if data is not None and form.is_valid() and networks_valid:
        form.save()
        messages.success(request, "The settings are saved.")
        return redirect("network:settings")
    errors = [(f"#{field.id_for_label}", f"{field.label}: {error}")
              for bound in (form, *networks.forms) for field in bound for error in field.errors]
    if data is not None:
        errors += [("", str(error)) for error in (*form.non_field_errors(),
                                                   *networks.non_form_errors())]
    return render(request, "network/settings.html", {
        "form": form, "networks": networks, "errors": errors,
        "networks_yaml": instance.networks_yaml,
        "available": CategoryLists.available(instance.lists_dir) if instance.lists_dir else [],
        "upload_url": reverse("network:upload"),
    })
