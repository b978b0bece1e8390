"""The audit log and the evidence register are hash chains: whoever changes them is found.

The attacker here owns the database: they drop the guards (``dbguard.lifted``, as only an owner or
a superuser can) and then delete or rewrite rows. ``smpolicy verify-evidence`` must fail and name
what was done; a lawful destruction must leave it passing.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from smpolicy.safeguarding import audit, dbguard, destruction, evidence, integrity
from smpolicy.safeguarding.models import (
    AuditEntry,
    ChainHead,
    Destruction,
    Evidence,
    RegisterEntry,
)

from .conftest import as_if_retention_ended, make_report, png_bytes, upload

pytestmark = pytest.mark.django_db


def passes(capsys, *args: str) -> str:
    call_command("verify_evidence", *args)
    out = capsys.readouterr().out
    assert "0 problem(s)" in out
    return out


def fails(capsys, *args: str) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_evidence", *args)
    assert failure.value.returncode == 1
    return capsys.readouterr().err


def as_owner(sql: str, params: list) -> None:
    """What a database owner can do: lift the guards, send the SQL, put the guards back."""
    with dbguard.lifted(connection, dbguard.GUARDS), connection.cursor() as cursor:
        cursor.execute(sql, params)


def entries(straits, n: int = 3) -> list[AuditEntry]:
    for i in range(n):
        audit.record("view", school=straits.school, note=f"looked {i}")
    return list(AuditEntry.objects.filter(school=straits.school).order_by("seq"))


@pytest.fixture
def item(straits) -> Evidence:
    report = make_report(straits)
    return evidence.add_file(
        report, upload("snap.png", png_bytes("hello")), added_by=straits.teacher, read_text=False
    )


def test_each_audit_entry_follows_the_one_before(straits, harbour, capsys):
    ours = entries(straits)
    audit.record("view", school=harbour.school)
    assert [e.seq for e in ours] == list(range(1, len(ours) + 1))
    assert ours[0].prev_hash == integrity.GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(ours))
    head = ChainHead.objects.get(school=straits.school, chain=integrity.AUDIT)
    assert (head.seq, head.head_hash) == (ours[-1].seq, ours[-1].entry_hash)
    # Each school's chain is its own.
    assert AuditEntry.objects.get(school=harbour.school).seq == 1
    passes(capsys)


def test_an_audit_entry_deleted_by_the_database_owner_is_found(straits, capsys):
    middle = entries(straits, 4)[1]
    as_owner("DELETE FROM safeguarding_auditentry WHERE id = %s", [middle.pk])
    err = fails(capsys)
    assert f"audit entry no. {middle.seq} of the audit chain is missing" in err
    assert "TAMPERED straits" in err


def test_an_audit_entry_rewritten_by_the_database_owner_is_found(straits, capsys):
    entry = entries(straits)[1]
    as_owner("UPDATE safeguarding_auditentry SET username = 'nobody' WHERE id = %s", [entry.pk])
    assert f"audit entry no. {entry.seq} (id {entry.pk}) was changed" in fails(capsys)


def test_an_entry_forged_with_a_recomputed_plain_hash_is_found(straits, capsys):
    """Without the key the database does not hold, no hash the owner can compute will do."""
    import hashlib

    entry = entries(straits)[-1]
    forged = hashlib.sha256(f"{entry.prev_hash}forged".encode()).hexdigest()
    as_owner("UPDATE safeguarding_auditentry SET note = 'forged', entry_hash = %s WHERE id = %s",
             [forged, entry.pk])
    as_owner("UPDATE safeguarding_chainhead SET head_hash = %s WHERE school_id = %s AND "
             "chain = 'audit'", [forged, straits.school.pk])
    assert f"audit entry no. {entry.seq} (id {entry.pk}) was changed" in fails(capsys)


def test_the_last_entries_cut_off_are_found_and_with_an_anchor_even_if_the_head_is_reset(
    straits, capsys, tmp_path
):
    anchor = str(tmp_path / "outside-the-database" / "anchor.json")
    log = entries(straits, 4)
    passes(capsys, "--anchor", anchor)
    assert json.loads(Path(anchor).read_text())["straits"]["audit"] == [
        log[-1].seq, log[-1].entry_hash
    ]
    as_owner("DELETE FROM safeguarding_auditentry WHERE id = %s", [log[-1].pk])
    assert "the last 1 entry(ies) were deleted" in fails(capsys)
    # The owner also puts the head back to the entry before: the database alone now agrees...
    as_owner(
        "UPDATE safeguarding_chainhead SET seq = %s, head_hash = %s WHERE school_id = %s AND "
        "chain = 'audit'",
        [log[-2].seq, log[-2].entry_hash, straits.school.pk],
    )
    passes(capsys)
    # ...but not with the heads recorded outside it on the last clean run.
    err = fails(capsys, "--anchor", anchor)
    assert f"no longer holds entry no. {log[-1].seq}" in err


def test_an_evidence_row_deleted_by_the_database_owner_is_found(item, capsys):
    passes(capsys)
    as_owner("DELETE FROM safeguarding_evidence WHERE id = %s", [item.pk])
    err = fails(capsys)
    assert f"evidence {item.pk} of {item.report.reference}" in err
    assert "its row was deleted without a destruction" in err
    # ... and its file is now an orphan with no record (once it is no longer new).
    os.utime(item.absolute_path(), (0, 0))
    assert "STRAY" in fails(capsys)


def test_an_evidence_hash_rewritten_to_match_a_swapped_file_is_found(item, capsys):
    path = item.absolute_path()
    os.chmod(path, 0o640)
    path.write_bytes(png_bytes("something else"))
    swapped = evidence.sha256_of(path)
    as_owner("UPDATE safeguarding_evidence SET sha256 = %s, size = %s WHERE id = %s",
             [swapped, path.stat().st_size, item.pk])
    err = fails(capsys)
    assert "SHA-256 does not match" not in err  # the file and its row agree now...
    assert f"evidence {item.pk}'s sha256 is not what the register recorded" in err  # ...not this


def test_evidence_inserted_around_the_app_is_found(item, straits, capsys):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO safeguarding_evidence (school_id, report_id, kind, file_path, "
            "original_name, content_type, size, sha256, url, platform, address, description, "
            "added_at, correction_reason) VALUES (%s, %s, 'link', '', '', '', 0, '', "
            "'https://example.org/', '', '', '', %s, '')",
            [straits.school.pk, item.report_id, item.added_at],
        )
    assert "is not in the register" in fails(capsys)


def test_a_forged_destruction_is_found_even_by_an_owner_who_deletes_around_the_guards(
    item, straits, capsys
):
    report = item.report
    as_owner(
        "INSERT INTO safeguarding_destruction (school_id, report_id_at_time, reference, kind, "
        "retention_rule, retain_until, confirmed_by_name, confirmed_by_user_id, confirmed_at, "
        "reason, evidence_hashes) VALUES (%s, %s, %s, %s, 'general', %s, 'Helen Head', NULL, "
        "%s, 'forged', %s)",
        [straits.school.pk, report.pk, report.reference, report.kind, report.retain_until,
         report.recorded_at, json.dumps([item.sha256])],
    )
    as_owner("DELETE FROM safeguarding_evidence WHERE id = %s", [item.pk])
    forged = Destruction.objects.get()
    err = fails(capsys)
    assert f"destruction {forged.pk} of {report.reference} has no audit entry (forged?)" in err
    assert f"destruction {forged.pk} of {report.reference} is not in the evidence register" in err
    assert f"evidence {item.pk} of {report.reference}" in err


def test_a_lawful_destruction_keeps_every_chain_whole(item, straits, capsys):
    report = as_if_retention_ended(item.report)
    kept = evidence.add_file(
        make_report(straits, account="Another snap."), upload("b.png", png_bytes("b")),
        added_by=straits.teacher, read_text=False,
    )
    record = destruction.destroy(
        report, person=straits.head, user=straits.head.user, reason="Past retention"
    )
    assert not Evidence.objects.filter(pk=item.pk).exists()
    gone = RegisterEntry.objects.get(kind=RegisterEntry.Kind.DESTROYED)
    assert (gone.evidence_id_at_time, gone.sha256, gone.destruction_id_at_time) == (
        item.pk, item.sha256, record.pk
    )
    assert Evidence.objects.filter(pk=kept.pk).exists()
    passes(capsys)


@pytest.mark.skipif(
    connections["default"].vendor != "postgresql",
    reason="row locks under concurrent requests are PostgreSQL's; SQLite has one writer",
)
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_never_fork_the_chain(guarded_db, capsys):
    from smpolicy.schools import testing

    school = testing.make_school("Straits Primary School", slug="straits")
    start = threading.Barrier(8)
    problems: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            for _ in range(5):
                audit.record("view", school=school)
        except BaseException as exc:  # reported below, in the test's thread
            problems.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    seqs = sorted(AuditEntry.objects.filter(school=school).values_list("seq", flat=True))
    assert seqs == list(range(1, 41))
    assert integrity.verify([school]) == []
