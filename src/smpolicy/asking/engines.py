"""Which policy engine answers for a school.

In order: the policy version the school has put in force (its pack as signed off by the Chair and
the Headteacher, kept whole in the register), else the pack file the school loaded, else the
shipped pack. So the policy the governors approved is the policy every decision applies, from the
day it comes into force.

Engines are built once per pack and kept, since loading a pack validates and compiles it; a
version's engine is keyed by its pack's SHA-256 and seal, so only those are read on each call.

A version in force whose YAML does not match its stored SHA-256, or whose seal (made at approval,
under a key the database does not hold) does not hold, was changed outside the app: it is refused
loudly (an error in the log, every time) and decisions fall back to the school's pack file, else
the shipped pack, rather than apply a policy nobody signed.
"""

from __future__ import annotations

import logging
from functools import cache

from smpolicy.policy import Engine, default_engine, load_pack, parse_pack_text
from smpolicy.schools.models import School


@cache
def _engine_for_pack(reference: str) -> Engine:
    return Engine(load_pack(reference))


_version_engines: dict[tuple[str, str], Engine] = {}
log = logging.getLogger("smpolicy.policy")


def _in_force_engine(school: School) -> Engine | None:
    # Imported here: the registers app imports this module, and models load after apps.
    from smpolicy.registers.models import PolicyVersion

    versions = PolicyVersion.objects.filter(school=school, status=PolicyVersion.Status.IN_FORCE)
    found = versions.values_list("pack_sha256", "sign_off_seal").first()
    if not found or not found[0]:
        return None
    engine = _version_engines.get(found)
    if engine is None:
        version = versions.get()
        if not version.pack_intact:
            log.error(
                "policy version %s of school %s is in force but its pack does not match its "
                "SHA-256 or its sign-off seal: it was changed outside the app; decisions use the "
                "school's pack file or the shipped pack until a signed version is put in force",
                version.label,
                school.pk,
            )
            return None
        engine = _version_engines[found] = Engine(
            parse_pack_text(version.pack_yaml, source=f"policy version {version.label}")
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
