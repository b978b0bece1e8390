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
