"""The school business manager imports a staff list with a new teacher in a real browser: the
report gives the counts and the profile review opened, and the teacher's review is listed with
the registers' profile reviews (issue 13)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in
from smpolicy.registers.models import ProfileReview
from smpolicy.schools import testing

STAFF = """first_name,last_name,role,external_id,email
Katherine,Johnson,staff,S100,k.johnson@straits.sch.uk
"""


def test_an_imported_new_teacher_gets_a_profile_review(
    page: Page, live_server, school, tmp_path
) -> None:
    # The business manager is on the senior leadership team: they manage people and lead the
    # registers (schools.access, registers.roles).
    manager = testing.make_person(school, "staff", "Grace", "Hopper",
                                  positions=["senior_leadership"])
    testing.make_user(manager, username="grace.hopper")
    export = tmp_path / "staff.csv"

    # First a file with a mistake: refused whole, and the report claims nothing was created.
    export.write_text(STAFF + "Mary,Jackson,astronaut,S101,\n")
    sign_in(page, live_server.url, "grace.hopper")
    page.goto(f"{live_server.url}/people/import/")
    assert accessibility_violations(page) == []
    page.get_by_label("CSV or Excel file").set_input_files(str(export))
    page.get_by_label("Check the file only, without saving anything").uncheck()
    page.get_by_role("button", name="Import").click()
    report = page.get_by_role("region", name="Report")
    expect(report.get_by_text("Nothing was imported")).to_be_visible()
    expect(report.get_by_text("row 3, role: 'astronaut' is not a role")).to_be_visible()
    expect(report.get_by_text("Created")).to_have_count(0)
    expect(report.get_by_text("profile review")).to_have_count(0)
    assert accessibility_violations(page) == []
    assert not ProfileReview.objects.exists()

    export.write_text(STAFF)
    page.get_by_label("CSV or Excel file").set_input_files(str(export))
    page.get_by_label("Check the file only, without saving anything").uncheck()
    page.get_by_role("button", name="Import").click()
    report = page.get_by_role("region", name="Report")
    summary = report.locator("p.ok")
    expect(summary).to_contain_text("Imported: 1 created, 0 updated, 0 unchanged")
    expect(summary).to_contain_text("1 profile review opened for new staff")
    expect(report.locator("dl.counts")).to_contain_text("Created")
    assert accessibility_violations(page) == []

    report.get_by_role("link", name="See the profile reviews").click()
    expect(page.get_by_role("heading", name="Profile reviews", exact=True)).to_be_visible()
    opened = page.get_by_role("table", name="Open profile reviews")
    expect(opened.get_by_role("link", name="Katherine Johnson")).to_be_visible()
    assert accessibility_violations(page) == []
    (review,) = ProfileReview.objects.for_school(school)
    assert review.person.email == "k.johnson@straits.sch.uk"
