"""Hash chains over what happened in safeguarding: the audit log and the evidence register.

The database's triggers (``dbguard``) stop the running app, and anyone using its role, from
changing or deleting a record. They cannot stop the database's owner, who may drop them. So each
school keeps two chains that make such a change visible afterwards:

- ``audit``: every ``AuditEntry``;
- ``evidence``: a ``RegisterEntry`` for each evidence item added and for each one destroyed (the
  evidence rows themselves go at destruction; the register's entries stay, so a lawful destruction
  never breaks the chain).

Each entry holds its place (``seq``, 1, 2, 3... per school and chain), the hash of the entry
before it, and its own hash: an HMAC-SHA256 over the previous hash and its canonical content,
keyed by a key the database does not hold (``SMPOLICY_CHAIN_KEY``, else one derived from
``SECRET_KEY``). Someone with only the database can therefore not write an entry that verifies,
nor re-hash the chain after removing one. A ``ChainHead`` row per school and chain holds the
latest ``seq`` and hash; appends lock it (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite a
no-op write takes the database's single write lock first), so two requests at once never fork the
chain, and the unique ``(school, seq)`` constraint refuses a fork whatever happens.

What verification finds (``smpolicy verify-evidence``, ``verify``): an entry changed, removed or
inserted anywhere in a chain; entries removed from the end (the head row says there were more);
an evidence row deleted, changed or inserted outside the app; a destruction row with no register
entry or audit entry (forged); files missing, changed or left with no record. What it cannot find
alone: the owner removing the last entries *and* putting the head row back to an earlier state
copied from a backup. ``--anchor FILE`` closes that: each run records the heads outside the
database and the next run checks the chains still reach them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, models, transaction

GENESIS = "0" * 64
AUDIT = "audit"
EVIDENCE = "evidence"
CHAINS = (AUDIT, EVIDENCE)

# What each chain's entries are hashed over (the columns as they are stored).
AUDIT_FIELDS: tuple[str, ...] = (
    "school_id",
    "seq",
    "at",
    "user_id_at_time",
    "username",
    "person_id_at_time",
    "person_name",
    "action",
    "record_type",
    "record_id",
    "reference",
    "note",
    "ip_address",
)
REGISTER_FIELDS: tuple[str, ...] = (
    "school_id",
    "seq",
    "kind",
    "evidence_id_at_time",
    "report_id_at_time",
    "reference",
    "file_path",
    "sha256",
    "size",
    "destruction_id_at_time",
    "at",
)
FIELDS = {AUDIT: AUDIT_FIELDS, EVIDENCE: REGISTER_FIELDS}
# A file this young with no record may be an upload between its file and its row.
IN_FLIGHT_SECONDS = 600


# -- keyed hashing -----------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _derived(secret: str, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return hkdf.derive(secret.encode("utf-8"))


def key(purpose: str = "smpolicy chain v1") -> bytes:
    """The key entries are hashed with: not in the database, so the database cannot forge them."""
    configured = getattr(settings, "SMPOLICY_CHAIN_KEY", "") or ""
    if configured:
        return _derived(configured, purpose)
    return _derived(settings.SECRET_KEY, purpose)


def mac(text: str, purpose: str = "smpolicy chain v1") -> str:
    return hmac.new(key(purpose), text.encode("utf-8"), hashlib.sha256).hexdigest()


def _canonical_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def canonical(values: dict[str, Any], names: Iterable[str]) -> str:
    out = {}
    for name in names:
        value = _canonical_value(values.get(name))
        if name == "ip_address" and value:
            # PostgreSQL's inet gives an address back in its own spelling.
            value = ipaddress.ip_address(str(value)).compressed
        out[name] = value
    return json.dumps(out, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(chain: str, prev_hash: str, values: dict[str, Any]) -> str:
    return mac(f"{chain}\n{prev_hash}\n{canonical(values, FIELDS[chain])}")


def _values(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


# -- appending ---------------------------------------------------------------------------------


def _locked_head(school_id: int, chain: str) -> Any:
    from smpolicy.safeguarding.models import ChainHead

    heads = ChainHead.objects.filter(school_id=school_id, chain=chain)
    if connection.vendor == "sqlite":
        # SQLite has no row locks: a write takes the database's one write lock, held to commit,
        # so a second writer waits here instead of reading the same head.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE safeguarding_chainhead SET seq = seq WHERE school_id = %s AND chain = %s",
                [school_id, chain],
            )
    head = heads.select_for_update().first()
    if head is None:
        head, _ = ChainHead.objects.get_or_create(
            school_id=school_id, chain=chain, defaults={"seq": 0, "head_hash": GENESIS}
        )
        head = heads.select_for_update().get()
    return head


def append(instance: models.Model, chain: str, insert: Any) -> None:
    """Give ``instance`` its place in ``chain`` and insert it with ``insert()``, atomically."""
    from smpolicy.safeguarding.models import ChainHead

    with transaction.atomic():
        head = _locked_head(instance.school_id, chain)  # type: ignore[attr-defined]
        instance.seq = head.seq + 1  # type: ignore[attr-defined]
        instance.prev_hash = head.head_hash  # type: ignore[attr-defined]
        instance.entry_hash = entry_hash(  # type: ignore[attr-defined]
            chain, head.head_hash, _values(instance, FIELDS[chain])
        )
        insert()
        ChainHead.objects.filter(pk=head.pk).update(
            seq=instance.seq,  # type: ignore[attr-defined]
            head_hash=instance.entry_hash,  # type: ignore[attr-defined]
        )


def register_added(item: Any) -> None:
    """An evidence item was added: its place in the evidence register."""
    from smpolicy.safeguarding.models import RegisterEntry

    RegisterEntry(
        school_id=item.school_id,
        kind=RegisterEntry.Kind.ADDED,
        evidence_id_at_time=item.pk,
        report_id_at_time=item.report_id,
        reference=item.report.reference,
        file_path=item.file_path,
        sha256=item.sha256,
        size=item.size,
    ).save()


def register_destroyed(destruction: Any) -> None:
    """A destruction was confirmed: every evidence item of its report leaves the register."""
    from smpolicy.safeguarding.models import Evidence, RegisterEntry

    for item in Evidence.objects.filter(report_id=destruction.report_id_at_time).order_by("pk"):
        RegisterEntry(
            school_id=destruction.school_id,
            kind=RegisterEntry.Kind.DESTROYED,
            evidence_id_at_time=item.pk,
            report_id_at_time=item.report_id,
            reference=destruction.reference,
            file_path=item.file_path,
            sha256=item.sha256,
            size=item.size,
            destruction_id_at_time=destruction.pk,
        ).save()


# -- verifying ---------------------------------------------------------------------------------


@dataclass
class Finding:
    school: str
    what: str

    def __str__(self) -> str:
        return f"{self.school}: {self.what}"


@dataclass
class Chain:
    """What a walk along one chain found."""

    seq: int = 0
    head_hash: str = GENESIS
    hashes: dict[int, str] = field(default_factory=dict)


def walk(school: Any, chain: str, findings: list[Finding]) -> Chain:
    """Check every link of one school's chain and its head; problems go into ``findings``."""
    from smpolicy.safeguarding.models import AuditEntry, ChainHead, RegisterEntry

    model = AuditEntry if chain == AUDIT else RegisterEntry
    noun = "audit entry" if chain == AUDIT else "evidence register entry"
    names = FIELDS[chain]
    rows = model._base_manager.filter(school=school).order_by("seq", "id")
    walked = Chain()
    expected_seq, prev = 1, GENESIS

    def found(what: str) -> None:
        findings.append(Finding(school.slug, what))

    for row in rows.values("id", "prev_hash", "entry_hash", *[n for n in names if n != "seq"],
                           "seq"):
        seq = row["seq"]
        if seq is None:
            found(f"{noun} {row['id']} is outside the chain (written around the app?)")
            continue
        if seq != expected_seq:
            if seq > expected_seq:
                gap = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}-{seq - 1}"
                found(f"{noun} no. {gap} of the {chain} chain is missing (deleted)")
            else:
                found(f"{noun} no. {seq} of the {chain} chain appears twice (a fork)")
        if row["prev_hash"] != prev:
            found(
                f"{noun} no. {seq} (id {row['id']}) does not follow the entry before it: an "
                "entry was removed or changed"
            )
        if not hmac.compare_digest(row["entry_hash"], entry_hash(chain, row["prev_hash"], row)):
            found(f"{noun} no. {seq} (id {row['id']}) was changed after it was written")
        prev = row["entry_hash"]
        walked.hashes[seq] = row["entry_hash"]
        walked.seq, walked.head_hash = seq, row["entry_hash"]
        expected_seq = seq + 1
    head = ChainHead.objects.filter(school=school, chain=chain).first()
    if head is None:
        if walked.seq:
            found(f"the {chain} chain's head is missing")
    elif head.seq != walked.seq or head.head_hash != walked.head_hash:
        if head.seq > walked.seq:
            found(
                f"the {chain} chain ends at no. {walked.seq} but its head says {head.seq}: "
                f"the last {head.seq - walked.seq} entry(ies) were deleted"
            )
        else:
            found(f"the {chain} chain's head (no. {head.seq}) does not match its last entry")
    return walked


