"""``smpolicy expire-questions``: delete the questions asked of the policy once they are past
their keeping time (SMPOLICY_QUESTIONS_KEPT_DAYS, 90 days unless set).

A question is kept with the asker's name so the school can answer a subject access request about
it; it is not kept longer than that needs. Run it daily; it is safe to run twice at once (a
second run finds nothing left to delete).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from smpolicy.asking.models import DecisionRecord, kept_days


class Command(BaseCommand):
    help = "Delete questions asked of the policy longer ago than they are kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="say how many would be deleted, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        days = kept_days()
        expired = DecisionRecord.objects.expired(timezone.now(), days)
        if options["dry_run"]:
            self.stdout.write(f"Would delete {_questions(expired.count())} older than {days} days.")
            return
        deleted, _ = expired.delete()
        self.stdout.write(f"Deleted {_questions(deleted)} older than {days} days.")


def _questions(n: int) -> str:
    return f"{n} question{'' if n == 1 else 's'}"
