"""In Chromium: the Content Security Policy holds on the main pages and breaks none of them.

Every page is opened with a listener for `securitypolicyviolation` (added before any of the
page's own script runs) and the console watched for CSP reports; a page that reports one fails.
The pages must still work: the check page draws its boxes, the governors' report its bars, the
admin and the API's Swagger page (served from ninja's own static files) render.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from playwright.sync_api import Page, expect

from browsing import sign_in
from smpolicy.schools.demo import load_demo_school

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "content" / "corpus"
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}` +
    ` at ${e.sourceFile || ""}:${e.lineNumber || ""}`);
});
"""


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    from smpolicy.posting.demo import load_demo_posting
    from smpolicy.registers.demo import load_demo_registers

    logins = {username: password for username, password, _ in load_demo_school()}
    load_demo_posting()
    load_demo_registers()
    return logins


class Watched:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(text)

    def open(self, url: str) -> list[str]:
        response = self.page.goto(url)
        assert response is not None and response.status < 400, f"{url}: {response and response.status}"
        assert "content-security-policy" in {k.lower() for k in response.headers}, url
        return self.violations()

    def violations(self) -> list[str]:
        self.page.wait_for_load_state("load")
        found = self.page.evaluate("window.__cspViolations || []") + self.console
        self.console = []
        return found


def verify_second_factor(page: Page) -> None:
    """The session passes the second factor, as if the DSL had typed the code."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session["smpolicy_second_factor"] = {"user": int(session["_auth_user_id"]),
                                         "at": timezone.now().isoformat()}
    session.save()


def test_the_main_pages_keep_to_the_policy(page: Page, live_server, demo):
    watched = Watched(page)
    base = live_server.url
    sign_in(page, base, "head", demo["head"])
    verify_second_factor(page)
    problems: dict[str, list[str]] = {}
    for path in ["/", "/ask/", "/posts/check/", "/posts/", "/posts/consent/", "/people/",
                 "/registers/", "/registers/policy/", "/registers/policy/coverage/",
                 "/registers/governors/", "/safeguarding/", "/safeguarding/reports/new/",
                 "/network/", "/network/upload/", "/accounts/password/"]:
        if found := watched.open(base + path):
            problems[path] = found
    assert problems == {}


def test_the_check_page_still_draws_its_boxes(page: Page, live_server, demo):
    watched = Watched(page)
    sign_in(page, live_server.url, "teacher", demo["teacher"])
    assert watched.open(live_server.url + "/posts/check/") == []
    page.get_by_label("The post's text").fill("Well done Oliver Smith on sports day!")
    page.get_by_label("Images (optional)").set_input_files(
        str(CORPUS / "images" / "sports-day-1.jpg"))
    page.get_by_label("My own social media account").check()
    page.get_by_role("button", name="Check the post").click()
    page.wait_for_load_state("load")
    image = page.get_by_test_id("checked-image").locator("img")
    box = page.get_by_test_id("checked-image").locator(".box").first
    expect(box).to_be_visible()
    image_area, box_area = image.bounding_box(), box.bounding_box()
    assert image_area and box_area
    assert image_area["x"] <= box_area["x"] < image_area["x"] + image_area["width"]
    assert 0 < box_area["width"] < image_area["width"]
    assert watched.violations() == []


def test_the_governors_bars_have_their_length(page: Page, live_server, demo):
    watched = Watched(page)
    sign_in(page, live_server.url, "head", demo["head"])
    assert watched.open(live_server.url + "/registers/policy/coverage/") == []
    # Each bar as long as its share of the track: 0% draws nothing, 100% the whole track.
    rows = page.locator(".bar-row")
    assert rows.count() > 0
    lengths = []
    for i in range(rows.count()):
        track = rows.nth(i).locator(".bar-track").bounding_box()
        fill = rows.nth(i).locator(".bar-fill")
        share = float(fill.get_attribute("width").rstrip("%")) / 100
        drawn = fill.bounding_box()
        width = drawn["width"] if drawn else 0.0
        assert track and abs(width - share * track["width"]) <= 2, (share, width, track)
        lengths.append(width)
    assert any(length > 0 for length in lengths)


def test_the_admin_and_the_api_docs_work_under_the_policy(page: Page, live_server, demo):
    watched = Watched(page)
    page.goto(live_server.url + "/admin/login/")
    assert watched.violations() == []
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(demo["admin"])
    page.get_by_role("button", name="Sign in").click()  # the admin has no sign-in of its own
    page.wait_for_load_state()
    from django.contrib.auth import get_user_model

    from browsing import enter_code
    from smpolicy.safeguarding.testing import enrol

    factor = enrol(get_user_model().objects.get(username="admin"))
    page.goto(live_server.url + "/admin/")
    enter_code(page, factor)  # every admin page asks for the second factor
    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert watched.violations() == []
    assert watched.open(live_server.url + "/admin/auth/user/") == []
    assert watched.open(live_server.url + "/admin/auth/user/add/") == []
    # Swagger, from ninja's static files (no CDN: nothing is fetched from the internet).
    assert watched.open(live_server.url + "/api/docs") == []
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("smpolicy")
    assert watched.violations() == []


def test_the_policy_reports_an_inline_script(page: Page, live_server, demo):
    # The listener really hears violations: a script injected as a page's own inline <script>
    # (what an XSS would be) is blocked and reported.
    watched = Watched(page)
    sign_in(page, live_server.url, "teacher", demo["teacher"])
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__ran = true'; document.body.appendChild(s); }""")
    assert page.evaluate("window.__ran === true") is False
    assert any("script-src" in v for v in watched.violations())
