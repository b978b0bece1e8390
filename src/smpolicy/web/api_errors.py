"""The API's answers to a body that cannot be read: JSON naming the problem (413 or 400), in the
demo (DEBUG, where ninja would answer with a traceback) as in production.

web/api.py imports this module at its end, which registers the handlers on its ``api``."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError

from smpolicy.web.api import api
from smpolicy.web.errors import api_error, problem_with

BODY_ERRORS: tuple[type[Exception], ...] = (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    MultiPartParserError,
    UnreadablePostError,
)


def unreadable_body(request: HttpRequest, exc: Exception) -> HttpResponse:
    found = problem_with(exc)
    status, detail = found if found is not None else (400, "The request could not be read.")
    return api.create_response(request, api_error(detail), status=status)


for _kind in BODY_ERRORS:
    api.add_exception_handler(_kind, unreadable_body)
