"""`smpolicy reset-second-factor USERNAME`: for a lost or replaced phone."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.safeguarding import audit
from smpolicy.safeguarding.models import SecondFactor
from smpolicy.schools.access import person_for


class Command(BaseCommand):
    help = "Remove a user's authenticator app so they enrol a new one at their next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        deleted, _ = SecondFactor.objects.filter(user=user).delete()
        person = person_for(user)
        if person is not None:
            audit.record(
                "reset_second_factor",
                None,
                school=person.school_id,
                user=user,
                person=person,
                record_type="second_factor",
                note="from the command line",
            )
        self.stdout.write("Reset." if deleted else "They had no authenticator app.")
