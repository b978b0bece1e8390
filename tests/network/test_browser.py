"""In a real browser: the IT lead uploads the school's proxy log and sees its findings, to be
reviewed, with the one a child is at risk in routed to the DSL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in
from smpolicy.network.models import NetworkSettings
from smpolicy.schools import testing

from .conftest import FIXTURES


@pytest.fixture
def it_lead_signed_up(guarded_db):
    school = testing.make_school("Straits Primary School", slug="straits")
    NetworkSettings.objects.create(school=school,
                                   networks_yaml=(FIXTURES / "networks.yaml").read_text(),
                                   lists_dir=str(FIXTURES / "lists"))
    person = testing.make_person(school, "staff", "Ira", "Tech", positions=["it_lead"])
    testing.make_user(person, username="ira.tech")
    return person


def test_the_it_lead_uploads_a_log_and_sees_its_findings(page: Page, live_server,
                                                         it_lead_signed_up) -> None:
    url = live_server.url
    sign_in(page, url, "ira.tech")
    page.goto(f"{url}/network/upload/")
    expect(page.get_by_role("heading", name="Scan a log", level=1)).to_be_visible()
    page.get_by_label("Log file").set_input_files(str(FIXTURES / "squid-access.log.gz"))
    page.get_by_label("People CSV (optional)").set_input_files(str(FIXTURES / "people.csv"))
    page.get_by_role("button", name="Scan").click()
    expect(page.get_by_text("5 new findings; 0 already recorded.")).to_be_visible()
    assert accessibility_violations(page) == []

    page.get_by_role("link", name="See the findings").click()
    expect(page.get_by_role("heading", name="Network findings")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("5 findings.")
    expect(page.get_by_role("img", name="Findings per day")).to_be_visible()
    rows = page.locator("table.stack tbody tr")
    expect(rows).to_have_count(5)
    # The IT lead sees Ben's device, not Ben (test_identity.py).
    ben = rows.filter(has_text="10.20.0.9")
    expect(ben).to_contain_text("community.age-restrictions")
    expect(ben).to_contain_text("a pupil (identity held by the DSL team)")
    expect(page.locator("table.stack")).not_to_contain_text("Ben Pupil")
    assert accessibility_violations(page) == []

    page.get_by_label("Clause").select_option("community.wifi")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_have_text("2 findings.")

    page.goto(f"{url}/network/")
    rows.filter(has_text="10.20.0.9").get_by_role("link").click()
    expect(page.get_by_text("the Designated Safeguarding Lead, now")).to_be_visible()
    page.get_by_label("False positive").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why this is a false positive.")
    page.get_by_label("False positive").check()
    page.get_by_label("Reason or note").fill("A sibling's tablet, signed in as the pupil.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Marked as false positive.")).to_be_visible()
    assert accessibility_violations(page) == []

    # Scanning the same log again adds nothing.
    page.goto(f"{url}/network/upload/")
    page.get_by_label("Log file").set_input_files(str(FIXTURES / "squid-access.log"))
    page.get_by_label("People CSV (optional)").set_input_files(str(FIXTURES / "people.csv"))
    page.get_by_role("button", name="Scan").click()
    expect(page.get_by_text("0 new findings; 5 already recorded.")).to_be_visible()

    # The other pages of the section meet WCAG 2.2 AA too.
    for link, heading in [("Guest WiFi block list", "Guest WiFi block list"),
                          ("Annual review", "Filtering and monitoring review"),
                          ("Settings", "Network monitoring settings")]:
        page.get_by_role("navigation", name="Network monitoring").get_by_role(
            "link", name=link).click()
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        assert accessibility_violations(page) == [], link
