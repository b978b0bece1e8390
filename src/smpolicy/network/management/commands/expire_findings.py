"""``smpolicy expire-findings``: delete findings older than each school's retention setting.

Run it daily (cron or a systemd timer). Findings are kept only as long as the school chose
(``NetworkSettings.retention_days``, 365 days unless set); raw logs are never kept at all.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from smpolicy.network.models import DEFAULT_RETENTION_DAYS, Finding, NetworkSettings
from smpolicy.schools.models import School
from smpolicy.words import counted, plural


class Command(BaseCommand):
    help = "Delete network findings last seen longer ago than each school keeps them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="say what would be deleted, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        days_of = dict(NetworkSettings.objects.values_list("school_id", "retention_days"))
        total = 0
        for school in School.objects.order_by("name"):
            days = days_of.get(school.pk, DEFAULT_RETENTION_DAYS)
            expired = Finding.objects.for_school(school).expired(days, now)
            count = expired.count()
            if count and not options["dry_run"]:
                expired.delete()
            total += count
            if count:
                verb = "would delete" if options["dry_run"] else "deleted"
                self.stdout.write(f"{school.name}: {verb} {counted(count, 'finding')} older "
                                  f"than {counted(days, 'day')}")
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(f"{verb} {total} expired {plural('finding', total)}.")
