"""The people picker on a phone (issue 13: "a multi-select that says 'hold Ctrl'"): a teacher
types two letters of a pupil's name, taps the match, sees the chip with year group and class,
checks the post, and the choice is kept. On the 320 x 640 of the suite's phone and on 390 x 844."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from browsing import accessibility_violations, sign_in
from smpolicy.schools import testing

pytestmark = pytest.mark.browser


@pytest.fixture
def big_phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=3)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def roll(school):
    oliver = testing.make_person(school, "pupil", "Oliver", "Smith", year_group="Year 5",
                                 class_name="Oak")
    testing.make_person(school, "pupil", "Olivia", "Jones", year_group="Year 2",
                        class_name="Ash")
    testing.make_person(school, "pupil", "Amira", "Khan", year_group="Year 5", class_name="Oak")
    other = testing.make_school("Harbour Primary School", slug="harbour")
    testing.make_person(other, "pupil", "Olly", "Far", year_group="Year 5")
    return oliver


def _tag_a_pupil_by_thumb(page: Page, base: str, screenshot: str) -> None:
    sign_in(page, base, "ada.lovelace")
    page.goto(f"{base}/posts/check/")
    page.get_by_label("The post's text").fill("A lovely morning at the farm with Year 5.")
    search = page.get_by_label("Find a pupil by name")
    search.fill("Ol")
    matches = page.get_by_role("listbox", name="Matching pupils").get_by_role("option")
    expect(matches).to_have_count(2)  # Olivia and Oliver; never the other school's Olly
    expect(page.get_by_text("2 matches")).to_be_visible()  # said in the live region too
    oliver = matches.filter(has_text="Oliver Smith")
    expect(oliver).to_contain_text("Year 5, Oak class")
    box = oliver.bounding_box()
    assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert accessibility_violations(page) == []
    page.screenshot(path=screenshot.replace(".png", "-matches.png"))
    oliver.tap()

    chip = page.get_by_role("checkbox", name=re.compile("Oliver Smith"))
    expect(chip).to_be_checked()
    expect(page.locator(".picker-chip")).to_contain_text("Year 5, Oak class")
    expect(page.get_by_role("listbox", name="Matching pupils")).to_be_hidden()
    expect(search).to_have_value("")
    expect(search).to_be_focused()
    expect(page.get_by_role("button", name="Find")).to_be_hidden()  # scripts search as one types
    # No page scrolls sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=screenshot, full_page=False)
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Check the post").click()
    expect(page.get_by_role("heading", name=re.compile("Photo consent|checker|finds|found", re.I)).first
           ).to_be_visible()
    kept = page.get_by_role("checkbox", name=re.compile("Oliver Smith"))
    expect(kept).to_be_checked()
    expect(page.locator(".picker-chip")).to_contain_text("Year 5, Oak class")
    expect(page.get_by_role("checkbox", name=re.compile("Olivia"))).to_have_count(0)
    assert accessibility_violations(page) == []


def test_a_teacher_tags_a_pupil_with_a_thumb_on_a_small_phone(phone, live_server, teacher, roll):
    _tag_a_pupil_by_thumb(phone, live_server.url, "/tmp/picker-phone.png")


def test_a_teacher_tags_a_pupil_with_a_thumb_at_390_by_844(big_phone, live_server, teacher, roll):
    _tag_a_pupil_by_thumb(big_phone, live_server.url, "/tmp/picker-phone-390.png")


def test_the_keys_pick_and_escape_closes(page: Page, live_server, teacher, roll) -> None:
    sign_in(page, live_server.url, "ada.lovelace")
    page.goto(f"{live_server.url}/posts/check/")
    search = page.get_by_label("Find a pupil by name")
    search.fill("oli")
    listbox = page.get_by_role("listbox", name="Matching pupils")
    expect(listbox.get_by_role("option")).to_have_count(2)
    search.press("Escape")
    expect(listbox).to_be_hidden()
    search.press("ArrowDown")  # opens the matches again
    expect(listbox.get_by_role("option")).to_have_count(2)
    search.press("ArrowDown")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", re.compile("_list-0"))
    search.press("Enter")
    expect(page.get_by_role("checkbox", name=re.compile("Olivia Jones"))).to_be_checked()
    expect(page).to_have_url(re.compile("/posts/check/$"))  # Enter picked, sent nothing


def test_without_scripts_the_search_is_a_get_that_lists_matches(browser: Browser, live_server,
                                                                teacher, roll) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "ada.lovelace")
        page.goto(f"{live_server.url}/posts/check/")
        page.get_by_label("Find a pupil by name").fill("oliv")
        page.get_by_role("button", name="Find").click()
        expect(page).to_have_url(re.compile(r"tagged_q=oliv"))
        page.get_by_role("checkbox", name=re.compile("Oliver Smith")).check()
        page.get_by_label("The post's text").fill("A lovely morning at the farm.")
        page.get_by_role("button", name="Check the post").click()
        expect(page.get_by_role("checkbox", name=re.compile("Oliver Smith"))).to_be_checked()
        assert "farm" not in page.url  # the post's text never went into an address
    finally:
        context.close()
