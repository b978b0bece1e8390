"""Error pages in the site's style (HTML), or a JSON error under /api/, never a traceback.

Django's handlers (``handler400`` ... in smpolicy.web.urls) and the request-limits middleware
all answer through ``error_response``. The page names what was wrong in plain words; it never
shows the exception itself, which could hold a pupil's data.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
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


# What the person can do about it, under what went wrong.
NEXT_STEP = {
    400: "Go back, reload the page and try again.",
    403: "If you need this page for your work, ask your headteacher or IT lead for access. If you "
    "are signed in with another account, sign out and sign in with your own.",
    404: "If you typed the address, check it. Otherwise start again from the home page, or ask "
    "the person who sent you the link.",
    413: "Go back and send a smaller file, or fewer at once.",
    500: "Wait a minute and try again. If it keeps happening, tell your IT lead what you were "
    "doing and when.",
}


def megabytes(size: int) -> str:
    """A size in words: "64 KB", "2.5 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def problem_with(exc: BaseException) -> tuple[int, str] | None:
    """(status, what was wrong) for an error reading the request's body; None for any other."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        return 413, (
            f"The form's text is larger than the {megabytes(limit)} this site accepts "
            "(files are counted apart). Send less at once."
        )
    if isinstance(exc, TooManyFilesSent):
        return 400, (
            f"Too many files in one request (at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES}). "
            "Send fewer at once."
        )
    if isinstance(exc, TooManyFieldsSent):
        return 400, (
            f"Too many form fields in one request (at most "
            f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS})."
        )
    if isinstance(exc, MultiPartParserError):
        return 400, f"The upload could not be read: {str(exc)[:200] or 'it is malformed'}."
    if isinstance(exc, UnreadablePostError):
        return 400, "The upload was cut off before it all arrived. Try again."
    return None


def api_error(message: str) -> dict[str, Any]:
    """The API's error shape, as its own routes answer (``{"error": ..., "field": ...}``)."""
    return {"error": message, "field": None}


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    """The error page (or the API's JSON error under /api/) for ``status``."""
    message = detail or DEFAULT_DETAIL.get(status, "")
    if wants_json(request):
        return JsonResponse(api_error(message), status=status)
    context: dict[str, Any] = {"title": TITLES.get(status, "Error"), "detail": message,
                               "status": status, "reason": detail,
                               "next_step": NEXT_STEP.get(status, "")}
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
    # RequestDataTooBig and TooManyFieldsSent arrive here (they are SuspiciousOperations).
    found = problem_with(exception) if exception is not None else None
    return error_response(request, *(found or (400, "")))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # PermissionDenied("...") from the code is written for the person; show it.
    detail = str(exception) if exception is not None and str(exception) else ""
    return error_response(request, 403, detail)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # A body that cannot be read, met before any view (the CSRF check reads the form), is the
    # sender's mistake, not the server's: say what it was.
    found = problem_with(sys.exc_info()[1]) if sys.exc_info()[1] is not None else None
    if found is not None:
        return error_response(request, *found)
    try:
        # In the school's style where the request's context can still be had (error_response
        # falls back to the page without it).
        return error_response(request, 500)
    except Exception:  # the last resort must not fail itself
        logger.exception("rendering the 500 page failed")
        body = f"<!doctype html><title>{TITLES[500]}</title><h1>{TITLES[500]}</h1>"
    return HttpResponse(body, status=500)
