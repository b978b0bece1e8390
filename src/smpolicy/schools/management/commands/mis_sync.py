"""smpolicy mis-sync --school SLUG [--dry-run] [--now TIME]: sync a school's people from Wonde.

``--all`` syncs every school whose connection is set to sync nightly (what a cron line would run;
the scheduler can call ``smpolicy.schools.mis_sync.sync_school`` itself). Exit code 2 when a sync
changed nothing because of an error (a refused token, a record that does not validate).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from smpolicy.schools.clock import command_now
from smpolicy.schools.mis_sync import nightly_sync, sync_school
from smpolicy.schools.models import School


class Command(BaseCommand):
    help = (
        "Sync a school's pupils, staff, parents, classes and leavers from its MIS through Wonde. "
        "Nothing is changed if anything goes wrong (exit code 2)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--school", help="the school's slug")
        parser.add_argument(
            "--all", action="store_true", help="every school set to sync nightly"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would change; save nothing"
        )
        parser.add_argument("--now", help="the time of the run (ISO 8601), for a catch-up run")

    def handle(
        self, *args: Any, school: str | None, all: bool, dry_run: bool, now: str | None,
        **options: Any,
    ) -> None:
        when = command_now(now)
        if all:
            reports = nightly_sync(when)
        else:
            found = School.objects.filter(slug=school).first() if school else None
            if found is None:
                known = ", ".join(School.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(
                    f"Say which school with --school SLUG, or --all (schools: {known})."
                    if not school
                    else f"There is no school {school!r} (schools: {known})."
                )
            reports = [sync_school(found, when, dry_run=dry_run)]
        for report in reports:
            self.stdout.write(report.as_text())
        failed = [r for r in reports if not r.ok]
        if failed:
            raise CommandError(
                f"{len(failed)} sync(s) changed nothing because of an error.", returncode=2
            )