def check_register(school: Any, findings: list[Finding]) -> None:
    """The evidence rows, and the destructions, against the register that recorded them."""
    from smpolicy.safeguarding.models import AuditEntry, Destruction, Evidence, RegisterEntry

    def found(what: str) -> None:
        findings.append(Finding(school.slug, what))

    live: dict[int, dict[str, Any]] = {}
    destroyed: set[int] = set()
    destruction_ids: set[int] = set()
    entries = RegisterEntry._base_manager.filter(school=school).order_by("seq", "id")
    for entry in entries.values():
        number = entry["evidence_id_at_time"]
        if entry["kind"] == RegisterEntry.Kind.ADDED:
            live[number] = entry
        else:
            live.pop(number, None)
            destroyed.add(number)
            destruction_ids.add(entry["destruction_id_at_time"])
    rows = {
        row["id"]: row
        for row in Evidence._base_manager.filter(school=school).values(
            "id", "report_id", "file_path", "sha256", "size"
        )
    }
    for number, row in sorted(rows.items()):
        entry = live.get(number)
        if entry is None:
            why = "destroyed yet still there" if number in destroyed else "not in the register"
            found(f"evidence {number} is {why} (written around the app?)")
            continue
        for name, column in (("report_id_at_time", "report_id"), ("file_path", "file_path"),
                             ("sha256", "sha256"), ("size", "size")):
            if entry[name] != row[column]:
                found(f"evidence {number}'s {column} is not what the register recorded")
    for number, entry in sorted(live.items()):
        if number not in rows:
            found(
                f"evidence {number} of {entry['reference']} (SHA-256 {entry['sha256'][:12]}...) "
                "is missing: its row was deleted without a destruction"
            )
    audited = set(
        AuditEntry._base_manager.filter(
            school=school, action="destroy", record_type="destruction"
        ).values_list("record_id", flat=True)
    )
    for record in Destruction._base_manager.filter(school=school).order_by("pk"):
        if str(record.pk) not in audited:
            found(f"destruction {record.pk} of {record.reference} has no audit entry (forged?)")
        if record.evidence_hashes and record.pk not in destruction_ids:
            found(
                f"destruction {record.pk} of {record.reference} is not in the evidence register "
                "(forged?)"
            )


