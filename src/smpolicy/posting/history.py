"""Append-only records for posting: the ORM refuses changes, and the database does too.

A post's history is what the headteacher relies on when asked "who approved this, and when?", so
it must survive whatever reaches the database another way than the ORM (a script, a raw SQL
session). Row triggers refuse UPDATE and DELETE, on PostgreSQL and on SQLite alike (a test that
empties the tables lifts the guards first, as only the database's owner could: tests/conftest.py).
TRUNCATE is not guarded here: it is a database owner's operation, and the app's own role is not
granted it (``smpolicy db-roles``).
"""

from __future__ import annotations

from typing import Any

from smpolicy.schools.appendonly import AppendOnlyError, AppendOnlyQuerySet

__all__ = ["AppendOnlyError", "AppendOnlyQuerySet"]

PREFIX = "smp_posting_guard_"
GUARDED_TABLES: tuple[str, ...] = ("posting_postevent", "posting_postapproval")
# Guarded by their own migration (0004), after the tables exist; 0002 guards the first two.
REGISTER_HISTORY_TABLES: tuple[str, ...] = ("posting_spokespersonevent", "posting_brandingevent")
ALL_TABLES: tuple[str, ...] = (*GUARDED_TABLES, *REGISTER_HISTORY_TABLES)
SQLITE_OPS: tuple[str, ...] = ("update", "delete")


def _statements(vendor: str, table: str) -> list[str]:
    message = f"smpolicy: {table.removeprefix('posting_')} records are append-only"
    if vendor == "sqlite":
        return [
            f'CREATE TRIGGER IF NOT EXISTS "{PREFIX}{table}_{op}" BEFORE {op.upper()} ON "{table}" '
            f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for op in SQLITE_OPS
        ]
    if vendor == "postgresql":
        fn = f"{PREFIX}{table}"
        return [
            f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; "
            "END $$",
            f'DROP TRIGGER IF EXISTS {fn} ON "{table}"',
            f'CREATE TRIGGER {fn} BEFORE UPDATE OR DELETE ON "{table}" FOR EACH ROW '
            f"EXECUTE FUNCTION {fn}()",
        ]
    return []


def _removals(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{PREFIX}{table}_{op}"' for op in SQLITE_OPS]
    if vendor == "postgresql":
        fn = f"{PREFIX}{table}"
        return [f'DROP TRIGGER IF EXISTS {fn} ON "{table}"', f"DROP FUNCTION IF EXISTS {fn}()"]
    return []


def install_guards(apps: Any, schema_editor: Any, tables: tuple[str, ...] = GUARDED_TABLES) -> None:
    """Migration operation: put the triggers in place."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in tables:
            for statement in _statements(connection.vendor, table):
                cursor.execute(statement)


def remove_guards(apps: Any, schema_editor: Any, tables: tuple[str, ...] = GUARDED_TABLES) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in tables:
            for statement in _removals(connection.vendor, table):
                cursor.execute(statement)


def install_register_guards(apps: Any, schema_editor: Any) -> None:
    install_guards(apps, schema_editor, REGISTER_HISTORY_TABLES)


def remove_register_guards(apps: Any, schema_editor: Any) -> None:
    remove_guards(apps, schema_editor, REGISTER_HISTORY_TABLES)


def install_all_guards(apps: Any, schema_editor: Any) -> None:
    install_guards(apps, schema_editor, ALL_TABLES)


def remove_delete_guards(apps: Any, schema_editor: Any) -> None:
    """Back to the update-only SQLite guard of before (0005's reverse)."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in ALL_TABLES:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{PREFIX}{table}_delete"')


class _Editor:
    def __init__(self, connection: Any) -> None:
        self.connection = connection


def install_on(connection: Any) -> None:
    """Every posting guard on ``connection`` (outside a migration: tests put them back so)."""
    install_guards(None, _Editor(connection), ALL_TABLES)


def remove_from(connection: Any) -> None:
    remove_guards(None, _Editor(connection), ALL_TABLES)
