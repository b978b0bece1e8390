"""`smpolicy escalate-alerts`: what the beat job does every minute (smpolicy.jobs), by hand or
from cron where no worker runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from smpolicy.jobs.runs import run
from smpolicy.safeguarding.alerts import escalate
from smpolicy.schools.clock import add_now_argument, command_now
from smpolicy.web.startup import catch_up


class Command(BaseCommand):
    help = (
        "Escalate immediate safeguarding reports nobody has opened within 15 minutes. "
        "Run it every minute, e.g. cron: * * * * * smpolicy escalate-alerts"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_now_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        now = command_now(options.get("now"))
        done: list[tuple[Any, str]] = []

        def work() -> str:
            done.extend(escalate(now))
            return f"{len(done)} report(s) escalated or reminded"

        # The same lease as the beat job's: when escalation last ran is what /healthz reports,
        # whether a worker or cron ran it.
        if run("escalate-alerts", work) is None:
            self.stdout.write("A worker is escalating right now; nothing more to do.")
        for report, what in done:
            self.stdout.write(f"{report.school.slug} {report.reference}: {what}")
        # Every minute is also when interrupted work is caught up on (smpolicy.web.startup).
        for what, count in catch_up().items():
            if count:
                self.stdout.write(f"{count} {what}")
