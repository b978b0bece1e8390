"""Which policy engine answers for a school: its own pack if it loaded one, else the shipped one.

Engines are built once per pack and kept, since loading a pack validates and compiles it.
"""

from __future__ import annotations

from functools import cache

from smpolicy.policy import Engine, default_engine, load_pack
from smpolicy.schools.models import School


@cache
def _engine_for_pack(reference: str) -> Engine:
    return Engine(load_pack(reference))


def engine_for(school: School | None) -> Engine:
    reference = (school.policy_pack if school is not None else "").strip()
    if not reference:
        return default_engine()
    return _engine_for_pack(reference)
