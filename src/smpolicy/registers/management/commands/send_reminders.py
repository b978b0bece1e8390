"""`smpolicy send-reminders`: run by a scheduler (cron, a systemd timer), e.g. every hour."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.registers.reminders import run
from smpolicy.schools.clock import add_now_argument, command_now
from smpolicy.schools.models import School


class Command(BaseCommand):
    help = (
        "Open the registers' tasks that are due (new starters' profile reviews, reviews of "
        "declared social contacts) and send every reminder due, in the app and by e-mail, each "
        "exactly once. Run it from a scheduler, e.g. cron: 0 * * * * smpolicy send-reminders"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_now_argument(parser)
        parser.add_argument("--school", help="only this school (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = command_now(options.get("now"))
        schools = School.objects.all()
        if options.get("school"):
            schools = schools.filter(slug=options["school"])
            if not schools.exists():
                raise CommandError(f"--school: no school has the slug {options['school']!r}")
        for report in run(now, schools):
            self.stdout.write(
                f"{report.school.slug}: {report.tasks_opened} task(s) opened, "
                f"{len(report.sent)} reminder(s) sent, {report.emailed} e-mailed, "
                f"{report.email_problems} e-mail problem(s)"
            )
