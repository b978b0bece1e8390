"""`smpolicy import-consent FILE --school SLUG [--dry-run]`: photo consent from the MIS's CSV."""

from __future__ import annotations

from typing import Any

from smpolicy.posting.consent_import import ConsentImportReport, import_consent
from smpolicy.schools.import_command import CsvImportCommand
from smpolicy.schools.models import School


class Command(CsvImportCommand):
    help = (
        "Import photo consent from a CSV file (columns pupil (MIS id or UPN), use, status, and "
        "optionally given_by, given_on, valid_until). Nothing is saved if any row has an error "
        "(exit code 2); importing the same file again changes nothing."
    )

    def run_import(self, school: School, source: Any, dry_run: bool) -> ConsentImportReport:
        return import_consent(school, source, dry_run=dry_run)
