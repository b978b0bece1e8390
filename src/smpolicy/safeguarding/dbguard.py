"""Append-only tables, enforced by the database itself.

The ORM refuses to change or delete evidence and audit entries (see ``records.AppendOnly``), but a
record a school relies on in a disciplinary hearing or a court must survive whatever reaches the
database another way: a raw SQL session, a script, a bug. So each guarded table gets triggers:

- PostgreSQL: ``BEFORE UPDATE``/``BEFORE DELETE`` row triggers and a ``BEFORE TRUNCATE`` statement
  trigger that raise ``integrity_constraint_violation``;
- SQLite: ``BEFORE UPDATE``/``BEFORE DELETE`` triggers that ``SELECT RAISE(ABORT, ...)``.

Both surface in Django as ``IntegrityError``. A guard may name the columns that may never change
(the rest may: a report's status moves on, what was reported does not), columns that may be set
once and then never again (when an alert was first seen), columns that may only move forward (a
retention date is extended, never shortened), a rule of its own over OLD and NEW (a legal hold is
lifted only with a recorded decision), and a condition under which a row may be deleted. For
evidence and everything about a report, that condition is the one the app itself applies: a person
confirmed the destruction (``safeguarding_destruction``) *and* the report's retention date has
passed *and* it is not on legal hold. A forged destruction row alone therefore opens nothing that
was not already due for destruction, and the retention date cannot be moved back to make it so.

TRUNCATE is refused only while the table holds rows, so that an empty table can still be emptied by
test runners that flush with TRUNCATE.

Someone who can drop triggers can still remove them: that is the database owner. The running app
should not be that owner (``smpolicy db-roles``: an application role that cannot drop or disable
triggers), and what the owner does anyway is found by the hash chains (``integrity``).

SQLite drops a table's triggers when Django rebuilds the table for an ALTER, so a migration that
alters a guarded table must call ``install`` again afterwards; ``tests/safeguarding`` checks that
every guard is in place.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

PREFIX = "smp_guard_"


@dataclass(frozen=True)
class Guard:
    table: str
    # Columns that may never change; None means no UPDATE at all (unless ``once``, ``rising`` or
    # ``refuse_when`` say what may move).
    frozen_columns: tuple[str, ...] | None = None
    # A boolean SQL expression over OLD under which a DELETE is allowed; None means never.
    delete_allowed_when: str | None = None
    # Columns that may be set once from NULL and never changed after.
    once: tuple[str, ...] = ()
    # Columns that may only grow (a later date, a higher level), never go back or be emptied.
    rising: tuple[str, ...] = ()
    # Further boolean SQL over OLD and NEW under which an UPDATE is refused.
    refuse_when: str | None = None
    # When given, the UPDATE rules apply only to rows for which this holds (over OLD).
    applies_when: str | None = None
    # Plain words for the message: what may still change.
    may_change: str = ""
    label: str = ""

    @property
    def what(self) -> str:
        return self.label or self.table.split("_", 1)[-1].replace("_", " ")

    def columns_named(self) -> set[str]:
        return {*(self.frozen_columns or ()), *self.once, *self.rising}

    def tables_read(self) -> set[str]:
        rules = " ".join(filter(None, (self.refuse_when, self.delete_allowed_when)))
        return {self.table, *re.findall(r"\b(?:safeguarding|registers)_[a-z]+\b", rules)}

    @property
    def refuses_every_update(self) -> bool:
        return (
            self.frozen_columns is None
            and not self.once
            and not self.rising
            and self.refuse_when is None
        )


# Vendor-specific bits a guard's own SQL may use: {today} is the database's date, one day ahead so
# that a date which has passed in the school's time zone (ahead of UTC in summer) has passed here.
_DIALECT = {
    "sqlite": {"ne": "IS NOT", "today": "date('now', '+1 day')", "true": "1"},
    "postgresql": {"ne": "IS DISTINCT FROM", "today": "(CURRENT_DATE + 1)", "true": "TRUE"},
}


def _sql(text: str, vendor: str) -> str:
    return text.format(**_DIALECT[vendor])


def update_refused_sql(guard: Guard, vendor: str) -> str:
    """The condition over OLD and NEW under which an UPDATE is refused."""
    d = _DIALECT[vendor]
    if guard.refuses_every_update:
        return d["true"]
    parts = [f'OLD."{c}" {d["ne"]} NEW."{c}"' for c in guard.frozen_columns or ()]
    parts += [f'(OLD."{c}" IS NOT NULL AND OLD."{c}" {d["ne"]} NEW."{c}")' for c in guard.once]
    parts += [
        f'((OLD."{c}" IS NOT NULL AND NEW."{c}" IS NULL) OR NEW."{c}" < OLD."{c}")'
        for c in guard.rising
    ]
    if guard.refuse_when:
        parts.append(f"({_sql(guard.refuse_when, vendor)})")
    refused = " OR ".join(parts) or "1 = 0"
    if guard.applies_when:
        return f"({_sql(guard.applies_when, vendor)}) AND ({refused})"
    return refused


def _message(guard: Guard, op: str) -> str:
    if op == "update":
        if guard.refuses_every_update:
            return f"smpolicy: {guard.what} records are append-only and cannot be changed"
        text = f"smpolicy: what was recorded in a {guard.what} cannot be changed"
        if guard.frozen_columns:
            text += f" ({', '.join(guard.frozen_columns)})"
        if guard.may_change:
            text += f"; only {guard.may_change} may move on, forward"
        return text
    return f"smpolicy: {guard.what} records cannot be deleted" + (
        ""
        if guard.delete_allowed_when is None
        else " unless their destruction is confirmed and due (retention passed, no legal hold)"
    )


def _sqlite(guard: Guard) -> list[str]:
    t = guard.table
    update_when = f" WHEN {update_refused_sql(guard, 'sqlite')}"
    delete_when = ""
    if guard.delete_allowed_when is not None:
        delete_when = f" WHEN NOT ({_sql(guard.delete_allowed_when, 'sqlite')})"
    update_msg = _message(guard, "update").replace("'", "''")
    delete_msg = _message(guard, "delete").replace("'", "''")
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{PREFIX}{t}_update" BEFORE UPDATE ON "{t}" '
        f"FOR EACH ROW{update_when} BEGIN SELECT RAISE(ABORT, '{update_msg}'); END",
        f'CREATE TRIGGER IF NOT EXISTS "{PREFIX}{t}_delete" BEFORE DELETE ON "{t}" '
        f"FOR EACH ROW{delete_when} BEGIN SELECT RAISE(ABORT, '{delete_msg}'); END",
    ]


def _postgresql(guard: Guard) -> list[str]:
    t = guard.table
    fn = f"{PREFIX}{t}"
    update_msg = _message(guard, "update").replace("'", "''")
    delete_msg = _message(guard, "delete").replace("'", "''")
    allow = (
        f"IF {_sql(guard.delete_allowed_when, 'postgresql')} THEN RETURN OLD; END IF;"
        if guard.delete_allowed_when
        else ""
    )
    raise_ = "RAISE EXCEPTION '{msg}' USING ERRCODE = 'integrity_constraint_violation';"
    # The rule is checked in the function, not in the trigger's WHEN: a WHEN may not hold the
    # subqueries some rules need (a legal hold lifted only with a recorded decision).
    refused = update_refused_sql(guard, "postgresql")
    return [
        f"CREATE OR REPLACE FUNCTION {fn}_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF {refused} THEN {raise_.format(msg=update_msg)} END IF; RETURN NEW; END $$",
        f"CREATE OR REPLACE FUNCTION {fn}_delete() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {allow} {raise_.format(msg=delete_msg)} END $$",
        f"CREATE OR REPLACE FUNCTION {fn}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f'BEGIN IF EXISTS (SELECT 1 FROM "{t}") THEN '
        f"{raise_.format(msg=delete_msg)} END IF; RETURN NULL; END $$",
        f'DROP TRIGGER IF EXISTS {fn}_update ON "{t}"',
        f'DROP TRIGGER IF EXISTS {fn}_delete ON "{t}"',
        f'DROP TRIGGER IF EXISTS {fn}_truncate ON "{t}"',
        f'CREATE TRIGGER {fn}_update BEFORE UPDATE ON "{t}" FOR EACH ROW '
        f"EXECUTE FUNCTION {fn}_update()",
        f'CREATE TRIGGER {fn}_delete BEFORE DELETE ON "{t}" FOR EACH ROW '
        f"EXECUTE FUNCTION {fn}_delete()",
        f'CREATE TRIGGER {fn}_truncate BEFORE TRUNCATE ON "{t}" FOR EACH STATEMENT '
        f"EXECUTE FUNCTION {fn}_truncate()",
    ]


def install_sql(vendor: str, guard: Guard) -> list[str]:
    if vendor == "postgresql":
        return _postgresql(guard)
    if vendor == "sqlite":
        return _sqlite(guard)
    return []  # another database: the ORM's guards still hold


def remove_sql(vendor: str, guard: Guard) -> list[str]:
    t = guard.table
    if vendor == "postgresql":
        fn = f"{PREFIX}{t}"
        return [f'DROP TRIGGER IF EXISTS {fn}_{op} ON "{t}"' for op in OPS] + [
            f"DROP FUNCTION IF EXISTS {fn}_{op}()" for op in OPS
        ]
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{PREFIX}{t}_{op}"' for op in ("update", "delete")]
    return []


OPS = ("update", "delete", "truncate")


def install(connection: Any, guards: list[Guard] | tuple[Guard, ...]) -> None:
    """Guard each table that exists. An early migration calls this with today's list, before a
    later migration has made a newer table; that later migration calls it again.

    A guard already in place is replaced (SQLite's ``CREATE TRIGGER IF NOT EXISTS`` would keep an
    older, weaker rule)."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for guard in guards:
            # A guard whose rule reads a table a later migration makes waits for that migration
            # (SQLite checks a trigger's tables whenever one is renamed).
            if guard.table not in tables or not guard.tables_read() <= tables:
                continue
            # Likewise a guard naming a column a later migration adds (SQLite would refuse every
            # rebuild of another table until then, its trigger naming a column not there).
            columns = {
                c.name for c in connection.introspection.get_table_description(cursor, guard.table)
            }
            if not guard.columns_named() <= columns:
                continue
            if connection.vendor == "sqlite":
                for statement in remove_sql("sqlite", guard):
                    cursor.execute(statement)
            for statement in install_sql(connection.vendor, guard):
                cursor.execute(statement)


