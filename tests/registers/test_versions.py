"""The policy's own life: versions from draft to archived, signed by the Chair of Governors and
the Headteacher and agreed at a Full Governing Body meeting (governance.sign-off); everyone it
covers acknowledges the version in force, and is asked again for a new one."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from smpolicy.registers import pdf, versions
from smpolicy.registers.models import PolicyVersion

Status = PolicyVersion.Status


def approved(room, label=""):
    today = timezone.localdate()
    version = versions.new_version(room.school, room.head, "First version.", label=label)
    versions.submit(version)
    versions.sign(version, room.chair, "chair", today - dt.timedelta(days=2))
    versions.sign(version, room.head, "head", today - dt.timedelta(days=1))
    versions.record_meeting(version, today - dt.timedelta(days=2))
    return version


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_version_keeps_its_pack_whole(room):
    version = versions.new_version(room.school, room.head, "First version.")
    assert version.status == Status.DRAFT
    assert (version.pack_id, version.pack_version) == ("straits-primary", version.label)
    assert version.pack_yaml == versions.current_pack_text(room.school)
    assert len(version.pack_sha256) == 64
    assert versions.pack_of(version).clauses["code.images"].id == "code.images"


def test_a_version_label_is_used_once(room):
    versions.new_version(room.school, room.head, "First.")
    with pytest.raises(versions.VersionError, match="already exists"):
        versions.new_version(room.school, room.head, "Again.")
    assert versions.new_version(room.school, room.head, "Again.", label="2026.11.2")


def test_approval_needs_both_signatures_and_the_meeting(room):
    today = timezone.localdate()
    version = versions.new_version(room.school, room.head, "First.")
    with pytest.raises(versions.VersionError):
        versions.sign(version, room.chair, "chair", today)  # still a draft
    versions.submit(version)
    versions.sign(version, room.chair, "chair", today)
    versions.sign(version, room.head, "head", today)
    assert version.status == Status.UNDER_REVIEW
    with pytest.raises(versions.VersionError, match="future"):
        versions.record_meeting(version, today + dt.timedelta(days=1))
    versions.record_meeting(version, today)
    assert version.status == Status.APPROVED
    assert version.approved_at is not None


def test_a_new_version_in_force_archives_the_old_and_asks_everyone_again(room):
    first = approved(room)
    versions.put_in_force(first, timezone.localdate())
    assert first.review_due_on == versions.add_months(timezone.localdate(), 12)
    versions.acknowledge(room.teacher, first)
    assert versions.has_acknowledged(room.teacher, first)
    second = approved(room, label="2026.12.1")
    assert versions.put_in_force(second, timezone.localdate()) == first
    first.refresh_from_db()
    assert first.status == Status.ARCHIVED
    assert versions.in_force(room.school) == second
    assert not versions.has_acknowledged(room.teacher, second)
    cover = versions.coverage(second)
    assert room.teacher in cover.not_done
    assert cover.total == 7  # staff and governors; pupils and parents are not asked


def test_only_one_version_is_in_force_even_if_two_try(room):
    first = approved(room)
    versions.put_in_force(first, timezone.localdate())
    second = approved(room, label="2")
    second.status = Status.IN_FORCE
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_the_policy_pdf_is_the_pack_with_its_sign_off_block(room):
    version = approved(room)
    text = pdf_text(pdf.policy_pdf(version, versions.pack_of(version)))
    assert "Straits Primary School Social Media Policy" in text
    assert "Code of Conduct" in text
    assert "code.no-contact-with-children" in text
    assert "Chair of Governing Body:" in text and "David Chair" in text
    assert "Head teacher:" in text and "Helen Head" in text
    today = timezone.localdate()
    assert f"{(today - dt.timedelta(days=2)).day} {today - dt.timedelta(days=2):%B %Y}" in text
    assert "Agreed at the Full Governing Body Meeting on:" in text


def test_an_unsigned_draft_says_so_and_leaves_the_block_blank(room):
    version = versions.new_version(room.school, room.head, "Draft.")
    text = pdf_text(pdf.policy_pdf(version, versions.pack_of(version)))
    assert "NOT YET APPROVED" in text
    assert "David Chair" not in text


def test_the_chair_and_the_head_sign_on_the_version_page(room, login):
    version = versions.new_version(room.school, room.head, "First.")
    versions.submit(version)
    today = timezone.localdate().isoformat()
    url = reverse("registers:version_sign", args=[version.pk, "chair"])
    # The headteacher cannot sign as the Chair, nor a teacher at all.
    assert login(room.head).post(url, {"signed_on": today}).status_code == 403
    assert login(room.teacher).post(url, {"signed_on": today}).status_code == 403
    login(room.chair).post(url, {"signed_on": today})
    login(room.head).post(reverse("registers:version_sign", args=[version.pk, "head"]),
                          {"signed_on": today})
    login(room.chair).post(reverse("registers:version_meeting", args=[version.pk]),
                           {"meeting_on": today})
    version.refresh_from_db()
    assert (version.chair, version.head) == (room.chair, room.head)
    assert version.status == Status.APPROVED
    login(room.head).post(reverse("registers:version_in_force", args=[version.pk]), {
        "in_force_from": today,
        "review_due_on": (timezone.localdate() + dt.timedelta(days=365)).isoformat()})
    version.refresh_from_db()
    assert version.status == Status.IN_FORCE


def test_a_school_can_bring_its_own_pack_and_a_bad_one_is_refused(room, login):
    text = versions.current_pack_text(room.school).replace(
        'version: "2026.11.1"', 'version: "2027.1.1"')
    client = login(room.head)
    client.post(reverse("registers:new_version"), {
        "changes": "New contact rules.",
        "pack_file": SimpleUploadedFile("pack.yaml", text.encode()),
    })
    assert PolicyVersion.objects.get().label == "2027.1.1"
    response = client.post(reverse("registers:new_version"), {
        "changes": "Broken.",
        "pack_file": SimpleUploadedFile("pack.yaml", b"pack: {id: x}\n"),
    })
    assert response.status_code == 200
    assert "is required" in response.content.decode()
    assert PolicyVersion.objects.count() == 1


def test_everyone_acknowledges_on_the_policy_page_and_the_coverage_shows_who_has_not(
        room, login):
    version = approved(room)
    versions.put_in_force(version, timezone.localdate())
    client = login(room.teacher)
    assert "Acknowledge version" in client.get(reverse("registers:policy")).content.decode()
    assert client.post(reverse("registers:policy"), {}).status_code == 200  # box not ticked
    client.post(reverse("registers:policy"), {"confirm": "on"})
    assert versions.has_acknowledged(room.teacher, version)
    body = login(room.deputy).get(reverse("registers:coverage")).content.decode()
    not_yet = body.split('id="not-yet"')[1].split('id="done"')[0]
    assert 'data-label="Name">Lucy Assistant<' in not_yet
    assert 'data-label="Name">Amy Teacher<' not in not_yet
    assert "1 of 5" in body  # staff: one of five has acknowledged


def test_governors_see_coverage_counts_but_no_names(room, login):
    version = approved(room)
    versions.put_in_force(version, timezone.localdate())
    body = login(room.governor).get(reverse("registers:coverage")).content.decode()
    assert "0 of 5" in body
    assert "Lucy Assistant" not in body and "Amy Teacher" not in body


def test_a_teacher_cannot_see_coverage_or_drafts(room, login):
    draft = versions.new_version(room.school, room.head, "Draft.")
    client = login(room.teacher)
    assert client.get(reverse("registers:coverage")).status_code == 403
    assert client.get(reverse("registers:version", args=[draft.pk])).status_code == 403
    assert client.get(reverse("registers:version_pdf", args=[draft.pk])).status_code == 404


def test_another_school_s_versions_never_show(room, other_room, login):
    theirs = versions.new_version(other_room.school, other_room.head, "Theirs.")
    client = login(room.head)
    assert client.get(reverse("registers:version", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("registers:version_pdf", args=[theirs.pk])).status_code == 404
    assert "Theirs." not in client.get(reverse("registers:versions")).content.decode()




QUESTION = {"actor": {"role": "staff"}, "action": "other"}


def approved_with_pack(room, pack_version: str, explain: str):
    """An approved version whose pack says ``explain`` where the policy is silent."""
    import yaml

    data = yaml.safe_load(versions.current_pack_text(room.school))
    data["pack"]["version"] = pack_version
    data["fallback"]["explain"] = explain
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    version = versions.new_version(room.school, room.head, "Plainer fallback.", yaml_text=text)
    versions.submit(version)
    versions.sign(version, room.chair, "chair", timezone.localdate())
    versions.sign(version, room.head, "head", timezone.localdate())
    versions.record_meeting(version, timezone.localdate())
    return version


def test_the_version_in_force_is_the_policy_every_decision_applies(room):
    from smpolicy.asking.engines import engine_for

    assert engine_for(room.school).decide(QUESTION)["policy"]["version"] == "2026.11.1"
    version = approved_with_pack(room, "2027.1.1", "Ask the Headteacher; this version says so.")
    # Approved is not yet in force: decisions still follow the pack before it.
    assert engine_for(room.school).decide(QUESTION)["policy"]["version"] == "2026.11.1"
    versions.put_in_force(version, timezone.localdate())
    decision = engine_for(room.school).decide(QUESTION)
    assert decision["policy"] == {"pack": "straits-primary", "version": "2027.1.1"}
    assert "this version says so" in decision["explanation"]


def test_a_version_in_force_at_one_school_leaves_another_school_alone(room, other_room):
    from smpolicy.asking.engines import engine_for

    versions.put_in_force(approved_with_pack(room, "2027.2.1", "Ours."), timezone.localdate())
    assert engine_for(room.school).decide(QUESTION)["policy"]["version"] == "2027.2.1"
    assert engine_for(other_room.school).decide(QUESTION)["policy"]["version"] == "2026.11.1"
