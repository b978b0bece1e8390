"""The DSL team sees how many of their alerts are unopened in the menu on every page; nobody
else's menu carries a count (not even a zero)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from browsing import accessibility_violations, enter_code, sign_in
from smpolicy.safeguarding.testing import enrol

from .conftest import make_report, make_staffroom

pytestmark = pytest.mark.browser


@pytest.fixture
def live_straits(guarded_db):
    return make_staffroom("Straits Primary School", "straits")


def test_the_dsl_sees_the_unopened_alerts_count_on_every_page_and_a_teacher_sees_none(
        page: Page, live_server, live_straits) -> None:
    room = live_straits
    report = make_report(room)
    make_report(room, account="Another pupil messaged me on Instagram.")
    assert report.alerts.filter(recipient=room.dsl).exists()
    factor = enrol(room.dsl.user)

    sign_in(page, live_server.url, "dora.straits")
    menu = page.get_by_role("navigation", name="Main")
    for path in ("/", "/ask/", "/registers/"):
        page.goto(f"{live_server.url}{path}")
        expect(menu.get_by_role("link", name="Alerts 2 unopened")).to_be_visible()
    assert accessibility_violations(page) == []

    menu.get_by_role("link", name=re.compile("^Alerts")).click()
    enter_code(page, factor)
    page.goto(f"{live_server.url}/safeguarding/reports/{report.pk}/")
    expect(menu.get_by_role("link", name="Alerts 1 unopened")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server.url, "ada.straits")
    for path in ("/", "/ask/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        expect(page.get_by_test_id("alerts-link")).to_have_count(0)
        assert "unopened" not in page.content()
