"""`smpolicy demo` shows the posting side: a trained spokesperson approved by the head, photo
consents given, refused and expired, a written permission, the school's logo, and official posts
waiting for the headteacher and approved."""

from __future__ import annotations

import pytest
from django.utils import timezone

from smpolicy.posting import checking, workflow
from smpolicy.posting.context import logo_path
from smpolicy.posting.demo import load_demo_posting
from smpolicy.posting.models import BrandingPermission, OfficialPost, PhotoConsent, Spokesperson
from smpolicy.posting.registers import consent_state, permissions_for
from smpolicy.posting.uploads import validate_image
from smpolicy.schools.demo import load_demo_school
from smpolicy.schools.models import Person, School


@pytest.fixture
def demo(db):
    load_demo_school()
    load_demo_posting()
    school = School.objects.get(slug="straits")
    return school, {p.external_id: p for p in Person.objects.for_school(school)}


def test_a_trained_spokesperson_approved_by_the_head(demo):
    school, people = demo
    entry = Spokesperson.objects.for_school(school).get()
    assert (entry.person, entry.approved_by) == (people["S009"], people["S001"])
    assert entry.training_completed_on is not None and entry.expires_on is not None
    assert [e.action for e in entry.events.order_by("pk")] == ["approved", "training"]
    assert permissions_for(people["S009"], "facebook") == {
        "speak_for_school": True,
        "training_complete": True,
        "branding_written_permission": False,
    }


def test_photo_consents_given_refused_and_expired(demo):
    _, people = demo
    assert consent_state(people["P014"], "social_media").valid  # Oliver Smith: given
    refused = consent_state(people["P022"], "social_media")  # Amira Khan: refused
    assert refused.entry.status == "not_granted" and not refused.valid
    expired = consent_state(people["P018"], "social_media")  # Mia Cole: last year's form
    assert expired.entry.status == "granted" and not expired.valid
    assert consent_state(people["P025"], "website").label == "Requested"


def test_a_written_permission_for_the_name_and_logo(demo):
    school, people = demo
    permission = BrandingPermission.objects.for_school(school).get()
    assert (permission.requested_by, permission.decided_by) == (people["S004"], people["S001"])
    assert permission.is_valid_on(timezone.localdate())
    assert [e.action for e in permission.events.order_by("pk")] == ["requested", "granted"]


def test_the_logo_is_drawn_and_the_checker_finds_it(demo):
    school, people = demo
    path = logo_path(school)
    assert path is not None and path.is_file()
    logo = validate_image(path.read_bytes(), "logo.png")
    result = checking.check(
        school, people["S004"], text="", images=[logo], account="personal", platform="facebook"
    )
    assert "school_logo" in {f["kind"] for f in result["findings"]}


def test_an_official_post_waits_for_the_head_and_one_is_approved(demo):
    school, people = demo
    head = people["S001"]
    posts = OfficialPost.objects.for_school(school)
    now = timezone.now()
    assert [p.author for p in workflow.awaiting(head, posts, now)] == [people["S009"]]
    approved = posts.get(status=OfficialPost.Status.APPROVED)
    assert approved.approvals.get().approver == head
    assert head.pk not in {p.author_id for p in posts}
    # The head was told of the submission; the author of the approval.
    assert set(approved.alerts.values_list("kind", flat=True)) == {"approval_needed", "approved"}


def test_loading_the_demo_again_adds_nothing(demo):
    counts = (
        Spokesperson.objects.count(),
        PhotoConsent.objects.count(),
        BrandingPermission.objects.count(),
        OfficialPost.objects.count(),
    )
    load_demo_school()
    load_demo_posting()
    assert counts == (
        Spokesperson.objects.count(),
        PhotoConsent.objects.count(),
        BrandingPermission.objects.count(),
        OfficialPost.objects.count(),
    )
