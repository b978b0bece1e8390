"""Append-only tables, enforced by the database itself.

The ORM refuses to change or delete evidence and audit entries (see ``records.AppendOnly``), but a
record a school relies on in a disciplinary hearing or a court must survive whatever reaches the
database another way: a raw SQL session, a script, a bug. So each guarded table gets triggers:

- PostgreSQL: ``BEFORE UPDATE``/``BEFORE DELETE`` row triggers and a ``BEFORE TRUNCATE`` statement
  trigger that raise ``integrity_constraint_violation``;
- SQLite: ``BEFORE UPDATE``/``BEFORE DELETE`` triggers that ``SELECT RAISE(ABORT, ...)``.

Both surface in Django as ``IntegrityError``. A guard may name the columns that may never change
(the rest may: a report's status moves on, what was reported does not), and a condition under which
a row may be deleted: only once a person has confirmed its destruction at the end of its retention
period, which leaves its own append-only trace (``safeguarding_destruction``).

TRUNCATE is refused only while the table holds rows, so that an empty table can still be emptied by
test runners that flush with TRUNCATE.

Someone who can drop triggers can still remove them: that is the database owner, and the defence
there is the deployment's (separate owner and application roles, backups), not this module.

SQLite drops a table's triggers when Django rebuilds the table for an ALTER, so a migration that
alters a guarded table must call ``install`` again afterwards; ``tests/safeguarding`` checks that
every guard is in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PREFIX = "smp_guard_"


@dataclass(frozen=True)
class Guard:
    table: str
    # Columns that may never change; None means no UPDATE at all.
    frozen_columns: tuple[str, ...] | None = None
    # A boolean SQL expression over OLD under which a DELETE is allowed; None means never.
    delete_allowed_when: str | None = None

    @property
    def what(self) -> str:
        return self.table.removeprefix("safeguarding_").replace("_", " ")


def _message(guard: Guard, op: str) -> str:
    if op == "update":
        if guard.frozen_columns is None:
            return f"smpolicy: {guard.what} records are append-only and cannot be changed"
        return (
            f"smpolicy: what was recorded in a {guard.what} cannot be changed "
            f"({', '.join(guard.frozen_columns)})"
        )
    return f"smpolicy: {guard.what} records cannot be deleted" + (
        "" if guard.delete_allowed_when is None else " until their destruction is confirmed"
    )


def _sqlite(guard: Guard) -> list[str]:
    t = guard.table
    update_when = ""
    if guard.frozen_columns is not None:
        changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in guard.frozen_columns)
        update_when = f" WHEN {changed}"
    delete_when = ""
    if guard.delete_allowed_when is not None:
        delete_when = f" WHEN NOT ({guard.delete_allowed_when})"
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
    update_when = ""
    if guard.frozen_columns is not None:
        changed = " OR ".join(f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in guard.frozen_columns)
        update_when = f" WHEN ({changed})"
    allow = (
        f"IF {guard.delete_allowed_when} THEN RETURN OLD; END IF;"
        if guard.delete_allowed_when
        else ""
    )
    raise_ = "RAISE EXCEPTION '{msg}' USING ERRCODE = 'integrity_constraint_violation';"
    return [
        f"CREATE OR REPLACE FUNCTION {fn}_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {raise_.format(msg=update_msg)} END $$",
        f"CREATE OR REPLACE FUNCTION {fn}_delete() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {allow} {raise_.format(msg=delete_msg)} END $$",
        f"CREATE OR REPLACE FUNCTION {fn}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f'BEGIN IF EXISTS (SELECT 1 FROM "{t}") THEN '
        f"{raise_.format(msg=delete_msg)} END IF; RETURN NULL; END $$",
        f'DROP TRIGGER IF EXISTS {fn}_update ON "{t}"',
        f'DROP TRIGGER IF EXISTS {fn}_delete ON "{t}"',
        f'DROP TRIGGER IF EXISTS {fn}_truncate ON "{t}"',
        f'CREATE TRIGGER {fn}_update BEFORE UPDATE ON "{t}" FOR EACH ROW{update_when} '
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
    later migration has made a newer table; that later migration calls it again."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for guard in guards:
            if guard.table not in tables:
                continue
            for statement in install_sql(connection.vendor, guard):
                cursor.execute(statement)


def remove(connection: Any, guards: list[Guard] | tuple[Guard, ...]) -> None:
    with connection.cursor() as cursor:
        for guard in guards:
            for statement in remove_sql(connection.vendor, guard):
                cursor.execute(statement)


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


_DESTROYED = "EXISTS (SELECT 1 FROM safeguarding_destruction d WHERE d.report_id_at_time = {col})"
_CASE_EMPTY = "NOT EXISTS (SELECT 1 FROM safeguarding_report r WHERE r.case_id = OLD.case_id)"

# The guarded tables. Changing this list needs a new migration that calls install() again.
GUARDS: tuple[Guard, ...] = (
    Guard(
        "safeguarding_report",
        frozen_columns=(
            "reference",
            "kind",
            "reported_by_id",
            "reporter_email",
            "reporter_name",
            "occurred_at",
            "recorded_at",
            "account",
            "situation",
            "decision",
            "verdict",
            "clauses",
        ),
        delete_allowed_when=_DESTROYED.format(col="OLD.id"),
    ),
    Guard("safeguarding_evidence", delete_allowed_when=_DESTROYED.format(col="OLD.report_id")),
    Guard(
        "safeguarding_evidencetext",
        delete_allowed_when=_DESTROYED.format(
            col="(SELECT e.report_id FROM safeguarding_evidence e WHERE e.id = OLD.evidence_id)"
        ),
    ),
    Guard("safeguarding_outcome", delete_allowed_when=_CASE_EMPTY),
    Guard("safeguarding_advice", delete_allowed_when=_CASE_EMPTY),
    Guard("safeguarding_policereferral", delete_allowed_when=_CASE_EMPTY),
    Guard("safeguarding_auditentry"),
    Guard(
        "safeguarding_retentionchange",
        delete_allowed_when=_DESTROYED.format(col="OLD.report_id"),
    ),
    Guard("safeguarding_destruction"),
)
