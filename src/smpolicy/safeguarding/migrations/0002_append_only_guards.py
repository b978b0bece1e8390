"""Database triggers that keep evidence, audit entries and decisions append-only (see dbguard)."""

from django.db import migrations

from smpolicy.safeguarding import dbguard


def install(apps, schema_editor):
    dbguard.install(schema_editor.connection, dbguard.GUARDS)


def remove(apps, schema_editor):
    dbguard.remove(schema_editor.connection, dbguard.GUARDS)


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
