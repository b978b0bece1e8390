"""How long each kind of record is kept (IRMS Information Management Toolkit for Schools).

A rule gives a date; when it has passed, the record appears on the review list, and it is destroyed
only when a person confirms it there. A record on legal hold (relevant to an inquiry such as the one
into child sexual abuse) is never offered for destruction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from smpolicy.safeguarding import audit
from smpolicy.safeguarding.models import Report, RetentionChange
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


# -- keeping a record longer ----------------------------------------------------------------------


class RetentionRefused(ValueError):
    """A change the record's state does not allow, said plainly."""


def _change(
    report: Report,
    kind: str,
    person: Person,
    reason: str,
    request: Any,
    until: dt.date | None = None,
) -> RetentionChange:
    reason = reason.strip()
    if not reason:
        raise RetentionRefused("Say why: the reason is kept with the record for whoever asks.")
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        before = locked.retain_until
        if kind == RetentionChange.Kind.HOLD:
            if locked.legal_hold:
                raise RetentionRefused(f"{locked.reference} is already on legal hold.")
            locked.legal_hold = True
        elif kind == RetentionChange.Kind.RELEASE:
            if not locked.legal_hold:
                raise RetentionRefused(f"{locked.reference} is not on legal hold.")
            locked.legal_hold = False
        else:
            if until is None or (before is not None and until <= before):
                raise RetentionRefused(
                    f"{locked.reference} is already kept until {before:%d %B %Y}: a new date "
                    "must be later. A record is never kept for less than its rule says."
                    if before else "Give the date to keep it until."
                )
            locked.retain_until = until
        # The decision first: the database lets a hold be lifted only once a decision to lift
        # it is recorded (dbguard).
        change = RetentionChange.objects.create(
            school_id=locked.school_id,
            report=locked,
            kind=kind,
            reason=reason,
            retain_until_before=before,
            retain_until_after=locked.retain_until,
            made_by=person,
        )
        locked.save(update_fields=["legal_hold", "retain_until"])
        audit.record(
            "retention", change, school=locked.school_id, request=request, person=person,
            note=RetentionChange.Kind(kind).label,
        )
    report.legal_hold, report.retain_until = locked.legal_hold, locked.retain_until
    return change


def place_hold(report: Report, person: Person, reason: str, request: Any = None) -> RetentionChange:
    """Never destroyed while held: relevant to an inquiry, a claim or a police investigation."""
    return _change(report, RetentionChange.Kind.HOLD, person, reason, request)


def lift_hold(report: Report, person: Person, reason: str, request: Any = None) -> RetentionChange:
    return _change(report, RetentionChange.Kind.RELEASE, person, reason, request)


def keep_until(
    report: Report, person: Person, until: dt.date, reason: str, request: Any = None
) -> RetentionChange:
    return _change(report, RetentionChange.Kind.EXTEND, person, reason, request, until)
