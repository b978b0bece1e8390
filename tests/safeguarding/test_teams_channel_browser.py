"""In a real browser: the DSL, past the second factor, finds "Alerts in Teams", saves the
channel's webhook, sends a test message that reaches a real HTTP server, and never sees the
address again; the page meets WCAG 2.2 AA."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browsing import accessibility_violations, enter_code, sign_in
from smpolicy.safeguarding.testing import enrol

from .conftest import make_staffroom
from .test_delivery import Webhook

pytestmark = pytest.mark.browser


@pytest.fixture
def live_straits(guarded_db):
    return make_staffroom("Straits Primary School", "straits")


def test_the_dsl_points_alerts_at_a_teams_channel(page: Page, live_server, live_straits) -> None:
    factor = enrol(live_straits.dsl.user)
    hook = Webhook()
    try:
        sign_in(page, live_server.url, "dora.straits")
        page.goto(f"{live_server.url}/safeguarding/alerts/teams/")
        enter_code(page, factor)
        expect(page.get_by_role("heading", name="Alerts in Microsoft Teams")).to_be_visible()
        expect(page.get_by_text("Alerts are not posted to Teams.")).to_be_visible()
        assert accessibility_violations(page) == []
        page.get_by_label("The channel's webhook address").fill("http://teams.example/x")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("That address is wrong: it must be an https:// address (Teams "
                                "gives one).", exact=True)).to_be_visible()
        assert accessibility_violations(page) == []
        page.get_by_label("The channel's webhook address").fill(hook.url)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Saved: alerts are also posted to Teams.")).to_be_visible()
        page.get_by_role("button", name="Send a test message").click()
        expect(page.get_by_text("Teams accepted the test message (HTTP 202)")).to_be_visible()
        assert "sig=abc" not in page.content()
        assert accessibility_violations(page) == []
        page.screenshot(path="/tmp/teams-channel.png", full_page=True)
        assert len(hook.posts) == 1
    finally:
        hook.close()
