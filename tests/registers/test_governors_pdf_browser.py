"""In a real browser, with a real Celery worker taking the job from Redis: a governor asks for
the termly report as a PDF, the page answers at once with the job's state, turns into a Download
link when the worker has built it, and the download is the PDF."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in
from smpolicy.jobs.models import Export
from smpolicy.registers.terms import term_of
from smpolicy.schools import testing

pytestmark = pytest.mark.browser


@pytest.fixture
def governor(guarded_db):
    school = testing.make_school("Straits Primary School", slug="straits")
    person = testing.make_person(school, "governor", "Gil", "Governor")
    testing.make_user(person, username="gil.governor")
    return person


def test_a_governor_waits_for_the_pdf_then_downloads_it(page: Page, live_server, governor,
                                                        redis_worker) -> None:
    url = live_server.url
    term = term_of(timezone.localdate())
    sign_in(page, url, "gil.governor")
    page.goto(f"{url}/registers/governors/{term.slug}/")
    page.get_by_role("button", name="Prepare it as a PDF").click()

    expect(page.get_by_role("heading", name="The governors' report as a PDF")).to_be_visible()
    job = Export.objects.get()
    assert page.url.endswith(f"/exports/{job.pk}/")
    link = page.get_by_role("link", name=f"Download governors-report-{term.slug}.pdf")
    expect(link).to_be_visible(timeout=60_000)  # the script reloads the page once it is built
    expect(page.get_by_role("status")).to_contain_text("Ready")
    assert accessibility_violations(page) == []
    with page.expect_download() as waited:
        link.click()
    download = waited.value
    assert download.suggested_filename == f"governors-report-{term.slug}.pdf"
    with open(download.path(), "rb") as data:
        assert data.read(5) == b"%PDF-"
    job.refresh_from_db()
    assert job.state == "ready" and job.content_type == "application/pdf"
