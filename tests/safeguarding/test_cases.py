"""Cases: the DSL or headteacher triages reports into a case, sets actions with owners and dates,
takes advice, records outcomes from the enforcement clauses with who, when and why, and a police
referral only where the person bullied chose it. Each person has a chronology."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from smpolicy.safeguarding.models import AuditEntry, Case, CaseAction, Outcome, Report
from smpolicy.safeguarding.records import AppendOnlyError

from .conftest import make_report, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(client, straits):
    report = make_report(straits)
    sign_in(client, straits.dsl)
    response = client.post(
        reverse("safeguarding:triage", args=[report.pk]),
        {"title": "Snapchat contact, Year 5", "lead": straits.dsl.pk},
    )
    made = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("safeguarding:case_detail", args=[made.pk])
    return made


def test_triage_puts_the_report_in_a_new_case(case, straits):
    report = case.reports.get()
    assert report.status == Report.Status.IN_CASE
    assert case.lead == straits.dsl and case.opened_by == straits.dsl
    assert case.reference.startswith("C")
    assert AuditEntry.objects.filter(action="triage", reference=report.reference).exists()


def test_a_second_report_joins_an_open_case(client, case, straits):
    other = make_report(straits, account="Pip messaged again on Snapchat last night.")
    client.post(reverse("safeguarding:triage", args=[other.pk]), {"case": case.pk})
    assert case.reports.count() == 2


def test_actions_have_owners_and_due_dates_and_are_marked_done(client, case, straits):
    due = timezone.localdate() + dt.timedelta(days=2)
    client.post(
        reverse("safeguarding:action_add", args=[case.pk]),
        {
            "description": "Speak to Pip's parents",
            "owner": straits.deputy.pk,
            "due_on": due.isoformat(),
        },
    )
    action = CaseAction.objects.get()
    assert (action.owner, action.due_on, action.created_by) == (straits.deputy, due, straits.dsl)
    page = client.get(reverse("safeguarding:case_detail", args=[case.pk])).content.decode()
    assert "Speak to Pip&#x27;s parents" in page
    client.post(reverse("safeguarding:action_done", args=[action.pk]), {"done_note": "Called mum"})
    action.refresh_from_db()
    assert action.done_by == straits.dsl and action.done_note == "Called mum"


def test_an_outcome_records_who_decided_when_and_why_under_its_clause(client, case, straits):
    client.post(
        reverse("safeguarding:outcome_add", args=[case.pk]),
        {
            "subject": straits.pupil.pk,
            "kind": "pupil_sanction",
            "decided_by": straits.head.pk,
            "decided_on": timezone.localdate().isoformat(),
            "reasons": "Pip was told again not to contact staff on personal accounts.",
        },
    )
    outcome = Outcome.objects.get()
    assert outcome.clause == "community.sanctions"
    assert (outcome.decided_by, outcome.recorded_by) == (straits.head, straits.dsl)
    with pytest.raises(AppendOnlyError):
        outcome.delete()


def test_a_staff_outcome_for_a_pupil_is_refused(client, case, straits):
    response = client.post(
        reverse("safeguarding:outcome_add", args=[case.pk]),
        {
            "subject": straits.pupil.pk,
            "kind": "dismissal",
            "decided_by": straits.head.pk,
            "decided_on": timezone.localdate().isoformat(),
            "reasons": "x",
        },
        follow=True,
    )
    assert not Outcome.objects.exists()
    assert "is not an outcome for a pupil" in response.content.decode()


def test_staff_outcomes_come_from_the_enforcement_clauses(straits, client):
    report = make_report(
        straits,
        "staff_breach",
        subject=straits.colleague,
        account="Colin posted trip photos on his Facebook.",
        details={"breach": "pupil_images"},
    )
    sign_in(client, straits.head)
    client.post(reverse("safeguarding:triage", args=[report.pk]), {"title": "Trip photos"})
    case = Case.objects.get()
    client.post(
        reverse("safeguarding:outcome_add", args=[case.pk]),
        {
            "subject": straits.colleague.pk,
            "kind": "final_written_warning",
            "decided_by": straits.head.pk,
            "decided_on": timezone.localdate().isoformat(),
            "reasons": "Second breach of code.images after training.",
        },
    )
    assert Outcome.objects.get().clause == "enforcement.misconduct"


def test_advice_is_recorded_with_its_date_and_what_was_advised(client, case, straits):
    client.post(
        reverse("safeguarding:advice_add", args=[case.pk]),
        {
            "source": "la_safeguarding_lead",
            "adviser": "Sam Smith, LA Safeguarding Lead",
            "advised_on": "2026-01-13",
            "advice": "Record it; speak to the parents; no referral.",
        },
    )
    advice = case.advice.get()
    assert advice.advised_on == dt.date(2026, 1, 13)
    assert advice.get_source_display() == "Local Authority Safeguarding Lead"


def test_a_police_referral_needs_the_choice_of_the_person_bullied(client, straits):
    report = make_report(
        straits,
        "cyberbullying",
        reporter=straits.teacher,
        account="Threats on my Instagram from an anonymous account.",
    )
    sign_in(client, straits.head)
    client.post(reverse("safeguarding:triage", args=[report.pk]), {"title": "Threats"})
    case = Case.objects.get()
    url = reverse("safeguarding:police_referral_add", args=[case.pk])
    refused = client.post(
        url, {"person_bullied": straits.teacher.pk, "chosen_on": "2026-01-14"}, follow=True
    )
    assert "not recorded" in refused.content.decode()
    assert not case.police_referrals.exists()
    client.post(
        url,
        {
            "person_bullied": straits.teacher.pk,
            "their_choice": "on",
            "chosen_on": "2026-01-14",
            "police_reference": "CAD-123",
        },
    )
    assert case.police_referrals.get().person_bullied == straits.teacher
    # someone else cannot be named as having chosen it
    client.post(
        url,
        {"person_bullied": straits.colleague.pk, "their_choice": "on", "chosen_on": "2026-01-14"},
    )
    assert case.police_referrals.count() == 1


def test_a_case_closes_only_with_an_outcome_and_no_open_actions(client, case, straits):
    close = reverse("safeguarding:case_close", args=[case.pk])
    client.post(close, {"closing_summary": "Resolved"})
    case.refresh_from_db()
    assert case.status == "open"
    client.post(
        reverse("safeguarding:outcome_add", args=[case.pk]),
        {
            "kind": "no_further_action",
            "decided_by": straits.dsl.pk,
            "decided_on": timezone.localdate().isoformat(),
            "reasons": "Parents spoke to Pip.",
        },
    )
    client.post(close, {"closing_summary": "Parents spoke to Pip; no further contact."})
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_by == straits.dsl
    assert case.reports.get().status == Report.Status.CLOSED


def test_a_pupil_s_chronology_gathers_every_record_in_order(client, straits):
    first = make_report(
        straits,
        occurred_at=timezone.now() - dt.timedelta(days=30),
        account="Pip sent a friend request in October.",
    )
    second = make_report(
        straits,
        "inappropriate_content",
        pupils=[straits.pupil],
        account="Pip found a violent clip in the library.",
        details={"reached_by": "pupil"},
    )
    other_pupil = make_report(straits, pupils=[straits.sibling], account="Sid messaged me once.")
    sign_in(client, straits.dsl)
    page = client.get(reverse("safeguarding:chronology", args=[straits.pupil.pk])).content.decode()
    assert page.index(first.reference) < page.index(second.reference)
    assert other_pupil.reference not in page
    assert straits.sibling.full_name in page  # siblings are linked
    assert AuditEntry.objects.filter(action="view_chronology").exists()


def test_a_staff_member_s_chronology_is_not_shown_to_them(client, straits):
    make_report(
        straits,
        "staff_breach",
        subject=straits.dsl,
        pupils=[straits.pupil],
        account="Dora added Pip on Facebook.",
        details={"breach": "contact_pupil"},
    )
    sign_in(client, straits.dsl)
    assert client.get(reverse("safeguarding:chronology", args=[straits.dsl.pk])).status_code == 404
    sign_in(client, straits.head)
    page = client.get(reverse("safeguarding:chronology", args=[straits.dsl.pk])).content.decode()
    assert "the adult the report is about" in page


def test_the_chronology_shows_actions_advice_and_evidence_and_says_whose_it_is(
    client, case, straits
):
    from smpolicy.safeguarding import evidence

    from .test_evidence_store import png_bytes, upload

    report = case.reports.get()
    evidence.add_file(report, upload("snap.png", png_bytes("s")), added_by=straits.teacher,
                      read_text=False)
    client.post(
        reverse("safeguarding:action_add", args=[case.pk]),
        {"description": "Speak to Pip's parents", "owner": straits.deputy.pk,
         "due_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat()},
    )
    client.post(
        reverse("safeguarding:advice_add", args=[case.pk]),
        {"source": "la_safeguarding_lead", "adviser": "Sam Smith, LA Safeguarding Lead",
         "advised_on": timezone.localdate().isoformat(), "advice": "Speak to the parents."},
    )
    page = client.get(reverse("safeguarding:chronology", args=[straits.pupil.pk])).content.decode()
    assert "Evidence added to" in page and "snap.png" in page
    assert "Speak to Pip&#x27;s parents" in page and "not done yet" in page
    assert "Advice on case" in page and "Sam Smith, LA Safeguarding Lead" in page
    assert page.index(report.reference) < page.index("Evidence added to")
    entry = AuditEntry.objects.filter(action="view_chronology").last()
    assert straits.pupil.full_name in entry.note


def test_the_chronologys_queries_stay_the_same_as_its_reports_grow(client, straits):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, straits.dsl)
    url = reverse("safeguarding:chronology", args=[straits.pupil.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        return len(seen.captured_queries)

    make_report(straits, account="Pip messaged me once.")
    queries()  # the first view starts the school's audit chain: a one-off
    few = queries()
    for i in range(8):
        make_report(straits, account=f"Pip messaged me again ({i}).")
    assert queries() == few


def test_a_case_about_pupils_offers_pupils_outcomes_not_staff_sanctions(client, case):
    page = client.get(reverse("safeguarding:case_detail", args=[case.pk])).content.decode()
    form = page.split('id="add-outcome"', 1)[1].split("</form>", 1)[0]
    assert "For a pupil" in form and "Sanction (pupil)" in form and "Exclusion (pupil)" in form
    assert "No further action" in form
    assert "Dismissal" not in form and "Written warning" not in form


def test_a_case_about_an_adult_offers_the_staff_outcomes(client, straits):
    report = make_report(
        straits, "staff_breach", subject=straits.teacher, pupils=[straits.pupil],
        account="Ada added Pip on Facebook.", details={"breach": "contact_pupil"},
    )
    sign_in(client, straits.dsl)
    client.post(reverse("safeguarding:triage", args=[report.pk]),
                {"title": "Contact with a pupil", "lead": straits.dsl.pk})
    made = Case.objects.get()
    page = client.get(reverse("safeguarding:case_detail", args=[made.pk])).content.decode()
    form = page.split('id="add-outcome"', 1)[1].split("</form>", 1)[0]
    assert "For an adult" in form and "Dismissal" in form and "Written warning" in form
