"""`smpolicy import-consent FILE --school SLUG [--dry-run]`: photo consent from the MIS's CSV."""

from __future__ import annotations

from smpolicy.posting.consent_import import import_consent
from smpolicy.schools.import_command import CsvImportCommand


class Command(CsvImportCommand):
    help = (
        "Import photo consent from a CSV file (columns pupil (MIS id or UPN), use, status, and "
        "optionally given_by, given_on, valid_until). Nothing is saved if any row has an error "
        "(exit code 2); importing the same file again changes nothing."
    )

    importer = staticmethod(import_consent)
