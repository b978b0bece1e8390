"""The registers feed the checker the author's permissions: spokesperson and training
(staff.speaking-for-school), written permission for the school's name and logo
(code.school-branding). The verdicts are the engine's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from smpolicy.posting import checking, recording
from smpolicy.posting.models import BrandingPermission, Spokesperson
from smpolicy.posting.registers import permissions_for
from smpolicy.schools import testing
from smpolicy.schools.models import today

BRANDED = "So proud of everyone at Straits Primary School this week!"


def appoint(person, head, **fields):
    return recording.approve_spokesperson(head, person, **fields)


def ask(person, uses=("name",), platforms=()):
    return recording.request_branding(
        person, uses=list(uses), purpose="A post about our charity run", platforms=list(platforms)
    )


def grant(person, head, uses=("name",), platforms=(), days=30):
    permission = ask(person, uses, platforms)
    recording.grant_branding(
        permission,
        head,
        written_permission="You may use the school's name in posts about the charity run.",
        valid_from=min(today(), today() + dt.timedelta(days=days)) - dt.timedelta(days=1),
        expires_on=today() + dt.timedelta(days=days),
    )
    return permission


def check(person, text, account="personal", platform="facebook"):
    return checking.check(
        person.school, person, text=text, images=[], account=account, platform=platform
    )


# -- written permission for branding --------------------------------------------------------


def test_a_branded_post_needs_written_permission(teacher, head):
    result = check(teacher, BRANDED)
    assert any(f["kind"] == "school_name" for f in result["findings"])
    assert result["decision"]["verdict"] == "needs_approval"
    assert "code.school-branding" in result["decision"]["clauses"]


def test_a_branded_post_passes_when_its_author_holds_written_permission(teacher, head):
    grant(teacher, head)
    result = check(teacher, BRANDED)
    assert result["decision"]["verdict"] == "allowed"
    assert result["situation"]["permissions"]["branding_written_permission"] is True


def test_a_permission_covers_only_what_it_says(teacher, head):
    grant(teacher, head, uses=["logo"])  # the logo, not the name
    assert check(teacher, BRANDED)["decision"]["verdict"] == "needs_approval"


def test_a_permission_for_another_platform_does_not_count(teacher, head):
    grant(teacher, head, platforms=["instagram"])
    assert check(teacher, BRANDED, platform="facebook")["decision"]["verdict"] == "needs_approval"
    assert check(teacher, BRANDED, platform="instagram")["decision"]["verdict"] == "allowed"


def test_only_a_granted_permission_counts(teacher, head):
    asked = ask(teacher)
    assert asked.status == "requested"
    assert permissions_for(teacher, "facebook")["branding_written_permission"] is False
    recording.refuse_branding(asked, head, "Use the trust's template instead.")
    assert permissions_for(teacher, "facebook")["branding_written_permission"] is False
    granted = grant(teacher, head)
    assert permissions_for(teacher, "facebook")["branding_written_permission"] is True
    recording.revoke_branding(granted, head, "The run was cancelled.")
    assert permissions_for(teacher, "facebook")["branding_written_permission"] is False


def test_an_expired_permission_does_not_count(teacher, head):
    grant(teacher, head, days=-1)
    assert check(teacher, BRANDED)["decision"]["verdict"] == "needs_approval"


def test_permission_is_given_in_writing_with_an_end(teacher, head):
    permission = BrandingPermission(
        school=teacher.school, requested_by=teacher, uses=["name"], purpose="x", status="granted"
    )
    with pytest.raises(ValidationError) as error:
        permission.full_clean()
    assert {"written_permission", "expires_on", "valid_from"} <= set(error.value.message_dict)


def test_someone_elses_permission_does_not_count(teacher, head, school):
    colleague = testing.make_person(school, "staff")
    grant(colleague, head)
    assert check(teacher, BRANDED)["decision"]["verdict"] == "needs_approval"


# -- spokespeople ----------------------------------------------------------------------------


def test_an_official_post_by_someone_not_approved_needs_approval(teacher, head):
    result = check(teacher, "Reminder: school closes at 1pm on Friday.", account="official")
    assert result["decision"]["verdict"] == "needs_approval"
    assert result["decision"]["obligations"][0]["to"] == "headteacher"


def test_a_trained_spokesperson_may_post(teacher, head):
    appoint(teacher, head, training_completed_on=today())
    result = check(teacher, "Reminder: school closes at 1pm on Friday.", account="official")
    assert result["situation"]["permissions"]["speak_for_school"] is True
    assert result["situation"]["permissions"]["training_complete"] is True
    assert result["decision"]["verdict"] == "allowed"


def test_training_not_done_is_a_condition(teacher, head):
    appoint(teacher, head, training="Social media for schools (LA course)")
    result = check(teacher, "Reminder: school closes at 1pm on Friday.", account="official")
    assert result["decision"]["verdict"] == "allowed_with_conditions"
    assert result["decision"]["obligations"][0].get("check") == "training"


def test_restrictions_and_expiry_hold(teacher, head):
    appoint(teacher, head, platforms=["website"], training_completed_on=today())
    assert permissions_for(teacher, "website")["speak_for_school"] is True
    assert permissions_for(teacher, "facebook")["speak_for_school"] is False


def test_an_approval_that_has_ended_does_not_count(teacher, head):
    ends = today() + dt.timedelta(days=5)
    appoint(teacher, head, expires_on=ends, training_completed_on=today())
    assert permissions_for(teacher, "website", on=ends)["speak_for_school"] is True
    after = ends + dt.timedelta(days=1)
    assert permissions_for(teacher, "website", on=after)["speak_for_school"] is False


def test_a_revoked_spokesperson_may_not_speak(teacher, head):
    entry = appoint(teacher, head)
    assert permissions_for(teacher)["speak_for_school"] is True
    recording.revoke_spokesperson(entry, head, "Left the role")
    assert permissions_for(teacher)["speak_for_school"] is False


def test_only_the_headteacher_approves_a_spokesperson(teacher, leader, head):
    with pytest.raises(recording.NotAllowed, match="Only the headteacher"):
        appoint(teacher, leader)
    # The entry itself says so too, whoever makes it.
    entry = Spokesperson(school=teacher.school, person=teacher, approved_by=leader)
    with pytest.raises(ValidationError, match="only the headteacher approves"):
        entry.full_clean()
    assert not Spokesperson.objects.exists()


def test_pupils_and_parents_cannot_be_spokespeople(pupil, head):
    with pytest.raises(ValidationError, match="only staff"):
        appoint(pupil, head)