def stray_files(root: Path, known: set[str], now: float | None = None) -> Iterator[Path]:
    """Files under ``root`` that no evidence row points at, but for uploads still in flight."""
    if not root.exists():
        return
    now = time.time() if now is None else now
    base = Path(settings.MEDIA_ROOT)
    for path in sorted(root.rglob("*")):
        if not path.is_file() or str(path.relative_to(base)) in known:
            continue
        if now - path.stat().st_mtime < IN_FLIGHT_SECONDS:
            continue
        yield path


def heads(school: Any) -> dict[str, list[Any]]:
    from smpolicy.safeguarding.models import ChainHead

    return {
        h.chain: [h.seq, h.head_hash] for h in ChainHead.objects.filter(school=school)
    }


def check_anchor(
    school: Any, walked: dict[str, Chain], anchored: dict[str, Any], findings: list[Finding]
) -> None:
    """The heads seen on an earlier run must still be in the chains (the tail was not cut)."""
    for chain, (seq, head_hash) in sorted(anchored.items()):
        now = walked.get(chain)
        if now is None or now.hashes.get(seq) != head_hash:
            findings.append(
                Finding(
                    school.slug,
                    f"the {chain} chain no longer holds entry no. {seq} seen on the last "
                    "verification: it was cut back or rewritten",
                )
            )


def verify(schools: Iterable[Any], anchored: dict[str, Any] | None = None) -> list[Finding]:
    """Every chain, register and destruction of ``schools``; empty when all is as recorded."""
    findings: list[Finding] = []
    for school in schools:
        walked = {chain: walk(school, chain, findings) for chain in CHAINS}
        check_register(school, findings)
        if anchored and school.slug in anchored:
            check_anchor(school, walked, anchored[school.slug], findings)
    return findings
