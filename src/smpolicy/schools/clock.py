"""The clock of the scheduled commands: now, or the `--now` a test or a catch-up run gives."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone


def command_now(value: str | None) -> dt.datetime:
    """`--now` as an aware time (ISO 8601; a time without a zone is the school's), else now."""
    if not value:
        return timezone.now()
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now: {value!r} is not an ISO 8601 time") from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def add_now_argument(parser: CommandParser) -> None:
    """The scheduled commands' `--now` (read with ``command_now``)."""
    parser.add_argument(
        "--now",
        help="the time to act as if it were (ISO 8601, e.g. 2026-11-02T09:30:00+00:00); "
        "for tests and for catching up after an outage",
    )
