"""manage.py import_people FILE --school SLUG [--dry-run]: import a school's people from a CSV."""

from __future__ import annotations

from typing import Any

from smpolicy.schools.import_command import CsvImportCommand
from smpolicy.schools.importing import ImportReport, import_people
from smpolicy.schools.models import School


class Command(CsvImportCommand):
    help = (
        "Import people from a CSV file (columns first_name, last_name, role, and optionally "
        "preferred_name, date_of_birth, external_id, email, on_roll, on_roll_from, on_roll_until, "
        "parent_of, relationship). Nothing is saved if any row has an error (exit code 2)."
    )

    def run_import(self, school: School, source: Any, dry_run: bool) -> ImportReport:
        return import_people(school, source, dry_run=dry_run)
