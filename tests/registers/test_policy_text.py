"""The policy as a person reads it, on the page and in the PDF: every clause of the pack from the
Introduction on, its Markdown shown as such (a list item a line, bold as bold), nothing of the
pack taken as markup, and the Acknowledge box below the text it asks the person to have read."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from browsing import accessibility_violations
from smpolicy.policy import default_pack
from smpolicy.registers import pdf, versions
from smpolicy.schools import testing
from smpolicy.web.markdown import clause_blocks, clause_html

from .conftest import make_staffroom

SHIPPED = default_pack()
SHIPPED_YAML = (Path(__file__).parents[2] / "src/smpolicy/policy/packs/straits-primary.yaml")


def _in_force(room, yaml_text: str | None = None):
    today = timezone.localdate()
    version = versions.new_version(room.school, room.head, "Clauses in Markdown.", yaml_text)
    versions.submit(version)
    versions.sign(version, room.chair, "chair", today)
    versions.sign(version, room.head, "head", today)
    versions.record_meeting(version, today)
    versions.put_in_force(version, today)
    return version


@pytest.fixture
def live_room(guarded_db):
    room = make_staffroom(testing.make_school("Straits Primary School", slug="straits"))
    testing.make_user(room.teacher, username="teacher")
    return room


def test_the_page_shows_the_introduction_lists_a_line_an_item_and_bold_as_bold(
        page: Page, live_server, live_room) -> None:
    _in_force(live_room)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(testing.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/registers/policy/")

    text = page.locator(".policy-text")
    expect(text.get_by_role("heading", name="Introduction", level=2)).to_be_visible()
    expect(text.locator(".clause-text").first).to_contain_text("The widespread availability")
    definition = page.locator("#clause-definition\\.social-media")
    expect(definition.locator("strong", has_text="social media")).to_be_visible()
    expect(definition.get_by_role("listitem")).to_have_count(6)
    expect(definition.get_by_role("listitem").first).to_have_text("Blogs")
    body = text.inner_text()
    assert "**" not in body and " - Blogs" not in body

    # The box asking to acknowledge comes after the last clause, and the top of the page says
    # where it is.
    last_clause = text.locator(".clause-text").last.bounding_box()
    box = page.locator("#acknowledge").bounding_box()
    assert last_clause and box and box["y"] > last_clause["y"] + last_clause["height"]
    expect(page.get_by_role("link", name="Acknowledge it, once read")).to_have_attribute(
        "href", "#acknowledge")
    assert accessibility_violations(page) == []


def test_html_in_a_school_s_pack_is_shown_as_typed_never_as_markup(
        page: Page, live_server, live_room) -> None:
    data = yaml.safe_load(SHIPPED_YAML.read_text())
    data["clauses"][0]["text"] = ('Read <script>window.hacked = 1</script> this '
                                  '<img src=x onerror="window.hacked = 2"> **now**.')
    _in_force(live_room, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(testing.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/registers/policy/")
    intro = page.locator(".clause-text").first
    expect(intro).to_contain_text("<script>window.hacked = 1</script>")
    expect(intro.locator("strong")).to_have_text("now")
    assert intro.locator("script, img").count() == 0
    assert page.evaluate("window.hacked === undefined")


def test_the_renderer_keeps_raw_html_links_and_images_out() -> None:
    html = clause_html('<b>x</b> [site](https://evil.example) ![p](https://evil.example/p.png)')
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "<a " not in html and "<img" not in html


def _bold_words(data: bytes) -> str:
    """The text the PDF draws in a bold font."""
    bold: list[str] = []

    def visit(text, cm, tm, font, size):
        if font and "Bold" in str(font.get("/BaseFont", "")):
            bold.append(text)

    for page_ in PdfReader(io.BytesIO(data)).pages:
        page_.extract_text(visitor_text=visit)
    return "".join(bold)


def test_the_pdf_has_the_introduction_one_item_a_line_and_bold_as_bold(db) -> None:
    room = make_staffroom(testing.make_school("Straits Primary School", slug="straits"))
    version = _in_force(room)
    data = pdf.policy_pdf(version, versions.pack_of(version))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Introduction" in text and "The widespread availability" in text
    assert "**" not in text
    lines = [line.strip() for line in text.splitlines()]
    for item in ("Blogs", "Online discussion forums, such as netmums.com"):
        assert f"• {item}" in [re.sub(r"\s+", " ", line) for line in lines], item
    assert " - Blogs" not in text
    assert "social media" in _bold_words(data)


def test_every_clause_s_markdown_has_a_block_for_each_of_its_lines() -> None:
    for clause in SHIPPED.clauses.values():
        items = [line for line in clause.text.splitlines() if line.startswith("- ")]
        blocks = clause_blocks(clause.text)
        assert len([b for b in blocks if b.kind == "item"]) == len(items), clause.id
        assert not any("**" in run.text for b in blocks for run in b.runs), clause.id
