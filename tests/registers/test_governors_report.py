"""The governors' termly report: anonymised counts with charts, as a web page and a PDF, made
from the demo school; no pupil, parent or member of staff is named in it."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from smpolicy.jobs import exports
from smpolicy.jobs.models import Export
from smpolicy.registers import governors, pdf
from smpolicy.registers.demo import load_demo_registers
from smpolicy.registers.oversight import optional_model
from smpolicy.registers.terms import Term, from_slug, term_of
from smpolicy.schools import testing
from smpolicy.schools.demo import DEMO_PEOPLE, load_demo_school
from smpolicy.schools.models import Person


@pytest.fixture
def demo(db):
    load_demo_school()
    school = load_demo_registers()
    add_other_apps_records(school)
    return school


def add_other_apps_records(school, opened_after: int = 9) -> None:
    """Safeguarding reports and monitoring findings whose free text names people, as real ones
    do: none of it may reach the governors."""
    people = {p.external_id: p for p in Person.objects.for_school(school)}
    now = timezone.now()
    report_model = optional_model("safeguarding", "Report")
    if report_model is not None:
        for kind, clause, words in (
            ("pupil_contact", "code.report-child-contact",
             "Oliver Smith sent Tom Hughes a friend request on Instagram."),
            ("pupil_contact", "code.report-child-contact",
             "Amira Khan messaged Amy Wilson on Snapchat."),
            ("cyberbullying", "cyberbullying.reporting",
             "Sarah Smith posted about Mark Evans on Facebook."),
        ):
            report = report_model.objects.create(
                school=school, kind=kind, occurred_at=now - dt.timedelta(hours=2),
                recorded_at=now - dt.timedelta(hours=1), account=words,
                reported_by=people["S005"], clauses=[clause], urgent=kind == "pupil_contact",
                reporter_name="Tom Hughes", others_involved="Oliver Smith",
            )
            report.first_opened_at = report.recorded_at + dt.timedelta(minutes=opened_after)
            report.first_opened_by = people["S001"]
            report.save(update_fields=["first_opened_at", "first_opened_by"])
    post_model = optional_model("posting", "OfficialPost")
    if post_model is not None:
        post = post_model.objects.create(
            school=school, author=people["S005"], platform="facebook", status="approved",
            text="Well done to Ruby Jones and Leo Wright in Reception for their reading!")
        approval_model = optional_model("posting", "PostApproval")
        if approval_model is not None:
            approval_model.objects.create(school=school, post=post, round=1, step=1,
                                          approver=people["S001"], decision="approved")
    finding_model = optional_model("network", "Finding")
    if finding_model is not None:
        for n, (clause, category, who) in enumerate((
            ("community.wifi", "social_networks", "Sarah Smith"),
            ("community.age-restrictions", "social_networks", "Chloe Taylor"),
            ("community.inappropriate-content", "gambling", "Jacob Hill"),
        )):
            finding_model.objects.create(
                school=school, fingerprint=f"f{n}", clause=clause, verdict="prohibited",
                network="guest_wifi", client=f"10.30.0.{n}", user=who.lower().replace(" ", "."),
                person_name=who, role="pupil", platform="tiktok", category=category,
                domain="tiktok.com", requests=5, first_seen=now, last_seen=now,
                window_start=now, window_seconds=3600,
            )


def names_in(text: str) -> list[str]:
    """Every demo person's name, and every part of it, found in ``text`` as a whole word."""
    found = []
    for spec in DEMO_PEOPLE:
        for name in {spec.first_name, spec.last_name, spec.preferred_name,
                     f"{spec.first_name} {spec.last_name}"} - {""}:
            if re.search(rf"(?<![\w']){re.escape(name)}(?![\w'])", text):
                found.append(name)
    return sorted(set(found))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_termly_report_pdf_from_the_demo_school_has_charts_and_no_names(demo):
    report = governors.build(demo, term_of(timezone.localdate()))
    data = pdf.governors_pdf(report)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    # The counts are there...
    assert "Governors' report: social media policy" in text
    assert "Acknowledgement of the policy" in text and "Coverage" in text and "76%" in text
    assert "Declared social contacts" in text
    assert "Reviews overdue" in text
    assert "Figure 1: Acknowledged, by role" in text
    assert "13 of 14" in text  # staff who have acknowledged, of all staff
    # ... with charts drawn as shapes (filled rectangles in the page content) ...
    assert len(report.charts) >= 4
    content = b"".join(page.get_contents().get_data()
                       for page in PdfReader(io.BytesIO(data)).pages)
    assert content.count(b" re f") + content.count(b" re\nf") >= 10
    # ... and not one name of a pupil, parent or member of staff, nor their words.
    assert names_in(text) == []
    assert "Instagram" not in text and "friend request" not in text


def test_the_other_apps_sections_appear_where_their_records_exist(demo):
    report = governors.build(demo, term_of(timezone.localdate()))
    titles = [s.title for s in report.sections]
    text = pdf_text(pdf.governors_pdf(report))
    if optional_model("safeguarding", "Report") is not None:
        assert "Safeguarding reports" in titles
        assert "code.report-child-contact" in text
        assert "Median time until a report was first opened" in text and "9 minutes" in text
    if optional_model("posting", "OfficialPost") is not None:
        assert "Posts for the school" in titles
        assert "Approval decisions this term" in text
    if optional_model("network", "Finding") is not None:
        assert "Network monitoring findings" in titles
        assert "community.wifi" in text and "gambling" in text


