"""Oversight: the people named responsible for filtering and monitoring (DfE standards), and
professional judgements advised to the headteacher (exceptions.professional-judgement)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from smpolicy.registers import oversight
from smpolicy.registers.models import JudgementAdvisory, Responsibility


def test_the_head_names_a_senior_leader_and_a_governor(room, login):
    client = login(room.head)
    for kind, person in (("filtering_leader", room.deputy), ("filtering_governor", room.governor)):
        response = client.post(reverse("registers:oversight"), {
            "kind": kind, "person": person.pk, "starts_on": "2026-09-01", "note": "FGB"})
        assert response.status_code == 302
    assert oversight.named_responsibles(room.school) == (room.deputy, room.governor)
    body = login(room.governor).get(reverse("registers:oversight")).content.decode()
    assert "Mark Deputy" in body and "Anita Governor" in body


def test_a_responsible_senior_leader_must_be_on_the_leadership_and_a_governor_a_governor(room):
    with pytest.raises(ValidationError, match="not on the senior leadership team"):
        Responsibility(school=room.school, kind="filtering_leader", person=room.teacher
                       ).full_clean()
    with pytest.raises(ValidationError, match="not a governor"):
        Responsibility(school=room.school, kind="filtering_governor", person=room.deputy
                       ).full_clean()


def test_a_teacher_cannot_name_anyone(room, login):
    response = login(room.teacher).post(reverse("registers:oversight"), {
        "kind": "filtering_leader", "person": room.teacher.pk, "starts_on": "2026-09-01"})
    assert response.status_code == 403
    assert not Responsibility.objects.exists()


def test_a_teacher_advises_the_head_of_a_judgement_and_the_head_records_la_advice(room, login):
    client = login(room.teacher)
    response = client.post(reverse("registers:advise"), {
        "when": "taken", "occurred_on": "2026-11-01",
        "situation": "Rang a parent from my own phone when the coach broke down.",
        "justification": "The school phone had no signal; the children's safety came first."})
    advisory = JudgementAdvisory.objects.get()
    assert response.status_code == 302
    assert (advisory.advised_by, advisory.advised_to) == (room.teacher, room.head)
    head = login(room.head)
    head.get(reverse("registers:advisory", args=[advisory.pk]))
    advisory.refresh_from_db()
    assert advisory.seen_at is not None
    incomplete = head.post(reverse("registers:advisory", args=[advisory.pk]),
                           {"la_advice": "sought"})
    assert incomplete.status_code == 200
    head.post(reverse("registers:advisory", args=[advisory.pk]), {
        "response": "Right call.", "la_advice": "sought", "la_adviser": "LA Safeguarding Lead",
        "la_advised_on": "2026-11-03", "la_advice_text": "Carry a school mobile.",
        "close": "on"})
    advisory.refresh_from_db()
    assert advisory.la_advice == "sought" and advisory.closed_at is not None


def test_the_headteacher_s_own_judgement_goes_to_the_chair(room):
    assert oversight.advisory_recipient(room.school, room.head) == room.chair
    assert oversight.advisory_recipient(room.school, room.teacher) == room.head


def test_advisories_are_seen_only_by_who_made_them_and_who_they_went_to(room, other_room, login):
    advisory = JudgementAdvisory.objects.create(
        school=room.school, advised_by=room.teacher, advised_to=room.head, when="taken",
        situation="Something private", justification="Because")
    url = reverse("registers:advisory", args=[advisory.pk])
    assert login(room.teacher).get(url).status_code == 200
    assert login(room.ta).get(url).status_code == 404
    assert login(room.deputy).get(url).status_code == 404
    assert login(room.governor).get(url).status_code == 404
    assert login(other_room.head).get(url).status_code == 404
    assert "Something private" not in login(room.ta).get(
        reverse("registers:advisories")).content.decode()
    # Only the head answers it, not the member of staff who advised it.
    assert login(room.teacher).post(url, {"response": "mine"}).status_code == 403


def test_the_filtering_review_comes_from_the_network_app_when_it_is_there(room):
    model = oversight.optional_model("network", "FilteringReview")
    state = oversight.filtering_review_state(room.school)
    if model is None:
        assert not state.recorded
        return
    assert state.recorded and state.last_on is None and state.overdue()
    review = model.objects.create(school=room.school, reviewers="Head, IT lead",
                                  checked="Guest WiFi blocks social media", outcome="None")
    state = oversight.filtering_review_state(room.school)
    assert state.last_on == review.reviewed_on and not state.overdue()
