"""``smpolicy expire_approvals``: write down every approval that lapsed because its post was not
published by its scheduled time (and every post still waiting when its time passed).

Pages already treat such posts as expired when they read them; this makes the record and the
queues agree for everyone, and suits a cron job every few minutes. ``--now`` sets the clock (for
tests and for replaying a missed run).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from smpolicy.posting.workflow import expire_due
from smpolicy.schools.models import School


class Command(BaseCommand):
    help = "Expire approvals of official posts not published by their scheduled time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="Only this school (its slug).")
        parser.add_argument(
            "--now", help="The time to expire at, ISO 8601 (default: now). For tests and replays."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = self.clock(options.get("now"))
        school = None
        if options.get("school"):
            school = School.objects.filter(slug=options["school"]).first()
            if school is None:
                raise CommandError(f"no school with the slug {options['school']!r}")
        count = expire_due(now, school)
        self.stdout.write(f"{count} post{'s' if count != 1 else ''} expired")

    @staticmethod
    def clock(value: str | None) -> dt.datetime:
        if not value:
            return timezone.now()
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"--now: {value!r} is not an ISO 8601 time") from exc
        return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
