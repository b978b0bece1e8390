"""Whoever must act on an official post is told at once: the approvers when it is submitted, the
author when it is approved, rejected (with the note) or its approval lapses. In the app, and by
e-mail as a link only: no post text, no pupil's name, no note leaves the school's systems."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from smpolicy.posting import alerts, workflow
from smpolicy.posting.context import posting_settings
from smpolicy.posting.models import PostAlert
from smpolicy.schools import testing

from .helpers import checked_post

Kind = PostAlert.Kind
TEXT = "Oliver Smith and the Year 5 choir sang beautifully at the town hall today."
NOTE = "Please take Oliver Smith's name out: names never go with photos."


@pytest.fixture(autouse=True)
def addresses(head, teacher, leader):
    for person, address in (
        (head, "head@straits.sch.uk"),
        (teacher, "ada@straits.sch.uk"),
        (leader, "sam@straits.sch.uk"),
    ):
        person.email = address
        person.save(update_fields=["email"])


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what the step hands to on_commit, as a committed request would."""

    def run(step, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args, **kwargs)

    return run


def alerts_for(person):
    return list(PostAlert.objects.filter(recipient=person).order_by("pk"))


def assert_link_only(message, post):
    """The e-mail says something needs the reader and links to the post: nothing more."""
    link = f"/posts/{post.pk}/"
    assert link in message.body
    for secret in ("Oliver", "Smith", "choir", "town hall", NOTE, post.text):
        assert secret not in message.body
        assert secret not in message.subject


def test_the_headteacher_is_told_at_once_when_a_post_is_submitted(
    teacher, head, later, run_on_commit
):
    post = checked_post(teacher, later, text=TEXT)
    run_on_commit(workflow.submit, post, teacher)

    [alert] = alerts_for(head)
    assert (alert.kind, alert.post, alert.seen_at) == (Kind.APPROVAL_NEEDED, post, None)
    assert alert.emailed_at is not None
    [message] = mail.outbox
    assert message.to == ["head@straits.sch.uk"]
    assert "waiting for your approval" in message.subject
    assert_link_only(message, post)
    assert alerts_for(teacher) == []  # the author is not asked to approve their own post


def test_the_email_holds_no_post_text_or_pupil_data(teacher, head, pupil, later, run_on_commit):
    post = checked_post(teacher, later, text=TEXT)
    run_on_commit(workflow.submit, post, teacher)
    run_on_commit(workflow.reject, post, head, NOTE)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert_link_only(message, post)
        assert pupil.first_name not in message.body and pupil.last_name not in message.body


def test_when_the_head_wrote_it_the_senior_leaders_are_told(head, leader, later, run_on_commit):
    post = checked_post(head, later)
    run_on_commit(workflow.submit, post, head)
    assert [a.kind for a in alerts_for(leader)] == [Kind.APPROVAL_NEEDED]
    assert alerts_for(head) == []


def test_each_step_tells_the_people_who_answer_it(teacher, head, leader, school, later):
    settings = posting_settings(school)
    settings.approval_steps = 2
    settings.save()
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    assert [a.step for a in alerts_for(leader)] == [1]
    assert alerts_for(head) == []  # the last step is not theirs yet
    workflow.approve(post, leader)
    assert [(a.kind, a.step) for a in alerts_for(head)] == [(Kind.APPROVAL_NEEDED, 2)]
    assert alerts_for(teacher) == []  # approved only once the headteacher has


def test_the_author_is_told_of_the_approval(teacher, head, later, run_on_commit):
    post = checked_post(teacher, later, text=TEXT)
    workflow.submit(post, teacher)
    mail.outbox.clear()
    run_on_commit(workflow.approve, post, head, "Lovely.")
    [alert] = alerts_for(teacher)
    assert alert.kind == Kind.APPROVED
    [message] = mail.outbox
    assert message.to == ["ada@straits.sch.uk"]
    assert "approved" in message.subject
    assert_link_only(message, post)


def test_the_author_is_told_of_a_rejection_and_reads_the_note_in_the_app(
    client, teacher, head, later, run_on_commit
):
    post = checked_post(teacher, later, text=TEXT)
    workflow.submit(post, teacher)
    mail.outbox.clear()
    run_on_commit(workflow.reject, post, head, NOTE)
    [alert] = alerts_for(teacher)
    assert alert.kind == Kind.REJECTED
    [message] = mail.outbox
    assert "not approved" in message.subject
    assert_link_only(message, post)

    client.force_login(teacher.user)
    page = client.get(reverse("posting:alerts")).content.decode()
    assert "Your post was rejected" in page
    assert NOTE.replace("'", "&#x27;") in page


