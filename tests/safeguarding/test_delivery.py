"""Alerts that arrive: e-mails and the Teams message sent by a worker, tried again with doubling
waits, every try kept on the alert; a concern is never refused because mail is down. A real SMTP
server (aiosmtpd), a real HTTP server for the Teams webhook and, where the waits matter, a real
Celery worker on Redis."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mailserver import MailServer, body_of, free_port
from smpolicy.jobs.sending import wait_before
from smpolicy.safeguarding.delivery import resend_untried
from smpolicy.safeguarding.models import Alert, AlertChannel, DeliveryAttempt, Report
from smpolicy.web.startup import catch_up

from .conftest import make_report, sign_in


@pytest.fixture
def smtp(settings):
    """SMTP on 127.0.0.1, not yet started; the app is pointed at it."""
    server = MailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def quick_retries(settings):
    settings.SMPOLICY_DELIVERY_TRIES = 12
    settings.SMPOLICY_DELIVERY_BACKOFF_SECONDS = 0.3  # 0.3, 0.6, 1.2... capped below


class Webhook:
    """A Teams Workflows webhook stand-in: a real HTTP server that keeps each POST's JSON and
    answers 500 to the first ``failures`` of them, then 202 as Workflows does."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.posts: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                outer.posts.append(
                    {"json": json.loads(self.rfile.read(length)),
                     "type": self.headers["Content-Type"]}
                )
                status = 500 if len(outer.posts) <= outer.failures else 202
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/workflows/trigger?sig=abc"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    hook = Webhook(failures=1)
    yield hook
    hook.close()


def test_the_waits_double_up_to_an_hour(settings):
    settings.SMPOLICY_DELIVERY_BACKOFF_SECONDS = 30
    assert [wait_before(n) for n in range(2, 11)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]


def test_a_parents_concern_is_answered_while_mail_is_down_and_its_alert_arrives_when_it_is_back(
    straits, smtp, quick_retries, redis_worker, client
):
    smtp.start()
    start = reverse("safeguarding:parent_concern", args=["straits"])
    assert client.post(start, {"email": "parent@example.com"}).status_code == 200
    [link_mail] = smtp.wait_for("parent@example.com")
    link = re.search(r"https://policy\.example\.sch\.uk(/\S+)", body_of(link_mail))[1]

    smtp.stop()  # the school's mail server goes down
    began = time.monotonic()
    done = client.post(
        link, {"name": "Pat Pupil", "child": "Pip", "concern": "Someone posted Pip's photo."}
    )
    assert done.status_code == 200 and time.monotonic() - began < 5  # not held by the mail
    report = Report.objects.get(kind="parent_concern")
    assert report.reference in done.content.decode()
    [alert] = Alert.objects.filter(report=report)
    assert alert.recipient == straits.head

    give_up = time.monotonic() + 30  # the worker tries, and fails, at least twice
    while DeliveryAttempt.objects.filter(alert=alert).count() < 2:
        assert time.monotonic() < give_up, "the worker made no second try"
        time.sleep(0.1)
    alert.refresh_from_db()
    assert alert.emailed_at is None and "trying again" in alert.email_problem

    smtp.start()  # back
    [head_mail] = smtp.wait_for("head@straits.sch.uk", seconds=60)
    assert "Pip" not in body_of(head_mail) and "photo" not in body_of(head_mail)
    smtp.wait_for("parent@example.com", count=2)  # the parent's receipt too
    give_up = time.monotonic() + 10
    while Alert.objects.get(pk=alert.pk).emailed_at is None:
        assert time.monotonic() < give_up
        time.sleep(0.1)
    tries = list(DeliveryAttempt.objects.filter(alert=alert).order_by("number"))
    assert [t.number for t in tries] == list(range(1, len(tries) + 1))
    assert not any(t.delivered for t in tries[:-1]) and tries[-1].delivered and tries[-1].last
    assert all(t.problem == "ConnectionRefusedError" for t in tries[:-1])
    assert Alert.objects.get(pk=alert.pk).email_problem == ""


