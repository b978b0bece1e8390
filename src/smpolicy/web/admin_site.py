"""The Django admin, for deployment configuration only, behind the second factor.

The admin edits what a deployment is set up with (schools, people, ordinary posts, settings); it
never shows or edits safeguarding records, second factors, register history, policy versions or
subject access requests: those models are not registered at all, so no permission, superuser or
not, opens them. Every admin page needs a verified second factor in the session, like the DSL's
pages, because an admin account can change who people are. Signing in goes through the site's own
page, where lockouts apply.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from smpolicy.safeguarding import totp
from smpolicy.safeguarding.access import second_factor_redirect
from smpolicy.schools.access import forbidden, login_url


class SchoolAdminSite(admin.AdminSite):
    site_header = "smpolicy administration"
    site_title = "smpolicy"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and totp.is_verified(request)

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url())
            if not (user.is_active and user.is_staff):
                return forbidden(
                    request,
                    "The administration pages are for the people who set up this deployment.",
                )
            if not totp.is_verified(request):
                return second_factor_redirect(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapped, view)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # One sign-in page for the whole site, so the admin gets no door of its own.
        return redirect_to_login(request.GET.get("next", "/admin/"), login_url())
