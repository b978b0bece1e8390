"""People are told what they need and nothing about a child (issue 13): a reporter that their
report arrived and that it was closed, an action's owner that they have an action and, once, that
it is overdue. Every e-mail goes through a real SMTP server (aiosmtpd) and is read as received:
a distinctive pupil's name, the words of the account, the case's title, the action's description
and the outcome must be in none of them."""

from __future__ import annotations

import datetime as dt
import io
from email.message import Message

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from mailserver import MailServer, body_of
from parallel import in_parallel
from smpolicy.jobs import tasks
from smpolicy.jobs.models import JobRun
from smpolicy.safeguarding import telling
from smpolicy.safeguarding.models import CATEGORIES, Case, CaseAction, Report
from smpolicy.safeguarding.records import AppendOnlyError
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


# -- action owners ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_action_s_owner_is_told_they_have_one_and_by_when_but_not_what_it_is(
    client, straits, zephyrine, smtp, django_capture_on_commit_callbacks
):
    report = make_report(straits, account=ACCOUNT, pupils=[zephyrine], alert=False)
    case = _open_case(client, straits, [report])
    due = timezone.localdate() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("safeguarding:action_add", args=[case.pk]),
            {"description": ACTION, "owner": straits.colleague.pk, "due_on": due.isoformat()},
        )
    assert CaseAction.objects.get().description == ACTION

    [message] = smtp.wait_for("colin@straits.sch.uk")
    assert_tells_nothing(message)
    body = body_of(message)
    assert ACTION not in body and CASE_TITLE not in body
    assert "an action on a safeguarding case" in body and case.reference in body
    assert f"{due:%B} {due.year}" in body and str(due.day) in body
    assert "https://policy.example.sch.uk" + reverse(
        "safeguarding:case_detail", args=[case.pk]
    ) in body
    assert _subjects(smtp, "colin@straits.sch.uk") == [message["Subject"]]  # nobody else's mail


def _case(room: Staffroom, pupil) -> Case:
    report = make_report(room, account=ACCOUNT, pupils=[pupil], alert=False)
    case = Case(school=room.school, title=CASE_TITLE, lead=room.dsl, opened_by=room.dsl)
    case.save()
    report.case, report.status = case, Report.Status.IN_CASE
    report.save(update_fields=["case", "status"])
    return case


def _action(case: Case, owner, due_on: dt.date, **fields) -> CaseAction:
    return CaseAction.objects.create(
        case=case, description=ACTION, owner=owner, due_on=due_on, created_by=case.lead,
        **fields,
    )


