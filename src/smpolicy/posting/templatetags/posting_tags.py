"""Small template helpers for the posting pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from smpolicy.posting.models import OfficialPost

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def status_label(post: OfficialPost, now: dt.datetime | None = None) -> str:
    """The post's status as it stands at ``now`` (an approval past its time has lapsed)."""
    return post.status_label_at(now)
