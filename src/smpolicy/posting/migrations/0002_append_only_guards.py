"""Database triggers that keep a post's history and its approvals append-only (see history.py)."""

from django.db import migrations

from smpolicy.posting import history


class Migration(migrations.Migration):
    dependencies = [("posting", "0001_initial")]

    operations = [migrations.RunPython(history.install_guards, history.remove_guards)]
