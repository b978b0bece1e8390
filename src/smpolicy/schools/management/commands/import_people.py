"""manage.py import_people FILE --school SLUG [--dry-run]: import a school's people from a CSV."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smpolicy.schools.importing import import_people
from smpolicy.schools.models import School


class Command(BaseCommand):
    help = (
        "Import people from a CSV file (columns first_name, last_name, role, and optionally "
        "preferred_name, date_of_birth, external_id, email, on_roll, on_roll_from, on_roll_until, "
        "parent_of, relationship). Nothing is saved if any row has an error (exit code 2)."
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
        report = import_people(found, source, dry_run=dry_run)
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} error(s): nothing was imported.", returncode=2
            )