def test_the_author_is_told_when_the_approval_lapses(teacher, head, later, run_on_commit):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    workflow.approve(post, head)
    mail.outbox.clear()
    after = later + dt.timedelta(minutes=1)
    run_on_commit(call_command, "expire_approvals", now=after.isoformat())
    assert [a.kind for a in alerts_for(teacher)] == [Kind.APPROVED, Kind.EXPIRED]
    [message] = mail.outbox
    assert "lapsed" in message.subject
    assert_link_only(message, post)
    # A second run finds nothing more to say.
    run_on_commit(call_command, "expire_approvals", now=after.isoformat())
    assert len(alerts_for(teacher)) == 2


def test_a_step_rolled_back_sends_nothing(teacher, head, later, run_on_commit, monkeypatch):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    mail.outbox.clear()

    raise_alerts = alerts.raise_alerts

    def raise_then_fail(*args, **kwargs):
        raise_alerts(*args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(alerts, "raise_alerts", raise_then_fail)
    with pytest.raises(RuntimeError):
        run_on_commit(workflow.approve, post, head)
    assert mail.outbox == []
    assert alerts_for(teacher) == []


def test_a_person_without_an_address_is_alerted_in_the_app(teacher, head, later, run_on_commit):
    head.email = ""
    head.save(update_fields=["email"])
    head.user.email = ""
    head.user.save(update_fields=["email"])
    post = checked_post(teacher, later)
    run_on_commit(workflow.submit, post, teacher)
    [alert] = alerts_for(head)
    assert alert.emailed_at is None
    assert "No e-mail address" in alert.email_problem
    assert mail.outbox == []


def test_a_failed_email_is_recorded_not_raised(teacher, head, later, run_on_commit, settings):
    settings.EMAIL_BACKEND = "tests.posting.test_alerts.BrokenBackend"
    post = checked_post(teacher, later)
    run_on_commit(workflow.submit, post, teacher)
    [alert] = alerts_for(head)
    assert alert.emailed_at is None
    assert alert.email_problem == "The e-mail could not be sent (ConnectionRefusedError)."


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp.example refused")


def test_the_alert_shows_in_the_app_until_the_post_is_opened(client, teacher, head, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    client.force_login(head.user)
    queue = client.get(reverse("posting:queues")).content.decode()
    assert "1 new" in queue
    listed = client.get(reverse("posting:alerts")).content.decode()
    assert reverse("posting:post", args=[post.pk]) in listed
    assert "Waiting for your approval" in listed

    client.get(reverse("posting:post", args=[post.pk]))
    assert PostAlert.objects.get(recipient=head).seen_at is not None
    assert "1 new" not in client.get(reverse("posting:queues")).content.decode()


def test_alerts_are_only_the_recipients(client, teacher, head, school, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    colleague = testing.make_person(school, "staff", "Bea", "Jones")
    testing.make_user(colleague)
    client.force_login(colleague.user)
    page = client.get(reverse("posting:alerts")).content.decode()
    assert reverse("posting:post", args=[post.pk]) not in page
    assert "No alerts for you." in page


def test_once_one_approver_answers_the_others_requests_stop_counting_as_new(head, leader, school, later):
    other = testing.make_person(school, "staff", "Priya", "Shah", positions=["senior_leadership"])
    post = checked_post(head, later)
    workflow.submit(post, head)
    assert alerts.unseen_count(leader) == 1 and alerts.unseen_count(other) == 1
    workflow.approve(post, leader)
    assert alerts.unseen_count(other) == 0
    [request] = alerts_for(other)
    assert request.kind == Kind.APPROVAL_NEEDED and request.seen_at is not None


def test_a_lapsed_or_withdrawn_post_no_longer_waits_on_its_approvers(teacher, head, later):
    lapsing = checked_post(teacher, later)
    workflow.submit(lapsing, teacher)
    withdrawn = checked_post(teacher, later)
    workflow.submit(withdrawn, teacher)
    assert alerts.unseen_count(head) == 2
    workflow.withdraw(withdrawn, teacher)
    assert alerts.unseen_count(head) == 1
    workflow.expire(lapsing, later + dt.timedelta(minutes=1))
    assert alerts.unseen_count(head) == 0
