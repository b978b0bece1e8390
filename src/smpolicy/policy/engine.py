"""The decision engine: the one place that answers "what does the policy say, and what next?"

Every rule of the pack is tried against the situation; the strictest verdict of the rules that
apply is the decision's, with every clause that decided it and every obligation they carry. A
decision is data with its reasons: the rule ids that fired and the pack version are in it.

The rules are compiled into a plan (plan.py) that evaluates all of them in one pass over the
situation; a decision is assembled once per pattern of rules applying and kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from smpolicy.platforms import Catalogue, default_catalogue
from smpolicy.policy import vocabulary as v
from smpolicy.policy.pack import Modifier, Obligation, Pack, Rule, default_pack
from smpolicy.policy.plan import Key, Plan
from smpolicy.policy.situation import FACT_TYPES, Facts, read_situation

SEVERITY = {verdict: rank for rank, verdict in enumerate(v.VERDICTS)}
ADVISORY = SEVERITY["advisory"]
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


class Engine:
    """Decides situations against one pack and platform catalogue. Pure: no database, no Django."""

    def __init__(
        self,
        pack: Pack | None = None,
        catalogue: Catalogue | None = None,
        cache_size: int = 100_000,
    ) -> None:
        self.pack = pack or default_pack()
        self.catalogue = catalogue or default_catalogue()
        self.plan = Plan(self.pack, self.catalogue.get)
        self._cache: dict[Key, Decision] = {}
        self._json: dict[Key, bytes] = {}
        self._absences: dict[tuple[int, int], int] = {}
        self._cache_size = cache_size

    # -- public -----------------------------------------------------------------------------

    def decide(self, situation: Any) -> dict[str, Any]:
        """Decide one situation (the contract's input) and return the contract's decision."""
        # A fresh copy for the caller to keep or change; parsing the kept JSON is the cheapest.
        return orjson.loads(self.decide_json(situation))

    def decide_json(self, situation: Any) -> bytes:
        """The decision as JSON bytes; the serialised form is kept with the decision."""
        key = self._key(situation)
        out = self._json.get(key)
        if out is None:
            out = orjson.dumps(self._decision(key).as_dict())
            if len(self._json) >= self._cache_size:
                self._json.clear()
            self._json[key] = out
        return out

    def decision(self, situation: Any) -> Decision:
        """Raises SituationError, naming the field, for a situation outside the contract."""
        return self._decision(self._key(situation))

    def facts(self, situation: Any) -> Facts:
        """The situation read into facts, with what the catalogue adds about the platform."""
        facts = read_situation(situation)
        self.plan.derive(facts)
        return facts

    # -- internals --------------------------------------------------------------------------

    def _key(self, situation: Any) -> Key:
        """The plan's key with only the absences that can change this decision kept, so
        situations that differ in nothing that matters share one kept decision."""
        sure, maybe, absent = self.plan.key(situation)
        mask = self._absences.get((sure, maybe))
        if mask is None:
            mask = self._absences_that_matter(maybe)
            if len(self._absences) >= self._cache_size:
                self._absences.clear()
            self._absences[sure, maybe] = mask
        return sure, maybe, absent & mask

    def _absences_that_matter(self, units: int) -> int:
        bit = self.plan.bit
        mask = 0
        for i, unit in enumerate(self.plan.units):
            if units >> i & 1:
                for unit_bit, fact in unit.reports:
                    mask |= unit_bit
                    if fact == "actor.below_platform_age":
                        mask |= bit["actor.age"] | bit["platform.known"]
        return mask

    def _decision(self, key: Key) -> Decision:
        decision = self._cache.get(key)
        if decision is None:
            decision = self._assemble(*key)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[key] = decision
        return decision

    def _reported(self, units: int, absent: int, first_only: bool) -> list[str]:
        """The absent facts that the conditions of these units report."""
        out: list[str] = []
        for i, unit in enumerate(self.plan.units):
            if units >> i & 1:
                out.extend(fact for bit, fact in unit.reports if absent & bit)
                if first_only:
                    break
        return out

    def _assemble(self, sure: int, maybe: int, absent: int) -> Decision:
        pack, plan = self.pack, self.plan
        owned = plan.owner_units
        modifiers = [m for m in pack.modifiers if sure & owned[id(m)]]
        fired: list[tuple[int, Rule, list[str]]] = []  # (effective severity, rule, assumed facts)
        possible: list[tuple[int, Rule, list[str]]] = []
        softened: dict[str, Modifier] = {}
        for rule in pack.rules:
            units = owned[id(rule)]
            if sure & units:
                state, reported = True, self._reported(sure & units, absent, first_only=True)
            elif maybe & units:
                state, reported = False, self._reported(maybe & units, absent, first_only=False)
            else:
                continue
            severity = SEVERITY[rule.verdict]
            for mod in modifiers:
                if rule.clause in mod.clauses and severity < SEVERITY[mod.verdict]:
                    severity = SEVERITY[mod.verdict]
                    softened[rule.id] = mod
            (fired if state else possible).append((severity, rule, reported))

        missing: list[str] = []
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
        for severity, _rule, reported in possible:
            if precaution or severity < verdict_rank:
                missing.extend(reported)

        fired.sort(key=lambda each: (each[0], each[1].order))
        verdict = v.VERDICTS[verdict_rank]
        # A restriction is decided by every restricting rule; a permission by every rule that fired.
        if verdict_rank < ADVISORY:
            deciding = [r for s, r, _ in fired if s < ADVISORY]
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
            if verdict in follow.verdicts and sure & owned[id(follow)]:
                for ob in follow.obligations:
                    if ob not in obligations:
                        obligations.append(ob)

        fields = self._input_fields(missing, absent)
        top = deciding[0]
        return Decision(
            verdict=verdict,
            clauses=tuple(clauses),
            obligations=tuple(obligations),
            missing=fields,
            explanation=_explain(top, softened.get(top.id), fields, precaution),
            rules=tuple(r.id for r in deciding),
            pack=pack.id,
            version=pack.version,
        )

    def _input_fields(self, missing: list[str], absent: int) -> tuple[str, ...]:
        """Name what a person would fill in: derived facts map back to the situation's fields."""
        bit = self.plan.bit
        fields: set[str] = set()
        for name in missing:
            if name == "actor.below_platform_age":
                if absent & bit["platform.known"]:
                    fields.add("channel.platform")
                if absent & bit["actor.age"]:
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
