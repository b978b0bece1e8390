"""Reporting: the form asks what CPOMS asks, the decision engine decides who is alerted and how
fast, the report keeps the clauses, and alerts go out in the app and by e-mail (links only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from smpolicy.safeguarding import intake
from smpolicy.safeguarding.models import Alert, Involvement, Report

from .conftest import make_report, make_staffroom, png_bytes, sign_in, upload
from .test_evidence_store import report_post

pytestmark = pytest.mark.django_db


def recipients(report: Report) -> dict[str, str]:
    return {a.recipient.first_name: a.when for a in report.alerts.select_related("recipient")}


# -- the form ---------------------------------------------------------------------------------


def test_a_teacher_reports_a_pupil_s_snapchat_message_with_a_screenshot(
    client, straits, django_capture_on_commit_callbacks
):
    sign_in(client, straits.teacher, second_factor=False)
    url = reverse("safeguarding:report_new") + "?kind=pupil_contact"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            report_post(
                straits,
                files=[upload("snap.png", png_bytes("hi miss"))],
                captured_date="2026-01-12",
                captured_time="19:50",
                address="@pip_2015",
                evidence_platform="snapchat",
            ),
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("safeguarding:report_detail", args=[report.pk])

    # The situation is the decisions contract's, from the roster, on the day it happened.
    age_then = straits.pupil.age(dt.date(2026, 1, 12))
    assert report.situation == {
        "actor": {"role": "staff"},
        "action": "receive_message",
        "counterpart": {"role": "pupil", "age": age_then, "on_roll": "current"},
        "channel": {"account": "personal", "platform": "snapchat"},
        "occurred": True,
    }
    assert report.decision["obligations"][0] == {
        "kind": "report",
        "to": "dsl",
        "when": "immediately",
        "clause": "code.report-child-contact",
    }
    assert "code.report-child-contact" in report.clauses
    assert report.verdict == "allowed_with_conditions"
    assert report.is_safeguarding and report.urgent
    assert report.occurred_at == timezone.make_aware(dt.datetime(2026, 1, 12, 19, 45))
    assert report.dsl_told_in_person is False
    assert report.categories == ["online_contact"]
    assert [i.person for i in report.involvements.all()] == [straits.pupil]
    assert report.retention_rule == "child_protection"
    assert report.retain_until == straits.pupil.date_of_birth.replace(
        year=straits.pupil.date_of_birth.year + 25
    )

    item = report.evidence.get()
    assert item.platform == "snapchat" and item.address == "@pip_2015"
    assert item.added_by == straits.teacher
    assert timezone.localtime(item.captured_at).strftime("%Y-%m-%d %H:%M") == "2026-01-12 19:50"

    # The DSL and the deputy are alerted at once; the headteacher is not on this one. The teacher
    # who reported it is told it arrived (tests/safeguarding/test_telling.py).
    assert recipients(report) == {"Dora": "immediately", "Dev": "immediately"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ada@straits.sch.uk", "deputy@straits.sch.uk", "dsl@straits.sch.uk",
    ]


def test_alert_e_mails_carry_a_link_and_no_safeguarding_details(
    straits, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(
            straits, account="Pip Pupil wrote: meet me at the park at 6pm.", platform="snapchat"
        )
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for secret in (
            "Pip",
            "Pupil",
            "park",
            "snapchat",
            "Snapchat",
            straits.teacher.last_name,
            "pupil_contact",
            "contacted",
            report.reference,
        ):
            assert secret not in text, secret
        assert message.subject.startswith("Urgent:")
        assert f"https://policy.example.sch.uk/safeguarding/reports/{report.pk}/" in message.body
        assert not message.attachments


def test_alerts_show_in_the_app_for_the_people_alerted_only(client, straits):
    report = make_report(straits)
    sign_in(client, straits.dsl)
    page = client.get(reverse("safeguarding:alerts")).content.decode()
    assert report.reference in page and "Urgent: open it now" in page
    sign_in(client, straits.colleague, second_factor=False)
    assert report.reference not in client.get(reverse("safeguarding:alerts")).content.decode()


def test_opening_the_report_marks_the_alert_seen_and_the_report_opened(client, straits):
    report = make_report(straits)
    sign_in(client, straits.deputy)
    assert client.get(reverse("safeguarding:report_detail", args=[report.pk])).status_code == 200
    report.refresh_from_db()
    assert report.status == "opened" and report.first_opened_by == straits.deputy
    assert Alert.objects.get(report=report, recipient=straits.deputy).seen_at is not None
    assert Alert.objects.get(report=report, recipient=straits.dsl).seen_at is None


def test_the_form_asks_what_cpoms_asks(client, straits):
    sign_in(client, straits.teacher, second_factor=False)
    page = client.get(reverse("safeguarding:report_new") + "?kind=pupil_contact").content.decode()
    for label in (
        "Date it happened",
        "Time it happened",
        "Which pupil made contact?",
        "What happened, in the words used",
        "Have you told a Designated Safeguarding Lead in person?",
        "Categories (up to 3)",
        "child protection concern",
        "Screenshots, photos, saved e-mails or documents",
        "Date the screenshot or photo was taken",
        "Where it was captured: platform",
    ):
        assert label in page, label
    # pupils come from this school's roll, searched by name, never listed whole
    assert straits.pupil.last_name not in page
    found = client.get(reverse("safeguarding:report_new"),
                       {"kind": "pupil_contact", "pupils_q": "pip"}).content.decode()
    assert f'name="pupils" value="{straits.pupil.pk}"' in found
    assert straits.pupil.last_name in found
    # the browser's date picker needs ISO dates, whatever the site's locale
    assert f'type="date" name="occurred_date" value="{timezone.localdate().isoformat()}"' in page


def test_the_form_refuses_a_future_date_and_more_than_three_categories(client, straits):
    sign_in(client, straits.teacher, second_factor=False)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("safeguarding:report_new") + "?kind=pupil_contact",
        report_post(
            straits,
            occurred_date=tomorrow,
            categories=["online_contact", "grooming", "self_harm", "other"],
        ),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "cannot be in the future" in page
    assert "Choose at most 3 categories" in page
    assert not Report.objects.exists()


def test_a_report_can_be_back_dated(client, straits):
    sign_in(client, straits.teacher, second_factor=False)
    client.post(
        reverse("safeguarding:report_new") + "?kind=pupil_contact",
        report_post(straits, occurred_date="2024-06-01", occurred_time="08:10"),
    )
    report = Report.objects.get()
    assert timezone.localtime(report.occurred_at).date() == dt.date(2024, 6, 1)
    assert report.recorded_at.date() == timezone.now().date()


def test_the_ask_page_s_answers_open_the_right_form_prefilled(client, straits):
    sign_in(client, straits.teacher, second_factor=False)
    response = client.get(
        reverse("safeguarding:report_new"),
        {
            "role": "staff",
            "action": "receive_message",
            "counterpart": "pupil",
            "platform": "snapchat",
            "account": "personal",
        },
    )
    page = response.content.decode()
    assert "A pupil contacted a member of staff" in page
    assert '<option value="snapchat" selected>' in page
    assert 'value="personal" selected' in page


def test_without_a_kind_the_form_asks_for_one(client, straits):
    sign_in(client, straits.teacher, second_factor=False)
    page = client.get(reverse("safeguarding:report_new")).content.decode()
    assert "What are you reporting?" in page
    for kind in Report.Kind:
        label = kind.label.replace("'", "&#x27;")
        if kind in (Report.Kind.PARENT_CONCERN, Report.Kind.NETWORK_MONITORING):
            assert label not in page  # a parent's own form; raised by the log scan alone
        else:
            assert label in page


@pytest.mark.parametrize(
    ("params", "kind"),
    [
        ({"action": "receive_message", "counterpart": "pupil"}, "pupil_contact"),
        ({"role": "pupil", "action": "connect"}, "community_contact"),
        ({"action": "experience_abuse"}, "cyberbullying"),
        ({"action": "access", "flags": "inappropriate"}, "inappropriate_content"),
        ({"role": "parent", "action": "post", "flags": "defamatory"}, "damaging_content"),
        ({"action": "other"}, "professional_judgement"),
        ({"action": "post"}, ""),
    ],
)
def test_the_kind_follows_the_ask_page_s_situation(params, kind):
    assert intake.kind_from_situation(params) == kind


# -- routing by the decision's obligations ------------------------------------------------------


def test_a_parent_s_friend_request_goes_to_the_headteacher(straits):
    report = make_report(
        straits,
        "community_contact",
        account="A parent sent me a request.",
        details={"contact_from": "parent", "contact_how": "connect"},
    )
    assert report.situation["actor"] == {"role": "parent"}
    assert "community.no-contact-with-staff" in report.clauses
    assert recipients(report) == {"Helen": "promptly"}
    assert not report.urgent


def test_a_pupil_s_friend_request_goes_to_the_dsl_now_and_the_headteacher(straits):
    report = make_report(
        straits,
        "community_contact",
        pupils=[straits.pupil],
        account="Pip sent me a follow request.",
        details={"contact_from": "pupil", "contact_how": "connect"},
    )
    assert recipients(report) == {"Dora": "immediately", "Dev": "immediately", "Helen": "promptly"}


def test_cyberbullying_of_staff_goes_to_their_line_manager_and_the_headteacher(straits):
    report = make_report(
        straits,
        "cyberbullying",
        account="A parent group is mocking me.",
        details={"bully": "parent"},
    )
    assert "cyberbullying.keep-records" in report.clauses
    assert recipients(report) == {"Colin": "promptly", "Helen": "promptly"}
    assert not report.is_safeguarding
    assert {
        "kind": "keep_evidence",
        "to": "self",
        "when": "immediately",
        "clause": "cyberbullying.keep-records",
    } in report.decision["obligations"]


def test_inappropriate_content_reached_by_a_pupil_on_the_premises(straits):
    report = make_report(
        straits,
        "inappropriate_content",
        pupils=[straits.pupil],
        account="Pip opened a violent video in the library.",
        details={"reached_by": "pupil"},
    )
    assert report.situation["on_premises"] is True
    assert recipients(report) == {"Dora": "immediately", "Dev": "immediately", "Helen": "promptly"}


def test_a_suspected_breach_by_staff_is_hidden_from_them_and_investigated(straits):
    report = make_report(
        straits,
        "staff_breach",
        reporter=straits.teacher,
        subject=straits.colleague,
        pupils=[straits.pupil],
        account="Colin follows Pip on Instagram.",
        details={"breach": "contact_pupil"},
    )
    assert report.situation["actor"]["role"] == "staff"
    assert report.situation["action"] == "connect"
    assert "enforcement.investigation" in report.clauses
    assert "Colin" not in recipients(report)
    assert report.involvements.get(role=Involvement.Role.SUBJECT).person == straits.colleague
    assert report.retention_rule == "child_protection"  # a pupil is involved


def test_an_allegation_against_the_headteacher_goes_to_the_chair_of_governors(straits):
    report = make_report(
        straits,
        "staff_breach",
        subject=straits.head,
        account="The head posted pupils' photos on her own Facebook.",
        details={"breach": "pupil_images"},
    )
    found = recipients(report)
    assert "Helen" not in found
    assert found["Cara"] in ("immediately", "promptly")
    assert report.retention_rule == "allegation"


def test_when_the_headteacher_is_the_dsl_an_allegation_still_skips_them(db):
    room = make_staffroom("Little School", "little", head_is_dsl=True)
    report = make_report(
        room,
        "staff_breach",
        subject=room.head,
        pupils=[room.pupil],
        account="The head messaged Pip on WhatsApp.",
        details={"breach": "message_pupil"},
    )
    found = recipients(report)
    assert "Helen" not in found and "Cara" in found
    assert {"Dora", "Dev"} <= set(found)


def test_a_report_marked_child_protection_goes_to_the_dsl_at_once(straits):
    report = make_report(
        straits, "other", account="Something felt wrong at pick-up.", child_protection=True
    )
    assert recipients(report)["Dora"] == "immediately"
    assert "purpose" in report.clauses
    assert report.is_safeguarding


def test_professional_judgement_goes_to_the_headteacher(straits):
    report = make_report(
        straits,
        "professional_judgement",
        account="I phoned a parent from my own mobile as the school line was down.",
    )
    assert report.clauses[0] == "exceptions.professional-judgement"
    assert recipients(report) == {"Helen": "promptly"}


def test_someone_without_an_address_is_still_alerted_in_the_app(
    straits, django_capture_on_commit_callbacks
):
    straits.deputy.email = ""
    straits.deputy.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(straits)
    alert = report.alerts.get(recipient=straits.deputy)
    assert alert.emailed_at is None
    assert "No e-mail address" in alert.email_problem
    assert len(mail.outbox) == 1


def test_references_are_numbered_per_school(straits, harbour):
    a, b = make_report(straits), make_report(straits)
    c = make_report(harbour)
    year = timezone.localdate().year
    assert (a.reference, b.reference, c.reference) == (
        f"R{year}-0001",
        f"R{year}-0002",
        f"R{year}-0001",
    )


def test_pupils_and_parents_cannot_report(client, straits):
    for person in (straits.pupil, straits.parent):
        sign_in(client, person, second_factor=False)
        assert client.get(reverse("safeguarding:report_new")).status_code == 403


def test_a_line_manager_alerted_about_cyberbullying_opens_that_report_only(client, straits):
    bullying = make_report(straits, "cyberbullying", account="Anonymous abuse on my Instagram.")
    other = make_report(straits)
    sign_in(client, straits.colleague, second_factor=False)
    url = reverse("safeguarding:report_detail", args=[bullying.pk])
    assert client.get(url).status_code == 302  # their first record: the second factor first
    sign_in(client, straits.colleague)
    page = client.get(url).content.decode()
    assert "Anonymous abuse on my Instagram." in page
    assert client.get(reverse("safeguarding:report_detail", args=[other.pk])).status_code == 404


def test_evidence_needs_the_time_it_was_captured_as_well_as_the_date(client, straits):
    sign_in(client, straits.teacher, second_factor=False)
    response = client.post(
        reverse("safeguarding:report_new") + "?kind=pupil_contact",
        report_post(
            straits, files=[upload("snap.png", png_bytes("x"))], captured_date="2026-01-12"
        ),
    )
    assert response.status_code == 422
    assert "Give the time it was taken too" in response.content.decode()
    assert not Report.objects.exists()


def test_a_pupil_of_another_school_is_refused_with_a_form_error(client, straits, harbour):
    sign_in(client, straits.teacher, second_factor=False)
    response = client.post(
        reverse("safeguarding:report_new") + "?kind=pupil_contact",
        report_post(straits, pupils=[harbour.pupil.pk]),
    )
    assert response.status_code == 422
    assert "is not someone you can choose here" in response.content.decode()
    assert not Report.objects.exists()
