"""`smpolicy reset-second-factor USERNAME --reason TEXT`: for a lost or replaced phone.

It asks for the reset; it does not make it. The headteacher (the Chair, for the headteacher's own
app) confirms on Safeguarding → Posts and access with their own second factor, and only then is
the old app revoked (kept on record, never deleted) so the person enrols a new one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.safeguarding import access_changes
from smpolicy.schools.access import person_for


class Command(BaseCommand):
    help = (
        "Ask for a user's authenticator app to be reset; the headteacher (or the Chair, for the "
        "headteacher) confirms it in the app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="Why: kept with the request.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        person = person_for(user)
        if person is None:
            raise CommandError(
                f"{user.get_username()!r} is not linked to a person at a school, so there is "
                "nobody at a school to confirm a reset"
            )
        try:
            change = access_changes.request_change(
                person.school,
                access_changes.What.RESET_SECOND_FACTOR,
                person,
                requested_by=None,
                reason=options["reason"],
                requested_by_name="the server's command line",
            )
        except access_changes.ChangeRefused as exc:
            raise CommandError(str(exc)) from exc
        who = ", ".join(p.full_name for p in access_changes.confirmers(change)) or "nobody yet"
        self.stdout.write(
            f"Asked (request {change.pk}). It takes effect once confirmed in the app by: {who}."
        )
