from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from smpolicy.jobs.health import healthz
from smpolicy.web.api import api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("smpolicy.asking.urls")),
    path("safeguarding/", include("smpolicy.safeguarding.urls")),
    path("network/", include("smpolicy.network.urls")),
    path("posts/", include("smpolicy.posting.urls")),
    path("registers/", include("smpolicy.registers.urls")),
    path("exports/", include("smpolicy.jobs.urls")),
    path("", include("smpolicy.schools.urls")),
    # Single sign-on (django-allauth): only the provider's login and callback and allauth's two
    # error pages. Not allauth.urls whole: its sign-up, e-mail and "set a password" pages would
    # let an SSO-only account get a password the school's tenant no longer controls.
    path("accounts/", include("allauth.socialaccount.providers.openid_connect.urls")),
    # SAML: login, the assertion consumer service (acs/, acs/finish/), the service provider's
    # metadata for the school's IT lead, and single logout (sls/, named in that metadata).
    path("accounts/", include("allauth.socialaccount.providers.saml.urls")),
    # The site's own pages for a cancelled or failed sign-in. Not allauth's views: they reverse
    # allauth's "account_login", which is not mounted here, so they answered with a 500.
    path(
        "accounts/sso/cancelled/",
        TemplateView.as_view(template_name="socialaccount/login_cancelled.html"),
        name="socialaccount_login_cancelled",
    ),
    path(
        "accounts/sso/error/",
        TemplateView.as_view(template_name="socialaccount/authentication_error.html"),
        name="socialaccount_login_error",
    ),
]

# Error pages in the site's style, never Django's plain or debug pages (smpolicy.web.errors).
handler400 = "smpolicy.web.errors.bad_request"
handler403 = "smpolicy.web.errors.permission_denied"
handler404 = "smpolicy.web.errors.page_not_found"
handler500 = "smpolicy.web.errors.server_error"
