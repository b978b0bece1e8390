"""Template helpers of the registers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from smpolicy.registers.roles import register_capabilities

register = template.Library()


@register.simple_tag(takes_context=True)
def register_caps(context: dict[str, Any]) -> frozenset[str]:
    """What the signed-in person may do in the registers (see registers.roles)."""
    return register_capabilities(context.get("person"))


@register.filter
def days_left(day: dt.date | None) -> str:
    """'due in 3 days', 'due today', 'overdue by 2 days'."""
    if day is None:
        return ""
    left = (day - timezone.localdate()).days
    if left > 1:
        return f"due in {left} days"
    if left == 1:
        return "due tomorrow"
    if left == 0:
        return "due today"
    return f"overdue by {-left} day{'s' if left != -1 else ''}"


@register.filter
def is_past(day: dt.date | None) -> bool:
    return day is not None and day < timezone.localdate()


@register.filter
def percent_of(value: int, total: int) -> int:
    return round(100 * value / total) if total else 0
