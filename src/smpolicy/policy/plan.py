"""The pack compiled into a plan: every rule, modifier and follow-up evaluated at once, with bits.

Each way a rule can apply (its `when`, with one of its `when_any` groups) is a *unit* with a bit.
For every fact and every value it can take, the plan holds two masks: the units that value lets
apply for certain, and those it leaves possible (a condition with `unknown: ask` on an absent fact).
Reading a situation is then one pass over its fields that validates each value and ANDs its masks,
whatever the number of rules. What fired, what might, and which facts were absent is the key the
engine assembles (and caches) a decision from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from smpolicy.policy.conditions import Condition
from smpolicy.policy.pack import Pack
from smpolicy.policy.situation import FACT_TYPES, SituationError, read_situation

MAX_AGE = 130
Key = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Unit:
    """One way something in the pack can apply: `owner` is a Rule, Modifier or FollowUp."""

    owner: Any
    conditions: tuple[Condition, ...]
    # (bit of the fact in the absent-facts mask, fact) for conditions that report an absent fact
    reports: tuple[tuple[int, str], ...]


def _domain(fact: str) -> list[Any]:
    kind, vocab = FACT_TYPES[fact]
    if kind == "enum":
        return list(vocab or ())
    if kind == "bool":
        return [True, False]
    if kind == "int":
        return list(range(MAX_AGE + 1))
    if kind == "set":
        items = list(vocab or ())
        return [
            frozenset(x for i, x in enumerate(items) if n >> i & 1) for n in range(1 << len(items))
        ]
    return []  # free text: no condition tests it directly


class Plan:
    def __init__(self, pack: Pack, platform_lookup: Callable[[str], Any]) -> None:
        self.pack = pack
        self._lookup = platform_lookup
        self._platforms: dict[str, Any] = {}
        units: list[Unit] = []

        def add(
            owner: Any, all_of: tuple[Condition, ...], groups: Iterable[tuple[Condition, ...]]
        ) -> None:
            for group in list(groups) or [()]:
                units.append(Unit(owner, all_of + tuple(group), ()))

        for rule in pack.rules:
            add(rule, rule.all_of, rule.any_of)
        for mod in pack.modifiers:
            add(mod, mod.all_of, ())
        for follow in pack.follow_ups:
            add(follow, follow.all_of, ())

        # Every fact has a bit in the mask of absent facts; facts read to name what is missing
        # (the age and whether the platform is known) are among them.
        self.facts: tuple[str, ...] = tuple(FACT_TYPES)
        self.bit = {fact: 1 << i for i, fact in enumerate(self.facts)}
        self.units = tuple(
            Unit(
                u.owner,
                u.conditions,
                tuple(
                    (self.bit[c.field], c.field)
                    for c in u.conditions
                    if c.matches_unknown or c.unknown != "fail"
                ),
            )
            for u in units
        )
        self.all_units = (1 << len(self.units)) - 1
        self.owner_units: dict[int, int] = {}  # id(owner) -> mask of its units
        for i, unit in enumerate(self.units):
            self.owner_units[id(unit.owner)] = self.owner_units.get(id(unit.owner), 0) | 1 << i
        # Facts no condition tests need no table; free text that a condition tests gets its
        # entries on first sight (see _entry), the rest are complete for their whole domain.
        tested = {c.field for u in self.units for c in u.conditions}
        # Every fact with a finite domain gets a complete table, so one lookup both validates a
        # value and gives its masks; free text gets entries on first sight (see _lookup_entry).
        self.tables: dict[str, dict[Any, tuple[int, int]]] = {
            fact: self._table(fact) for fact in self.facts
        }
        self.free_text = frozenset(f for f in tested if FACT_TYPES[f][0] == "text")
        # Only these absences can change a decision: what conditions report, and what is read
        # to name the missing field of a derived fact.
        self.absence_matters = 0
        for unit in self.units:
            for bit, _fact in unit.reports:
                self.absence_matters |= bit
        self.absence_matters |= self.bit["actor.age"] | self.bit["platform.known"]
        self.reader_source = ""
        self._read = self._compile_reader()

    def _table(self, fact: str) -> dict[Any, tuple[int, int]]:
        """value -> (units certain, units possible); None is the absent fact."""
        return {value: self._entry(fact, value) for value in [None, *_domain(fact)]}

    def _entry(self, fact: str, value: Any) -> tuple[int, int]:
        sure = ask = 0
        for i, unit in enumerate(self.units):
            conditions = [c for c in unit.conditions if c.field == fact]
            if not conditions:
                sure |= 1 << i
                continue
            outcome: bool | None = True
            for c in conditions:
                if value is None:
                    if c.matches_unknown or c.unknown == "assume":
                        continue
                    if c.unknown == "fail":
                        outcome = False
                        break
                    outcome = None
                elif c.matches_unknown or not c.test(value):
                    outcome = False
                    break
            if outcome is True:
                sure |= 1 << i
            elif outcome is None:
                ask |= 1 << i
        return sure, ask | sure

    def _lookup_entry(self, fact: str, value: Any) -> tuple[int, int] | None:
        table = self.tables[fact]
        entry = table.get(value)
        if entry is None and fact in self.free_text and type(value) is str:
            entry = self._entry(fact, value)
            if len(table) < 10_000:
                table[value] = entry
        return entry

    # -- reading a situation ----------------------------------------------------------------------

    def key(self, situation: Any) -> Key:
        """(units that apply, units that might, absent facts) for a situation; validates it.

        Anything the fast path does not recognise goes to read_situation, which either raises the
        SituationError naming the field or reads it the slow way.
        """
        try:
            return self._read(situation)
        except (_Slow, KeyError, TypeError, AttributeError):
            return self.key_from_facts(read_situation(situation))

    def key_from_facts(self, facts: dict[str, Any]) -> Key:
        self.derive(facts)
        sure = maybe = self.all_units
        absent = 0
        for fact in self.facts:
            value = facts.get(fact)
            if value is None:
                absent |= self.bit[fact]
            if self.tables[fact] and (FACT_TYPES[fact][0] != "text" or fact in self.free_text):
                entry = self._lookup_entry(fact, value)
                if entry is None:
                    raise SituationError(fact, f"{value!r} is outside what the pack can decide")
                sure &= entry[0]
                maybe &= entry[1]
        return sure, maybe, absent & self.absence_matters

    def derive(self, facts: dict[str, Any]) -> None:
        """What the catalogue adds about the platform (see situation.FACT_TYPES), by the same
        expressions the generated reader inlines (_DERIVED)."""
        known = self.platform(facts.get("channel.platform"))
        age = facts.get("actor.age")
        facts.update(zip(_DERIVED, _derived(known, age), strict=True))

    def platform(self, key: str | None) -> Any:
        if key is None:
            return None
        try:
            return self._platforms[key]
        except KeyError:
            found = self._lookup(key)
            if len(self._platforms) < 10_000:
                self._platforms[key] = found
            return found

    def _compile_reader(self) -> Callable[[Any], Key]:
        """Generate the straight-line reader of a situation for this plan (see `reader_source`)."""
        # Both masks travel in one integer, units certain above units possible: one AND a fact
        # narrows both, and a value outside a table is a KeyError that sends the situation to
        # the slow path (see key()), so the straight line has no test per lookup.
        width = len(self.units)

        def packed_text(fact: str, value: Any) -> int:
            entry = self._lookup_entry(fact, value)
            if entry is None:
                raise _Slow
            return entry[0] << width | entry[1]

        env: dict[str, Any] = {
            "_Slow": _Slow,
            "_EMPTY": _EMPTY,
            "platform": self.platform,
            "lookup_text": packed_text,
            "ALL": self.all_units << width | self.all_units,
            "W": width,
            "LOW": (1 << width) - 1,
            "MATTERS": self.absence_matters,
        }
        lines = [
            "def read(s):",
            "    if type(s) is not dict: raise _Slow",
            "    units = ALL",
            "    absent = 0",
        ]
        for part in ("actor", "counterpart", "channel", "content", "permissions"):
            lines += [
                f"    {part} = s.get({part!r})",
                f"    if {part} is None: {part} = _EMPTY",
                f"    elif type({part}) is not dict: raise _Slow",
            ]
        for i, fact in enumerate(self.facts):
            table = self.tables[fact]
            env[f"T{i}"] = {v: sure << width | maybe for v, (sure, maybe) in table.items()}
            env[f"B{i}"] = self.bit[fact]
            kind = FACT_TYPES[fact][0]
            if fact in _DERIVED:
                lines.append(f"    v = {_DERIVED[fact]}")
            else:
                part, _, name = fact.rpartition(".")
                lines.append(f"    v = {part or 's'}.get({name!r})")
            if fact in ("actor.role", "action"):
                lines.append("    if v is None: raise _Slow")
            check = {
                "bool": "v is not True and v is not False",
                "int": "type(v) is not int",
                "text": "type(v) is not str",
                "set": "type(v) is not list",
            }.get(kind)
            convert = {
                "set": "        v = frozenset(v)",
                "text": "        v = v.strip().lower() or None",
            }.get(kind)
            lines.append(f"    if v is None: absent |= B{i}")
            if check or convert:
                lines.append("    else:")
                if check:
                    lines.append(f"        if {check}: raise _Slow")
                if convert:
                    lines.append(convert)
            if fact == "actor.age":
                lines.append("    age = v")
            if fact == "channel.platform":
                lines.append("    known = platform(v)")
            if kind == "text" and fact not in self.free_text:
                continue  # no condition reads it
            lookup = f"lookup_text({fact!r}, v)" if kind == "text" else f"T{i}[v]"
            lines.append(f"    units &= {lookup}")
        lines.append("    return units >> W, units & LOW, absent & MATTERS")
        self.reader_source = "\n".join(lines)
        exec(compile(self.reader_source, "<smpolicy plan>", "exec"), env)
        return env["read"]


# How the generated reader computes each derived fact from what it has read (see Plan.derive).
_DERIVED = {
    "platform.known": "None if known is None else True",
    "platform.social_media": "None if known is None else True",
    "platform.category": "None if known is None else known.category",
    "platform.min_age": "None if known is None else known.min_age",
    "actor.below_platform_age": "None if known is None else (False if known.min_age is None "
    "else (None if age is None else age < known.min_age))",
}

# The same expressions as a function, for facts read the slow way (Plan.derive).
_derived: Callable[[Any, int | None], tuple[Any, ...]] = eval(  # the module's own constants
    f"lambda known, age: ({', '.join(_DERIVED.values())},)"
)


class _Slow(Exception):
    """The fast path met something it leaves to read_situation."""


_EMPTY: dict[str, Any] = {}


__all__ = ["Key", "Plan", "SituationError"]
