"""The network monitoring pages: findings (filters and a chart per day), one finding (marking it
reviewed or a false positive), uploading a log, the guest WiFi block list, the annual filtering
and monitoring review, and the settings. Every page needs the ``network_monitoring`` capability
(the headteacher, the DSL team, the IT lead) and shows the user's own school only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from smpolicy.monitoring import CategoryLists, DirectoryError, ListsError, blocklist
from smpolicy.monitoring.blocklist import EXTENSIONS
from smpolicy.network.forms import (
    BlocklistForm,
    FindingFilterForm,
    FindingStatusForm,
    ReviewForm,
    SettingsForm,
    UploadForm,
)
from smpolicy.network.models import (
    EXAMPLE_NETWORKS,
    FilteringReview,
    Finding,
    NetworkSettings,
    ScanRun,
)
from smpolicy.network.recording import scan_upload
from smpolicy.schools.access import SchoolRequest, requires

FINDINGS_PER_PAGE = 50
CHART_DAYS = 92
REPORT_TO_LABELS = {
    "dsl": "the Designated Safeguarding Lead, now",
    "headteacher": "the headteacher",
    "none": "nobody beyond the network review",
}


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
        found = found.filter(
            Q(person_name__icontains=text) | Q(user__icontains=text) | Q(client__iexact=text)
            | Q(person__first_name__icontains=text) | Q(person__last_name__icontains=text)
        )
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


def chart(days: list[tuple[dt.date, int]]) -> dict[str, Any]:
    """Bars of an SVG chart, drawn on the server (no script)."""
    height, base, step = 160, 130, 16
    top = max((n for _, n in days), default=0) or 1
    bars = []
    for i, (day, n) in enumerate(days):
        h = round(n / top * (base - 12))
        bars.append({
            "x": 40 + i * step, "y": base - h, "height": h, "day": day, "n": n,
            "label": i % 7 == 0 or len(days) <= 10,
        })
    return {"bars": bars, "width": 40 + len(days) * step + 10, "height": height, "base": base,
            "top": top, "mid": (top + 1) // 2, "mid_y": base - round(((top + 1) // 2) / top
                                                                    * (base - 12))}


@requires("network_monitoring")
def findings(request: SchoolRequest) -> HttpResponse:
    clauses = list(
        Finding.objects.for_school(request.school).order_by("clause")
        .values_list("clause", flat=True).distinct()
    )
    form = FindingFilterForm(request.GET or None, clauses=clauses)
    found = _filtered(request, form).select_related("person")
    days = per_day(found)
    page = Paginator(found, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "network/findings.html", {
        "form": form, "page": page, "total": page.paginator.count, "query": query.urlencode(),
        "days": days, "chart": chart(days), "last_scan": ScanRun.objects.for_school(
            request.school).first(),
    })


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
        "finding": item, "form": form,
        "report_to": REPORT_TO_LABELS.get(item.report_to, item.report_to),
    })


@requires("network_monitoring")
@require_http_methods(["GET", "POST"])
def upload(request: SchoolRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            log = form.cleaned_data["log"]
            people = form.cleaned_data.get("people")
            try:
                report, summary = scan_upload(
                    request.school, log.open("rb"), Path(log.name).name,
                    format=form.cleaned_data["format"],
                    people_csv=people.open("rb") if people else None,
                    by=request.user,
                )
            except (DirectoryError, ListsError) as error:
                form.add_error(None, str(error))
            else:
                result = {"report": report, "summary": summary["summary"],
                          "scan": ScanRun.objects.get(pk=report.scan_id)}
    else:
        form = UploadForm()
    return render(request, "network/upload.html", {
        "form": form, "result": result, "configured": bool(_settings(request).networks_yaml),
    })


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
        "form": form, "reviews": found, "overdue": latest is not None
        and latest.next_review_due < timezone.localdate(), "none_yet": latest is None,
    })


@requires("network_monitoring")
@require_http_methods(["GET", "POST"])
def settings_page(request: SchoolRequest) -> HttpResponse:
    instance = _settings(request)
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=instance)
    if not request.user.is_superuser:
        # A folder on the server is the deployment's business: a school sees, not sets, it.
        form.fields["lists_dir"].disabled = True
        form.fields["lists_dir"].help_text += " Set by the site's administrator."
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The settings are saved.")
        return redirect("network:settings")
    return render(request, "network/settings.html", {
        "form": form, "example": EXAMPLE_NETWORKS,
        "available": CategoryLists.available(instance.lists_dir) if instance.lists_dir else [],
        "upload_url": reverse("network:upload"),
    })
