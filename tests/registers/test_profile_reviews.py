"""New-staff profile reviews: everyone who joins reviews their own social media, against a
checklist drawn from the policy's clauses (code.review-own-profiles)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from smpolicy.registers import profiles
from smpolicy.registers.models import ProfileReview, RegisterSettings
from smpolicy.schools import testing


def test_everyone_who_joins_gets_a_review_with_a_due_date(room):
    today = timezone.localdate()
    volunteer = testing.make_person(room.school, "volunteer", joined_on=today)
    trainee = testing.make_person(room.school, "trainee", joined_on=today)
    governor = testing.make_person(room.school, "governor", joined_on=today)
    made = profiles.sync_reviews(room.school, today)
    assert {r.person for r in made} == {room.ta, volunteer, trainee, governor}
    assert {r.due_on for r in made} == {today + dt.timedelta(days=28)}
    # Long-serving staff, parents and pupils are not new starters.
    assert profiles.sync_reviews(room.school, today) == []


def test_the_school_sets_how_long_new_starters_have(room):
    RegisterSettings.objects.create(school=room.school, profile_review_days=10)
    today = timezone.localdate()
    (review,) = profiles.sync_reviews(room.school, today)
    assert review.due_on == today + dt.timedelta(days=14)  # never less than two weeks from now


def test_someone_who_has_not_started_yet_waits_for_their_first_day(room):
    today = timezone.localdate()
    later = testing.make_person(room.school, "staff", joined_on=today + dt.timedelta(days=5))
    assert later not in {r.person for r in profiles.sync_reviews(room.school, today)}
    assert later in {r.person for r in profiles.sync_reviews(
        room.school, today + dt.timedelta(days=5))}


def test_the_checklist_comes_from_the_policy_s_clauses(room):
    pack_id, _version, items = profiles.checklist_for(room.school)
    assert pack_id == "straits-primary"
    clauses = [item["clause"] for item in items]
    assert "code.review-own-profiles" in clauses
    assert "personal-info.privacy-settings" in clauses
    assert "code.no-contact-with-children" in clauses
    privacy = next(i for i in items if i["clause"] == "personal-info.privacy-settings")
    assert "restrict access" in privacy["quote"] or "who is allowed to view" in privacy["quote"]


def test_a_new_teaching_assistant_completes_their_review(room, login):
    (review,) = profiles.sync_reviews(room.school, timezone.localdate())
    client = login(room.ta)
    assert client.get(reverse("registers:my_profile_review")).status_code == 302
    page = client.get(reverse("registers:profile_review", args=[review.pk]))
    assert "code.review-own-profiles" in page.content.decode()
    half = {f"item_{review.checklist[0]['key']}": "on"}
    response = client.post(reverse("registers:profile_review", args=[review.pk]), half)
    assert response.status_code == 200
    assert "Tick this once you have done it." in response.content.decode()
    everything = {f"item_{item['key']}": "on" for item in review.checklist}
    everything["notes"] = "Made Instagram private."
    response = client.post(reverse("registers:profile_review", args=[review.pk]), everything)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.completed_at is not None
    assert all(review.answers.values()) and len(review.answers) == len(review.checklist)
    assert review.notes == "Made Instagram private."


def test_only_the_person_completes_their_own_review(room, login):
    (review,) = profiles.sync_reviews(room.school, timezone.localdate())
    everything = {f"item_{item['key']}": "on" for item in review.checklist}
    teacher = login(room.teacher)
    assert teacher.get(reverse("registers:profile_review", args=[review.pk])).status_code == 404
    deputy = login(room.deputy)
    assert deputy.get(reverse("registers:profile_review", args=[review.pk])).status_code == 200
    assert deputy.post(reverse("registers:profile_review", args=[review.pk]),
                       everything).status_code == 403
    review.refresh_from_db()
    assert review.completed_at is None


def test_a_leader_asks_someone_to_review_their_profiles(room, login):
    due = timezone.localdate() + dt.timedelta(days=10)
    response = login(room.deputy).post(reverse("registers:profile_reviews"), {
        "person": room.teacher.pk, "due_on": due.isoformat()})
    assert response.status_code == 302
    review = ProfileReview.objects.get(person=room.teacher)
    assert review.reason == ProfileReview.Reason.ASKED
    assert review.asked_by == room.deputy
    assert review.due_on == due


def test_the_progress_page_is_for_the_leadership(room, login):
    profiles.sync_reviews(room.school, timezone.localdate())
    assert login(room.teacher).get(reverse("registers:profile_reviews")).status_code == 403
    body = login(room.head).get(reverse("registers:profile_reviews")).content.decode()
    assert "Lucy Assistant" in body


def test_the_checklist_follows_the_school_s_own_pack(room, tmp_path):
    from smpolicy.registers.versions import current_pack_text

    text = current_pack_text(room.school).replace("id: straits-primary", "id: harbour-primary", 1)
    path = tmp_path / "harbour.yaml"
    path.write_text(text, encoding="utf-8")
    room.school.policy_pack = str(path)
    room.school.save()
    review = profiles.open_review(room.teacher, timezone.localdate())
    assert review.pack_id == "harbour-primary"
    assert {item["clause"] for item in review.checklist} >= {"code.review-own-profiles"}
