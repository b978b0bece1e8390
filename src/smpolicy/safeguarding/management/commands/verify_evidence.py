"""`smpolicy verify-evidence`: is every record of what happened still as it was written?

Checks, for each school: every evidence file against the SHA-256 and size recorded when it was
added (missing or changed files); files in the evidence folder that no record points at; the audit
log's and the evidence register's hash chains (an entry changed, removed or inserted, the last
ones cut off); evidence rows against the register (a row deleted, changed or inserted outside the
app); destructions with no register or audit entry (forged). Exits 1 naming every problem.

Run it nightly from cron with ``--anchor FILE`` (a path outside the database and its backups): the
heads of the chains are written there after a clean run, and the next run checks the chains still
reach them, which finds even a database owner who cut off the last entries and put the head back.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.safeguarding import evidence, integrity
from smpolicy.safeguarding.models import Evidence
from smpolicy.schools.models import School


class Command(BaseCommand):
    help = (
        "Check every evidence file against its SHA-256, look for files with no record, and walk "
        "the audit and evidence hash chains. Exits 1 naming each problem found."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="one school's slug (default: every school)")
        parser.add_argument(
            "--strays",
            action="store_true",
            help="(kept for old cron lines: files with no record are always looked for now)",
        )
        parser.add_argument(
            "--anchor",
            help="a JSON file outside the database: the chains must still reach the heads it "
            "holds from the last clean run, and it is rewritten after this one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        items = Evidence.objects.exclude(file_path="").select_related("school", "report")
        schools = School.objects.all()
        if options.get("school"):
            schools = schools.filter(slug=options["school"])
            if not schools.exists():
                raise CommandError(f"no school with slug {options['school']!r}")
            items = items.filter(school__in=schools)
        anchor = Path(options["anchor"]) if options.get("anchor") else None
        anchored = self._read_anchor(anchor)
        checked = bad = 0
        for item, problem in evidence.verify(items.order_by("pk").iterator()):
            checked += 1
            if problem is not None:
                bad += 1
                self.stderr.write(
                    f"MISMATCH {item.school.slug} {item.report.reference} evidence {item.pk} "
                    f"({item.file_path}): {problem}"
                )
        known = set(Evidence.objects.exclude(file_path="").values_list("file_path", flat=True))
        for school in schools:
            root = Path(settings.MEDIA_ROOT) / "evidence" / school.slug
            for path in integrity.stray_files(root, known):
                bad += 1
                self.stderr.write(f"STRAY {path} (no record points at it)")
        findings = integrity.verify(list(schools.order_by("pk")), anchored)
        for finding in findings:
            bad += 1
            self.stderr.write(f"TAMPERED {finding}")
        self.stdout.write(
            f"{checked} file(s) checked, {bad} problem(s); the chains of {schools.count()} "
            "school(s) walked."
        )
        if bad:
            raise CommandError(
                f"{bad} problem(s) with the evidence and its records (listed above)", returncode=1
            )
        if anchor is not None:
            self._write_anchor(anchor, {s.slug: integrity.heads(s) for s in School.objects.all()})

    def _read_anchor(self, anchor: Path | None) -> dict[str, Any]:
        if anchor is None or not anchor.exists():
            return {}
        try:
            data = json.loads(anchor.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"the anchor file {anchor} cannot be read: {exc}") from exc
        if not isinstance(data, dict):
            raise CommandError(f"the anchor file {anchor} is not what this command writes")
        return data

    def _write_anchor(self, anchor: Path, heads: dict[str, Any]) -> None:
        anchor.parent.mkdir(parents=True, exist_ok=True)
        temporary = anchor.with_name(anchor.name + ".part")
        temporary.write_text(json.dumps(heads, indent=1, sort_keys=True), "utf-8")
        os.replace(temporary, anchor)
        self.stdout.write(f"Chain heads written to {anchor}.")
