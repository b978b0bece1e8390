"""Pages that show records are never cached (Cache-Control: no-store), static files still are;
every page carries the Content Security Policy; errors are the site's own pages."""

from __future__ import annotations

import pytest
from django.test import Client

from smpolicy.schools import testing


@pytest.fixture
def teacher(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    school = testing.make_school("Straits Primary School", slug="straits")
    person = testing.make_person(school, "staff", "Ada", "Lovelace", positions=["headteacher"])
    testing.make_user(person)
    return person


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/", "/ask/", "/posts/check/", "/people/", "/registers/",
                                  "/network/", "/safeguarding/", "/accounts/password/",
                                  "/api/openapi.json"])
def test_a_signed_in_persons_pages_are_never_stored(client, teacher, path):
    client.force_login(teacher.user)
    response = client.get(path)
    assert response.status_code < 500
    assert no_store(response), (path, response.get("Cache-Control"))
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/safeguarding/", "/registers/", "/people/", "/posts/",
                                  "/network/", "/admin/", "/admin/login/", "/api/posts/check",
                                  "/accounts/login/"])
def test_record_areas_are_not_stored_even_signed_out(client, db, path):
    response = client.get(path)
    assert no_store(response), (path, response.status_code, response.get("Cache-Control"))


def test_a_views_own_no_store_is_kept(client, teacher):
    # The post's image view says "private, no-store" itself; it is not rewritten.
    client.force_login(teacher.user)
    response = client.get("/")
    assert response["Cache-Control"].count("no-store") == 1


def test_static_files_keep_their_caching(teacher):
    # In production WhiteNoise answers static files before this middleware; behind any other
    # static server, a signed-in person's request for one still keeps its caching.
    from django.http import HttpResponse
    from django.test import RequestFactory

    from smpolicy.web.middleware import NoStoreMiddleware

    def static_file(request):
        response = HttpResponse("body{}", content_type="text/css")
        response["Cache-Control"] = "max-age=31536000, public, immutable"
        return response

    request = RequestFactory().get("/static/smpolicy/site.css")
    request.user = teacher.user
    response = NoStoreMiddleware(static_file)(request)
    assert response["Cache-Control"] == "max-age=31536000, public, immutable"
    page = RequestFactory().get("/")
    page.user = teacher.user
    assert no_store(NoStoreMiddleware(static_file)(page))


def test_every_page_carries_the_content_security_policy(client, teacher):
    client.force_login(teacher.user)
    policy = client.get("/posts/check/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert "unsafe-inline" not in policy
    login = Client().get("/accounts/login/")
    assert login["Content-Security-Policy"] == policy


def test_no_template_has_an_inline_script_or_style():
    # What the policy would block, caught before a browser meets it. The child protection file
    # (cp_file.html) is exempt: it is a standalone document in a zip, never served by the site.
    import re
    from pathlib import Path

    import smpolicy

    root = Path(smpolicy.__file__).parent
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\sstyle=|<style|"
                        r"\son[a-z]+=|javascript:", re.I)
    found = [f"{path.relative_to(root)}: {match.group(0)}"
             for path in root.rglob("templates/**/*.html") if path.name != "cp_file.html"
             for match in inline.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_error_pages_are_the_sites_own(client, teacher):
    client.force_login(teacher.user)
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404
    html = missing.content.decode()
    assert "<h1>Page not found</h1>" in html and 'class="site-header"' in html
    assert client.get("/api/nothing-here").status_code == 404


def test_a_server_error_shows_the_sites_page_and_no_traceback(teacher, settings):
    from django.urls import path

    from smpolicy.web import urls

    def broken(request):
        raise RuntimeError("Pip Pupil's record: secret detail")

    settings.ROOT_URLCONF = type("Urls", (), {
        "urlpatterns": [path("broken/", broken), *urls.urlpatterns],
        "handler500": urls.handler500, "handler404": urls.handler404,
    })
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "secret detail" not in html and "Traceback" not in html
