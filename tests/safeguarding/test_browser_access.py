"""In a real browser (Playwright driving Debian's Chromium): the DSL asks for a teacher to become
a deputy DSL; nothing changes until the headteacher, signed in with their own second factor,
confirms it from the notice on their home page. Then a DSL who lost their phone signs in with a
recovery code. Each page passes axe's WCAG 2.2 AA checks."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in
from smpolicy.safeguarding import recovery
from smpolicy.safeguarding.models import AuditEntry
from smpolicy.schools import testing
from smpolicy.schools.positions import positions_of

from .conftest import enrol
from .test_browser import shot

pytestmark = pytest.mark.browser


@pytest.fixture
def staffroom(guarded_db, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    school = testing.make_school("Straits Primary School", slug="straits")
    teacher = testing.make_person(school, "staff", "Ada", "Lovelace", email="ada@straits.sch.uk")
    dsl = testing.make_person(
        school, "staff", "Dora", "Lead", positions=["dsl"], email="dsl@straits.sch.uk"
    )
    head = testing.make_person(
        school, "staff", "Helen", "Head", positions=["headteacher"], email="head@straits.sch.uk"
    )
    testing.make_user(teacher, username="ada.lovelace")
    testing.make_user(dsl, username="dora.lead")
    testing.make_user(head, username="helen.head")
    return {
        "teacher": teacher,
        "dsl": dsl,
        "head": head,
        "dsl_factor": enrol(dsl),
        "head_factor": enrol(head),
    }


def _code(page: Page, factor) -> None:
    page.get_by_label("The 6-digit code from your authenticator app").fill(
        pyotp.TOTP(factor.secret).now()
    )
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def _sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_a_deputy_dsl_post_waits_for_the_headteacher(page: Page, live_server, staffroom):
    base = live_server.url
    sign_in(page, base, "dora.lead")
    page.goto(f"{base}/safeguarding/access/")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    _code(page, staffroom["dsl_factor"])
    expect(page.get_by_role("heading", name="Posts and access")).to_be_visible()
    assert accessibility_violations(page) == []

    page.get_by_label("Give a post").check()
    page.get_by_label("Who").select_option(label="Ada Lovelace")
    page.get_by_label("Which post").select_option("deputy_dsl")
    page.get_by_label("Why").fill("A second deputy for the juniors")
    page.get_by_role("button", name="Ask for the change").click()
    expect(page.get_by_text("It takes effect once Helen Head confirms it")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm")).to_have_count(0)  # not hers to confirm
    assert "deputy_dsl" not in positions_of(staffroom["teacher"])
    _sign_out(page)

    sign_in(page, base, "helen.head")
    notice = page.get_by_role("link", name="1 change to safeguarding access waits")
    expect(notice).to_be_visible()
    assert accessibility_violations(page) == []
    notice.click()
    _code(page, staffroom["head_factor"])
    expect(page.get_by_text("Give the Deputy Designated Safeguarding Lead post to Ada")).to_be_visible()
    shot(page, "access-pending")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Confirmed: Give the Deputy")).to_be_visible()
    shot(page, "access-confirmed")
    assert accessibility_violations(page) == []
    assert "deputy_dsl" in positions_of(staffroom["teacher"])
    assert AuditEntry.objects.filter(action="confirm_access_change", username="helen.head").exists()


def test_a_dsl_without_their_phone_signs_in_with_a_recovery_code(
    page: Page, live_server, staffroom
):
    base = live_server.url
    codes = recovery.new_codes(staffroom["dsl_factor"])
    sign_in(page, base, "dora.lead")
    page.goto(f"{base}/safeguarding/records/")
    page.get_by_role("link", name="Use a recovery code").click()
    expect(page.get_by_role("heading", name="Use a recovery code")).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_label("One of your recovery codes").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You used a recovery code; 9 left")).to_be_visible()
    shot(page, "recovery-used")
    assert page.url.endswith("/safeguarding/records/")
    _sign_out(page)

    sign_in(page, base, "dora.lead")
    page.goto(f"{base}/safeguarding/second-factor/recover/")
    page.get_by_label("One of your recovery codes").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_text("That is not one of your recovery codes, or it was used already.", exact=True)
    ).to_be_visible()
