"""A fresh, empty database beside the suite's, of the kind the suite runs on (a PostgreSQL
database of its own when DATABASE_URL is PostgreSQL, else an SQLite file): for processes started
by a test (the deployment end to end, the restore drill), which cannot use the test database."""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from pathlib import Path


class FreshDatabase:
    def __init__(self, tmp: Path, suffix: str) -> None:
        suite = os.environ.get("DATABASE_URL", "")
        if suite.startswith(("postgres://", "postgresql://")):
            import psycopg

            parts = urllib.parse.urlsplit(suite)
            self.name = f"{parts.path.lstrip('/') or 'smpolicy'}_{suffix}"
            self.admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
            self.vendor = "postgresql"
        else:
            self.path = tmp / f"{suffix}.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.vendor = "sqlite"

    def query(self, sql: str) -> list[tuple]:
        """Run ``sql`` (its rows, or [] for a statement without any); errors are the driver's."""
        if self.vendor == "sqlite":
            conn = sqlite3.connect(self.path, timeout=20)
            try:
                with conn:
                    return conn.execute(sql).fetchall()
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def tables(self) -> int:
        if self.vendor == "sqlite":
            if not self.path.exists():
                return 0
            return int(self.query(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'")[0][0])
        return int(self.query("SELECT count(*) FROM information_schema.tables "
                              "WHERE table_schema = 'public'")[0][0])

    def drop(self) -> None:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
