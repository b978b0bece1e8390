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
