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


def test_the_it_lead_sets_the_networks_on_a_form(page: Page, live_server,
                                                 it_lead_signed_up) -> None:
    url = live_server.url
    sign_in(page, url, "ira.tech")
    page.goto(f"{url}/network/settings/")
    expect(page.get_by_role("heading", name="Network monitoring settings", level=1)).to_be_visible()
    networks = page.locator("[data-networks] fieldset")
    expect(networks).to_have_count(4)  # the school's three and a blank one
    expect(networks.nth(0).locator("legend")).to_have_text("Network 1: Guest WiFi")
    expect(networks.nth(0).get_by_label("Address ranges")).to_have_value("10.30.0.0/16")
    assert accessibility_violations(page) == []

    # The blank network: its ranges are checked as they are typed.
    blank = networks.nth(3)
    ranges = blank.get_by_label("Address ranges")
    ranges.fill("10.50.0.0/33")
    expect(blank.locator("[data-range-check]")).to_have_text(
        "Not an address range: 10.50.0.0/33. Write each as 10.30.0.0/16 or fd00:30::/64.")
    expect(ranges).to_have_attribute("aria-invalid", "true")
    assert accessibility_violations(page) == []
    ranges.fill("10.50.0.0/16, 10.51.0.0/16")
    expect(blank.locator("[data-range-check]")).to_have_text("2 address ranges.")
    expect(ranges).not_to_have_attribute("aria-invalid", "true")
    blank.get_by_role("textbox", name="Name").fill("Library laptops")
    blank.get_by_label("Kind").select_option("pupil_network")

    # Another, added with the button: at home on the school's VPN.
    page.get_by_role("button", name="Add another network").click()
    expect(networks).to_have_count(5)
    added = networks.nth(4)
    expect(added.get_by_role("textbox", name="Name")).to_be_focused()
    added.get_by_role("textbox", name="Name").fill("Home VPN")
    added.get_by_label("Kind").select_option("pupil_network")
    added.get_by_label("Address ranges").fill("10.60.0.0/16")
    added.get_by_text("Who, on what, where").click()
    added.get_by_label("Devices").select_option("school")
    added.get_by_label("On the school's premises").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The settings are saved.")).to_be_visible()
    expect(networks).to_have_count(6)
    expect(networks.nth(4).locator("legend")).to_have_text("Network 5: Home VPN")
    saved = NetworkSettings.objects.get(school=it_lead_signed_up.school).networks()
    home = saved.lookup("10.60.1.1")
    assert (home.name, home.kind, home.device, home.on_premises) == (
        "Home VPN", "pupil_network", "school", False)
    assert saved.lookup("10.51.0.9").name == "Library laptops"
    assert accessibility_violations(page) == []

    # What the browser's check lets through, the server refuses by name, and nothing is saved.
    networks.nth(0).get_by_label("Address ranges").fill("10.30.0.0/16 guests")
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Address ranges: 'guests' is not an address range")
    summary.get_by_role("link").first.click()
    expect(networks.nth(0).get_by_label("Address ranges")).to_be_focused()
    assert accessibility_violations(page) == []
    assert NetworkSettings.objects.get(
        school=it_lead_signed_up.school).networks().lookup("10.30.0.1").name == "Guest WiFi"
