"""In a real browser: a teacher checks a post naming a pupil, with a photo, and sees the findings;
an official post is submitted and approved by the headteacher, and its author could not approve it.

Playwright drives Debian's Chromium (/usr/bin/chromium) with the same flags as tests/browser.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from smpolicy.posting.models import OfficialPost
from smpolicy.schools import testing

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium(browser: Browser) -> Browser:
    return browser  # the suite's one browser (tests/conftest.py)


@pytest.fixture
def new_page(chromium: Browser) -> Iterator:
    contexts = []

    def make() -> Page:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def straits(transactional_db):
    school = testing.make_school(
        "Straits Primary School",
        slug="straits",
        short_names=["Straits Primary", "Straits"],
        email_domains=["straits.sch.uk"],
        phone_numbers=["01632 960000"],
    )
    head = testing.make_person(school, "staff", "Helen", "Marsh", positions=["headteacher"])
    testing.make_user(head, username="helen.marsh")
    teacher = testing.make_person(school, "staff", "Ada", "Lovelace")
    testing.make_user(teacher, username="ada.lovelace")
    testing.make_person(school, "pupil", "Oliver", "Smith")
    return school


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(testing.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_teacher_checks_a_post_naming_a_pupil_with_a_photo(
    new_page, live_server, straits, face_jpeg, tmp_path
) -> None:
    photo = tmp_path / "sports-day.jpg"
    photo.write_bytes(face_jpeg)
    page = new_page()
    sign_in(page, live_server.url, "ada.lovelace")
    page.goto(f"{live_server.url}/posts/check/")
    expect(page.get_by_role("heading", name="Check a post", level=1)).to_be_visible()

    page.get_by_label("The post's text").fill(
        "Great day at sports day with Oliver Smith! Call me on 07700 900123"
    )
    page.get_by_label("Images (optional)").set_input_files(str(photo))
    page.get_by_label("My own social media account").check()
    page.get_by_label("Platform").select_option(label="Facebook")
    page.get_by_role("button", name="Check the post").click()

    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    text = page.get_by_test_id("post-text")
    expect(text.locator("mark", has_text="Oliver Smith")).to_be_visible()
    expect(text.locator("mark", has_text="07700 900123")).to_be_visible()
    # A box is drawn on the face, over the picture.
    image = page.get_by_test_id("checked-image").locator("img")
    box = page.get_by_test_id("checked-image").locator(".box").first
    expect(box).to_be_visible()
    image_area, box_area = image.bounding_box(), box.bounding_box()
    assert image_area and box_area
    assert image_area["x"] <= box_area["x"] < image_area["x"] + image_area["width"]
    assert box_area["width"] < image_area["width"]
    # Each finding with its clause and what to do instead.
    pupil = page.locator('li.finding[data-kind="pupil_name"]')
    expect(pupil).to_contain_text("A pupil's name")
    expect(pupil).to_contain_text("Instead: Leave the pupil's name out")
    expect(pupil.locator(".clause-id")).to_have_text("code.images")
    expect(page.locator('li.finding[data-kind="face"]')).to_be_visible()
    # The finding's number in the text leads to it.
    page.locator(".finding-ref").first.click()
    assert page.url.endswith("#finding-1")
    assert not OfficialPost.objects.exists()


def test_a_teacher_tags_the_pupil_shown_and_sees_the_consent_result(
    new_page, live_server, straits, face_jpeg, tmp_path
) -> None:
    testing.make_person(straits, "pupil", "Olivia", "Jones")
    testing.make_person(straits, "pupil", "Amira", "Khan")
    photo = tmp_path / "farm-trip.jpg"
    photo.write_bytes(face_jpeg)
    page = new_page()
    sign_in(page, live_server.url, "ada.lovelace")
    page.goto(f"{live_server.url}/posts/check/?account=official")

    page.get_by_label("The post's text").fill("Oliver Smith fed the lambs on our farm trip!")
    page.get_by_label("Images (optional)").set_input_files(str(photo))
    page.get_by_label("Platform").select_option(label="Facebook")
    page.get_by_role("group", name="Is it about a school activity").get_by_label("Yes").check()
    # The picker searches the roll as a name is typed, and says how many pupils match.
    page.get_by_label("Find a pupil by name").fill("oliv")
    matches = page.get_by_role("listbox", name="Matching pupils").get_by_role("option")
    expect(matches).to_have_count(2)
    expect(matches.filter(has_text="Amira Khan")).to_have_count(0)
    page.get_by_label("Find a pupil by name").press("ArrowDown")
    page.get_by_label("Find a pupil by name").press("ArrowDown")
    page.get_by_label("Find a pupil by name").press("Enter")  # picks: never sends the form
    expect(page.get_by_role("checkbox", name=re.compile("Oliver Smith"))).to_be_checked()
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Check the post").click()

    # The findings...
    text = page.get_by_test_id("post-text")
    expect(text.locator("mark", has_text="Oliver Smith")).to_be_visible()
    expect(page.locator('li.finding[data-kind="face"]')).to_be_visible()
    # ...and the consent result: Oliver has no photo consent recorded, so the post is refused.
    consent = page.get_by_test_id("consent-result")
    expect(consent).to_have_attribute("data-refused", "true")
    expect(consent).to_contain_text(
        "Oliver Smith has no photo consent for the school's social media"
    )
    expect(consent.get_by_role("heading")).to_have_text("Photo consent: school social media")
    # The answers are still there to change and check again.
    expect(page.get_by_label("Oliver Smith")).to_be_checked()
    assert accessibility_violations(page) == []
    assert not OfficialPost.objects.exists()


def test_an_official_post_is_approved_by_the_headteacher_and_not_by_its_author(
    new_page, live_server, straits
) -> None:
    author = new_page()
    sign_in(author, live_server.url, "ada.lovelace")
    author.goto(f"{live_server.url}/posts/check/?account=official")
    author.get_by_label("The post's text").fill("Our Year 5 choir sang beautifully today.")
    expect(author.get_by_label("The school's official account")).to_be_checked()
    author.get_by_label("Platform").select_option(label="Facebook")
    author.get_by_role("button", name="Check and save as a draft official post").click()
    expect(author.get_by_test_id("status")).to_have_text("Checked")

    author.get_by_role("link", name="Edit").click()
    goes_out = timezone.localtime(timezone.now() + dt.timedelta(days=2)).replace(second=0)
    author.get_by_label("To go out at").fill(goes_out.strftime("%Y-%m-%dT%H:%M"))
    author.get_by_role("button", name="Save").click()
    expect(author.get_by_test_id("status")).to_have_text("Checked")
    author.get_by_role("button", name="Submit for approval").click()
    expect(author.get_by_test_id("status")).to_have_text("Waiting for approval")
    assert accessibility_violations(author) == []

    # The author is offered no way to approve it...
    expect(author.get_by_role("button", name="Approve")).to_have_count(0)
    expect(author.get_by_test_id("own-post-note")).to_contain_text("nobody approves their own post")
    # ...and a forged approval, with a valid CSRF token, is refused.
    approve_url = author.url.rstrip("/").rsplit("#", 1)[0] + "/approve/"
    author.evaluate(
        """(url) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = url;
            const token = document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode();
            form.appendChild(token);
            document.body.appendChild(form);
            form.submit();
        }""",
        approve_url,
    )
    expect(author.get_by_role("heading", name="You can't open this page")).to_be_visible()
    expect(author.get_by_text("You wrote this post")).to_be_visible()
    post = OfficialPost.objects.get()
    assert post.status == OfficialPost.Status.SUBMITTED

    head = new_page()
    sign_in(head, live_server.url, "helen.marsh")
    head.goto(f"{live_server.url}/posts/")
    queue = head.locator('[data-queue="needs-my-approval"]')
    queue.get_by_role("link", name="Our Year 5 choir").click()
    head.get_by_label("Note (optional)").fill("Lovely. Thank you.")
    head.get_by_role("button", name="Approve").click()
    expect(head.get_by_test_id("status")).to_have_text("Approved: ready to publish")
    assert accessibility_violations(head) == []

    author.goto(f"{live_server.url}/posts/{post.pk}/")
    expect(author.get_by_test_id("ready-to-publish")).to_be_visible()
    history = author.locator("table.history")
    expect(history.locator('tr[data-action="refused"]')).to_contain_text("Ada Lovelace")
    expect(history.locator('tr[data-action="approved"]')).to_contain_text("Helen Marsh")


def accessibility_violations(page: Page) -> list[str]:
    """WCAG 2.2 A and AA violations axe-core finds (axe ships inside axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def test_the_check_page_meets_wcag_and_fits_a_phone(
    chromium, live_server, straits, face_jpeg, tmp_path
) -> None:
    photo = tmp_path / "sports-day.jpg"
    photo.write_bytes(face_jpeg)
    context = chromium.new_context(
        viewport={"width": 320, "height": 640},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, live_server.url, "ada.lovelace")
        page.goto(f"{live_server.url}/posts/check/")
        assert accessibility_violations(page) == []
        page.get_by_label("The post's text").fill("Well done Oliver Smith, see you at Straits!")
        page.get_by_label("Images (optional)").set_input_files(str(photo))
        page.get_by_role("button", name="Check the post").click()
        expect(page.get_by_test_id("post-text")).to_be_visible()
        assert accessibility_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()


def test_the_registers_and_queues_meet_wcag(new_page, live_server, straits) -> None:
    from smpolicy.posting import recording
    from smpolicy.schools.models import Person

    head = Person.objects.get(last_name="Marsh")
    teacher = Person.objects.get(last_name="Lovelace")
    entry = recording.approve_spokesperson(head, teacher, platforms=["website"])
    recording.restrict(entry, head, platforms=["facebook"], restrictions="No photos")
    asked = recording.request_branding(teacher, uses=["name"], purpose="Fun run poster")
    recording.refuse_branding(asked, head, "Use the trust's template")
    page = new_page()
    sign_in(page, live_server.url, "helen.marsh")
    for path in (
        "/posts/",
        "/posts/spokespeople/",
        "/posts/consent/",
        "/posts/branding/",
        "/posts/settings/",
        "/posts/alerts/",
        "/posts/consent/import/",
    ):
        page.goto(f"{live_server.url}{path}")
        for folded in page.locator("details").all():
            folded.locator("summary").first.click()  # the history and change forms, opened
        assert accessibility_violations(page) == [], path
