"""The decision engine: the one place that answers "what does the policy say, and what next?"

Every rule of the pack is tried against the situation's facts; the strictest verdict of the rules
that apply is the decision's, with every clause that decided it and every obligation they carry.
A decision is data with its reasons: the rule ids that fired and the pack version are in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from smpolicy.platforms import Catalogue, default_catalogue
from smpolicy.policy import vocabulary as v
from smpolicy.policy.conditions import Condition
from smpolicy.policy.pack import Modifier, Obligation, Pack, Rule, default_pack
from smpolicy.policy.situation import FACT_TYPES, Facts, read_situation

SEVERITY = {verdict: rank for rank, verdict in enumerate(v.VERDICTS)}
_FIELD_ORDER = {name: i for i, name in enumerate(FACT_TYPES)}
# Facts the engine derives, and the situation field a person would fill in to know them.
_DERIVED_FROM = {
    "platform.known": "channel.platform",
    "platform.social_media": "channel.platform",
    "platform.category": "channel.platform",
    "platform.min_age": "channel.platform",
}


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: str
    clauses: tuple[str, ...]
    obligations: tuple[Obligation, ...]
    missing: tuple[str, ...]
    explanation: str
    rules: tuple[str, ...]
    pack: str
    version: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "clauses": list(self.clauses),
            "obligations": [o.as_dict() for o in self.obligations],
            "missing": list(self.missing),
            "explanation": self.explanation,
            "rules": list(self.rules),
            "policy": {"pack": self.pack, "version": self.version},
        }


def _evaluate(conditions: tuple[Condition, ...], facts: Facts, missing: list[str]) -> bool | None:
    """Kleene AND of the conditions: False beats not-known beats True. Appends unknown fields."""
    state: bool | None = True
    start = len(missing)
    for c in conditions:
        x = facts[c.field]
        if x is None:
            if c.matches_unknown:
                missing.append(c.field)
            elif c.unknown == "fail":
                del missing[start:]
                return False
            else:
                missing.append(c.field)
                if c.unknown == "ask":
                    state = None
        elif c.matches_unknown or not c.test(x):
            del missing[start:]
            return False
    return state


def _rule_applies(rule: Rule, facts: Facts, missing: list[str]) -> bool | None:
    state = _evaluate(rule.all_of, facts, missing)
    if state is False or not rule.any_of:
        return state
    start = len(missing)
    best: bool | None = False
    for group in rule.any_of:
        group_missing: list[str] = []
        outcome = _evaluate(group, facts, group_missing)
        if outcome is True:
            del missing[start:]
            missing.extend(group_missing)
            best = True
            break
        if outcome is None:
            best = None
            missing.extend(group_missing)
    if best is False:
        del missing[start:]
        return False
    return None if (best is None or state is None) else True


class Engine:
    """Decides situations against one pack and platform catalogue. Pure: no database, no Django."""

    def __init__(
        self,
        pack: Pack | None = None,
        catalogue: Catalogue | None = None,
        cache_size: int = 200_000,
    ) -> None:
        self.pack = pack or default_pack()
        self.catalogue = catalogue or default_catalogue()
        # The cache key: every fact a rule reads, and those `_input_fields` reads for `missing`.
        keyed = set(self.pack.fields) | {"actor.age", "platform.known"}
        self._fields = tuple(f for f in FACT_TYPES if f in keyed)
        self._by_action: dict[str, list[Rule]] = {
            action: [r for r in self.pack.rules if r.actions is None or action in r.actions]
            for action in v.ACTIONS
        }
        self._cache: dict[tuple[Any, ...], Decision] = {}
        self._json_cache: dict[tuple[Any, ...], bytes] = {}
        self._cache_size = cache_size
        self._platforms: dict[str, Any] = {}

    # -- public -----------------------------------------------------------------------------

    def decide(self, situation: Any) -> dict[str, Any]:
        """Decide one situation (the contract's input) and return the contract's decision."""
        return self._decision(self.facts(situation))[1].as_dict()

    def decide_json(self, situation: Any) -> bytes:
        """The decision as JSON bytes; the serialised form is cached with the decision."""
        key, decision = self._decision(self.facts(situation))
        out = self._json_cache.get(key)
        if out is None:
            out = orjson.dumps(decision.as_dict())
            if len(self._json_cache) >= self._cache_size:
                self._json_cache.clear()
            self._json_cache[key] = out
        return out

    def facts(self, situation: Any) -> Facts:
        """The situation read into facts, with what the catalogue adds about the platform."""
        facts = read_situation(situation)
        platform = self._platform(facts["channel.platform"])
        age = facts["actor.age"]
        if platform is None:
            facts["platform.known"] = None
            facts["platform.social_media"] = None
            facts["platform.category"] = None
            facts["platform.min_age"] = None
            facts["actor.below_platform_age"] = None
        else:
            facts["platform.known"] = True
            facts["platform.social_media"] = True  # the catalogue holds the policy's social media
            facts["platform.category"] = platform.category
            facts["platform.min_age"] = platform.min_age
            if platform.min_age is None:
                facts["actor.below_platform_age"] = False
            else:
                facts["actor.below_platform_age"] = None if age is None else age < platform.min_age
        return facts

    # -- internals --------------------------------------------------------------------------

    def _platform(self, key: str | None) -> Any:
        if key is None:
            return None
        try:
            return self._platforms[key]
        except KeyError:
            found = self.catalogue.get(key)
            if len(self._platforms) < 10_000:
                self._platforms[key] = found
            return found

    def _decision(self, facts: Facts) -> tuple[tuple[Any, ...], Decision]:
        key = tuple([facts[f] for f in self._fields])
        decision = self._cache.get(key)
        if decision is None:
            decision = self._decide(facts)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[key] = decision
        return key, decision

    def _decide(self, facts: Facts) -> Decision:
        pack = self.pack
        fired: list[tuple[int, Rule, list[str]]] = []  # (effective severity, rule, assumed)
        possible: list[tuple[int, Rule, list[str]]] = []
        missing: list[str] = []
        softened: dict[str, Modifier] = {}
        modifiers = [m for m in pack.modifiers if _evaluate(m.all_of, facts, []) is True]

        for rule in self._by_action[facts["action"]]:
            rule_missing: list[str] = []
            state = _rule_applies(rule, facts, rule_missing)
            if state is False:
                continue
            severity = SEVERITY[rule.verdict]
            for mod in modifiers:
                if rule.clause in mod.clauses and severity < SEVERITY[mod.verdict]:
                    severity = SEVERITY[mod.verdict]
                    softened[rule.id] = mod
            if state is True:
                fired.append((severity, rule, rule_missing))
            else:
                possible.append((severity, rule, rule_missing))

        precaution = False
        if fired:
            verdict_rank = min(s for s, _, _ in fired)
            # The verdict rests on an assumption only if every rule giving it assumed something.
            winners = [m for s, _, m in fired if s == verdict_rank]
            if all(winners):
                for m in winners:
                    missing.extend(m)
        elif possible:
            # Nothing applies for certain: take the strictest that might, and say what's not known.
            precaution = True
            verdict_rank = min(s for s, _, _ in possible)
            fired = possible
        else:
            verdict_rank = SEVERITY[pack.fallback.verdict]
            fired = [(verdict_rank, pack.fallback, [])]
        for severity, _rule, rule_missing in possible:
            if precaution or severity < verdict_rank:
                missing.extend(rule_missing)

        fired.sort(key=lambda each: (each[0], each[1].order))
        verdict = v.VERDICTS[verdict_rank]
        # A restriction is decided by every restricting rule; a permission by every rule that fired.
        if verdict_rank < SEVERITY["advisory"]:
            deciding = [r for s, r, _ in fired if s < SEVERITY["advisory"]]
        else:
            deciding = [r for _s, r, _ in fired]

        clauses: list[str] = []
        for rule in deciding:
            mod = softened.get(rule.id)
            for cid in ((mod.clause,) if mod else ()) + (rule.clause, *rule.cites):
                if cid not in clauses:
                    clauses.append(cid)

        obligations: list[Obligation] = []
        for _s, rule, _m in fired:
            for ob in rule.obligations:
                if ob not in obligations:
                    obligations.append(ob)
        for follow in pack.follow_ups:
            if verdict in follow.verdicts and _evaluate(follow.all_of, facts, []) is True:
                for ob in follow.obligations:
                    if ob not in obligations:
                        obligations.append(ob)

        missing_fields = _input_fields(missing, facts)
        top = deciding[0]
        explanation = _explain(top, softened.get(top.id), missing_fields, precaution)
        return Decision(
            verdict=verdict,
            clauses=tuple(clauses),
            obligations=tuple(obligations),
            missing=missing_fields,
            explanation=explanation,
            rules=tuple(r.id for r in deciding),
            pack=pack.id,
            version=pack.version,
        )


def _input_fields(missing: list[str], facts: Facts) -> tuple[str, ...]:
    """Name what a person would fill in: derived facts map back to the situation's fields."""
    fields: set[str] = set()
    for name in missing:
        if name == "actor.below_platform_age":
            if facts["platform.known"] is None:
                fields.add("channel.platform")
            if facts["actor.age"] is None:
                fields.add("actor.age")
        else:
            fields.add(_DERIVED_FROM.get(name, name))
    return tuple(sorted(fields, key=lambda f: _FIELD_ORDER.get(f, len(_FIELD_ORDER))))


def _explain(
    rule: Rule, modifier: Modifier | None, missing: tuple[str, ...], precaution: bool
) -> str:
    text = rule.explain
    if modifier is not None:
        text = f"{modifier.explain} {text}"
    text = f"{text} The policy says: “{rule.quote}” ({rule.clause})."
    if missing:
        fields = ", ".join(missing)
        if precaution:
            text += f" Not known: {fields}; until it is, treat it this way."
        else:
            text += f" Not known: {fields}; knowing it could change the answer."
    return text
