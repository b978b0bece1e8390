"""Where the site's Content Security Policy is relaxed, by path, and why.

- Single sign-on's confirm page posts to this site, which redirects the browser to the school's
  identity provider (OpenID Connect, and SAML's HTTP-Redirect binding for the AuthnRequest):
  form-action must allow that redirect (browsers apply it to redirects). SAML's answer comes back
  as the identity provider's own page posting to /accounts/saml/<school>/acs/: that page's policy
  is the provider's, and this site's ACS answers with a redirect to a page of its own.
- The API's Swagger page (/api/docs), which ninja writes with an inline script.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

RELAXED: tuple[tuple[str, dict[str, list[str]]], ...] = (
    ("/accounts/oidc/", {"form-action": ["https:", "http://127.0.0.1:*", "http://localhost:*"]}),
    ("/accounts/saml/", {"form-action": ["https:", "http://127.0.0.1:*", "http://localhost:*"]}),
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
