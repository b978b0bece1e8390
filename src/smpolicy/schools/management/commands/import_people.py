"""manage.py import_people FILE --school SLUG [--kind pupils] [--dry-run]: import a school's people
from a CSV or Excel export (a mapping saved on the Import people page is used for its shape)."""

from __future__ import annotations

from argparse import ArgumentParser
from functools import partial
from typing import Any

from smpolicy.schools.import_command import CsvImportCommand
from smpolicy.schools.importing import EXPORT_KINDS, import_people


class Command(CsvImportCommand):
    help = (
        "Import people from a CSV or Excel (.xlsx) file (columns first_name, last_name, role, and "
        "optionally preferred_name, date_of_birth, external_id, email, on_roll, on_roll_from, "
        "on_roll_until, parent_of, relationship, year_group, class; or the school's saved mapping "
        "for an export of that shape). Nothing is saved if any row has an error (exit code 2)."
    )

    importer = staticmethod(import_people)

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--kind",
            choices=list(EXPORT_KINDS),
            help="what the export lists, giving each row its role when it has no role column",
        )

    def handle(self, *args: Any, kind: str | None = None, **options: Any) -> None:
        if kind:
            self.importer = partial(import_people, kind=kind)  # type: ignore[assignment]
        super().handle(*args, **options)
