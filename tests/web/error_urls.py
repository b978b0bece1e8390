"""The site's addresses and one that fails, for the 500 page's test (tests/web/test_error_pages.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault in a view, with a pupil's name: Oliver Smith")


urlpatterns = [path("test-fails/", fails), path("", include("smpolicy.web.urls"))]

handler400 = "smpolicy.web.errors.bad_request"
handler403 = "smpolicy.web.errors.permission_denied"
handler404 = "smpolicy.web.errors.page_not_found"
handler500 = "smpolicy.web.errors.server_error"
