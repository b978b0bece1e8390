"""The registers in a real browser (Debian's Chromium through Playwright): a teacher declares a
social contact and the deputy head acknowledges it; a new teaching assistant completes the profile
review; everyone acknowledges a new policy version and the coverage page shows who has not; the
Chair and the Headteacher sign a version off and its PDF shows both. Each page is checked against
WCAG 2.2 AA with axe-core, and on a phone's width."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from browsing import accessibility_violations as violations
from browsing import enter_code
from smpolicy.registers import profiles, versions
from smpolicy.safeguarding.testing import enrol
from smpolicy.schools import testing

from .conftest import make_staffroom

pytestmark = pytest.mark.browser

@pytest.fixture
def live_room(guarded_db):
    room = make_staffroom(testing.make_school("Straits Primary School", slug="straits"))
    for role in ("head", "deputy", "teacher", "ta", "chair", "governor", "dsl"):
        testing.make_user(getattr(room, role), username=role)
    return room


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(testing.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def in_force_version(room):
    today = timezone.localdate()
    version = versions.new_version(room.school, room.head, "Clearer rules on messaging apps.")
    versions.submit(version)
    versions.sign(version, room.chair, "chair", today)
    versions.sign(version, room.head, "head", today)
    versions.record_meeting(version, today)
    versions.put_in_force(version, today)
    return version


def test_a_teacher_declares_a_social_contact_and_the_deputy_head_acknowledges_it(
        page: Page, live_server, live_room) -> None:
    base = live_server.url
    sign_in(page, base, "teacher")
    page.goto(f"{base}/registers/")
    page.get_by_role("link", name="Declare a social contact with a pupil's family").click()
    expect(page.get_by_role("heading", name="Declare a social contact", level=1)).to_be_visible()
    assert violations(page) == []
    page.get_by_label("Find the family: a pupil's or parent's name").fill("Smith")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("checkbox", name=re.compile(r"^Sarah Smith \(parent or carer")).check()
    page.get_by_label("How you know them").fill("Our children are in the same swimming club.")
    page.get_by_role("checkbox", name="Facebook").check()
    page.get_by_role("checkbox", name="WhatsApp").check()
    page.get_by_role("button", name="Declare it").click()
    expect(page.get_by_text("Thank you: your declaration is recorded")).to_be_visible()
    expect(page.get_by_text("Declared: waiting for a senior leader")).to_be_visible()
    detail = page.url
    assert violations(page) == []

    sign_in(page, base, "deputy")
    page.goto(f"{base}/registers/")
    page.get_by_role("navigation", name="Policy registers").get_by_role(
        "link", name="Social contacts").click()
    page.get_by_role("link", name="Amy Teacher").click()
    assert page.url == detail
    expect(page.get_by_text("Sarah Smith")).to_be_visible()
    page.get_by_label("Your note").fill("Discussed: no school matters in messages.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged.", exact=True)).to_be_visible()
    expect(page.get_by_text("Mark Deputy,")).to_be_visible()
    expect(page.get_by_text("Discussed: no school matters in messages.")).to_be_visible()


def test_a_new_teaching_assistant_completes_the_profile_review(
        page: Page, live_server, live_room) -> None:
    profiles.sync_reviews(live_room.school, timezone.localdate())
    base = live_server.url
    sign_in(page, base, "ta")
    page.goto(f"{base}/registers/")
    page.get_by_role("link", name="Review your own social media profiles").click()
    expect(page.get_by_role("heading", name="Review your social media profiles")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="I have done my review").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_label("Anything you changed or want to mention").fill(
        "Made my Instagram private and removed old photos.")
    page.get_by_role("button", name="I have done my review").click()
    expect(page.get_by_text("Thank you: your profile review is done.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Done on \d+ \w+ \d{4}"))).to_be_visible()
    page.goto(f"{base}/registers/")
    expect(page.get_by_text("Nothing to do. Thank you.")).to_be_visible()


def test_everyone_acknowledges_a_new_version_and_the_coverage_page_shows_who_has_not(
        page: Page, live_server, live_room) -> None:
    in_force_version(live_room)
    base = live_server.url
    for username in ("teacher", "ta", "deputy", "governor"):
        sign_in(page, base, username)
        page.goto(f"{base}/registers/")
        page.get_by_role("link", name=re.compile("Read and acknowledge the social media policy"
                                                 )).click()
        expect(page.get_by_role("heading", name="Code of Conduct")).to_be_visible()
        page.get_by_label("I have read this version of the social media policy").check()
        page.get_by_role("button", name=re.compile("Acknowledge version")).click()
        expect(page.get_by_text(re.compile("You acknowledged version"))).to_be_visible()
    sign_in(page, base, "head")
    page.goto(f"{base}/registers/policy/coverage/")
    expect(page.get_by_role("heading", name="Not yet acknowledged (3)")).to_be_visible()
    not_yet = page.get_by_role("table").first
    for name in ("Helen Head", "Priya Dsl", "David Chair"):
        expect(not_yet.get_by_role("rowheader", name=name)).to_be_visible()
    for name in ("Amy Teacher", "Lucy Assistant", "Mark Deputy", "Anita Governor"):
        expect(not_yet.get_by_role("rowheader", name=name)).to_have_count(0)
    expect(page.get_by_text("3 of 5")).to_be_visible()  # staff
    assert violations(page) == []
    # Governors see the counts, never the names.
    sign_in(page, base, "governor")
    page.goto(f"{base}/registers/policy/coverage/")
    expect(page.get_by_text("1 of 2")).to_be_visible()
    expect(page.get_by_text("Helen Head")).to_have_count(0)


def test_the_chair_and_the_headteacher_sign_off_a_version_and_its_pdf_shows_both(
        page: Page, live_server, live_room) -> None:
    base = live_server.url
    factors = {role: enrol(getattr(live_room, role).user) for role in ("head", "chair")}
    sign_in(page, base, "head")
    page.goto(f"{base}/registers/policy/versions/")
    # The version register opens only past the second factor.
    enter_code(page, factors["head"])
    page.get_by_role("link", name="Start a new version").click()
    page.get_by_label("What changed").fill("Adds the rules on messaging apps.")
    page.get_by_role("button", name="Create the draft").click()
    page.get_by_role("button", name="Put it under review for sign-off").click()
    expect(page.get_by_text("Under review", exact=True)).to_be_visible()
    version_url = page.url
    yesterday = (timezone.localdate() - dt.timedelta(days=1))
    page.get_by_label("Date signed").fill(yesterday.isoformat())
    page.get_by_role("button", name="Sign as Headteacher").click()
    expect(page.get_by_test_id("head-signature")).to_contain_text("Helen Head, signed")

    sign_in(page, base, "chair")
    page.goto(f"{base}/registers/")
    page.get_by_role("link", name=re.compile("Sign the social media policy")).click()
    enter_code(page, factors["chair"])
    assert page.url == version_url
    assert violations(page) == []
    page.get_by_label("Date signed").fill(yesterday.isoformat())
    page.get_by_role("button", name="Sign as Chair of Governors").click()
    expect(page.get_by_test_id("chair-signature")).to_contain_text("David Chair, signed")
    page.get_by_label("Agreed at the Full Governing Body meeting on").fill(yesterday.isoformat())
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_text("Approved", exact=True)).to_be_visible()

    pdf_path = page.get_by_role("link", name="The policy as a PDF").get_attribute("href")
    response = page.request.get(base + pdf_path)
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    signed = f"{yesterday.day} {yesterday:%B %Y}"
    assert re.search(rf"Chair of Governing Body:\s*David Chair\s*Date:\s*{signed}", text), text
    assert re.search(rf"Head teacher:\s*Helen Head\s*Date:\s*{signed}", text)
    assert re.search(rf"Agreed at the Full Governing Body Meeting on:\s*{signed}", text)

    sign_in(page, base, "head")
    page.goto(version_url)
    enter_code(page, factors["head"])
    page.get_by_role("button", name=re.compile("into force")).click()
    expect(page.get_by_text("In force", exact=True)).to_be_visible()


def test_the_pages_work_on_a_phone_without_sideways_scrolling(
        phone: Page, live_server, live_room) -> None:
    in_force_version(live_room)
    base = live_server.url
    sign_in(phone, base, "deputy")
    for path in ("/registers/", "/registers/declarations/new/?q=Smith", "/registers/policy/",
                 "/registers/policy/coverage/", "/registers/policy/versions/"):
        phone.goto(base + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 320, path


@pytest.fixture
def decisions_cleared(guarded_db):
    """Subject access decisions are append-only in the database too: after the test, the guard is
    lifted for a moment (as only the database owner could) so the flush can empty the tables."""
    yield
    from django.db import connection

    from smpolicy.safeguarding import dbguard

    guard = [dbguard.Guard("registers_sarrecorddecision")]
    dbguard.remove(connection, guard)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM registers_sarrecorddecision")
    finally:
        dbguard.install(connection, guard)


def _pass_second_factor(page: Page, factor) -> None:
    import pyotp

    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("The 6-digit code from your authenticator app").fill(
        pyotp.TOTP(factor.secret).now())
    page.get_by_role("button", name="Continue").click()


def test_the_dsl_decides_on_an_allegation_against_the_head_who_sees_no_trace_of_it(
        page: Page, live_server, live_room, decisions_cleared) -> None:
    import os

    import pyotp

    from smpolicy.registers import sar
    from smpolicy.safeguarding import alerts, intake
    from smpolicy.safeguarding.models import Report, SecondFactor

    room = live_room
    report, routes = intake.create_report(room.school, intake.Answers(
        kind=Report.Kind.STAFF_BREACH, reporter=room.teacher, occurred_at=timezone.now(),
        account="The head messaged Oliver on Snapchat at night.", subject=room.head,
        pupils=[room.pupil], platform="snapchat"))
    alerts.raise_alerts(report, routes)
    item = sar.start(room.head, timezone.localdate(), room.dsl)
    factors = {who: SecondFactor.objects.create(user=getattr(room, who).user,
                                                secret=pyotp.random_base32(32))
               for who in ("dsl", "head")}
    shots = os.environ.get("SMPOLICY_SCREENSHOTS")
    base = live_server.url

    sign_in(page, base, "dsl")
    page.goto(f"{base}/registers/access-requests/")
    _pass_second_factor(page, factors["dsl"])
    expect(page.get_by_role("heading", name="Subject access requests", level=1)).to_be_visible()
    assert violations(page) == []
    page.get_by_role("link", name=room.head.full_name).click()
    expect(page.get_by_role("heading", name=re.compile("Safeguarding records about"))
           ).to_be_visible()
    section = page.locator("section", has=page.get_by_role("heading", name=re.compile(
        report.reference)))
    section.get_by_label("Include it redacted").check()
    section.get_by_label(re.compile("The exemption relied on")).select_option("third_party")
    section.get_by_label(re.compile("The account as it will be released")).fill(
        "A member of staff reported messages to a pupil.")
    section.get_by_label(re.compile("^Why")).fill("The pupil is a third party.")
    section.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    expect(page.get_by_text("The pupil is a third party.")).to_be_visible()
    if shots:
        page.screenshot(path=os.path.join(shots, "sar-dsl.png"), full_page=True)
    assert violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 800})

    sign_in(page, base, "head")
    page.goto(f"{base}/registers/access-requests/{item.pk}/")
    _pass_second_factor(page, factors["head"])
    expect(page.get_by_role("heading", name=re.compile("Subject access request:"))).to_be_visible()
    assert report.reference not in page.content()
    assert "Snapchat" not in page.content()
    if shots:
        page.screenshot(path=os.path.join(shots, "sar-head.png"), full_page=True)
    assert violations(page) == []
