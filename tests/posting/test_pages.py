"""The pages: Check a post shows each finding highlighted with its clause and what to do instead;
official posts move through their steps from the post's page; the registers are kept by the
people the policy names; nothing is shown across schools."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smpolicy.posting import workflow
from smpolicy.posting.models import (
    BrandingPermission,
    OfficialPost,
    PhotoConsent,
    PostImage,
    Spokesperson,
)
from smpolicy.schools import testing

from .conftest import jpeg_with_gps
from .helpers import checked_post

CHECK = "/posts/check/"
TEXT = "Great day at sports day with Oliver Smith! Call me on 07700 900123"


def sign_in(client, person):
    client.force_login(person.user)
    return client


# -- Check a post ----------------------------------------------------------------------------


def test_check_a_post_is_for_school_representatives(client, school, teacher, parent_of, pupil):
    assert client.get(CHECK).status_code == 302  # to sign in
    sign_in(client, teacher)
    assert client.get(CHECK).status_code == 200
    parent = parent_of(pupil)
    client.force_login(testing.make_user(parent))
    assert client.get(CHECK).status_code == 403


def test_each_finding_is_highlighted_with_its_clause_and_what_to_do(
    client, teacher, pupil, face_jpeg
):
    sign_in(client, teacher)
    response = client.post(
        CHECK,
        {
            "text": TEXT,
            "account": "personal",
            "platform": "facebook",
            "images": [SimpleUploadedFile("sports-day.jpg", face_jpeg, "image/jpeg")],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verdict="prohibited"' in html
    assert re.search(r'<mark class="sev-block" data-findings="\d+">Oliver Smith</mark>', html)
    assert re.search(r'<mark class="sev-block" data-findings="\d+">07700 900123</mark>', html)
    # The face: a box positioned in percent of the picture, so it scales with it.
    box = re.search(r'<svg class="box sev-\w+" data-finding="\d+" x="([\d.]+)%', html)
    assert box and 0 <= float(box.group(1)) < 100
    assert "data:image/jpeg;base64," in html  # the photo is shown without being stored
    assert 'data-kind="pupil_name"' in html and "code.images" in html
    assert "Leave the pupil&#x27;s name out" in html
    assert not PostImage.objects.exists()


def test_a_post_with_contact_details_to_change_is_not_headed_allowed(client, teacher):
    sign_in(client, teacher)
    html = client.post(
        CHECK,
        {
            "text": "Questions? Ring me on 07700 900123 or mail jo.smith1987@gmail.com",
            "account": "personal",
            "platform": "facebook",
        },
    ).content.decode()
    assert 'data-verdict="prohibited"' in html
    assert "2 to change" in html
    assert "Nothing in the policy stands against this" not in html


def test_a_bad_image_is_refused_on_the_page(client, teacher):
    sign_in(client, teacher)
    response = client.post(
        CHECK,
        {
            "text": "hello",
            "account": "personal",
            "images": [SimpleUploadedFile("x.png", b"not an image")],
        },
    )
    assert response.status_code == 422
    assert "x.png: it is not a JPEG, PNG, GIF, WebP or HEIC image" in response.content.decode()


def test_an_empty_post_is_refused(client, teacher):
    sign_in(client, teacher)
    response = client.post(CHECK, {"text": "  ", "account": "personal"})
    assert response.status_code == 422
    assert "Paste the post" in response.content.decode()


def test_a_photo_with_its_location_is_reported_with_a_clean_copy(client, teacher):
    sign_in(client, teacher)
    response = client.post(
        CHECK,
        {
            "text": "",
            "account": "personal",
            "images": [SimpleUploadedFile("trip.jpg", jpeg_with_gps(), "image/jpeg")],
        },
    )
    html = response.content.decode()
    assert "This photo records where it was taken (51.50000, -0.12500)" in html
    assert 'download="trip-no-location.jpg"' in html


def test_saving_a_checked_official_post_as_a_draft(client, teacher, pupil, face_jpeg):
    sign_in(client, teacher)
    response = client.post(
        CHECK,
        {
            "text": "Our choir at the town hall",
            "account": "official",
            "platform": "facebook",
            "save": "1",
            "images": [SimpleUploadedFile("choir.jpg", face_jpeg, "image/jpeg")],
        },
    )
    post = OfficialPost.objects.get()
    assert response.status_code == 302 and response.url == reverse("posting:post", args=[post.pk])
    assert post.status == OfficialPost.Status.CHECKED and workflow.check_is_current(post)
    assert post.images.get().name == "choir.jpg"
    page = client.get(response.url).content.decode()
    assert "For the approver to look at" in page  # a face found, no pupil tagged yet


def test_only_official_posts_are_saved(client, teacher):
    sign_in(client, teacher)
    response = client.post(CHECK, {"text": "hi", "account": "personal", "save": "1"})
    assert response.status_code == 422
    assert not OfficialPost.objects.exists()


# -- an official post's page -----------------------------------------------------------------


@pytest.fixture
def submitted(teacher, head, later):
    post = checked_post(teacher, later)
    workflow.submit(post, teacher)
    return post


def test_the_author_is_offered_no_approval_and_cannot_approve(client, submitted, teacher):
    sign_in(client, teacher)
    page = client.get(reverse("posting:post", args=[submitted.pk])).content.decode()
    assert "nobody approves their own post" in page
    assert reverse("posting:post_approve", args=[submitted.pk]) not in page
    response = client.post(reverse("posting:post_approve", args=[submitted.pk]))
    assert response.status_code == 403
    assert "You wrote this post" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == OfficialPost.Status.SUBMITTED


def test_the_headteacher_approves_from_the_page(client, submitted, head):
    sign_in(client, head)
    queue = client.get(reverse("posting:queues")).content.decode()
    assert reverse("posting:post", args=[submitted.pk]) in queue.split('id="drafts"')[0]
    page = client.get(reverse("posting:post", args=[submitted.pk])).content.decode()
    assert reverse("posting:post_approve", args=[submitted.pk]) in page
    client.post(reverse("posting:post_approve", args=[submitted.pk]), {"note": "Fine"})
    submitted.refresh_from_db()
    assert submitted.status == OfficialPost.Status.APPROVED


def test_a_rejection_from_the_page_needs_a_note(client, submitted, head, teacher):
    sign_in(client, head)
    url = reverse("posting:post_reject", args=[submitted.pk])
    client.post(url, {"note": ""})
    submitted.refresh_from_db()
    assert submitted.status == OfficialPost.Status.SUBMITTED
    client.post(url, {"note": "Use a photo without faces."})
    submitted.refresh_from_db()
    assert submitted.status == OfficialPost.Status.REJECTED
    sign_in(client, teacher)
    page = client.get(reverse("posting:post", args=[submitted.pk])).content.decode()
    assert "Use a photo without faces." in page


def test_other_people_do_not_see_the_post(client, submitted, school, other_school):
    colleague = testing.make_person(school, "staff")
    client.force_login(testing.make_user(colleague))
    assert client.get(reverse("posting:post", args=[submitted.pk])).status_code == 404
    elsewhere = testing.make_person(other_school, "staff", positions=["headteacher"])
    client.force_login(testing.make_user(elsewhere))
    assert client.get(reverse("posting:post", args=[submitted.pk])).status_code == 404
    assert client.post(reverse("posting:post_approve", args=[submitted.pk])).status_code == 404


def test_images_are_served_only_to_who_may_see_the_post(client, teacher, school, later):
    post = checked_post(teacher, later, images=1)
    image = post.images.get()
    url = reverse("posting:post_image", args=[post.pk, image.pk])
    sign_in(client, teacher)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    colleague = testing.make_person(school, "staff")
    client.force_login(testing.make_user(colleague))
    assert client.get(url).status_code == 404


def test_removing_the_location_keeps_a_clean_copy(client, teacher, later):
    post = workflow.create_post(teacher, platform="facebook", text="Trip", scheduled_for=later)
    from smpolicy.posting.uploads import validate_image

    workflow.edit_post(post, teacher, add_images=[validate_image(jpeg_with_gps(), "trip.jpg")])
    image = post.images.get()
    assert image.location is not None
    sign_in(client, teacher)
    client.post(reverse("posting:post_image_clean", args=[post.pk, image.pk]))
    image.refresh_from_db()
    assert image.location is None and image.location_removed
    assert post.events.filter(action="location_removed").exists()


def test_the_approved_post_is_exported_ready_to_publish(client, teacher, head, later):
    post = checked_post(teacher, later, images=1)
    workflow.submit(post, teacher)
    workflow.approve(post, head)
    sign_in(client, teacher)
    page = client.get(reverse("posting:post", args=[post.pk])).content.decode()
    assert 'data-testid="ready-to-publish"' in page
    response = client.get(reverse("posting:post_export", args=[post.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == ["post.txt", "image-1.png"]
    assert archive.read("post.txt").decode() == post.text
    assert post.events.filter(action="exported").exists()


def test_tagging_pupils_from_the_page(client, teacher, pupil, later):
    post = checked_post(teacher, later, images=1)
    sign_in(client, teacher)
    url = reverse("posting:post_tags", args=[post.pk])
    assert "Oliver Smith" in client.get(url, {"q": "oliv"}).content.decode()
    client.post(url, {"add": pupil.pk})
    assert list(post.tagged_pupils.all()) == [pupil]
    client.post(url, {"remove": pupil.pk})
    assert not post.tagged_pupils.exists()


# -- the registers ---------------------------------------------------------------------------


def test_only_the_headteacher_approves_spokespeople(client, teacher, head):
    url = reverse("posting:spokespeople")
    sign_in(client, teacher)
    assert client.get(url).status_code == 200  # anyone may see who speaks for the school
    assert client.post(url, {"person": teacher.pk}).status_code == 403
    sign_in(client, head)
    client.post(
        url,
        {
            "person": teacher.pk,
            "platforms": ["website", "facebook"],
            "training_completed_on": "2026-09-01",
        },
    )
    entry = Spokesperson.objects.get()
    assert (entry.person, entry.approved_by, entry.platforms) == (
        teacher,
        head,
        ["website", "facebook"],
    )


def test_photo_consent_is_recorded_by_the_office_and_leaders(
    client, teacher, leader, pupil, parent_of
):
    parent = parent_of(pupil)
    url = reverse("posting:consent_pupil", args=[pupil.pk])
    answer = {
        "use": "social_media",
        "status": "granted",
        "given_by": parent.pk,
        "given_on": "2026-09-05",
        "valid_until": "2027-07-31",
    }
    sign_in(client, teacher)
    assert client.get(url).status_code == 200
    assert client.post(url, answer).status_code == 403
    sign_in(client, leader)
    assert client.post(url, answer).status_code == 302
    entry = PhotoConsent.objects.get()
    assert (entry.given_by, entry.recorded_by) == (parent, leader)


def test_written_permission_is_asked_for_and_granted_in_writing(client, teacher, head):
    sign_in(client, teacher)
    client.post(
        reverse("posting:branding"), {"uses": ["name", "logo"], "purpose": "Fun run poster"}
    )
    permission = BrandingPermission.objects.get()
    assert permission.status == "requested"
    decide = reverse("posting:branding_decide", args=[permission.pk])
    assert client.post(decide, {"decision": "grant"}).status_code == 403
    sign_in(client, head)
    response = client.post(decide, {"decision": "grant", "written_permission": ""})
    assert response.status_code == 422  # in writing, with an end
    client.post(
        decide,
        {
            "decision": "grant",
            "written_permission": "Yes, for the poster.",
            "valid_from": "2026-01-01",
            "expires_on": "2099-01-01",
        },
    )
    permission.refresh_from_db()
    assert (permission.status, permission.decided_by) == ("granted", head)


def test_settings_are_the_headteachers(client, teacher, head):
    url = reverse("posting:settings")
    sign_in(client, teacher)
    assert client.get(url).status_code == 403
    sign_in(client, head)
    assert client.post(url, {"approval_steps": 2}).status_code == 302
    assert client.post(url, {"approval_steps": 4}).status_code == 422


@pytest.mark.parametrize("name", ["queues", "spokespeople", "consent", "branding", "check"])
def test_pages_render_for_a_teacher(client, teacher, name):
    sign_in(client, teacher)
    assert client.get(reverse(f"posting:{name}")).status_code == 200
