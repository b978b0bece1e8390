"""The app's own PostgreSQL role (`smpolicy db-roles`) can do its work and cannot lift the guards.

The tables belong to the role that runs the migrations; PostgreSQL lets only a table's owner (or a
superuser) drop or disable its triggers. The test database's connection is a superuser, so each
attack runs after ``SET ROLE`` to the app's role, inside a savepoint (rolling one back undoes the
``SET ROLE`` too). Roles are per cluster, but ``CREATE ROLE`` here is rolled back with the test.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from smpolicy import cli
from smpolicy.safeguarding import audit, dbguard
from smpolicy.safeguarding.models import AuditEntry

from .conftest import make_report

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connections["default"].vendor != "postgresql",
    reason="database roles are PostgreSQL's (CI runs this suite on PostgreSQL too)",
)


def test_migrations_use_the_owner_s_url_and_the_app_its_own():
    environ = {
        "DATABASE_URL": "postgres://smpolicy_app@db/smpolicy",
        "MIGRATION_DATABASE_URL": "postgres://smpolicy_owner@db/smpolicy",
    }
    assert cli.database_url_for("migrate", environ) == environ["MIGRATION_DATABASE_URL"]
    assert cli.database_url_for("db_roles", environ) == environ["MIGRATION_DATABASE_URL"]
    assert cli.database_url_for("runserver", environ) == environ["DATABASE_URL"]
    assert cli.database_url_for("migrate", {"DATABASE_URL": "x"}) == "x"


@pytest.mark.skipif(connections["default"].vendor != "sqlite", reason="SQLite's answer")
def test_db_roles_says_plainly_that_sqlite_has_no_roles():
    with pytest.raises(CommandError, match="database roles are for PostgreSQL"):
        call_command("db_roles", "--app-role", "smpolicy_app")


@pytest.fixture
def app_role() -> str:
    name = re.sub(r"[^a-z0-9_]", "_", f"smp_app_{connection.settings_dict['NAME']}".lower())[:60]
    call_command("db_roles", "--app-role", name, "--apply")
    return name


def _as(role: str, sql: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
        cursor.execute(sql, params or [])
        cursor.execute("RESET ROLE")


def _refused_as(role: str, sql: str, match: str) -> None:
    with pytest.raises(DatabaseError, match=match):
        _as(role, sql)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] != role  # the savepoint's rollback undid SET ROLE


@on_postgresql
def test_db_roles_prints_the_sql_without_the_password(capsys):
    call_command("db_roles", "--app-role", "smpolicy_app", "--password", "s3cret-pass")
    out = capsys.readouterr().out
    assert 'CREATE ROLE "smpolicy_app" LOGIN PASSWORD' in out and "NOSUPERUSER" in out
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES" in out
    assert "ALTER DEFAULT PRIVILEGES" in out
    assert "s3cret-pass" not in out
    with pytest.raises(CommandError, match="plain role name"):
        call_command("db_roles", "--app-role", 'x"; DROP TABLE y; --')
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="must not be"):
        call_command("db_roles", "--app-role", owner)


@on_postgresql
def test_the_app_role_does_its_work(app_role, straits):
    report = make_report(straits)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{app_role}"')
        entry = audit.record("view", report, school=straits.school)  # insert, chain head update
        cursor.execute(
            "UPDATE safeguarding_report SET status = 'opened' WHERE id = %s", [report.pk]
        )
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
        cursor.execute("RESET ROLE")
    assert AuditEntry.objects.get(pk=entry.pk).seq == entry.seq


@on_postgresql
def test_the_app_role_cannot_drop_disable_or_truncate_around_the_guards(app_role, straits):
    audit.record("view", make_report(straits), school=straits.school)
    for table in ("safeguarding_evidence", "safeguarding_auditentry", "registers_policyversion"):
        trigger = f"{dbguard.PREFIX}{table}_delete"
        _refused_as(app_role, f'DROP TRIGGER {trigger} ON "{table}"', "must be owner")
        _refused_as(app_role, f'ALTER TABLE "{table}" DISABLE TRIGGER ALL', "must be owner")
        _refused_as(app_role, f'ALTER TABLE "{table}" DISABLE TRIGGER {trigger}', "must be owner")
        _refused_as(app_role, f'TRUNCATE "{table}"', "permission denied")
        _refused_as(app_role, f'DROP TABLE "{table}" CASCADE', "must be owner")
    _refused_as(app_role, f"DROP FUNCTION {dbguard.PREFIX}safeguarding_auditentry_delete()",
                "must be owner")
    _refused_as(app_role, "DELETE FROM safeguarding_auditentry", "append-only|cannot be deleted")
    _refused_as(app_role, "UPDATE safeguarding_auditentry SET note = 'x'", "append-only")
    assert dbguard.expected("postgresql", dbguard.ALL_GUARDS) <= dbguard.installed(connection)


@on_postgresql
def test_what_a_database_superuser_deletes_anyway_is_found(straits, capsys):
    for _ in range(3):
        audit.record("view", school=straits.school)
    victim = AuditEntry.objects.filter(school=straits.school).order_by("seq")[1]
    with connection.cursor() as cursor:  # the superuser drops the trigger, then deletes
        cursor.execute(
            f"DROP TRIGGER {dbguard.PREFIX}safeguarding_auditentry_delete "
            'ON "safeguarding_auditentry"'
        )
        cursor.execute("DELETE FROM safeguarding_auditentry WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError) as failure:
        call_command("verify_evidence")
    assert failure.value.returncode == 1
    assert f"audit entry no. {victim.seq} of the audit chain is missing" in capsys.readouterr().err
    dbguard.install(connection, dbguard.GUARDS)
