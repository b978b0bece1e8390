"""`smpolicy import-consent FILE --school SLUG [--dry-run]`: photo consent from the MIS's CSV."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smpolicy.posting.consent_import import import_consent
from smpolicy.schools.models import School


class Command(BaseCommand):
    help = (
        "Import photo consent from a CSV file (columns pupil (MIS id or UPN), use, status, and "
        "optionally given_by, given_on, valid_until). Nothing is saved if any row has an error "
        "(exit code 2); importing the same file again changes nothing."
    )

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
        report = import_consent(found, source, dry_run=dry_run)
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} error(s): nothing was imported.", returncode=2
            )
