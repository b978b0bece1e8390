"""In a real browser (Playwright driving Debian's Chromium): a teacher reports that a pupil
messaged them on Snapchat and attaches a screenshot; the DSL is alerted by e-mail and in the app,
signs in with a second factor, opens the case and records an outcome; the teacher then sees their
own report and nothing more."""

from __future__ import annotations

import os
import re

import pyotp
import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from smpolicy.safeguarding.models import Case, Outcome, Report
from smpolicy.schools import testing

from .conftest import enrol, png_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium(browser: Browser) -> Browser:
    return browser  # the suite's one browser (tests/conftest.py)


def new_page(browser: Browser, **options) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def school_people(guarded_db, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    school = testing.make_school("Straits Primary School", slug="straits")
    teacher = testing.make_person(school, "staff", "Ada", "Lovelace", email="ada@straits.sch.uk")
    dsl = testing.make_person(
        school, "staff", "Dora", "Lead", positions=["dsl"], email="dsl@straits.sch.uk"
    )
    testing.make_person(
        school, "staff", "Helen", "Head", positions=["headteacher"], email="head@straits.sch.uk"
    )
    pupil = testing.make_person(
        school, "pupil", "Pip", "Jones", date_of_birth=testing.born_aged(10)
    )
    testing.make_user(teacher, username="ada.lovelace")
    testing.make_user(dsl, username="dora.lead")
    factor = enrol(dsl)
    return {"teacher": teacher, "dsl": dsl, "pupil": pupil, "factor": factor}


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(testing.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def shot(page: Page, name: str) -> None:
    """SMPOLICY_SCREENSHOTS=DIR keeps a full-page screenshot of each step, to look at."""
    folder = os.environ.get("SMPOLICY_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def accessibility_violations(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
            }
        },
    )
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def test_a_snapchat_message_reaches_the_dsl_who_records_an_outcome(
    chromium, live_server, school_people
):
    base = live_server.url
    pupil, dsl = school_people["pupil"], school_people["dsl"]

    # The teacher reports it, with a screenshot.
    teacher_page = new_page(chromium)
    sign_in(teacher_page, base, "ada.lovelace")
    teacher_page.goto(
        f"{base}/safeguarding/reports/new/?action=receive_message"
        "&counterpart=pupil&platform=snapchat&account=personal"
    )
    expect(teacher_page.get_by_role("heading", name="Report a concern", level=1)).to_be_visible()
    assert accessibility_violations(teacher_page) == []
    form = teacher_page
    form.get_by_label("Date it happened").fill("2026-01-12")
    form.get_by_label("Time it happened").fill("19:45")
    form.get_by_label("Find a pupil by name").fill(pupil.first_name[:3])
    form.get_by_role("listbox", name="Matching pupils").get_by_role("option", name=re.compile(pupil.full_name)).click()
    expect(form.get_by_role("checkbox", name=re.compile(pupil.full_name))).to_be_checked()
    expect(form.get_by_label("Platform or app")).to_have_value("snapchat")
    form.get_by_label("What happened, in the words used").fill(
        "I (Ada Lovelace, Year 5 teacher) got a Snapchat message from Pip Jones at 19:45: "
        "'hi miss r u there'. I did not reply."
    )
    form.get_by_role(
        "group", name="Have you told a Designated Safeguarding Lead in person?"
    ).get_by_label("No").check()
    form.get_by_label("Online contact between a pupil and an adult").check()
    form.get_by_label("Screenshots, photos, saved e-mails or documents").set_input_files(
        {"name": "snapchat.png", "mimeType": "image/png", "buffer": png_bytes("hi miss")}
    )
    form.get_by_label("Date the screenshot or photo was taken").fill("2026-01-12")
    form.get_by_label("Time it was taken").fill("19:50")
    shot(teacher_page, "1-report-form")
    form.get_by_role("button", name="Send the report").click()
    report = Report.objects.get()
    expect(teacher_page.get_by_role("heading", name=f"Report {report.reference}")).to_be_visible()
    expect(teacher_page.get_by_text("snapchat.png")).to_be_visible()

    # The DSL is alerted by e-mail: a link, no details.
    [message] = [m for m in mail.outbox if m.to == ["dsl@straits.sch.uk"]]
    assert "Pip" not in message.body and "Snapchat" not in message.body
    link = re.search(r"https?://\S+/safeguarding/reports/\d+/", message.body)[0]
    path = link[link.index("/safeguarding/") :]

    # ... and in the app, after the password and the second factor.
    dsl_page = new_page(chromium)
    sign_in(dsl_page, base, "dora.lead")
    dsl_page.goto(f"{base}/safeguarding/")
    expect(dsl_page.get_by_role("heading", name="Enter your code")).to_be_visible()
    dsl_page.get_by_label("The 6-digit code from your authenticator app").fill(
        pyotp.TOTP(school_people["factor"].secret).now()
    )
    dsl_page.get_by_role("button", name="Continue").click()
    expect(dsl_page.get_by_role("heading", name="Safeguarding", level=1)).to_be_visible()
    dsl_page.get_by_role("link", name="You have 1 alert to look at").click()
    alert = dsl_page.get_by_role("link", name=f"Report {report.reference}")
    expect(dsl_page.get_by_text("Urgent: open it now")).to_be_visible()
    assert alert.get_attribute("href") == path
    alert.click()
    expect(dsl_page.get_by_role("heading", name=f"Report {report.reference}")).to_be_visible()
    expect(dsl_page.get_by_text("hi miss r u there")).to_be_visible()
    expect(dsl_page.get_by_text("code.report-child-contact").first).to_be_visible()
    shot(dsl_page, "2-dsl-report")
    assert accessibility_violations(dsl_page) == []

    # The DSL opens a case and records an outcome, with who decided and why.
    dsl_page.get_by_role("link", name="Triage into a case").click()
    dsl_page.get_by_label("Title of the new case").fill("Snapchat contact, Year 5")
    dsl_page.get_by_role("button", name="Triage into the case").click()
    expect(
        dsl_page.get_by_role("heading", name=re.compile("Snapchat contact, Year 5"))
    ).to_be_visible()
    dsl_page.get_by_text("Record an outcome").click()
    dsl_page.get_by_label("Whose outcome is it?").select_option(str(pupil.pk))
    dsl_page.get_by_label("Sanction (pupil)").check()
    dsl_page.get_by_label("Who decided").select_option(str(dsl.pk))
    dsl_page.get_by_label("Why: the reasons for the decision").fill(
        "Pip and parents reminded that pupils do not contact staff on personal accounts."
    )
    dsl_page.get_by_role("button", name="Record the outcome").click()
    expect(dsl_page.get_by_text("Outcome recorded: Sanction (pupil).")).to_be_visible()
    assert accessibility_violations(dsl_page) == []
    shot(dsl_page, "3-case")
    outcome = Outcome.objects.get()
    assert (outcome.decided_by, outcome.clause) == (dsl, "community.sanctions")
    case = Case.objects.get()

    # The teacher sees their own report, and nothing more.
    teacher_page.goto(f"{base}/safeguarding/reports/mine/")
    teacher_page.get_by_role("link", name=report.reference).click()
    expect(teacher_page.get_by_text("hi miss r u there")).to_be_visible()
    shot(teacher_page, "4-teacher-own-report")
    body = teacher_page.content()
    assert "Snapchat contact, Year 5" not in body and "reminded" not in body
    assert "Sanction" not in body and case.reference not in body
    teacher_page.goto(f"{base}/safeguarding/cases/{case.pk}/")
    expect(teacher_page.get_by_role("heading", name="You can't open this page")).to_be_visible()
    teacher_page.goto(f"{base}/safeguarding/records/")
    expect(teacher_page.get_by_role("heading", name="You can't open this page")).to_be_visible()
    teacher_page.goto(f"{base}/safeguarding/people/{pupil.pk}/chronology/")
    expect(teacher_page.get_by_role("heading", name="You can't open this page")).to_be_visible()


def test_the_report_form_works_on_a_phone(chromium, live_server, school_people):
    phone = chromium.new_context(
        viewport={"width": 320, "height": 640},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    ).new_page()
    sign_in(phone, live_server.url, "ada.lovelace")
    phone.goto(f"{live_server.url}/safeguarding/reports/new/?kind=pupil_contact")
    expect(phone.get_by_role("button", name="Send the report")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
