"""The shape every CSV import command shares: FILE (or - for standard input), --school, --dry-run.

A school's people and its pupils' photo consents both come from the MIS as CSV; their commands
find the school and the file the same way and end the same way: a report, and exit code 2 with
nothing imported when any row has an error.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smpolicy.schools.importing import CsvReport
from smpolicy.schools.models import School


class CsvImportCommand(BaseCommand):
    # The import itself: (school, path or bytes, dry_run=...) -> a CsvReport.
    importer: Callable[..., CsvReport]

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the CSV file, or - to read standard input")
        parser.add_argument(
            "--school", help="the school's slug (may be left out where there is only one school)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; save nothing"
        )

    def handle(
        self, *args: Any, file: str, school: str | None, dry_run: bool, **options: Any
    ) -> None:
        slugs = list(School.objects.values_list("slug", flat=True))
        if school is None and len(slugs) == 1:
            school = slugs[0]
        found = School.objects.filter(slug=school).first() if school else None
        if found is None:
            known = ", ".join(slugs) or "none yet"
            if school is None:
                raise CommandError(f"Say which school with --school SLUG (schools: {known}).")
            raise CommandError(f"There is no school {school!r} (schools: {known}).")
        if file == "-":
            source: Any = sys.stdin.buffer.read()
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"There is no file {file!r}.")
            source = path
        report = self.importer(found, source, dry_run=dry_run)
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} error(s): nothing was imported.", returncode=2
            )
