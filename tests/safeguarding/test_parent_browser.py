"""A parent finds the concern form from the school's pages (the sign-in page they land on, and
the address staff are shown on the home page to give out), and is told at each step what happens
next; every page meets WCAG 2.2 AA."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in

from .conftest import make_staffroom

pytestmark = pytest.mark.browser


@pytest.fixture
def live_straits(guarded_db):
    return make_staffroom("Straits Primary School", "straits")


def test_a_parent_finds_the_concern_form_from_the_site_and_is_told_what_happens_next(
        page: Page, live_server, live_straits) -> None:
    page.goto(f"{live_server.url}/")  # not signed in: the home page sends them to sign in
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="A parent or carer?")).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="Raise a concern with Straits Primary School").click()

    expect(page.get_by_role("heading", name="Raise a concern with Straits Primary School")).to_be_visible()
    steps = page.get_by_test_id("what-happens-next")
    expect(steps.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(steps.get_by_role("listitem")).to_have_count(4)
    expect(steps.locator('[aria-current="step"]')).to_contain_text("we send you a link")
    assert accessibility_violations(page) == []
    page.get_by_label("Your e-mail address").fill("parent@example.com")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("status")).to_contain_text("a link is on its way")
    expect(steps.locator('[aria-current="step"]')).to_contain_text("write your concern")

    [message] = mail.outbox
    link = re.search(r"https://policy\.example\.sch\.uk(/\S+)", message.body)[1]
    page.goto(f"{live_server.url}{link}")
    expect(steps.locator('[aria-current="step"]')).to_contain_text("reference number")
    assert accessibility_violations(page) == []
    page.get_by_label("Your name").fill("Pat Pupil")
    page.get_by_label(re.compile("Your concern")).fill("Another parent is posting about a teacher.")
    page.get_by_role("button", name="Send it to the headteacher").click()
    expect(page.get_by_role("heading", name="Your concern has been sent")).to_be_visible()
    expect(steps.locator('[aria-current="step"]')).to_contain_text("The headteacher reads it")
    assert accessibility_violations(page) == []


def test_staff_see_the_concern_form_s_address_on_the_home_page(
        page: Page, live_server, live_straits) -> None:
    sign_in(page, live_server.url, "ada.straits")
    section = page.get_by_role("region", name="Parents and carers")
    link = section.get_by_role("link", name="https://policy.example.sch.uk/safeguarding/concern/straits/")
    expect(link).to_have_attribute("href", "/safeguarding/concern/straits/")
    link.click()
    expect(page.get_by_role("heading", name="Raise a concern with Straits Primary School")).to_be_visible()