@pytest.mark.django_db
def test_an_overdue_action_is_reminded_once_on_the_clock_given(
    straits, zephyrine, smtp, django_capture_on_commit_callbacks
):
    case = _case(straits, zephyrine)
    now = timezone.now()
    today = timezone.localdate(now)
    overdue = _action(case, straits.colleague, today - dt.timedelta(days=2))
    _action(case, straits.deputy, today)  # due today: not overdue yet
    later = _action(case, straits.teacher, today + dt.timedelta(days=3))
    _action(
        case, straits.head, today - dt.timedelta(days=5),
        done_at=now - dt.timedelta(days=4), done_by=straits.dsl, done_note="Done.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert telling.remind_overdue_actions(now) == 1
        assert telling.remind_overdue_actions(now) == 0
    [reminder] = smtp.wait_for("colin@straits.sch.uk")
    assert_tells_nothing(reminder)
    assert "Overdue" in reminder["Subject"] and ACTION not in body_of(reminder)
    assert case.reference in body_of(reminder)
    assert [m["X-Envelope-To"] for m in smtp.messages] == ["colin@straits.sch.uk"]
    overdue.refresh_from_db()
    assert overdue.overdue_reminded_at == now

    # The clock passed in decides: four days on, the later action is overdue too, once.
    four_days_on = now + dt.timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert telling.remind_overdue_actions(four_days_on) == 2  # today's and the later one
        assert telling.remind_overdue_actions(four_days_on + dt.timedelta(days=1)) == 0
    later.refresh_from_db()
    assert later.overdue_reminded_at == four_days_on
    assert len(smtp.to("ada@straits.sch.uk")) == 1 and len(smtp.to("deputy@straits.sch.uk")) == 1
    assert len(smtp.to("colin@straits.sch.uk")) == 1 and smtp.to("head@straits.sch.uk") == []


@pytest.mark.django_db
def test_the_command_reminds_on_the_time_it_is_given(
    straits, zephyrine, smtp, django_capture_on_commit_callbacks
):
    action = _action(_case(straits, zephyrine), straits.colleague, dt.date(2026, 3, 2))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_actions", now="2026-03-02T23:00:00+00:00", stdout=out)
    assert out.getvalue().strip() == "0 overdue action(s) reminded"  # due that day: not yet
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_actions", now="2026-03-04T09:00:00+00:00", stdout=out)
        call_command("remind_actions", now="2026-03-05T09:00:00+00:00", stdout=out)
    assert out.getvalue().split("\n")[1:3] == [
        "1 overdue action(s) reminded", "0 overdue action(s) reminded",
    ]
    [reminder] = smtp.wait_for("colin@straits.sch.uk")
    assert_tells_nothing(reminder)
    action.refresh_from_db()
    assert action.overdue_reminded_at == dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize("through_the_lease", [True, False])
def test_two_workers_reminding_at_once_send_one_reminder(
    straits, zephyrine, guarded_db, smtp, through_the_lease
):
    case = _case(straits, zephyrine)
    action = _action(case, straits.colleague, timezone.localdate() - dt.timedelta(days=1))
    now = timezone.now()

    def worker(i: int) -> object:
        # Through the beat job's lease, or straight into the claim, which must hold by itself
        # (a worker whose lease ran out while another took it over).
        return tasks.remind_actions() if through_the_lease else telling.remind_overdue_actions(now)

    results = in_parallel(worker, threads=4)
    assert not [r for r in results if isinstance(r, Exception)], results
    if not through_the_lease:
        assert sorted(results) == [0, 0, 0, 1]
    [reminder] = smtp.wait_for("colin@straits.sch.uk")
    assert_tells_nothing(reminder)
    assert len(smtp.messages) == 1
    action.refresh_from_db()
    assert action.overdue_reminded_at is not None
    if through_the_lease:
        row = JobRun.objects.get(name="remind-actions")
        assert row.ok and row.runs + row.skipped == 4 and row.succeeded_at is not None


# -- the database's guard ---------------------------------------------------------------------


def _refused(sql: str, params: list) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _sql(sql: str, params: list) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.mark.django_db
def test_the_guard_lets_the_reminder_be_claimed_once_and_still_keeps_what_was_asked(
    straits, zephyrine
):
    action = _action(_case(straits, zephyrine), straits.colleague, dt.date(2026, 1, 5))
    at = timezone.now()
    # Setting the reminder's time from empty, alone, is allowed by the database.
    assert _sql(
        "UPDATE safeguarding_caseaction SET overdue_reminded_at = %s "
        "WHERE id = %s AND overdue_reminded_at IS NULL",
        [at, action.pk],
    ) == 1
    # Once set it is kept: cleared, a second reminder could be claimed; moved, it would lie.
    _refused(
        "UPDATE safeguarding_caseaction SET overdue_reminded_at = NULL WHERE id = %s", [action.pk]
    )
    _refused(
        "UPDATE safeguarding_caseaction SET overdue_reminded_at = %s WHERE id = %s",
        [at + dt.timedelta(days=1), action.pk],
    )
    # What was asked, of whom and by when is refused as before.
    _refused("UPDATE safeguarding_caseaction SET description = 'x' WHERE id = %s", [action.pk])
    _refused(
        "UPDATE safeguarding_caseaction SET owner_id = %s WHERE id = %s",
        [straits.head.pk, action.pk],
    )
    _refused(
        "UPDATE safeguarding_caseaction SET due_on = %s WHERE id = %s",
        [dt.date(2099, 1, 1), action.pk],
    )
    _refused("DELETE FROM safeguarding_caseaction WHERE id = %s", [action.pk])
    # ... and the ORM says so where the mistake is made.
    with pytest.raises(AppendOnlyError, match="overdue_reminded_at"):
        CaseAction.objects.filter(pk=action.pk).update(overdue_reminded_at=None)
    with pytest.raises(AppendOnlyError, match="due_on"):
        CaseAction.objects.filter(pk=action.pk).update(due_on=dt.date(2099, 1, 1))
    action.refresh_from_db()
    assert action.overdue_reminded_at is not None and action.description == ACTION
