"""People are told what they need and nothing about a child (issue 13): a reporter that their
report arrived and that it was closed. Every e-mail goes through a real SMTP server (aiosmtpd) and is read as received:
a distinctive pupil's name, the words of the account, the case's title, the action's description
and the outcome must be in none of them."""

from __future__ import annotations

from email.message import Message

import pytest
from django.urls import reverse
from django.utils import timezone

from mailserver import MailServer, body_of
from smpolicy.safeguarding import telling
from smpolicy.safeguarding.models import CATEGORIES, Case, Report
from smpolicy.schools import testing

from .conftest import Staffroom, make_report, sign_in
from .test_evidence_store import report_post

PUPIL_FIRST, PUPIL_LAST = "Zephyrine", "Quillfeather"
ACCOUNT = "Zephyrine says her stepfather locks her in the garden shed overnight."
CASE_TITLE = "Quillfeather family, shed"
ACTION = "Ask Zephyrine Quillfeather's class teacher about the shed"
OUTCOME = "Referred to children's social care after the home visit."
SUMMARY = "Zephyrine is safe with her aunt; the stepfather has left."
# What no e-mail may carry: the child, the account, the case, the action, the outcome, and the
# kind and category of concern, which narrow down who it is about.
SECRETS = (
    PUPIL_FIRST, PUPIL_LAST, "stepfather", "garden shed", "about the shed", "aunt", "social care", "Referred",
    "Snapchat", "snapchat", CATEGORIES["online_contact"], Report.Kind.PUPIL_CONTACT.label,
    "Pip", "Sid",
)


def assert_tells_nothing(message: Message) -> None:
    text = f"{message['Subject']}\n{body_of(message)}"
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} in an e-mail to {message['To']}:\n{text}"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1; the app sends to it (tasks run at once in tests)."""
    server = MailServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def zephyrine(straits: Staffroom):
    return testing.make_person(
        straits.school, "pupil", PUPIL_FIRST, PUPIL_LAST, date_of_birth=testing.born_aged(9)
    )


def _subjects(server: MailServer, address: str) -> list[str]:
    return [m["Subject"] for m in server.to(address)]


def _open_case(client, room: Staffroom, reports: list[Report]) -> Case:
    sign_in(client, room.head)
    first, *rest = reports
    client.post(reverse("safeguarding:triage", args=[first.pk]), {"title": CASE_TITLE})
    case = Case.objects.get()
    for report in rest:
        client.post(reverse("safeguarding:triage", args=[report.pk]), {"case": case.pk})
    assert case.reports.count() == len(reports)
    return case


# -- reporters --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_of_staff_is_told_their_report_arrived_and_nothing_of_what_it_says(
    client, straits, zephyrine, smtp, django_capture_on_commit_callbacks
):
    sign_in(client, straits.teacher, second_factor=False)
    url = reverse("safeguarding:report_new") + "?kind=pupil_contact"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, report_post(straits, pupils=[zephyrine.pk], account=ACCOUNT))
    report = Report.objects.get()
    assert report.account == ACCOUNT

    [receipt] = smtp.wait_for("ada@straits.sch.uk")
    assert_tells_nothing(receipt)
    body = body_of(receipt)
    assert report.reference in receipt["Subject"] and "received" in receipt["Subject"]
    own_view = "https://policy.example.sch.uk" + reverse(
        "safeguarding:report_detail", args=[report.pk]
    )
    assert own_view in body and "sign in" in body
    # The DSL team's alerts went too, as links: the receipt is as well as, not instead of, them.
    smtp.wait_for("dsl@straits.sch.uk")


@pytest.mark.django_db
def test_a_parent_is_told_their_concern_arrived_and_nothing_of_it(
    client, straits, smtp, django_capture_on_commit_callbacks
):
    start = reverse("safeguarding:parent_concern", args=["straits"])
    client.post(start, {"email": "parent@example.com"})
    [link_mail] = smtp.wait_for("parent@example.com")
    link = body_of(link_mail).split("https://policy.example.sch.uk", 1)[1].split()[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            link,
            {"name": "Pat Parent", "child": f"{PUPIL_FIRST} {PUPIL_LAST}", "concern": ACCOUNT},
        )
    report = Report.objects.get(kind="parent_concern")
    assert PUPIL_LAST in report.account
    receipt = smtp.wait_for("parent@example.com", count=2)[1]
    assert_tells_nothing(receipt)
    assert report.reference in receipt["Subject"] and report.reference in body_of(receipt)


@pytest.mark.django_db
def test_reporters_are_told_the_case_is_closed_and_nothing_of_how(
    client, straits, zephyrine, smtp, django_capture_on_commit_callbacks
):
    by_teacher = make_report(straits, account=ACCOUNT, pupils=[zephyrine], alert=False)
    by_parent = make_report(
        straits,
        "parent_concern",
        reporter=None,
        reporter_email="parent@example.com",
        reporter_name="Pat Parent",
        account=f"About: {PUPIL_FIRST}\n\n{ACCOUNT}",
        alert=False,
    )
    by_monitoring = make_report(
        straits,
        "inappropriate_content",
        reporter=None,
        reporter_name="Network monitoring",
        account=f"Network monitoring found {PUPIL_FIRST} {PUPIL_LAST} (pupil) reaching a site.",
        pupils=[zephyrine],
        alert=False,
    )
    case = _open_case(client, straits, [by_teacher, by_parent, by_monitoring])
    client.post(
        reverse("safeguarding:outcome_add", args=[case.pk]),
        {
            "kind": "no_further_action",
            "decided_by": straits.head.pk,
            "decided_on": timezone.localdate().isoformat(),
            "reasons": OUTCOME,
        },
    )
    assert smtp.messages == []  # triage and an outcome tell nobody
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("safeguarding:case_close", args=[case.pk]), {"closing_summary": SUMMARY})
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED

    [to_teacher] = smtp.wait_for("ada@straits.sch.uk")
    [to_parent] = smtp.wait_for("parent@example.com")
    for message, report in ((to_teacher, by_teacher), (to_parent, by_parent)):
        assert_tells_nothing(message)
        assert "closed" in message["Subject"] and report.reference in message["Subject"]
        assert OUTCOME not in body_of(message) and SUMMARY not in body_of(message)
    # Network monitoring has no reporter to tell, and the head, who closed it, is not told.
    assert sorted(m["X-Envelope-To"] for m in smtp.messages) == [
        "ada@straits.sch.uk", "parent@example.com",
    ]


@pytest.mark.django_db
def test_a_report_with_nobody_to_tell_sends_nothing(
    straits, zephyrine, smtp, django_capture_on_commit_callbacks
):
    monitoring = make_report(
        straits, "inappropriate_content", reporter=None, reporter_name="Network monitoring",
        account="Network monitoring found a device reaching a site.", alert=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        telling.report_received(monitoring)
    assert smtp.messages == []
