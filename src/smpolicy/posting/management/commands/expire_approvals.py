"""``smpolicy expire_approvals``: write down every approval that lapsed because its post was not
published by its scheduled time (and every post still waiting when its time passed).

Pages already treat such posts as expired when they read them; this makes the record and the
queues agree for everyone, and suits a cron job every few minutes. ``--now`` sets the clock (for
tests and for replaying a missed run).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.posting.workflow import expire_due
from smpolicy.schools.clock import command_now
from smpolicy.schools.models import School


class Command(BaseCommand):
    help = "Expire approvals of official posts not published by their scheduled time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="Only this school (its slug).")
        parser.add_argument(
            "--now", help="The time to expire at, ISO 8601 (default: now). For tests and replays."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = command_now(options.get("now"))
        school = None
        if options.get("school"):
            school = School.objects.filter(slug=options["school"]).first()
            if school is None:
                raise CommandError(f"no school with the slug {options['school']!r}")
        count = expire_due(now, school)
        self.stdout.write(f"{count} post{'s' if count != 1 else ''} expired")
