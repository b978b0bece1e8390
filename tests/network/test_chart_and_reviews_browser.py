"""The findings-per-day chart reads with a single day (a bar of a size, its date whole), and the
DfE filtering review starts from sensible dates, is not recorded twice and can be corrected."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in
from smpolicy.network.models import FilteringReview, Finding
from smpolicy.network.views import chart
from smpolicy.schools import testing

pytestmark = pytest.mark.browser


@pytest.fixture
def it_lead(guarded_db):
    school = testing.make_school("Straits Primary School", slug="straits")
    person = testing.make_person(school, "staff", "Ira", "Tech", positions=["it_lead"])
    testing.make_user(person, username="ira.tech")
    return person


def test_one_day_of_findings_is_a_readable_bar_with_its_whole_date(
        page: Page, live_server, it_lead) -> None:
    now = timezone.now()
    Finding.objects.create(
        school=it_lead.school, fingerprint="f1", clause="community.wifi", verdict="prohibited",
        network="guest_wifi", client="10.30.0.1", role="parent", platform="tiktok",
        category="social_networks", domain="tiktok.com", requests=5, first_seen=now,
        last_seen=now, window_start=now, window_seconds=3600)
    sign_in(page, live_server.url, "ira.tech")
    page.goto(f"{live_server.url}/network/")
    svg = page.get_by_role("img", name="Findings per day")
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    assert box and box["width"] >= 300
    bar = svg.locator("rect.bar")
    expect(bar).to_have_count(1)
    assert bar.bounding_box()["width"] >= 24
    day = timezone.localdate(now)
    label = svg.locator("text", has_text=f"{day.day} {day:%b}")
    expect(label).to_have_count(1)
    inside = label.bounding_box()
    assert inside["x"] >= box["x"] and inside["x"] + inside["width"] <= box["x"] + box["width"]
    assert accessibility_violations(page) == []


def test_labels_never_overlap_however_many_days() -> None:
    start = dt.date(2026, 9, 1)
    for count in (1, 7, 30, 120):
        drawn = chart([(start + dt.timedelta(days=i), i % 5) for i in range(count)])
        mids = [b["mid"] for b in drawn["bars"] if b["label"]]
        assert all(b - a >= 40 for a, b in pairwise(mids)), count
        assert drawn["bars"][-1]["mid"] + 22 <= drawn["width"], count


def test_a_dfe_review_has_default_dates_is_not_recorded_twice_and_can_be_corrected(
        page: Page, live_server, it_lead) -> None:
    sign_in(page, live_server.url, "ira.tech")
    page.goto(f"{live_server.url}/network/reviews/")
    today = timezone.localdate()
    expect(page.get_by_label("Date of the review")).to_have_value(today.isoformat())
    expect(page.get_by_label("Next review due")).not_to_have_value("")
    assert accessibility_violations(page) == []
    page.get_by_label("Who reviewed").fill("Ira Tech, Helen Marsh")
    page.get_by_label("What was checked", exact=False).fill("Blocked categories tested.")
    page.get_by_label("What was done", exact=False).fill("Gambling added to the block list.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("The review is recorded.")).to_be_visible()

    # The same again (a second click, a reload): refused, saying how to change the first.
    page.get_by_label("Who reviewed").fill("Ira Tech, Helen Marsh")
    page.get_by_label("What was checked", exact=False).fill("Blocked categories tested.")
    page.get_by_label("What was done", exact=False).fill("Gambling added to the block list.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator("#id_reviewed_on_error")).to_contain_text("is already recorded")
    assert FilteringReview.objects.count() == 1
    assert accessibility_violations(page) == []

    page.get_by_role("link", name=f"Correct the review of {today.day} {today:%B %Y}").click()
    page.get_by_label("What was done", exact=False).fill("Gambling and dating added to the block list.")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("is corrected")).to_be_visible()
    expect(page.locator("table.stack")).to_contain_text("Gambling and dating added")
    assert FilteringReview.objects.count() == 1
    assert accessibility_violations(page) == []