def test_an_alert_that_never_gets_through_is_shown_undelivered_to_the_dsl_team(
    straits, smtp, settings, client, django_capture_on_commit_callbacks
):
    settings.SMPOLICY_DELIVERY_TRIES = 3  # tasks run at once here: the three tries in a row
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(straits)
    alert = Alert.objects.get(report=report, recipient=straits.dsl)
    tries = list(alert.attempts.order_by("number"))
    assert [(t.number, t.delivered, t.last) for t in tries] == [
        (1, False, False), (2, False, False), (3, False, True),
    ]
    alert.refresh_from_db()
    assert alert.undelivered and alert.email_problem.startswith("Not delivered: 3 tries failed")

    sign_in(client, straits.deputy)
    alerts_page = client.get(reverse("safeguarding:alerts")).content.decode()
    assert "Not delivered" in alerts_page and "Dora Lead" in alerts_page
    detail = client.get(reverse("safeguarding:report_detail", args=[report.pk])).content.decode()
    assert "Undelivered" in detail and "try 3" in detail and "ConnectionRefusedError" in detail


def test_a_person_with_no_address_is_undelivered_at_the_first_try(
    straits, django_capture_on_commit_callbacks
):
    straits.dsl.email = ""
    straits.dsl.save()
    straits.dsl.user.email = ""
    straits.dsl.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(straits)
    [attempt] = DeliveryAttempt.objects.filter(alert__recipient=straits.dsl, report=report)
    assert attempt.last and not attempt.delivered and "No e-mail address" in attempt.problem


def test_the_teams_channel_gets_a_link_only_and_a_failed_post_is_tried_again(
    straits, webhook, settings, django_capture_on_commit_callbacks
):
    call_command("teams_webhook", school="straits", url=webhook.url)
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(straits, account="Pip Pupilstraits sent me a snap at 10pm.")
    assert len(webhook.posts) == 2  # the first answered 500, the second 202
    message = webhook.posts[-1]
    assert message["type"] == "application/json"
    body = message["json"]
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    [action] = card["actions"]
    assert action == {
        "type": "Action.OpenUrl", "title": "Open the report",
        "url": f"https://policy.example.sch.uk/safeguarding/reports/{report.pk}/",
    }
    text = json.dumps(body)
    assert "Pip" not in text and "snap" not in text and report.reference not in text
    assert "Urgent" in card["body"][0]["text"]
    tries = list(DeliveryAttempt.objects.filter(report=report, channel="teams").order_by("number"))
    assert [(t.number, t.delivered, t.problem) for t in tries] == [
        (1, False, "HTTP 500"), (2, True, ""),
    ]


def test_the_webhook_address_must_be_https_and_is_sealed_at_rest(straits):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="https://"):
        call_command("teams_webhook", school="straits", url="http://teams.example/hook")
    call_command("teams_webhook", school="straits", url="https://x.example/workflows?sig=SECRET")
    assert AlertChannel.objects.get().teams_webhook_url.endswith("sig=SECRET")
    with connection.cursor() as cursor:
        cursor.execute("SELECT teams_webhook_url FROM safeguarding_alertchannel")
        (stored,) = cursor.fetchone()
    assert "SECRET" not in stored
    call_command("teams_webhook", school="straits", clear=True)
    assert AlertChannel.objects.get().teams_webhook_url == ""


def test_an_alert_lost_on_the_way_to_a_worker_is_sent_by_the_catch_up(straits):
    report = make_report(straits)  # its e-mails never left: this test never commits
    mail.outbox.clear()
    assert catch_up()["alerts sent again"] == 0  # too new: a worker may have it yet
    later = timezone.now() + dt.timedelta(minutes=3)
    assert resend_untried(later) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["deputy@straits.sch.uk", "dsl@straits.sch.uk"]
    assert all(a.emailed_at for a in Alert.objects.filter(report=report))
    assert resend_untried(later) == 0  # tried now
