"""The signed policy is the policy: once a version is signed off and approved, nothing rewrites it.

Attacks: a superuser (or any code) changing a rule through the ORM, a queryset update, raw SQL, or
a database owner who drops the trigger and forges the row with a recomputed SHA-256. The first
three are refused; the last is noticed by the engine, which will not apply a pack nobody signed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from smpolicy.asking.engines import engine_for
from smpolicy.registers import versions
from smpolicy.registers.models import PolicyVersion, VersionFrozen
from smpolicy.safeguarding import dbguard

pytestmark = pytest.mark.django_db
Status = PolicyVersion.Status

# A member of staff messaging a pupil on their personal account: the signed pack prohibits it.
CONTACT = {
    "actor": {"role": "staff"},
    "action": "message",
    "counterpart": {"role": "pupil", "on_roll": "current", "age": 9},
    "channel": {"account": "personal"},
}
RULE = "    verdict: prohibited\n    obligations:\n      - {kind: report, to: dsl, when: immediately"


def signed(room, label: str = "") -> PolicyVersion:
    today = timezone.localdate()
    version = versions.new_version(room.school, room.head, "First version.", label=label)
    versions.submit(version)
    versions.sign(version, room.chair, "chair", today - dt.timedelta(days=2))
    versions.sign(version, room.head, "head", today - dt.timedelta(days=1))
    versions.record_meeting(version, today - dt.timedelta(days=2))
    assert version.status == Status.APPROVED
    return version


def in_force(room) -> PolicyVersion:
    version = signed(room)
    versions.put_in_force(version, timezone.localdate())
    return version


def _refused(sql: str, params: list) -> None:
    with (
        pytest.raises(DatabaseError, match="signed policy version"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_rule_the_attack_flips_is_prohibited_by_the_signed_pack(room):
    in_force(room)
    assert RULE in versions.in_force(room.school).pack_yaml
    assert engine_for(room.school).decide(CONTACT)["verdict"] == "prohibited"


def test_the_orm_refuses_to_rewrite_a_signed_version_and_keeps_its_hash(room):
    version = in_force(room)
    sha = version.pack_sha256
    version.pack_yaml = version.pack_yaml.replace(RULE, RULE.replace("prohibited", "allowed"))
    with pytest.raises(VersionFrozen, match=r"signed off and cannot be changed.*pack_yaml"):
        version.save()
    for change in ({"pack_yaml": "pack: {}"}, {"status": Status.DRAFT}, {"label": "9"}):
        with pytest.raises(VersionFrozen, match="make a new version"):
            PolicyVersion.objects.filter(pk=version.pk).update(**change)
    with pytest.raises(VersionFrozen):
        PolicyVersion.objects.get(pk=version.pk).delete()
    with pytest.raises(VersionFrozen):
        PolicyVersion.objects.filter(pk=version.pk).delete()
    stored = PolicyVersion.objects.get(pk=version.pk)
    assert stored.pack_sha256 == sha and stored.pack_intact
    assert engine_for(room.school).decide(CONTACT)["verdict"] == "prohibited"


def test_an_approved_version_cannot_go_back_to_draft_nor_have_its_signatures_changed(room):
    version = signed(room)
    version.status = Status.UNDER_REVIEW
    with pytest.raises(VersionFrozen, match="status approved to under_review"):
        version.save()
    version.refresh_from_db()
    version.chair_signed_on = timezone.localdate()
    with pytest.raises(VersionFrozen, match="chair_signed_on"):
        version.save()


def test_the_lifecycle_the_app_needs_still_works(room):
    first = in_force(room)
    versions.set_review_date(first, timezone.localdate() + dt.timedelta(days=30))
    second = signed(room, label="2027.1.1")
    assert versions.put_in_force(second, timezone.localdate()) == first
    first.refresh_from_db()
    assert first.status == Status.ARCHIVED and first.archived_at is not None
    assert first.pack_intact and second.pack_intact
    # A draft is still a draft: it may be edited and deleted.
    draft = versions.new_version(room.school, room.head, "Next.", label="2027.2.1")
    draft.changes = "Next, reworded."
    draft.save()
    draft.delete()


def test_raw_sql_cannot_rewrite_a_signed_version(room):
    version = in_force(room)
    forged = version.pack_yaml.replace(RULE, RULE.replace("prohibited", "allowed"))
    _refused("UPDATE registers_policyversion SET pack_yaml = %s WHERE id = %s",
             [forged, version.pk])
    _refused("UPDATE registers_policyversion SET pack_yaml = %s, pack_sha256 = %s WHERE id = %s",
             [forged, hashlib.sha256(forged.encode()).hexdigest(), version.pk])
    _refused("UPDATE registers_policyversion SET head_signed_on = NULL WHERE id = %s",
             [version.pk])
    _refused("UPDATE registers_policyversion SET status = 'draft' WHERE id = %s", [version.pk])
    _refused("DELETE FROM registers_policyversion WHERE id = %s", [version.pk])
    with transaction.atomic(), connection.cursor() as cursor:  # its review date may move
        cursor.execute(
            "UPDATE registers_policyversion SET review_due_on = %s WHERE id = %s",
            [timezone.localdate() + dt.timedelta(days=60), version.pk],
        )
    assert PolicyVersion.objects.get(pk=version.pk).pack_intact
    assert engine_for(room.school).decide(CONTACT)["verdict"] == "prohibited"


def test_every_policy_guard_is_in_the_database():
    expected = dbguard.expected(connection.vendor, dbguard.POLICY_GUARDS)
    assert expected and expected <= dbguard.installed(connection)


def test_a_row_forged_by_the_database_owner_is_refused_by_the_engine(room, caplog):
    """The owner drops the trigger and rewrites the pack with a matching SHA-256. The seal made at
    approval, under a key the database does not hold, no longer matches: decisions refuse the
    forged pack, loudly, and fall back to the school's pack file (here the shipped pack, which
    prohibits the contact too)."""
    version = in_force(room)
    forged = version.pack_yaml.replace(RULE, RULE.replace("prohibited", "allowed"))
    forged = forged.replace(f'version: "{version.pack_version}"', 'version: "forged"')
    with dbguard.lifted(connection, dbguard.POLICY_GUARDS), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registers_policyversion SET pack_yaml = %s, pack_sha256 = %s WHERE id = %s",
            [forged, hashlib.sha256(forged.encode()).hexdigest(), version.pk],
        )
    stored = PolicyVersion.objects.get(pk=version.pk)
    assert stored.pack_yaml == forged and not stored.pack_intact
    with caplog.at_level(logging.ERROR, logger="smpolicy.policy"):
        decision = engine_for(room.school).decide(CONTACT)
    assert decision["verdict"] == "prohibited"
    assert decision["policy"]["version"] != "forged"
    assert "changed outside the app" in caplog.text


def test_a_pack_changed_without_its_hash_is_refused_too(room, caplog):
    version = in_force(room)
    forged = version.pack_yaml.replace(RULE, RULE.replace("prohibited", "allowed"))
    with dbguard.lifted(connection, dbguard.POLICY_GUARDS), connection.cursor() as cursor:
        cursor.execute("UPDATE registers_policyversion SET pack_yaml = %s WHERE id = %s",
                       [forged, version.pk])
    # A fresh process: no engine built from the genuine pack is cached.
    from smpolicy.asking import engines

    engines._version_engines.clear()
    with caplog.at_level(logging.ERROR, logger="smpolicy.policy"):
        assert engine_for(room.school).decide(CONTACT)["verdict"] == "prohibited"
    assert "does not match its SHA-256" in caplog.text
