"""In a real browser, with a real Celery worker taking the scan from Redis: the IT lead uploads a
day's proxy log, the page answers at once with a progress bar, the bar moves as the worker reads
(lines read of the file), and the page turns into the findings when the scan ends."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in
from smpolicy.network.models import LogScan, NetworkSettings
from smpolicy.schools import testing

from .conftest import FIXTURES

FILLER = ("1795164100.000     10 10.20.0.40 TCP_MISS/200 900 GET http://www.bbc.co.uk/news - "
          "HIER_DIRECT/1.1.1.1 text/html\n")


@pytest.fixture
def it_lead(guarded_db):
    school = testing.make_school("Straits Primary School", slug="straits")
    NetworkSettings.objects.create(school=school,
                                   networks_yaml=(FIXTURES / "networks.yaml").read_text(),
                                   lists_dir=str(FIXTURES / "lists"))
    person = testing.make_person(school, "staff", "Ira", "Tech", positions=["it_lead"])
    testing.make_user(person, username="ira.tech")
    return person


@pytest.fixture
def day_of_logs(tmp_path):
    """The fixture log's findings among half a million ordinary requests (about 55 MB)."""
    path = tmp_path / "proxy-2026-11-20.log"
    with path.open("w") as out:
        out.write((FIXTURES / "squid-access.log").read_text())
        for _ in range(50):
            out.write(FILLER * 10_000)
    return path


def bar_value(page: Page) -> float | None:
    return page.evaluate("() => { const bar = document.getElementById('scan-bar');"
                         " return bar ? bar.value : null; }")


def test_the_progress_bar_moves_until_the_findings_show(page: Page, live_server, it_lead,
                                                        redis_worker, day_of_logs) -> None:
    url = live_server.url
    sign_in(page, url, "ira.tech")
    page.goto(f"{url}/network/upload/")
    page.get_by_label("Log file").set_input_files(str(day_of_logs))
    page.get_by_label("People CSV (optional)").set_input_files(str(FIXTURES / "people.csv"))
    page.get_by_role("button", name="Scan").click()

    expect(page.get_by_role("heading", name=f"Scanning {day_of_logs.name}")).to_be_visible()
    bar = page.get_by_label("How much of the log has been read")
    expect(bar).to_be_visible()
    assert accessibility_violations(page) == []
    seen: list[float] = []
    give_up = time.monotonic() + 180
    found = page.get_by_text("5 new findings; 0 already recorded.")
    while not found.is_visible():
        assert time.monotonic() < give_up, f"the scan did not end; the bar showed {seen}"
        value = bar_value(page)
        if value is not None and (not seen or value != seen[-1]):
            seen.append(value)
        time.sleep(0.1)
    assert seen == sorted(seen), "the bar went backwards"
    assert any(0 < value < 100 for value in seen), f"the bar never moved between: {seen}"
    expect(page.get_by_role("heading", name=f"Scanned {day_of_logs.name}")).to_be_visible()
    assert page.locator("#scan-bar").count() == 0
    assert accessibility_violations(page) == []
    job = LogScan.objects.get()
    assert job.state == "done" and job.lines == 500_020 and job.file == ""

    page.get_by_role("link", name="See the findings").click()
    expect(page.get_by_role("status")).to_have_text("5 findings.")
    page.goto(f"{url}/network/upload/")
    recent = page.get_by_role("table")
    expect(recent).to_contain_text(day_of_logs.name)
    expect(recent).to_contain_text("Done: read 500,020 lines.")
