"""`smpolicy remind-actions`: what the hourly beat job does (smpolicy.jobs), by hand or from cron
where no worker runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from smpolicy.jobs.runs import run
from smpolicy.safeguarding.telling import remind_overdue_actions
from smpolicy.schools.clock import add_now_argument, command_now


class Command(BaseCommand):
    help = (
        "Remind each owner, once, of a safeguarding case action past its due date and not done "
        "(a link only). Run it hourly, e.g. cron: 10 * * * * smpolicy remind-actions"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_now_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        now = command_now(options.get("now"))

        def work() -> str:
            return f"{remind_overdue_actions(now)} overdue action(s) reminded"

        # The beat job's lease: cron and a worker never remind at the same moment, and each
        # claim holds by itself should they.
        summary = run("remind-actions", work)
        self.stdout.write(summary or "A worker is reminding right now; nothing more to do.")
