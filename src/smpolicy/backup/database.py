"""The database into a file and back: pg_dump and pg_restore on PostgreSQL, SQLite's own online
backup on SQLite. Each is given a Django ``DATABASES`` entry, so the same code dumps the running
school and, in the restore drill, a fresh database beside it.

pg_dump's custom format is used: compressed, and pg_restore loads the rows before it makes the
triggers that keep records append-only, which it then makes as they were.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any


class DatabaseError(Exception):
    """The database cannot be dumped or restored; the message says why."""


def engine_of(database: dict[str, Any]) -> str:
    engine = str(database.get("ENGINE", ""))
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise DatabaseError(f"backups know PostgreSQL and SQLite, not {engine or 'no engine'}")


def member_name(engine: str) -> str:
    return "database.pgdump" if engine == "postgresql" else "database.sqlite3"


# -- PostgreSQL ----------------------------------------------------------------------------------


def _conninfo(database: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password (which goes in PGPASSWORD, so it is not
    on a command line that `ps` shows)."""
    parts = {
        "host": database.get("HOST") or "",
        "port": str(database.get("PORT") or ""),
        "user": database.get("USER") or "",
        "dbname": database.get("NAME") or "",
    }
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey", "options"):
        value = (database.get("OPTIONS") or {}).get(option)
        if value:
            parts[option] = str(value)
    text = " ".join(
        f"{key}='{value.replace(chr(92), chr(92) * 2).replace(chr(39), chr(92) + chr(39))}'"
        for key, value in parts.items() if value
    )
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return text, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseError(
            f"{name} is not installed; install PostgreSQL's client tools (Debian: "
            "apt-get install postgresql-client) in the version of the server or newer"
        )
    return found


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise DatabaseError(f"{what} failed: {detail[-1] if detail else 'no message'}")


def dump_postgresql(database: dict[str, Any], out: Path) -> None:
    conninfo, env = _conninfo(database)
    _run([_tool("pg_dump"), "--format=custom", "--no-password", "--file", str(out),
          "--dbname", conninfo], env, "pg_dump")


def tables_in(database: dict[str, Any]) -> int:
    """How many tables the target holds: a restore over a school's records must be asked for."""
    if engine_of(database) == "sqlite":
        path = Path(str(database["NAME"]))
        if not path.exists() or path.stat().st_size == 0:
            return 0
        with sqlite3.connect(path) as conn:
            return int(conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'").fetchone()[0])
    import psycopg

    conninfo, env = _conninfo(database)
    try:
        with psycopg.connect(conninfo, password=env.get("PGPASSWORD")) as conn:
            row = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                "current_schema()").fetchone()
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot reach the database to restore into: {exc}") from None
    return int(row[0]) if row else 0


def restore_postgresql(database: dict[str, Any], dump: Path, *, replace: bool) -> None:
    conninfo, env = _conninfo(database)
    # No owner or grants from the old server: the roles there may not exist here; the app's role
    # is granted its rights again by `smpolicy db-roles`.
    argv = [_tool("pg_restore"), "--no-password", "--no-owner", "--no-acl", "--exit-on-error",
            "--single-transaction", "--dbname", conninfo]
    if replace:
        argv[1:1] = ["--clean", "--if-exists"]
    _run([*argv, str(dump)], env, "pg_restore")


# -- SQLite --------------------------------------------------------------------------------------


def dump_sqlite(database: dict[str, Any], out: Path) -> None:
    source_path = Path(str(database["NAME"]))
    if not source_path.exists():
        raise DatabaseError(f"there is no database at {source_path}")
    # The online backup copies a consistent picture even while the app writes.
    with sqlite3.connect(source_path) as source, sqlite3.connect(out) as target:
        source.backup(target)
    target.close()
    source.close()


def restore_sqlite(database: dict[str, Any], copy: Path) -> None:
    target = Path(str(database["NAME"]))
    with sqlite3.connect(copy) as check:
        verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
    check.close()
    if verdict != "ok":
        raise DatabaseError(f"the database in the backup is damaged: {verdict}")
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(target.name + ".restoring")
    shutil.copyfile(copy, staged)
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(staged, target)


def dump(database: dict[str, Any], out: Path) -> None:
    if engine_of(database) == "postgresql":
        dump_postgresql(database, out)
    else:
        dump_sqlite(database, out)


def restore(database: dict[str, Any], copy: Path, *, replace: bool) -> None:
    if engine_of(database) == "postgresql":
        restore_postgresql(database, copy, replace=replace)
    else:
        restore_sqlite(database, copy)
