"""`smpolicy teams-webhook`: the Teams channel a school's alerts are also posted to.

In Teams: the channel's ... → Workflows → "Post to a channel when a webhook request is received",
then copy the address it gives. The address lets anyone who has it post to the channel, so give it
on standard input (`--url -`) rather than on the command line; it is sealed at rest.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.safeguarding.delivery import webhook_problem
from smpolicy.safeguarding.models import AlertChannel
from smpolicy.schools.models import School


class Command(BaseCommand):
    help = "Set (or clear) the Teams Workflows webhook a school's safeguarding alerts go to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school's slug")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--url", help="the webhook's address, or - to read it from stdin")
        group.add_argument("--clear", action="store_true", help="stop posting to Teams")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"--school: no school has the slug {options['school']!r}")
        url = "" if options["clear"] else options["url"]
        if url == "-":
            url = sys.stdin.readline()
        url = url.strip()
        if url and (problem := webhook_problem(url)):
            raise CommandError(f"--url is wrong: {problem}")
        channel, _ = AlertChannel.objects.get_or_create(school=school)
        channel.teams_webhook_url = url
        channel.save()
        self.stdout.write(
            f"{school.name}: alerts are posted to Teams." if url
            else f"{school.name}: alerts are no longer posted to Teams."
        )