def remove(connection: Any, guards: list[Guard] | tuple[Guard, ...]) -> None:
    with connection.cursor() as cursor:
        for guard in guards:
            for statement in remove_sql(connection.vendor, guard):
                cursor.execute(statement)


@contextlib.contextmanager
def lifted(connection: Any, guards: list[Guard] | tuple[Guard, ...]) -> Iterator[None]:
    """The guards removed for a moment, as only the database's owner can (tests that stand in for
    the passing of time, or for an attacker who owns the database)."""
    remove(connection, guards)
    try:
        yield
    finally:
        install(connection, guards)


def installed(connection: Any) -> set[str]:
    """Names of the guard triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [PREFIX + "%"],
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s",
                [PREFIX + "%"],
            )
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def expected(vendor: str, guards: list[Guard] | tuple[Guard, ...]) -> set[str]:
    ops = OPS if vendor == "postgresql" else ("update", "delete")
    return {f"{PREFIX}{g.table}_{op}" for g in guards for op in ops}


def guard_for(table: str) -> Guard:
    for guard in (*GUARDS, *POLICY_GUARDS):
        if guard.table == table:
            return guard
    raise KeyError(table)


# A report may be destroyed, and with it everything recorded about it, only as the app destroys
# it: a person confirmed it, its retention date has passed and it is not on legal hold.
_DUE = (
    "(EXISTS (SELECT 1 FROM safeguarding_destruction d WHERE d.report_id_at_time = {col}) "
    "AND EXISTS (SELECT 1 FROM safeguarding_report r WHERE r.id = {col} "
    "AND r.retain_until IS NOT NULL AND r.retain_until <= {{today}} AND NOT r.legal_hold))"
)
_CASE_EMPTY = "NOT EXISTS (SELECT 1 FROM safeguarding_report r WHERE r.case_id = OLD.case_id)"
_REPORT_STATUS_RANK = (
    "CASE {s} WHEN 'new' THEN 0 WHEN 'opened' THEN 1 WHEN 'in_case' THEN 2 "
    "WHEN 'closed' THEN 3 ELSE -1 END"
)

REPORT_FROZEN: tuple[str, ...] = (
    "school_id",
    "reference",
    "kind",
    "reported_by_id",
    "reporter_email",
    "reporter_name",
    "occurred_at",
    "recorded_at",
    "account",
    "platform",
    "channel_account",
    "on_premises",
    "others_involved",
    "dsl_told_in_person",
    "dsl_told_id",
    "categories",
    "child_protection",
    "early_help",
    "details",
    "situation",
    "decision",
    "verdict",
    "clauses",
    "is_safeguarding",
    "urgent",
    "retention_rule",
)

# The guarded tables. Changing this list needs a new migration that calls install() again.
GUARDS: tuple[Guard, ...] = (
    Guard(
        "safeguarding_report",
        frozen_columns=REPORT_FROZEN,
        once=("first_opened_at", "first_opened_by_id", "case_id"),
        rising=("escalation_level", "retain_until"),
        refuse_when=(
            _REPORT_STATUS_RANK.format(s='NEW."status"')
            + " < "
            + _REPORT_STATUS_RANK.format(s='OLD."status"')
            # A legal hold is lifted only by a recorded decision to lift it (RetentionChange),
            # written before the report changes.
            + ' OR (OLD."legal_hold" AND NOT NEW."legal_hold" AND COALESCE((SELECT c.kind '
            "FROM safeguarding_retentionchange c WHERE c.report_id = OLD.id "
            "ORDER BY c.id DESC LIMIT 1), '') <> 'release')"
        ),
        may_change="its status, case, escalation, retention date and legal hold",
        delete_allowed_when=_DUE.format(col="OLD.id"),
    ),
    Guard("safeguarding_evidence", delete_allowed_when=_DUE.format(col="OLD.report_id")),
    Guard(
        "safeguarding_evidencetext",
        label="evidence text",
        delete_allowed_when=_DUE.format(
            col="(SELECT e.report_id FROM safeguarding_evidence e WHERE e.id = OLD.evidence_id)"
        ),
    ),
    Guard("safeguarding_involvement", delete_allowed_when=_DUE.format(col="OLD.report_id")),
    Guard(
        "safeguarding_alert",
        frozen_columns=(
            "school_id", "report_id", "recipient_id", "when", "reason", "clause", "level",
            "created_at",
        ),
        once=("seen_at",),
        rising=("emailed_at",),
        may_change="when it was seen and e-mailed",
        delete_allowed_when=_DUE.format(col="OLD.report_id"),
    ),
    Guard(
        "safeguarding_deliveryattempt",
        label="delivery attempt",
        delete_allowed_when=_DUE.format(col="OLD.report_id"),
    ),
    Guard(
        "safeguarding_case",
        frozen_columns=("school_id", "reference", "title", "lead_id", "opened_by_id", "opened_at"),
        once=("closed_at", "closed_by_id"),
        refuse_when=(
            "(OLD.\"status\" = 'closed' AND NEW.\"status\" <> 'closed') OR "
            '(OLD."closed_at" IS NOT NULL AND OLD."closing_summary" {ne} NEW."closing_summary")'
        ),
        may_change="its closing",
        delete_allowed_when="NOT EXISTS (SELECT 1 FROM safeguarding_report r "
        "WHERE r.case_id = OLD.id)",
    ),
    Guard(
        "safeguarding_caseaction",
        label="case action",
        frozen_columns=(
            "school_id", "case_id", "description", "owner_id", "due_on", "created_by_id",
            "created_at",
        ),
        # The overdue reminder is claimed by setting its time from NULL: once set, never reset,
        # so no second reminder can be claimed by clearing it.
        once=("done_at", "done_by_id", "overdue_reminded_at"),
        refuse_when='OLD."done_at" IS NOT NULL AND OLD."done_note" {ne} NEW."done_note"',
        may_change="when it was done and when its owner was reminded",
        delete_allowed_when=_CASE_EMPTY,
    ),
    Guard("safeguarding_outcome", delete_allowed_when=_CASE_EMPTY),
    Guard("safeguarding_advice", delete_allowed_when=_CASE_EMPTY),
    Guard("safeguarding_policereferral", label="police referral", delete_allowed_when=_CASE_EMPTY),
    Guard("safeguarding_auditentry", label="audit entry"),
    Guard(
        "safeguarding_retentionchange",
        label="retention change",
        delete_allowed_when=_DUE.format(col="OLD.report_id"),
    ),
    Guard("safeguarding_destruction"),
    Guard("safeguarding_registerentry", label="evidence register entry"),
    Guard(
        "safeguarding_chainhead",
        label="chain head",
        frozen_columns=("school_id", "chain"),
        # A head moves one entry at a time, never back (an unchanged row is how SQLite takes
        # its write lock before an append, see integrity).
        refuse_when=(
            'NOT (NEW."seq" = OLD."seq" + 1 OR (NEW."seq" = OLD."seq" AND '
            'NEW."head_hash" = OLD."head_hash"))'
        ),
        may_change="the latest entry",
    ),
)

# A policy version, once signed off and approved, is the policy: it never changes. It may come
# into force and later be archived, and its review date may move; nothing else.
POLICY_VERSION_CONTENT: tuple[str, ...] = (
    "school_id",
    "label",
    "title",
    "changes",
    "pack_id",
    "pack_version",
    "pack_yaml",
    "pack_sha256",
    "sign_off_seal",
    "created_at",
    "submitted_at",
    "chair_id",
    "chair_signed_on",
    "head_id",
    "head_signed_on",
    "agreed_at_meeting_on",
    "approved_at",
)
POLICY_GUARDS: tuple[Guard, ...] = (
    Guard(
        "registers_policyversion",
        label="signed policy version",
        frozen_columns=POLICY_VERSION_CONTENT,
        once=("in_force_from", "archived_at"),
        refuse_when=(
            "NOT (OLD.\"status\" = NEW.\"status\" OR (OLD.\"status\" = 'approved' AND "
            "NEW.\"status\" IN ('in_force', 'archived')) OR (OLD.\"status\" = 'in_force' AND "
            "NEW.\"status\" = 'archived'))"
        ),
        applies_when='OLD."approved_at" IS NOT NULL',
        may_change="its coming into force, its archiving and its review date",
        delete_allowed_when='OLD."approved_at" IS NULL',
    ),
)

ALL_GUARDS: tuple[Guard, ...] = (*GUARDS, *POLICY_GUARDS)
