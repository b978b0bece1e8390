"""Photo consent: an official post with images is refused while a tagged pupil lacks consent for
that use, and flagged when the checker finds more faces than the author tagged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from smpolicy.posting import workflow
from smpolicy.posting.models import OfficialPost, PhotoConsent
from smpolicy.posting.registers import consent_state
from smpolicy.schools import testing
from smpolicy.schools.models import today

from .helpers import checked_post

Status = OfficialPost.Status


def test_a_tagged_pupil_without_consent_stops_the_post(teacher, head, pupil, later):
    post = checked_post(teacher, later, images=1, faces=1)
    workflow.set_tags(post, teacher, [pupil])
    with pytest.raises(workflow.WorkflowError, match="Oliver Smith has no photo consent"):
        workflow.submit(post, teacher)


def test_with_consent_the_post_goes_for_approval(teacher, head, pupil, give_consent, later):
    give_consent(pupil, "social_media")
    post = checked_post(teacher, later, images=1, faces=1)
    workflow.set_tags(post, teacher, [pupil])
    workflow.submit(post, teacher)
    workflow.approve(post, head)
    post.refresh_from_db()
    assert post.status == Status.APPROVED


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "not_granted"},
        {"status": "requested"},
        {"status": "granted", "valid_until": today() - dt.timedelta(days=1)},
        {"use": "website"},  # consent for the website is not consent for Facebook
    ],
    ids=["not granted", "requested", "lapsed", "other use"],
)
def test_consent_that_is_not_in_force_stops_the_post(
    teacher, head, pupil, give_consent, later, answer
):
    give_consent(pupil, **{"use": "social_media", **answer})
    post = checked_post(teacher, later, images=1)
    workflow.set_tags(post, teacher, [pupil])
    with pytest.raises(workflow.WorkflowError, match="no photo consent"):
        workflow.submit(post, teacher)


def test_consent_ending_before_the_post_goes_out_stops_it(teacher, head, pupil, give_consent):
    give_consent(pupil, valid_until=today() + dt.timedelta(days=1))
    post = checked_post(teacher, scheduled_for=None, images=1)
    workflow.set_tags(post, teacher, [pupil])
    goes_out = dt.datetime.combine(today() + dt.timedelta(days=5), dt.time(9), tzinfo=dt.UTC)
    workflow.edit_post(post, teacher, scheduled_for=goes_out)
    with pytest.raises(workflow.WorkflowError, match="no photo consent"):
        workflow.submit(post, teacher)


def test_consent_withdrawn_after_submission_stops_the_approval(
    teacher, head, pupil, give_consent, later
):
    give_consent(pupil)
    post = checked_post(teacher, later, images=1)
    workflow.set_tags(post, teacher, [pupil])
    workflow.submit(post, teacher)
    give_consent(pupil, status="not_granted", given_on=today())  # the parent changes their mind
    with pytest.raises(workflow.WorkflowError, match="no photo consent"):
        workflow.approve(post, head)
    post.refresh_from_db()
    assert post.status == Status.SUBMITTED


def test_the_website_needs_website_consent(teacher, head, pupil, give_consent, later):
    give_consent(pupil, "social_media")
    post = checked_post(teacher, later, images=1, platform="website")
    workflow.set_tags(post, teacher, [pupil])
    with pytest.raises(workflow.WorkflowError, match="the school website"):
        workflow.submit(post, teacher)
    give_consent(pupil, "website")
    workflow.submit(post, teacher)


def test_more_faces_than_tags_is_flagged_for_the_approver(
    teacher, head, pupil, give_consent, later
):
    give_consent(pupil)
    post = checked_post(teacher, later, images=1, faces=2)
    workflow.set_tags(post, teacher, [pupil])
    ready = workflow.readiness(post)
    assert ready.blockers == []
    assert ready.flags == [
        "The checker found 2 faces and 1 pupil is tagged: tag every pupil shown, so their "
        "photo consent is checked."
    ]
    workflow.submit(post, teacher)  # a flag is for a person to look at; it does not stop the post
    submitted = post.events.get(action="submitted")
    assert submitted.details["flags"] == ready.flags


def test_as_many_tags_as_faces_is_not_flagged(teacher, pupil, other_pupil, give_consent, later):
    give_consent(pupil)
    give_consent(other_pupil)
    post = checked_post(teacher, later, images=1, faces=2)
    workflow.set_tags(post, teacher, [pupil, other_pupil])
    assert workflow.readiness(post).flags == []


def test_without_images_tags_do_not_matter(teacher, head, pupil, later):
    post = checked_post(teacher, later, images=0)
    workflow.set_tags(post, teacher, [pupil])
    workflow.submit(post, teacher)


def test_only_pupils_of_the_school_are_tagged(teacher, school, other_school, later):
    post = checked_post(teacher, later, images=1)
    elsewhere = testing.make_person(other_school, "pupil")
    with pytest.raises(workflow.WorkflowError, match="not a pupil of this school"):
        workflow.set_tags(post, teacher, [elsewhere])
    with pytest.raises(workflow.WorkflowError, match="not a pupil"):
        workflow.set_tags(post, teacher, [teacher])


# -- the register ------------------------------------------------------------------------------


def test_consent_is_given_by_a_linked_parent(pupil, other_pupil, parent_of):
    stranger = parent_of(other_pupil)
    entry = PhotoConsent(
        school=pupil.school,
        pupil=pupil,
        use="website",
        status="granted",
        given_by=stranger,
        given_on=today(),
    )
    with pytest.raises(ValidationError, match="not recorded as a parent or carer"):
        entry.full_clean()


def test_an_answer_says_who_gave_it_and_when(pupil):
    entry = PhotoConsent(school=pupil.school, pupil=pupil, use="website", status="granted")
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert set(error.value.message_dict) == {"given_by", "given_on"}


def test_the_latest_answer_is_the_one_in_force(pupil, give_consent):
    give_consent(pupil, "website")
    assert consent_state(pupil, "website").valid
    give_consent(pupil, "website", status="not_granted", given_on=today())
    state = consent_state(pupil, "website")
    assert not state.valid and state.label == "Not granted"
    assert PhotoConsent.objects.filter(pupil=pupil).count() == 2  # the first answer is kept
