"""A parent with no account raises a concern with the headteacher from a verified e-mail address,
and gets a reference number."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from smpolicy.safeguarding.models import Alert, EmailVerification, Report

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def link_from(message) -> str:
    return re.search(r"https://policy\.example\.sch\.uk(/\S+)", message.body)[1]


def test_a_parent_raises_a_concern_and_gets_a_reference(
    client, straits, django_capture_on_commit_callbacks
):
    start = reverse("safeguarding:parent_concern", args=["straits"])
    page = client.get(start).content.decode()
    assert "rather than posting about it on social media" in page
    client.post(start, {"email": "Parent@Example.com"})
    [message] = mail.outbox
    assert message.to == ["parent@example.com"]
    link = link_from(message)
    mail.outbox.clear()

    form = client.get(link)
    assert form.status_code == 200 and "parent@example.com" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            link,
            {
                "name": "Pat Pupil",
                "child": "Pip, Year 5",
                "concern": "Another parent is posting about Pip's teacher.",
            },
        )
    report = Report.objects.get()
    assert report.kind == "parent_concern" and report.reporter_email == "parent@example.com"
    assert report.reference in done.content.decode()
    assert "community.context" in report.clauses
    assert [a.recipient for a in Alert.objects.filter(report=report)] == [straits.head]
    sent_to = sorted(m.to[0] for m in mail.outbox)
    assert sent_to == ["head@straits.sch.uk", "parent@example.com"]
    head_mail = next(m for m in mail.outbox if m.to == ["head@straits.sch.uk"])
    assert "Pip" not in head_mail.body and "teacher" not in head_mail.body


def test_the_link_works_once(client, straits):
    start = reverse("safeguarding:parent_concern", args=["straits"])
    client.post(start, {"email": "parent@example.com"})
    link = link_from(mail.outbox[0])
    client.post(link, {"name": "Pat", "concern": "A concern about the school trip photos."})
    again = client.post(link, {"name": "Pat", "concern": "A second concern, sent twice."})
    assert again.status_code == 410
    assert Report.objects.count() == 1


def test_a_made_up_link_does_not_work(client, straits):
    url = reverse("safeguarding:parent_concern_write", args=["straits", "not-a-real-token"])
    assert client.get(url).status_code == 410


def test_links_are_limited_per_address_and_the_page_says_the_same_either_way(client, straits):
    start = reverse("safeguarding:parent_concern", args=["straits"])
    pages = [client.post(start, {"email": "p@example.com"}).content for _ in range(5)]
    assert len(mail.outbox) == 3
    assert EmailVerification.objects.count() == 3
    assert pages[0] == pages[4]


def test_the_concern_reaches_the_headteacher_only(client, straits):
    start = reverse("safeguarding:parent_concern", args=["straits"])
    client.post(start, {"email": "parent@example.com"})
    client.post(
        link_from(mail.outbox[0]),
        {"name": "Pat", "concern": "Worried about what is said on the class WhatsApp."},
    )
    report = Report.objects.get()
    url = reverse("safeguarding:report_detail", args=[report.pk])
    sign_in(client, straits.head)
    assert client.get(url).status_code == 200
    for other in (straits.dsl, straits.teacher):
        sign_in(client, other)
        assert client.get(url).status_code == 404
