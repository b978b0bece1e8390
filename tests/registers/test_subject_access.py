"""Subject access: one person's data as a readable bundle, with other people's data and
safeguarding records held back for a person to decide."""

from __future__ import annotations

import io
import json
import zipfile

from django.urls import reverse
from django.utils import timezone

from smpolicy.registers import declarations, profiles, sar
from smpolicy.registers.oversight import optional_model


def open_bundle(data: bytes) -> tuple[str, dict]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == ["README.txt", "data.json", "index.html"]
    return archive.read("index.html").decode(), json.loads(archive.read("data.json"))


def test_a_teacher_s_bundle_holds_their_records_and_holds_back_the_family_they_named(room):
    declarations.declare(room.teacher, [room.parent], "Neighbours", ["facebook"])
    profiles.open_review(room.teacher, timezone.localdate())
    request = sar.start(room.teacher, timezone.localdate(), room.head)
    html, data = open_bundle(sar.bundle(request))
    assert "Amy Teacher" in html and "Your profile review" in html
    assert "A social contact you declared" in html and "Neighbours" in html
    # The people named are third parties: held back until someone decides.
    assert "Sarah Smith" not in html and "Sarah Smith" not in json.dumps(data)
    assert data["still_being_reviewed"] >= 1
    held = next(i for i in request.held_back() if i["source"] == "registers.social_contact_people")
    sar.decide(request, held["id"], "release", "Her own family; she agreed.", room.head)
    html, data = open_bundle(sar.bundle(request))
    assert "Sarah Smith" in html


def test_safeguarding_records_are_never_items_of_a_request(room):
    model = optional_model("safeguarding", "Report")
    if model is None:
        return
    model.objects.create(school=room.school, kind="pupil_contact",
                         occurred_at=timezone.now(), account="Oliver sent a message at night.",
                         reported_by=room.teacher, clauses=["code.report-child-contact"])
    request = sar.start(room.teacher, timezone.localdate(), room.head)
    # Nothing about the record is stored on the request: the DSL team reads it live.
    assert not [i for i in request.items if i["source"] == "safeguarding.report"]
    assert "Oliver sent" not in json.dumps(request.items)
    html, data = open_bundle(sar.bundle(request))
    assert "safeguarding" not in html.lower() and "safeguarding" not in json.dumps(data).lower()


def test_only_the_headteacher_and_dsl_team_handle_requests_and_only_for_their_school(
        room, other_room, login, login_verified):
    url = reverse("registers:access_requests")
    assert login(room.deputy).get(url).status_code == 403
    assert login(room.governor).get(url).status_code == 403
    assert login(room.teacher).get(url).status_code == 403
    client = login_verified(room.head)
    response = client.post(url, {"person": other_room.teacher.pk,
                                 "received_on": timezone.localdate().isoformat()})
    assert response.status_code == 200  # not one of this school's people
    response = client.post(url, {"person": room.teacher.pk,
                                 "received_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    bundle = client.get(response["Location"] + "bundle.zip")
    assert bundle["Content-Type"] == "application/zip"
    theirs = sar.start(other_room.teacher, timezone.localdate(), other_room.head)
    assert client.get(reverse("registers:access_request", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("registers:access_bundle", args=[theirs.pk])).status_code == 404


def test_withholding_needs_a_reason_and_answering_needs_every_decision(room, login_verified):
    declarations.declare(room.teacher, [room.parent], "Neighbours", [])
    request = sar.start(room.teacher, timezone.localdate(), room.head)
    client = login_verified(room.head)
    url = reverse("registers:access_request", args=[request.pk])
    client.post(url, {"release": "1"})
    request.refresh_from_db()
    assert request.released_at is None
    held = request.held_back()[0]
    client.post(url, {"item": held["id"], "decision": "withhold", "note": ""})
    request.refresh_from_db()
    assert not request.held_back()[0]["decision"]
    for item in request.held_back():
        client.post(url, {"item": item["id"], "decision": "withhold", "note": "Third party"})
    client.post(url, {"release": "1"})
    request.refresh_from_db()
    assert request.released_at is not None


def test_posting_records_are_in_the_bundle_and_posts_naming_others_are_held_back(room):
    if optional_model("posting", "OfficialPost") is None:
        return
    from smpolicy.posting import recording
    from smpolicy.posting.models import OfficialPost, PhotoConsent

    recording.approve_spokesperson(room.head, room.teacher, platforms=["facebook"],
                                   training="Speaking for the school, LA course")
    post = OfficialPost.objects.create(school=room.school, author=room.teacher,
                                       platform="facebook", text="Sports day winners!")
    post.tagged_pupils.add(room.pupil)
    PhotoConsent.objects.create(school=room.school, pupil=room.pupil, use="social_media",
                                status="given", given_by=room.parent,
                                given_on=timezone.localdate(), recorded_by=room.head)

    teacher = sar.start(room.teacher, timezone.localdate(), room.head)
    html, _ = open_bundle(sar.bundle(teacher))
    assert "Your approval to speak for the school" in html and "LA course" in html
    (written,) = [i for i in teacher.items if i["source"] == "posting.post"]
    assert written["held_back"]  # it shows a pupil: a third party
    assert "Sports day winners!" not in html

    pupil = sar.start(room.pupil, timezone.localdate(), room.head)
    html, _ = open_bundle(sar.bundle(pupil))
    assert "Consent to photos" in html and room.parent.full_name in html
    assert [i["held_back"] for i in pupil.items if i["source"] == "posting.tagged"] == [True]


def test_a_question_asked_of_the_policy_is_written_for_the_person_who_reads_the_bundle(room):
    from smpolicy.asking.models import DecisionRecord
    from smpolicy.policy import decide

    situation = {
        "actor": {"role": "staff"},
        "action": "receive_message",
        "counterpart": {"role": "pupil", "age": 10, "on_roll": "current"},
        "channel": {"account": "personal", "platform": "instagram"},
        "on_premises": False,
        "content": {"about": [], "images_of": [], "confidential": False},
    }
    DecisionRecord.keep(school=room.school, user=room.teacher.user, person=room.teacher,
                        source="page", situation=situation, decision=decide(situation))
    request = sar.start(room.teacher, timezone.localdate(), room.head)
    html, _ = open_bundle(sar.bundle(request))
    section = html.split("A question you asked the policy", 1)[1].split("<h2>", 1)[0]
    assert "Received a message or friend request" in section
    assert "A pupil or former pupil, aged 10 (at the school now)" in section
    assert "<td>No</td>" in section  # on the premises: said in words
    assert "True" not in section and "False" not in section and "{" not in section
    assert "receive_message" not in section and "on_roll" not in section


def test_questions_are_kept_no_longer_than_the_school_keeps_them(room, settings):
    import datetime as dt

    from django.core.management import call_command

    from smpolicy.asking.models import DecisionRecord
    from smpolicy.policy import decide

    settings.SMPOLICY_QUESTIONS_KEPT_DAYS = 30
    situation = {"actor": {"role": "staff"}, "action": "post"}
    kept = [
        DecisionRecord.keep(school=room.school, user=None, person=room.teacher, source="page",
                            situation=situation, decision=decide(situation))
        for _ in range(2)
    ]
    old = timezone.now() - dt.timedelta(days=31)
    DecisionRecord.objects.filter(pk=kept[0].pk).update(created=old)
    out = io.StringIO()
    call_command("expire_questions", stdout=out)
    assert "Deleted 1 question older than 30 days" in out.getvalue()
    assert list(DecisionRecord.objects.values_list("pk", flat=True)) == [kept[1].pk]
