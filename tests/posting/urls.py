"""The site's URLs plus POST /api/posts/check, for as long as the lead has not mounted the posting
router on the site API. Once it is mounted, conftest.py uses the site's own URLs instead."""

from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

from smpolicy.posting.api import router
from smpolicy.web.api import BasicAuth
from smpolicy.web.urls import urlpatterns as site_urlpatterns

api = NinjaAPI(
    title="posting (tests)",
    version="test",
    auth=[django_auth, BasicAuth()],
    urls_namespace="posting-test-api",
)
api.add_router("/", router)

urlpatterns = [path("posting-test-api/", api.urls), *site_urlpatterns]
