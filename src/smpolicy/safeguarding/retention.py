"""How long each kind of record is kept (IRMS Information Management Toolkit for Schools).

A rule gives a date; when it has passed, the record appears on the review list, and it is destroyed
only when a person confirms it there. A record on legal hold (relevant to an inquiry such as the one
into child sexual abuse) is never offered for destruction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from smpolicy.safeguarding.models import Report
from smpolicy.schools.models import Person

# State pension age, used for "normal pension age" in the allegations rule (check for the person).
PENSION_AGE = 67
REVIEW_AHEAD_DAYS = 90


@dataclass(frozen=True)
class Rule:
    code: str
    label: str


RULES: dict[str, Rule] = {
    "child_protection": Rule(
        "child_protection",
        "Child protection file: the pupil's date of birth + 25 years, then review.",
    ),
    "allegation": Rule(
        "allegation",
        "Allegation about a member of staff: until their normal pension age or 10 years from "
        "the allegation, whichever is longer.",
    ),
    "general": Rule(
        "general",
        "Other incident records: 6 years from the incident.",
    ),
}


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def rule_and_date(
    report: Report, pupils: list[Person], subjects: list[Person]
) -> tuple[str, dt.date]:
    occurred = report.occurred_at.date()
    dated_pupils = [p for p in pupils if p.date_of_birth]
    if dated_pupils or report.is_safeguarding:
        if dated_pupils:
            youngest = max(p.date_of_birth for p in dated_pupils)  # type: ignore[type-var]
            return "child_protection", add_years(youngest, 25)
        # A child whose date of birth is not known: the longest a primary pupil could need.
        return "child_protection", add_years(occurred, 25 + 11)
    adults = [s for s in subjects if not s.is_pupil]
    if adults:
        until = add_years(occurred, 10)
        for adult in adults:
            if adult.date_of_birth:
                until = max(until, add_years(adult.date_of_birth, PENSION_AGE))
        return "allegation", until
    return "general", add_years(occurred, 6)


def due_for_review(reports: object, on: dt.date, ahead_days: int = REVIEW_AHEAD_DAYS) -> object:
    """Reports whose retention ends within ``ahead_days`` of ``on`` (or has ended)."""
    return reports.filter(  # type: ignore[attr-defined]
        retain_until__lte=on + dt.timedelta(days=ahead_days)
    ).order_by("retain_until")
