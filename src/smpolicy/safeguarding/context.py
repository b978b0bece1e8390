"""Template context: the count of the DSL team's unopened alerts, for the menu on every page.

Only for the DSL team: anyone else gets no count at all (not even a zero), so the menu of a
teacher or a governor says nothing about whether reports are waiting.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from smpolicy.safeguarding import access
from smpolicy.safeguarding.models import Alert


def unopened_alerts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    person = getattr(request, "person", None)
    if person is None or user is None or not access.is_dsl_team(user):
        return {}
    count = (
        Alert.objects.for_school(person.school_id)
        .filter(recipient=person, seen_at__isnull=True)
        .filter(report__in=access.full_reports(person, user))
        .count()
    )
    return {"unopened_alerts": count}
