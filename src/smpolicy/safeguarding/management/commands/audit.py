"""`smpolicy audit`: print the safeguarding audit log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from smpolicy.safeguarding.models import AuditEntry
from smpolicy.schools.models import School


class Command(BaseCommand):
    help = "Print the audit log of safeguarding records: who viewed or changed what, and when."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="one school's slug")
        parser.add_argument("--since", help="from this date or time (ISO 8601)")
        parser.add_argument("--reference", help="one record's reference, e.g. R2026-0001")
        parser.add_argument("--user", help="one sign-in name")
        parser.add_argument("--json", action="store_true", help="JSON Lines, one entry a line")

    def handle(self, *args: Any, **options: Any) -> None:
        entries = AuditEntry.objects.select_related("school").order_by("at", "id")
        if options.get("school"):
            school = School.objects.filter(slug=options["school"]).first()
            if school is None:
                raise CommandError(f"no school with slug {options['school']!r}")
            entries = entries.filter(school=school)
        if options.get("since"):
            try:
                since = dt.datetime.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError(f"--since: {exc}") from None
            if timezone.is_naive(since):
                since = timezone.make_aware(since)
            entries = entries.filter(at__gte=since)
        if options.get("reference"):
            entries = entries.filter(reference=options["reference"])
        if options.get("user"):
            entries = entries.filter(username=options["user"])
        for entry in entries.iterator():
            if options.get("json"):
                self.stdout.write(
                    json.dumps(
                        {
                            "at": entry.at.isoformat(),
                            "school": entry.school.slug,
                            "user": entry.username,
                            "person": entry.person_name,
                            "action": entry.action,
                            "record_type": entry.record_type,
                            "record_id": entry.record_id,
                            "reference": entry.reference,
                            "note": entry.note,
                            "ip": entry.ip_address,
                        }
                    )
                )
            else:
                self.stdout.write(
                    f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M:%S} {entry.school.slug} "
                    f"{entry.username or '-'} ({entry.person_name or '-'}) {entry.action} "
                    f"{entry.record_type} {entry.reference or entry.record_id}"
                    + (f" — {entry.note}" if entry.note else "")
                )
