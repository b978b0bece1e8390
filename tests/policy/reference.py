"""A plain, rule-by-rule evaluator of a pack: the readable statement of what the engine's compiled
plan must compute. test_properties.py checks the two agree on arbitrary situations."""

from __future__ import annotations

from typing import Any

from smpolicy.policy import Engine
from smpolicy.policy.conditions import Condition
from smpolicy.policy.engine import _explain
from smpolicy.policy.situation import FACT_TYPES

VERDICTS = ["prohibited", "needs_approval", "allowed_with_conditions", "advisory", "allowed", "not_covered"]
SEVERITY = {v: i for i, v in enumerate(VERDICTS)}
ORDER = {f: i for i, f in enumerate(FACT_TYPES)}


def holds(conditions: tuple[Condition, ...], facts: dict[str, Any]) -> tuple[bool | None, list[str]]:
    """Kleene AND: False beats not-known beats True; and the absent facts the conditions report."""
    state: bool | None = True
    reported: list[str] = []
    for c in conditions:
        x = facts[c.field]
        if x is None:
            if c.matches_unknown or c.unknown == "assume":
                reported.append(c.field)
            elif c.unknown == "fail":
                return False, []
            else:
                reported.append(c.field)
                state = None
        elif c.matches_unknown or not c.test(x):
            return False, []
    return state, reported


def applies(rule: Any, facts: dict[str, Any]) -> tuple[bool | None, list[str]]:
    """A rule applies when its `when` and one of its `when_any` groups hold."""
    groups = list(rule.any_of) or [()]
    outcomes = [holds(rule.all_of + tuple(g), facts) for g in groups]
    for state, reported in outcomes:
        if state is True:
            return True, reported  # the first way it applies
    maybe = [r for s, r in outcomes if s is None]
    if maybe:
        return None, [f for r in maybe for f in r]  # every way it might
    return False, []


def decide(engine: Engine, situation: Any) -> dict[str, Any]:
    pack = engine.pack
    facts = engine.facts(situation)
    mods = [m for m in pack.modifiers if holds(m.all_of, facts)[0] is True]
    fired, possible, softened = [], [], {}
    for rule in pack.rules:
        state, reported = applies(rule, facts)
        if state is False:
            continue
        severity = SEVERITY[rule.verdict]
        for m in mods:
            if rule.clause in m.clauses and severity < SEVERITY[m.verdict]:
                severity, softened[rule.id] = SEVERITY[m.verdict], m
        (fired if state else possible).append((severity, rule, reported))

    missing: list[str] = []
    precaution = False
    if fired:
        rank = min(s for s, _, _ in fired)
        winners = [r for s, _, r in fired if s == rank]
        if all(winners):
            missing += [f for r in winners for f in r]
    elif possible:
        precaution, rank, fired = True, min(s for s, _, _ in possible), possible
    else:
        rank = SEVERITY[pack.fallback.verdict]
        fired = [(rank, pack.fallback, [])]
    for s, _, r in possible:
        if precaution or s < rank:
            missing += r

    fired.sort(key=lambda e: (e[0], e[1].order))
    verdict = VERDICTS[rank]
    advisory = SEVERITY["advisory"]
    deciding = [r for s, r, _ in fired if s < advisory] if rank < advisory else [r for _, r, _ in fired]
    clauses: list[str] = []
    for rule in deciding:
        m = softened.get(rule.id)
        for cid in ((m.clause,) if m else ()) + (rule.clause, *rule.cites):
            if cid not in clauses:
                clauses.append(cid)
    obligations: list[Any] = []
    for _, rule, _ in fired:
        obligations += [o for o in rule.obligations if o not in obligations]
    for follow in pack.follow_ups:
        if verdict in follow.verdicts and holds(follow.all_of, facts)[0] is True:
            obligations += [o for o in follow.obligations if o not in obligations]

    fields: set[str] = set()
    for name in missing:
        if name == "actor.below_platform_age":
            if facts["platform.known"] is None:
                fields.add("channel.platform")
            if facts["actor.age"] is None:
                fields.add("actor.age")
        elif name.startswith("platform."):
            fields.add("channel.platform")
        else:
            fields.add(name)
    named = tuple(sorted(fields, key=ORDER.__getitem__))
    return {
        "verdict": verdict,
        "clauses": clauses,
        "obligations": [o.as_dict() for o in obligations],
        "missing": list(named),
        "explanation": _explain(deciding[0], softened.get(deciding[0].id), named, precaution),
        "rules": [r.id for r in deciding],
        "policy": {"pack": pack.id, "version": pack.version},
    }
