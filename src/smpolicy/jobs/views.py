"""An export's page, its state for the page's script, and its download (smpolicy.jobs.exports).

An export is its requester's alone: another person's, or another school's, is a 404, the same
answer as for none at all. Each look checks again that the requester may still have it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from smpolicy.jobs import exports
from smpolicy.jobs.models import Export
from smpolicy.schools.access import attach, forbidden, login_url

ViewFunc = Callable[..., HttpResponse]


def signed_in_person(view: ViewFunc) -> ViewFunc:
    """Signed in as a person of a school. No second factor here: each kind asks for its own
    (the child protection file does, the governors' report does not)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url())
        if not hasattr(request, "school"):
            attach(request)
        if request.school is None or request.person is None:  # type: ignore[attr-defined]
            return forbidden(request, "Your account is not linked to a person at a school.")
        return view(request, *args, **kwargs)

    return wrapped


def _export_for(request: HttpRequest, pk: int) -> Export | HttpResponse:
    school = request.school  # type: ignore[attr-defined]
    job = get_object_or_404(Export.objects.for_school(school).select_related("school"),
                            pk=pk, requested_by=request.user)
    refused = exports.KINDS[job.kind].refuse(request, job)
    return refused if refused is not None else job


@signed_in_person
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    job = _export_for(request, pk)
    if isinstance(job, HttpResponse):
        return job
    kind = exports.KINDS[job.kind]
    return render(request, "jobs/export.html", {
        "job": job, "label": kind.label, "back": kind.back(job),
        "progress": exports.progress(job),
        "progress_url": reverse("jobs:export_progress", args=[job.pk]),
    })


@signed_in_person
@require_GET
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's state, polled by the page until it is ready (or stopped)."""
    job = _export_for(request, pk)
    if isinstance(job, HttpResponse):
        return job
    return JsonResponse(exports.progress(job))


@signed_in_person
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _export_for(request, pk)
    if isinstance(job, HttpResponse):
        return job
    if job.state != Export.State.READY:
        raise Http404("Not ready")
    try:
        handle = Path(job.file).open("rb")  # noqa: SIM115 (FileResponse closes it when sent)
    except FileNotFoundError:
        raise Http404("Deleted") from None
    downloaded = exports.KINDS[job.kind].downloaded
    if downloaded is not None:
        downloaded(request, job)
    response = FileResponse(handle, content_type=job.content_type, as_attachment=True,
                            filename=job.filename)
    response["Cache-Control"] = "no-store, private"
    return response
