"""manage.py import_people FILE --school SLUG [--dry-run]: import a school's people from a CSV."""

from __future__ import annotations

from smpolicy.schools.import_command import CsvImportCommand
from smpolicy.schools.importing import import_people


class Command(CsvImportCommand):
    help = (
        "Import people from a CSV file (columns first_name, last_name, role, and optionally "
        "preferred_name, date_of_birth, external_id, email, on_roll, on_roll_from, on_roll_until, "
        "parent_of, relationship). Nothing is saved if any row has an error (exit code 2)."
    )

    importer = staticmethod(import_people)
