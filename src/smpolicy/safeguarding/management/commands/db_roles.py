"""`smpolicy db-roles --app-role NAME`: the PostgreSQL role the running app should use.

The append-only guards are triggers (dbguard); whoever owns a table may drop or disable them. So
the tables belong to one role, which runs the migrations (``MIGRATION_DATABASE_URL``), and the app
runs as another (``DATABASE_URL``) that may read and write rows but owns nothing: PostgreSQL lets
only a table's owner (or a superuser) DROP TRIGGER or ALTER TABLE ... DISABLE TRIGGER, and this
role is not granted TRUNCATE either.

Run it as the owner, after ``smpolicy migrate``. It prints the SQL; ``--apply`` runs it.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def role_sql(app_role: str, owner: str, database: str, password: str | None = None) -> list[str]:
    """The statements that make ``app_role`` able to use, and unable to alter, the tables."""
    role, owner_q = _quote(app_role), _quote(owner)
    login = f"LOGIN PASSWORD {_literal(password)}" if password else "LOGIN"
    attributes = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    return [
        # Roles are per cluster: create it once, and leave an existing one's password alone.
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
        f"{_literal(app_role)}) THEN CREATE ROLE {role} {login} {attributes}; END IF; END $$",
        f"ALTER ROLE {role} {attributes}",
        f"GRANT CONNECT ON DATABASE {_quote(database)} TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"REVOKE CREATE ON SCHEMA public FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        # Tables and sequences later migrations make, as the owner, are granted the same.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


class Command(BaseCommand):
    help = (
        "Print (or with --apply, run) the SQL that gives the app a PostgreSQL role of its own "
        "that can read and write rows but cannot drop or disable the append-only triggers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", required=True, help="the role DATABASE_URL signs in as")
        parser.add_argument(
            "--password",
            help="its password, for a new role (else set one yourself, or use peer/cert auth)",
        )
        parser.add_argument("--apply", action="store_true", help="run the SQL now, as the owner")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "database roles are for PostgreSQL; this database is "
                f"{connection.vendor}, where the file's owner is the only role"
            )
        app_role = options["app_role"]
        if not _NAME.fullmatch(app_role):
            raise CommandError(
                f"{app_role!r} is not a plain role name: use lower-case letters, digits and _"
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
        if app_role == owner:
            raise CommandError(
                f"the app's role must not be {owner}, the role that owns the tables and runs "
                "the migrations: the owner can drop the triggers"
            )
        password = options.get("password")
        if not options["apply"]:
            # The password is never echoed: what is printed may end up in a ticket or a log.
            for statement in role_sql(app_role, owner, database, "…" if password else None):
                self.stdout.write(statement + ";")
            return
        statements = role_sql(app_role, owner, database, password)
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"Role {app_role} may read and write the tables {owner} owns, and cannot drop or "
            "disable their triggers. Point DATABASE_URL at it, and MIGRATION_DATABASE_URL at "
            f"{owner}."
        )
