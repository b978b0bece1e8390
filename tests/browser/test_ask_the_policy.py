"""A member of staff signs in and asks the policy, in a real browser, on a desk and on a phone."""

from __future__ import annotations

import re

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

    verdict = page.get_by_role("heading", name="Do not accept or reply; report it to the DSL now")
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
    page.get_by_label("Find a pupil or parent by name").fill("Sarah")
    page.get_by_role("listbox", name="Matching pupils or parents").get_by_role("option", name=re.compile("Sarah Smith")).click()
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Ask the policy").click()

    expect(page.get_by_role("heading", name="Allowed, if you do what follows")).to_be_visible()
    expect(page.get_by_test_id("filled")).to_contain_text("You have declared a social contact with this family")
    assert accessibility_violations(page) == []


def test_a_pupil_s_friend_request_says_what_to_do_shows_every_clause_and_carries_every_answer(
        page: Page, live_server, teacher, school) -> None:
    from smpolicy.schools import testing

    testing.make_person(school, "pupil", "Oliver", "Smith", date_of_birth=testing.born_aged(10))
    sign_in(page, live_server.url, "ada.lovelace")
    page.goto(f"{live_server.url}/ask/")
    page.get_by_label("Received a message or friend request").check()
    page.get_by_label("A pupil or former pupil").check()
    page.get_by_label("My own social media account").check()
    page.get_by_label("Which platform?").select_option(label="Instagram")
    page.get_by_label("Find a pupil or parent by name").fill("Oli")
    page.get_by_role("listbox", name="Matching pupils or parents").get_by_role("option", name=re.compile("Oliver Smith")).click()
    page.get_by_role("button", name="Ask the policy").click()

    # Headed with what the obligations say, never "Allowed".
    expect(page.get_by_role("heading", name="Do not accept or reply; report it to the DSL now")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Allowed"))).to_have_count(0)
    # What the records say, not only that they said something.
    filled = page.get_by_test_id("filled")
    expect(filled).to_contain_text("Their age: 10")
    expect(filled).to_contain_text("At the school now (the roster)")
    # Every clause named has its words under it.
    clauses = page.locator("details.clause")
    assert clauses.count() >= 2
    for i in range(clauses.count()):
        expect(clauses.nth(i).locator("blockquote")).to_be_visible()
    no_contact = clauses.filter(has_text="code.no-contact-with-children")
    expect(no_contact.locator("blockquote")).to_contain_text("School staff will not invite, accept or engage")
    assert accessibility_violations(page) == []

    page.get_by_role("link", name="Start a report").first.click()
    pupils = page.get_by_role("group", name=re.compile("Which pupil made contact"))
    expect(pupils.locator("input:checked")).to_have_count(1)
    expect(pupils.get_by_role("checkbox", name=re.compile("Oliver Smith"))).to_be_checked()
    account = page.get_by_label("What happened, in the words used")
    expect(account).to_have_value(re.compile("aged 10"))
    expect(account).to_have_value(re.compile("at the school now"))
    expect(account).to_have_value(re.compile("Oliver Smith"))
    expect(page.get_by_label("Platform or app")).to_have_value("instagram")
    assert accessibility_violations(page) == []
