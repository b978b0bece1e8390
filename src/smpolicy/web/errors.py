"""Error pages in the site's style (HTML), or a JSON error under /api/, never a traceback.

Django's handlers (``handler400`` ... in smpolicy.web.urls) and the request-limits middleware
all answer through ``error_response``. The page names what was wrong in plain words; it never
shows the exception itself, which could hold a pupil's data.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger("smpolicy.errors")

TITLES = {
    400: "The request could not be read",
    403: "You can't open this page",
    404: "Page not found",
    413: "What you sent is too large",
    500: "Something went wrong",
}
DEFAULT_DETAIL = {
    400: "Something in what your browser sent could not be read. Go back and try again.",
    403: "Your account does not have permission to see this page.",
    404: "There is no page at this address. It may have moved, or the link may be wrong.",
    413: "The upload is larger than this site accepts. Send a smaller file, or fewer at once.",
    500: "The page could not be shown. Nothing you entered has been lost from the records; "
    "try again, and tell your IT lead if it keeps happening.",
}


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    """The error page (or JSON ``{"detail": ...}`` under /api/) for ``status``."""
    message = detail or DEFAULT_DETAIL.get(status, "")
    if wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    context: dict[str, Any] = {"title": TITLES.get(status, "Error"), "detail": message,
                               "status": status, "reason": detail}
    template = "403.html" if status == 403 else "error.html"
    try:
        # The request's context (the school, the signed-in person) when it can be had; a
        # failure there (the database down) falls back to the page without it.
        body = loader.render_to_string(template, context, request=request)
    except Exception:
        logger.exception("rendering the %s page failed", status)
        body = loader.render_to_string("error.html", context)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # PermissionDenied("...") from the code is written for the person; show it.
    detail = str(exception) if exception is not None and str(exception) else ""
    return error_response(request, 403, detail)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"detail": DEFAULT_DETAIL[500]}, status=500)
    try:
        body = loader.render_to_string(
            "error.html", {"title": TITLES[500], "detail": DEFAULT_DETAIL[500], "status": 500}
        )
    except Exception:  # the last resort must not fail itself
        logger.exception("rendering the 500 page failed")
        body = f"<!doctype html><title>{TITLES[500]}</title><h1>{TITLES[500]}</h1>"
    return HttpResponse(body, status=500)
