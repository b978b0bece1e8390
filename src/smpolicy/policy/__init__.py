"""The policy engine: plain Python, no Django, so it runs and tests on its own.

`decide(situation)` answers the decisions contract (../shared/contracts/decisions.md).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from smpolicy.policy.engine import Decision, Engine
from smpolicy.policy.pack import (
    Pack,
    PackError,
    default_pack,
    load_pack,
    parse_pack,
    parse_pack_text,
)
from smpolicy.policy.situation import SituationError

__all__ = [
    "Decision",
    "Engine",
    "Pack",
    "PackError",
    "SituationError",
    "decide",
    "default_engine",
    "default_pack",
    "load_pack",
    "parse_pack",
    "parse_pack_text",
]


@cache
def default_engine() -> Engine:
    return Engine()


def decide(situation: dict[str, Any]) -> dict[str, Any]:
    """Decide one situation against the default pack; raises SituationError on bad input."""
    return default_engine().decide(situation)
