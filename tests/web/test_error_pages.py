"""The demo runs with DEBUG off: its own error pages (404, 403, 500) in the school's style, each
saying what to do, never Django's debug page listing every address; static files still served."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in
from smpolicy.schools import testing


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode()


def test_the_demo_serves_its_own_404_page_and_its_static_files_with_debug_off(tmp_path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SMPOLICY_MODE"}}
    env["SMPOLICY_DATA_DIR"] = str(tmp_path)
    smpolicy = Path(sys.executable).with_name("smpolicy")
    server = subprocess.Popen([str(smpolicy), "demo", "--addrport", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                status, _, _ = _get(f"{base}/accounts/login/")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the demo did not start in 5 minutes"
            time.sleep(1)
        status, _, body = _get(f"{base}/no-such-page/")
        assert status == 404
        assert "Page not found" in body and "What you can do" in body
        assert "URLconf" not in body and "DEBUG = True" not in body and "/safeguarding/" not in body
        assert "smpolicy/site.css" in body
        status, kind, css = _get(f"{base}/static/smpolicy/site.css")
        assert status == 200 and kind.startswith("text/css") and ".site-header" in css
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture
def teacher(transactional_db):
    school = testing.make_school("Straits Primary School", slug="straits")
    person = testing.make_person(school, "staff", "Ada", "Lovelace")
    testing.make_user(person, username="ada.lovelace")
    return person


def _looks_like_the_site(page: Page, what_to_do: str) -> None:
    expect(page.locator("header.site-header")).to_be_visible()
    colour = page.locator("header.site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), colour  # the site's style sheet is on
    expect(page.get_by_role("main")).to_contain_text(what_to_do)
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
    assert accessibility_violations(page) == []


def test_404_403_and_500_pages_are_the_school_s_own_and_say_what_to_do(
        page: Page, live_server, teacher, settings) -> None:
    settings.ROOT_URLCONF = "web.error_urls"  # tests/ is on the path; tests/web is a package
    missing = page.goto(f"{live_server.url}/no-such-page/")
    assert missing is not None and missing.status == 404
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    _looks_like_the_site(page, "If you typed the address, check it.")

    sign_in(page, live_server.url, "ada.lovelace")
    refused = page.goto(f"{live_server.url}/people/")
    assert refused is not None and refused.status == 403
    expect(page.get_by_role("heading", name="You can't open this page", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Straits Primary School")).to_be_visible()
    _looks_like_the_site(page, "ask your headteacher")

    failed = page.goto(f"{live_server.url}/test-fails/")
    assert failed is not None and failed.status == 500
    expect(page.get_by_role("heading", name="Something went wrong", level=1)).to_be_visible()
    assert "Oliver Smith" not in page.content() and "Traceback" not in page.content()
    expect(page.get_by_role("link", name="Straits Primary School")).to_be_visible()
    _looks_like_the_site(page, "tell your IT lead what you were doing")
