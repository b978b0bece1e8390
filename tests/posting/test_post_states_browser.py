"""What the official post page says matches what will happen: an edited approved post shows no
approval that no longer counts, the headteacher's own post says who will approve it, and a post
that must change says what must change and offers no Submit that would be refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in
from smpolicy.posting import workflow
from smpolicy.schools import testing

pytestmark = pytest.mark.browser


@pytest.fixture
def straits(transactional_db):
    school = testing.make_school("Straits Primary School", slug="straits",
                                 short_names=["Straits Primary", "Straits"])
    people = {
        "head": testing.make_person(school, "staff", "Helen", "Marsh", positions=["headteacher"]),
        "teacher": testing.make_person(school, "staff", "Ada", "Lovelace"),
        "chair": testing.make_person(school, "governor", "David", "Chair",
                                     positions=["chair_of_governors"]),
    }
    for key, person in people.items():
        testing.make_user(person, username=key)
    testing.make_person(school, "pupil", "Oliver", "Smith")
    return people


def _checked_post(author, text: str):
    post = workflow.create_post(author, platform="facebook", text=text,
                                scheduled_for=timezone.now() + dt.timedelta(days=2))
    return workflow.check_post(post, author)


def test_an_edited_approved_post_shows_no_approval_that_no_longer_counts(
        page: Page, live_server, straits) -> None:
    post = _checked_post(straits["teacher"], "Our Year 5 choir sang beautifully today.")
    workflow.submit(post, straits["teacher"])
    workflow.approve(post, straits["head"], "")
    sign_in(page, live_server.url, "teacher")
    page.goto(f"{live_server.url}/posts/{post.pk}/")
    expect(page.get_by_test_id("approvals")).to_have_text(re.compile(r"^1 of 1"))
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("The post's text").fill("Our Year 5 choir sang beautifully.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("status")).to_have_text(re.compile("Draft|Checked"))
    expect(page.get_by_test_id("approvals")).to_have_text(re.compile(r"^0 of 1"))
    expect(page.get_by_test_id("approvals")).to_contain_text("no longer counts")
    assert accessibility_violations(page) == []


def test_the_headteacher_s_own_post_says_who_will_approve_it(page: Page, live_server, straits) -> None:
    post = _checked_post(straits["head"], "Our Year 5 choir sang beautifully today.")
    sign_in(page, live_server.url, "head")
    page.goto(f"{live_server.url}/posts/{post.pk}/")
    expect(page.get_by_test_id("approvers")).to_contain_text("David Chair")
    expect(page.get_by_test_id("approvers")).to_contain_text("You are the headteacher")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_test_id("status")).to_have_text("Waiting for approval")
    expect(page.get_by_test_id("own-post-note")).to_contain_text("waiting for approval by David Chair")
    assert accessibility_violations(page) == []


def test_a_post_naming_a_pupil_says_so_and_offers_no_submit(page: Page, live_server, straits) -> None:
    post = _checked_post(straits["teacher"],
                         "Well done to Oliver Smith! Call me on 07700 900123 for tickets.")
    sign_in(page, live_server.url, "teacher")
    page.goto(f"{live_server.url}/posts/{post.pk}/")
    blockers = page.get_by_test_id("blockers")
    expect(blockers).to_contain_text("A personal phone number: “07700 900123”")
    expect(blockers).not_to_contain_text("business-sensitive")
    expect(page.get_by_role("button", name="Submit for approval")).to_have_count(0)
    expect(page.get_by_test_id("no-submit")).to_be_visible()
    assert accessibility_violations(page) == []


def test_a_refused_post_names_the_finding_that_refuses_it(transactional_db, straits) -> None:
    post = _checked_post(straits["teacher"], "Oliver Smith was excluded today for fighting.")
    [blocker] = workflow.readiness(post).blockers
    assert blocker == ("The policy does not allow this post as it is: Confidential information: "
                       "“was excluded”.")
