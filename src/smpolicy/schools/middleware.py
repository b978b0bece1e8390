"""Puts the signed-in person and their school on every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from smpolicy.schools.access import attach


class CurrentSchoolMiddleware:
    """Sets ``request.person`` (None when anonymous or not linked to a person) and
    ``request.school`` (None when there is no school for the user). Goes after
    AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        attach(request)
        return self.get_response(request)
