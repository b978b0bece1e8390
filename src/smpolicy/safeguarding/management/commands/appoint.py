"""`smpolicy appoint --school SLUG --person ID --post POST --reason TEXT`: a new school's first
headteacher, DSL or Chair, when there is nobody yet who could confirm it in the app.

Whoever runs it has the server itself, so a second person in the app would add nothing; the
appointment is still recorded as a confirmed access change and in the safeguarding audit, naming
the command line. Once a school has a headteacher and a Chair, it refuses: changes are then asked
for and confirmed on Safeguarding → Posts and access.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.safeguarding import access_changes
from smpolicy.schools.models import Person, Position, School
from smpolicy.schools.positions import holders


class Command(BaseCommand):
    help = "Give a new school its first headteacher, DSL or Chair of Governors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="the school's slug")
        parser.add_argument("--person", required=True, type=int, help="the person's id")
        parser.add_argument("--post", required=True, choices=sorted(Position.GUARDED))
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"no school {options['school']!r}")
        person = Person.objects.for_school(school).filter(pk=options["person"]).first()
        if person is None:
            raise CommandError(f"no person {options['person']} at {school.name}")
        if holders(school, "headteacher").exists() and holders(
            school, "chair_of_governors"
        ).exists():
            raise CommandError(
                f"{school.name} has a headteacher and a Chair: ask for the change on "
                "Safeguarding → Posts and access, where a second person confirms it"
            )
        try:
            access_changes.appoint_directly(
                person,
                options["post"],
                source="the server's command line",
                reason=options["reason"],
            )
        except (access_changes.ChangeRefused, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{person.full_name} holds the {options['post']} post at {school.name}.")
