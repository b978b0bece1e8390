from django.contrib import admin
from django.urls import include, path

from smpolicy.web.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("smpolicy.asking.urls")),
    path("safeguarding/", include("smpolicy.safeguarding.urls")),
    path("network/", include("smpolicy.network.urls")),
    path("posts/", include("smpolicy.posting.urls")),
    path("registers/", include("smpolicy.registers.urls")),
    path("", include("smpolicy.schools.urls")),
]

# Error pages in the site's style, never Django's plain or debug pages (smpolicy.web.errors).
handler400 = "smpolicy.web.errors.bad_request"
handler403 = "smpolicy.web.errors.permission_denied"
handler404 = "smpolicy.web.errors.page_not_found"
handler500 = "smpolicy.web.errors.server_error"