def test_a_section_whose_app_is_absent_is_left_out_and_said_so(demo, monkeypatch):
    monkeypatch.setattr(governors, "optional_model", lambda app, model: None)
    report = governors.build(demo, term_of(timezone.localdate()))
    titles = [s.title for s in report.sections]
    assert "Safeguarding reports" not in titles
    assert "Network monitoring findings" not in titles
    assert "Safeguarding reports: not recorded in this system." in report.left_out
    assert names_in(pdf_text(pdf.governors_pdf(report))) == []


def test_a_section_that_cannot_be_read_does_not_spoil_the_report(demo, monkeypatch):
    def broken(school, term):
        raise LookupError("their model changed")

    monkeypatch.setattr(governors, "OTHER_SECTIONS", (("Posts for the school", broken),))
    report = governors.build(demo, term_of(timezone.localdate()))
    assert report.left_out == ["Posts for the school: the records could not be read."]
    assert next(s.title for s in report.sections) == "The policy"


def test_a_term_counts_only_what_happened_in_it(demo):
    last_year = Term("autumn", timezone.localdate().year - 1)
    report = governors.build(demo, last_year)
    declared = next(s for s in report.sections if s.title == "Declared social contacts")
    assert ("Declared this term", "0") in declared.blocks[0].rows


def test_governors_read_the_report_as_a_page_and_a_pdf(demo, client):
    chair = Person.objects.get(school=demo, external_id="G001")
    client.force_login(chair.user)
    term = term_of(timezone.localdate())
    page = client.get(reverse("registers:governors_report", args=[term.slug]))
    assert page.status_code == 200
    main = page.content.decode().split('id="main"')[1].split("</main>")[0]
    assert names_in(main) == []
    queued = client.post(reverse("registers:governors_pdf", args=[term.slug]))
    job = Export.objects.get()
    assert queued["Location"] == reverse("jobs:export", args=[job.pk])
    exports.run(job.pk)  # what the worker does (the test's transaction never commits)
    response = client.get(reverse("jobs:export_download", args=[job.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.post(reverse("registers:governors_pdf", args=["1999-winter"])).status_code == 404


def test_only_governors_and_the_headteacher_read_the_report(demo, client):
    term = term_of(timezone.localdate()).slug
    url = reverse("registers:governors_pdf", args=[term])
    for key, allowed in (("G002", True), ("S001", True), ("S005", False), ("S002", False)):
        person = Person.objects.get(school=demo, external_id=key)
        client.force_login(person.user or testing.make_user(person))
        assert (client.post(url).status_code == 302) is allowed, key


def test_terms():
    assert term_of(dt.date(2026, 11, 24)) == Term("autumn", 2026)
    assert term_of(dt.date(2027, 2, 1)).name == "Spring term 2027"
    assert term_of(dt.date(2027, 7, 1)).slug == "2027-summer"
    assert from_slug("2026-autumn").end == dt.date(2026, 12, 31)
    assert from_slug("2026-winter") is None and from_slug("x") is None
    assert Term("spring", 2027).previous() == Term("autumn", 2026)


def test_small_counts_about_pupils_are_shown_as_fewer_than_five(demo):
    report = governors.build(demo, term_of(timezone.localdate()))
    safeguarding = next(s for s in report.sections if s.title == "Safeguarding reports")
    by_kind = safeguarding.blocks[0]
    # Three reports: two of one kind, one of another. No count of 1 to 4 shows, none is drawn.
    assert ("Reports made", "fewer than 5") in by_kind.rows
    assert all(
        value in ("fewer than 5", "not shown", "0") or int(value) >= 5 for _, value in by_kind.rows
    )
    assert by_kind.chart is None
    assert "fewer than 5" in by_kind.note
    text = pdf_text(pdf.governors_pdf(report))
    assert "fewer than 5" in text


def test_one_hidden_cell_hides_the_next_smallest_so_the_total_cannot_give_it_back():
    rows, bars = governors._breakdown([("Pupil contact", 12), ("Cyberbullying", 7), ("Other", 2)])
    assert rows == [("Pupil contact", "12"), ("Cyberbullying", "not shown"),
                    ("Other", "fewer than 5")]
    assert bars == [("Pupil contact", 12)]
    rows, bars = governors._breakdown([("A", 12), ("B", 7), ("C", 0)])
    assert rows == [("A", "12"), ("B", "7"), ("C", "0")]
    assert bars == [("A", 12), ("B", 7), ("C", 0)]
    # Without a total beside it, one hidden cell cannot be worked out, so it hides alone.
    rows, _ = governors._breakdown([("A", 12), ("B", 7), ("C", 2)], total_shown=False)
    assert rows == [("A", "12"), ("B", "7"), ("C", "fewer than 5")]


def test_one_minute_is_said_as_one_minute_not_one_minutes(db):
    load_demo_school()
    school = load_demo_registers()
    add_other_apps_records(school, opened_after=1)
    text = pdf_text(pdf.governors_pdf(governors.build(school, term_of(timezone.localdate()))))
    assert re.search(r"first opened\s*1 minute\b", text), text
    assert "1 minutes" not in text


def test_counts_are_written_with_the_word_that_goes_with_them():
    from smpolicy.words import counted, plural

    assert [counted(n, "minute") for n in (0, 1, 2)] == ["0 minutes", "1 minute", "2 minutes"]
    assert counted(1, "day") == "1 day" and counted(3, "entry") == "3 entries"
    assert plural("is", 1) == "is" and plural("is", 2) == "are"
