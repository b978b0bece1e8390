"""Which policy engine answers for a school.

In order: the policy version the school has put in force (its pack as signed off by the Chair and
the Headteacher, kept whole in the register), else the pack file the school loaded, else the
shipped pack. So the policy the governors approved is the policy every decision applies, from the
day it comes into force.

Engines are built once per pack and kept, since loading a pack validates and compiles it; a
version's engine is keyed by its pack's SHA-256, so only that hash is read on each call.
"""

from __future__ import annotations

from functools import cache

from smpolicy.policy import Engine, default_engine, load_pack, parse_pack_text
from smpolicy.schools.models import School


@cache
def _engine_for_pack(reference: str) -> Engine:
    return Engine(load_pack(reference))


_version_engines: dict[str, Engine] = {}


def _in_force_engine(school: School) -> Engine | None:
    # Imported here: the registers app imports this module, and models load after apps.
    from smpolicy.registers.models import PolicyVersion

    versions = PolicyVersion.objects.filter(school=school, status=PolicyVersion.Status.IN_FORCE)
    sha = versions.values_list("pack_sha256", flat=True).first()
    if not sha:
        return None
    engine = _version_engines.get(sha)
    if engine is None:
        label, text = versions.values_list("label", "pack_yaml").get()
        engine = _version_engines[sha] = Engine(
            parse_pack_text(text, source=f"policy version {label}")
        )
    return engine


def engine_for(school: School | None) -> Engine:
    if school is None:
        return default_engine()
    engine = _in_force_engine(school)
    if engine is not None:
        return engine
    reference = school.policy_pack.strip()
    if not reference:
        return default_engine()
    return _engine_for_pack(reference)
