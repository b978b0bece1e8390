"""Site-wide guards: requests too large or malformed are refused before anything reads them, and
pages that show records are never kept in a browser's or proxy's cache."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from smpolicy.web.errors import error_response, megabytes, problem_with

Handler = Callable[[HttpRequest], HttpResponse]


class RequestLimitsMiddleware:
    """Refuses, with 413 or 400 and a page saying why, a request whose Content-Length is over
    SMPOLICY_MAX_REQUEST_BYTES or is not a number, and a multipart form without a boundary,
    before Django starts reading the body (and writing it into temporary files). Errors met
    while a view reads the body are answered the same way."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        raw_length = request.META.get("CONTENT_LENGTH") or ""
        if raw_length.strip():
            try:
                length = int(raw_length)
            except ValueError:
                length = -1
            if length < 0:
                return error_response(request, 400, "The request's Content-Length is not a number.")
            limit = settings.SMPOLICY_MAX_REQUEST_BYTES
            if length > limit:
                return error_response(
                    request,
                    413,
                    f"What you sent is {megabytes(length)}, more than the {megabytes(limit)} "
                    "this site accepts in one go. Send fewer or smaller files at once.",
                )
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.lower().startswith("multipart/"):
            boundary = ""
            for part in content_type.split(";")[1:]:
                key, _, value = part.strip().partition("=")
                if key.strip().lower() == "boundary":
                    boundary = value.strip().strip('"')
            if not boundary:
                return error_response(
                    request,
                    400,
                    "The upload was sent as multipart/form-data without a boundary, so its "
                    "parts cannot be told apart. Send it from the page's form, or set the "
                    "boundary in the Content-Type.",
                )
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        found = problem_with(exception)
        if found is None:
            return None
        return error_response(request, *found)


# Where records are shown: every response under these, signed in or not, and every response
# to a signed-in person anywhere, is marked no-store.
RECORD_PREFIXES = (
    "/safeguarding/",
    "/registers/",
    "/people/",
    "/posts/",
    "/network/",
    "/admin/",
    "/api/",
    "/accounts/",
)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page that may show a record about a child, so the
    browser's back button on a shared classroom computer, a disk cache or a proxy keeps nothing.
    Static files (no records, the same for everyone) keep their caching."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        path = request.path
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return response
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if signed_in or path.startswith(RECORD_PREFIXES):
            if "no-store" not in response.get("Cache-Control", ""):  # a view's own no-store stays
                add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            patch_vary_headers(response, ("Cookie",))
        return response
