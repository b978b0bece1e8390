"""Where the site's Content Security Policy is relaxed, by path, and why.

- Single sign-on's confirm page posts to this site, which redirects the browser to the school's
  identity provider: form-action must allow that redirect (browsers apply it to redirects).
- The API's Swagger page (/api/docs), which ninja writes with an inline script.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

RELAXED: tuple[tuple[str, dict[str, list[str]]], ...] = (
    ("/accounts/oidc/", {"form-action": ["https:", "http://127.0.0.1:*", "http://localhost:*"]}),
    ("/api/docs", {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}),
)


class RelaxedPathsMiddleware:
    """Goes after CSPMiddleware in MIDDLEWARE, so its answer is marked before the header is made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for prefix, update in RELAXED:
            if request.path.startswith(prefix):
                response._csp_update = update  # type: ignore[attr-defined]
        return response
