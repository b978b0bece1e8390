"""An official post goes draft, checked, submitted, approved or rejected; nobody approves their
own post; an approval lapses at the post's scheduled time; every step is in its history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from smpolicy.posting import workflow
from smpolicy.posting.context import posting_settings
from smpolicy.posting.history import AppendOnlyError
from smpolicy.posting.models import OfficialPost, PostApproval, PostEvent
from smpolicy.schools import testing

from .helpers import checked_post

Status = OfficialPost.Status


def actions(post):
    return list(post.events.order_by("at", "pk").values_list("action", flat=True))


def test_the_headteacher_approves_a_submitted_post(teacher, head, later):
    post = checked_post(teacher, later)
    assert post.status == Status.CHECKED
    workflow.submit(post, teacher)
    workflow.approve(post, head, "Lovely, thank you.")
    post.refresh_from_db()
    assert post.status == Status.APPROVED
    assert actions(post) == ["created", "checked", "submitted", "approved"]
    approval = post.approvals.get()
    assert (approval.approver, approval.step, approval.note) == (head, 1, "Lovely, thank you.")


def test_the_author_cannot_approve_their_own_post(teacher, head, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    with pytest.raises(workflow.NotAllowed, match="nobody approves their own post"):
        workflow.approve(post, teacher)
    post.refresh_from_db()
    assert post.status == Status.SUBMITTED
    assert not post.approvals.exists()
    refused = post.events.get(action="refused")
    assert refused.actor == teacher  # the attempt is on the record


def test_not_even_the_headteacher_approves_their_own_post(head, leader, later):
    post = checked_post(head, later)
    workflow.submit(post, head)
    with pytest.raises(workflow.NotAllowed):
        workflow.approve(post, head)
    # A senior leader gives the approval the headteacher cannot give themself.
    workflow.approve(post, leader)
    post.refresh_from_db()
    assert post.status == Status.APPROVED


def test_the_last_approval_is_the_headteachers(teacher, head, leader, governor, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    for someone in (leader, governor):
        with pytest.raises(workflow.NotAllowed, match="headteacher"):
            workflow.approve(post, someone)


def test_nobody_from_another_school_answers(teacher, head, later, other_school):
    other_head = testing.make_person(other_school, "staff", positions=["headteacher"])
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    with pytest.raises(workflow.NotAllowed):
        workflow.approve(post, other_head)


def test_three_steps_each_by_a_different_person(teacher, head, leader, school, later):
    second = testing.make_person(school, "staff", "Ravi", "Patel", positions=["senior_leadership"])
    settings = posting_settings(school)
    settings.approval_steps = 3
    settings.save()
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    with pytest.raises(workflow.NotAllowed, match="senior leader"):
        workflow.approve(post, head)  # the headteacher's is the last step, not the first
    workflow.approve(post, leader)
    with pytest.raises(workflow.NotAllowed):
        workflow.approve(post, leader)  # not twice
    workflow.approve(post, second)
    post.refresh_from_db()
    assert post.status == Status.SUBMITTED
    workflow.approve(post, head)
    post.refresh_from_db()
    assert post.status == Status.APPROVED
    assert [a.step for a in post.approvals.all()] == [1, 2, 3]
    assert actions(post)[-3:] == ["approved_step", "approved_step", "approved"]


def test_a_rejection_says_why(teacher, head, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    with pytest.raises(workflow.WorkflowError, match="Say why"):
        workflow.reject(post, head, "  ")
    workflow.reject(post, head, "Please leave out the pupils' first names.")
    post.refresh_from_db()
    assert post.status == Status.REJECTED
    assert post.approvals.get().note == "Please leave out the pupils' first names."
    # The author puts it right and tries again: a new round, which the old answer does not decide.
    workflow.edit_post(post, teacher, text="Our Year 5 choir sang beautifully today.")
    assert post.status == Status.DRAFT


def test_changing_an_approved_post_takes_it_out_of_approval(teacher, head, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    workflow.approve(post, head)
    workflow.edit_post(post, teacher, text="Something else entirely.")
    post.refresh_from_db()
    assert post.status == Status.DRAFT
    assert not workflow.check_is_current(post)
    with pytest.raises(workflow.WorkflowError, match="Check the post"):
        workflow.submit(post, teacher)


def test_a_new_time_keeps_the_check_but_not_the_approval(teacher, head, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    workflow.approve(post, head)
    workflow.edit_post(post, teacher, scheduled_for=later + dt.timedelta(hours=3))
    post.refresh_from_db()
    assert post.status == Status.CHECKED
    workflow.submit(post, teacher)
    post.refresh_from_db()
    assert post.round == 2
    assert workflow.next_step(post) == 1  # the first round's approval does not carry over


def test_a_post_the_policy_prohibits_cannot_be_submitted(teacher, head, later):
    post = checked_post(teacher, later, text="The door code is 4512.", security_sensitive=True)
    assert post.check_result["decision"]["verdict"] == "prohibited"
    with pytest.raises(workflow.WorkflowError, match="does not allow this post"):
        workflow.submit(post, teacher)


def test_a_post_needs_a_time_in_the_future(teacher, head):
    post = checked_post(teacher, None)
    with pytest.raises(workflow.WorkflowError, match="Set when the post is to go out"):
        workflow.submit(post, teacher)
    workflow.edit_post(post, teacher, scheduled_for=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(workflow.WorkflowError, match="has passed"):
        workflow.submit(post, teacher)


def test_only_the_author_submits_edits_or_withdraws(teacher, head, school, later):
    colleague = testing.make_person(school, "staff")
    post = checked_post(teacher, later)
    for step in (workflow.submit, workflow.withdraw):
        with pytest.raises(workflow.NotAllowed):
            step(post, colleague)
    with pytest.raises(workflow.NotAllowed):
        workflow.edit_post(post, colleague, text="mine now")


def test_the_approved_post_is_published_by_its_author(teacher, head, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    workflow.approve(post, head)
    workflow.mark_published(post, teacher)
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED and post.published_at is not None
    with pytest.raises(workflow.WorkflowError):
        workflow.edit_post(post, teacher, text="too late")


# -- approvals lapse ---------------------------------------------------------------------------


def test_an_approval_lapses_when_the_post_is_not_out_by_its_time(teacher, head, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    workflow.approve(post, head)
    after = later + dt.timedelta(minutes=1)
    assert post.status_at(later) == Status.APPROVED  # publishing at the time itself is in time
    assert post.status_at(after) == Status.EXPIRED  # read time: expired before anyone writes it
    with pytest.raises(workflow.WorkflowError, match="expired"):
        workflow.mark_published(post, teacher, now=after)
    post.refresh_from_db()
    assert post.status == Status.EXPIRED
    expired = post.events.get(action="expired")
    assert expired.actor is None and expired.note == "Not published by its scheduled time"


def test_a_post_still_waiting_at_its_time_expires_and_cannot_be_approved(teacher, head, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    with pytest.raises(workflow.WorkflowError, match="expired"):
        workflow.approve(post, head, now=later + dt.timedelta(seconds=1))
    post.refresh_from_db()
    assert post.status == Status.EXPIRED
    assert not post.approvals.exists()


def test_expire_approvals_writes_down_every_lapsed_post(teacher, head, later, capsys):
    waiting = checked_post(teacher, later)
    workflow.submit(waiting, teacher)
    approved = checked_post(teacher, later + dt.timedelta(days=1))
    workflow.submit(approved, teacher)
    workflow.approve(approved, head)
    untouched = checked_post(teacher, later)  # a draft does not expire

    call_command("expire_approvals", now=(later + dt.timedelta(hours=1)).isoformat())
    assert capsys.readouterr().out.strip() == "1 post expired"
    call_command("expire_approvals", now=(later + dt.timedelta(days=2)).isoformat())
    assert capsys.readouterr().out.strip() == "1 post expired"
    call_command("expire_approvals", now=(later + dt.timedelta(days=3)).isoformat())
    assert capsys.readouterr().out.strip() == "0 posts expired"  # nothing expires twice

    statuses = {p.pk: p.status for p in OfficialPost.objects.all()}
    assert statuses == {
        waiting.pk: Status.EXPIRED,
        approved.pk: Status.EXPIRED,
        untouched.pk: Status.CHECKED,
    }
    assert PostEvent.objects.filter(action="expired").count() == 2


def test_an_expired_post_goes_round_again_with_a_new_time(teacher, head, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    workflow.expire_due(later + dt.timedelta(minutes=5))
    post.refresh_from_db()
    now = later + dt.timedelta(minutes=10)
    workflow.edit_post(post, teacher, scheduled_for=later + dt.timedelta(days=1), now=now)
    workflow.submit(post, teacher, now=now)
    workflow.approve(post, head, now=now)
    post.refresh_from_db()
    assert post.status == Status.APPROVED


# -- the record --------------------------------------------------------------------------------


def test_the_history_cannot_be_changed_or_deleted(teacher, head, later):
    post = checked_post(teacher, later)
    event = post.events.first()
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        PostEvent.objects.filter(post=post).update(note="rewritten")
    with pytest.raises(AppendOnlyError):
        PostEvent.objects.filter(post=post).delete()


def test_the_database_refuses_to_rewrite_history(teacher, head, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    workflow.approve(post, head)
    for table in ("posting_postevent", "posting_postapproval"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET school_id = school_id")
    assert PostApproval.objects.count() == 1
