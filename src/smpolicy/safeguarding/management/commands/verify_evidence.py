"""`smpolicy verify-evidence`: re-check every stored evidence file against its SHA-256."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.safeguarding import evidence
from smpolicy.safeguarding.models import Evidence
from smpolicy.schools.models import School


class Command(BaseCommand):
    help = (
        "Re-check every stored evidence file against the SHA-256 recorded when it was added. "
        "Exits 1 if any file is missing or has changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="one school's slug (default: every school)")
        parser.add_argument(
            "--strays",
            action="store_true",
            help="also list files in the evidence folder that no record points at",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        items = Evidence.objects.exclude(file_path="").select_related("school", "report")
        schools = School.objects.all()
        if options.get("school"):
            schools = schools.filter(slug=options["school"])
            if not schools.exists():
                raise CommandError(f"no school with slug {options['school']!r}")
            items = items.filter(school__in=schools)
        checked = bad = 0
        for item, problem in evidence.verify(items.order_by("pk").iterator()):
            checked += 1
            if problem is not None:
                bad += 1
                self.stderr.write(
                    f"MISMATCH {item.school.slug} {item.report.reference} evidence {item.pk} "
                    f"({item.file_path}): {problem}"
                )
        if options.get("strays"):
            known = set(Evidence.objects.exclude(file_path="").values_list("file_path", flat=True))
            for school in schools:
                root = Path(settings.MEDIA_ROOT) / "evidence" / school.slug
                for path in evidence.stray_files(root, known):
                    self.stdout.write(f"STRAY {path} (no record points at it)")
        self.stdout.write(f"{checked} file(s) checked, {bad} problem(s).")
        if bad:
            raise CommandError(f"{bad} evidence file(s) missing or changed", returncode=1)
