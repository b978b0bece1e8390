"""The Teams channel page: the DSL sets the school's Workflows webhook, tries it with a test
message that reaches a real HTTP server, and clears it. Attacked: the address shown again after
saving, a plain http:// address, a teacher or the Chair, a session without the second factor,
and the audit log holding the address."""

from __future__ import annotations

import pytest

from smpolicy.safeguarding.models import AlertChannel, AuditEntry

from .conftest import sign_in
from .test_delivery import Webhook

pytestmark = pytest.mark.django_db
URL = "/safeguarding/alerts/teams/"


@pytest.fixture
def hook():
    server = Webhook()
    yield server
    server.close()


def test_the_dsl_sets_tries_and_clears_the_teams_channel(client, straits, hook):
    sign_in(client, straits.dsl)
    page = client.get(URL)
    assert page.status_code == 200 and "Alerts are not posted to Teams." in page.text

    saved = client.post(URL, {"do": "save", "url": hook.url}, follow=True)
    assert "Saved: alerts are also posted to Teams." in saved.text
    assert "Alerts are posted to a Teams channel</strong> (through 127.0.0.1)" in saved.text
    assert "sig=abc" not in saved.text and "/workflows/trigger" not in saved.text
    assert AlertChannel.objects.get(school=straits.school).teams_webhook_url == hook.url

    tried = client.post(URL, {"do": "test"}, follow=True)
    assert "Teams accepted the test message (HTTP 202)" in tried.text
    card = hook.posts[-1]["json"]["attachments"][0]["content"]
    assert card["body"][0]["text"] == "A test from Straits Primary School's safeguarding alerts"

    cleared = client.post(URL, {"do": "clear"}, follow=True)
    assert "Alerts are no longer posted to Teams." in cleared.text
    assert AlertChannel.objects.get(school=straits.school).teams_webhook_url == ""
    notes = list(AuditEntry.objects.filter(school=straits.school, action="change")
                 .values_list("note", flat=True))
    assert notes == ["Teams alert channel set", "Teams alert channel tried with a test message",
                     "Teams alert channel cleared"]


def test_a_test_message_that_fails_says_why(client, straits):
    hook = Webhook(failures=1)
    try:
        sign_in(client, straits.dsl)
        client.post(URL, {"do": "save", "url": hook.url})
        tried = client.post(URL, {"do": "test"}, follow=True)
    finally:
        hook.close()
    assert "The test message did not arrive: Teams answered HTTP 500" in tried.text


def test_a_wrong_address_is_refused_with_the_reason(client, straits):
    sign_in(client, straits.dsl)
    answer = client.post(URL, {"do": "save", "url": "http://teams.example/hook"})
    assert answer.status_code == 422
    assert "That address is wrong: it must be an https:// address (Teams gives one)." in (
        answer.text)
    assert not AlertChannel.objects.filter(school=straits.school).exclude(
        teams_webhook_url="").exists()


def test_only_the_dsl_team_and_head_with_the_second_factor_reach_it(client, straits, hook):
    sign_in(client, straits.teacher)
    assert client.get(URL).status_code == 403
    sign_in(client, straits.chair)
    assert client.post(URL, {"do": "save", "url": hook.url}).status_code == 403
    client.logout()
    sign_in(client, straits.dsl, second_factor=False)
    answer = client.post(URL, {"do": "save", "url": hook.url})
    assert answer.status_code == 302 and "second-factor" in answer["Location"]
    assert not AlertChannel.objects.exclude(teams_webhook_url="").exists()
    client.logout()
    sign_in(client, straits.head)
    assert client.get(URL).status_code == 200
