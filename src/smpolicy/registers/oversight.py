"""Oversight: the people named responsible for filtering and monitoring (DfE standards), the
annual review's state, and professional-judgement advisories (exceptions.professional-judgement).

The annual filtering and monitoring review itself is recorded by the network app
(``network.FilteringReview``); this module reads it when that app is installed, and names the
responsible people that review should be done by (``named_responsibles``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from smpolicy.registers.models import JudgementAdvisory, Responsibility
from smpolicy.schools.models import Person, School
from smpolicy.schools.positions import headteacher, holders


def optional_model(app_label: str, model_name: str) -> type[models.Model] | None:
    """Another app's model if that app is installed and has it; None otherwise."""
    if not apps.is_installed(f"smpolicy.{app_label}"):
        return None
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def responsibles(school: School, on: dt.date | None = None) -> dict[str, Responsibility | None]:
    """The current holder of each named responsibility, by kind (None when nobody is named)."""
    on = on or timezone.localdate()
    current = (
        Responsibility.objects.for_school(school)
        .filter(Q(starts_on__lte=on), Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("person")
        .order_by("-starts_on", "-id")
    )
    found: dict[str, Responsibility | None] = dict.fromkeys(Responsibility.Kind.values)
    for item in current:
        if found[item.kind] is None:
            found[item.kind] = item
    return found


def named_responsibles(school: School, on: dt.date | None = None) -> tuple[Person | None, ...]:
    """(senior leader, governor) named for filtering and monitoring: for the network app's review
    form to fill in its 'who reviewed' and 'governor responsible'."""
    found = responsibles(school, on)
    leader = found[Responsibility.Kind.FILTERING_LEADER]
    governor = found[Responsibility.Kind.FILTERING_GOVERNOR]
    return (leader.person if leader else None, governor.person if governor else None)


@dataclass(frozen=True)
class FilteringReviewState:
    """What the governance view says of the annual filtering and monitoring review."""

    recorded: bool  # the network app is installed and can record reviews
    last_on: dt.date | None
    next_due: dt.date | None
    pk: int | None = None

    def overdue(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.recorded and (self.next_due is None or self.next_due < on)


def filtering_review_state(school: School) -> FilteringReviewState:
    model = optional_model("network", "FilteringReview")
    if model is None:
        return FilteringReviewState(False, None, None)
    try:
        latest: Any = model._default_manager.filter(school=school).order_by(
            "-reviewed_on", "-id"
        ).first()
    except Exception:  # the other app's table may not be migrated yet
        return FilteringReviewState(False, None, None)
    if latest is None:
        return FilteringReviewState(True, None, None)
    return FilteringReviewState(
        True,
        getattr(latest, "reviewed_on", None),
        getattr(latest, "next_review_due", None),
        latest.pk,
    )


# -- professional judgement ---------------------------------------------------------------------


def advisory_recipient(school: School, by: Person) -> Person | None:
    """Whom a professional judgement is advised to: the headteacher; the Chair of Governors when
    it is the headteacher's own."""
    head = headteacher(school)
    if head is not None and head.pk != by.pk:
        return head
    chair = holders(school, "chair_of_governors").first()
    return chair


def advisories_for(person: Person) -> models.QuerySet:
    """The advisories ``person`` may read: their own and those advised to them."""
    return (
        JudgementAdvisory.objects.for_school(person.school_id)
        .filter(Q(advised_by=person) | Q(advised_to=person))
        .select_related("advised_by", "advised_to")
    )


def mark_seen(advisory: JudgementAdvisory, by: Person, now: dt.datetime | None = None) -> None:
    if advisory.seen_at is None and by.pk == advisory.advised_to_id:
        advisory.seen_at = now or timezone.now()
        advisory.save(update_fields=["seen_at"])
