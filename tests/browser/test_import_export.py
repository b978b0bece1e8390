"""The school office imports an unfamiliar MIS export in a real browser: it maps the columns once,
and the next export of the same shape goes straight in."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in
from smpolicy.schools import testing
from smpolicy.schools.models import ImportMapping, Person

EXPORT = """Pupil given name,Family name,Birthday,NC Yr,Form class
Ada,Lovelace,10/12/2016,5,Oak
Bo,Lee,24 Nov 2020,R,Acorn
"""


def test_an_unfamiliar_export_is_mapped_once_and_the_next_needs_no_mapping(
    page: Page, live_server, school, tmp_path
) -> None:
    office = testing.make_person(school, "staff", "Grace", "Hopper", positions=["senior_leadership"])
    testing.make_user(office, username="grace.hopper")
    export = tmp_path / "year-list.csv"
    export.write_text(EXPORT)
    sign_in(page, live_server.url, "grace.hopper")
    page.goto(f"{live_server.url}/people/import/")
    page.get_by_label("CSV or Excel file").set_input_files(str(export))
    page.get_by_label("What the export lists").select_option(label="Pupils")
    page.get_by_label("Check the file only, without saving anything").uncheck()
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("heading", name="Which column is which?")).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_label("Pupil given name").select_option(label="First name")
    page.get_by_label("Family name").select_option(label="Last name")
    page.get_by_label("Birthday").select_option(label="Date of birth")
    page.get_by_label("NC Yr").select_option(label="Year group")
    page.get_by_label("Form class").select_option(label="Class")
    page.get_by_role("button", name="Import with these columns").click()

    expect(page.get_by_text("Imported: 2 created")).to_be_visible()
    assert accessibility_violations(page) == []
    assert Person.objects.get(first_name="Bo").label == "Bo Lee (Reception, Acorn class)"
    assert ImportMapping.objects.for_school(school).count() == 1

    export.write_text(EXPORT + "Cy,Hart,01/09/2019,1,Birch\n")
    page.goto(f"{live_server.url}/people/import/")
    page.get_by_label("CSV or Excel file").set_input_files(str(export))
    page.get_by_label("Check the file only, without saving anything").uncheck()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported: 1 created, 0 updated, 2 unchanged")).to_be_visible()
    expect(page.get_by_text("Read with the column mapping saved on")).to_be_visible()
    expect(page.get_by_role("heading", name="Which column is which?")).to_have_count(0)
    assert Person.objects.get(first_name="Cy").label == "Cy Hart (Year 1, Birch class)"
