"""A member of staff signs in and asks the policy, in a real browser, on a desk and on a phone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in


def test_a_teacher_asks_about_a_pupil_s_snapchat_message(page: Page, live_server, teacher) -> None:
    sign_in(page, live_server.url, "ada.lovelace")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ask the policy").click()
    expect(page.get_by_role("heading", name="Ask the policy", level=1)).to_be_visible()

    page.get_by_label("Received a message or friend request").check()
    page.get_by_label("A pupil or former pupil").check()
    page.get_by_label("Their age, if you know it").fill("10")
    page.get_by_label("At the school now").check()
    page.get_by_label("My own social media account").check()
    page.get_by_label("Which platform?").select_option(label="Snapchat")
    page.get_by_role("button", name="Ask the policy").click()

    verdict = page.get_by_role("heading", name="Allowed, if you do what follows")
    expect(verdict).to_be_visible()
    steps = page.locator("ol.obligations li")
    expect(steps.first).to_contain_text("Report it — the Designated Safeguarding Lead (or deputy), now.")
    expect(page.get_by_text("code.report-child-contact").first).to_be_visible()
    expect(page.get_by_test_id("explanation")).to_contain_text("The policy says: “Any communication")


def test_a_teacher_asks_about_posting_trip_photos_and_is_told_no(page: Page, live_server, teacher) -> None:
    sign_in(page, live_server.url, "ada.lovelace")
    page.goto(f"{live_server.url}/ask/")
    page.get_by_label("Post something (a post, comment, story, photo or video)").check()
    page.get_by_label("My own social media account").check()
    page.get_by_text("What is in it (for posts and messages)").click()
    page.locator("#content-questions").get_by_label("Pupils").nth(1).check()
    page.get_by_label("It shows or is about a school activity").check()
    page.get_by_role("button", name="Ask the policy").click()

    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.locator("details.clause").first).to_contain_text("code.images")
    expect(page.locator("ol.obligations")).to_contain_text("Use the school's channels instead")


def test_the_page_meets_wcag_2_2_aa_with_and_without_a_result(page: Page, live_server, teacher) -> None:
    sign_in(page, live_server.url, "ada.lovelace")
    page.goto(f"{live_server.url}/ask/")
    assert accessibility_violations(page) == []
    page.get_by_label("Something else").check()
    page.get_by_role("button", name="Ask the policy").click()
    expect(page.get_by_role("heading", name="The policy does not cover this")).to_be_visible()
    assert accessibility_violations(page) == []


def test_the_page_works_on_a_phone_without_sideways_scrolling(phone: Page, live_server, teacher) -> None:
    sign_in(phone, live_server.url, "ada.lovelace")
    phone.goto(f"{live_server.url}/ask/")
    phone.get_by_label("Speak on behalf of the school").check()
    phone.get_by_role("button", name="Ask the policy").click()
    expect(phone.get_by_role("heading", name="Needs approval first")).to_be_visible()
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320


def test_no_asset_comes_from_another_host(page: Page, live_server, teacher) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, live_server.url, "ada.lovelace")
    page.goto(f"{live_server.url}/ask/")
    assert requested and all(url.startswith(live_server.url) for url in requested), requested


def test_a_teacher_names_the_parent_and_the_register_answers_for_them(page: Page, live_server, teacher, school) -> None:
    from smpolicy.registers.declarations import declare
    from smpolicy.schools import testing

    parent = testing.make_person(school, "parent", "Sarah", "Smith")
    declare(teacher, [parent], "Our children are in the same football team.", ["facebook"])
    sign_in(page, live_server.url, "ada.lovelace")
    page.goto(f"{live_server.url}/ask/")
    page.get_by_label("Friend, follow, invite or accept someone on social media").check()
    page.get_by_label("My own social media account").check()
    page.get_by_label("If it is about a pupil or a parent here: who?").select_option(label="Sarah Smith")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Ask the policy").click()

    expect(page.get_by_role("heading", name="Allowed, if you do what follows")).to_be_visible()
    expect(page.get_by_test_id("filled")).to_contain_text("You have declared a social contact with this family")
    assert accessibility_violations(page) == []
