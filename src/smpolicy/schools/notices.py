"""What waits for a person, shown at the top of the home page.

Apps that sit above ``schools`` (safeguarding, posting...) register a function here in their
AppConfig.ready(), so the home page can show their notices without the schools app importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Notice:
    text: str
    url: str


NoticeSource = Callable[[HttpRequest], list[Notice]]
_SOURCES: list[NoticeSource] = []


def register(source: NoticeSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def for_request(request: HttpRequest) -> list[Notice]:
    found: list[Notice] = []
    for source in _SOURCES:
        found += source(request)
    return found
