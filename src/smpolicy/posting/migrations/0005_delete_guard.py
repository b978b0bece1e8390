"""SQLite refuses DELETE of a post's history and approvals too, as PostgreSQL already did."""

from django.db import migrations

from smpolicy.posting import history


class Migration(migrations.Migration):
    dependencies = [("posting", "0004_register_history")]

    operations = [migrations.RunPython(history.install_all_guards, history.remove_delete_guards)]
