"""Policy packs: a school's policy as data (clauses, the rules applying them, the school's details).

A pack is a YAML file. Loading validates every part of it and compiles the rules' conditions, so a
mistake in a school's own pack is a clear error naming the place, never a wrong verdict later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from smpolicy.policy import vocabulary as v
from smpolicy.policy.conditions import (
    UNKNOWN_MODES,
    Condition,
    ConditionError,
    compile_condition,
)
from smpolicy.policy.situation import FACT_TYPES

DEFAULT_PACK = "straits-primary"


class PackError(ValueError):
    """A pack that cannot be used; the message names the file, the place in it and the problem."""


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    section: str
    applies_to: str
    text: str
    quote: str
    binding: bool


@dataclass(frozen=True, slots=True)
class Obligation:
    kind: str
    to: str
    when: str
    clause: str
    extra: tuple[tuple[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "to": self.to,
            "when": self.when,
            "clause": self.clause,
        }
        out.update(self.extra)
        return out


@dataclass(slots=True)
class Rule:
    """A rule: when its conditions hold, `clause` gives `verdict` and these obligations."""

    id: str
    clause: str
    cites: tuple[str, ...]
    verdict: str
    obligations: tuple[Obligation, ...]
    explain: str
    quote: str
    all_of: tuple[Condition, ...]
    any_of: tuple[tuple[Condition, ...], ...]
    actions: frozenset[str] | None
    order: int = 0


@dataclass(slots=True)
class Modifier:
    """Softens the verdict of named clauses for some actors (e.g. governors and code.governors)."""

    id: str
    clause: str
    all_of: tuple[Condition, ...]
    clauses: frozenset[str]
    verdict: str
    explain: str


@dataclass(slots=True)
class FollowUp:
    """Obligations added after the verdict is known, e.g. investigate a breach that happened."""

    id: str
    all_of: tuple[Condition, ...]
    verdicts: frozenset[str]
    obligations: tuple[Obligation, ...]


@dataclass(slots=True)
class Pack:
    id: str
    version: str
    title: str
    school: dict[str, Any]
    clauses: dict[str, Clause]
    rules: list[Rule]
    modifiers: list[Modifier]
    follow_ups: list[FollowUp]
    fallback: Rule
    sets: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    source: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        """Every fact any rule reads, in a fixed order: what a decision depends on."""
        used: set[str] = {"action", "actor.role"}
        for rule in self.rules:
            used.update(c.field for c in rule.all_of)
            used.update(c.field for group in rule.any_of for c in group)
        for mod in self.modifiers:
            used.update(c.field for c in mod.all_of)
        for follow in self.follow_ups:
            used.update(c.field for c in follow.all_of)
        return tuple(f for f in FACT_TYPES if f in used)


class _Reader:
    """Validates one pack document, collecting the place of each problem."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> PackError:
        return PackError(f"{self.source}: {where}: {message}")

    def mapping(self, value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"expected a mapping, got {type(value).__name__}")
        return value

    def text(self, obj: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = obj.get(key)
        if value is None:
            if required:
                raise self.fail(f"{where}.{key}", "is required")
            return ""
        if not isinstance(value, str | int | float):
            raise self.fail(f"{where}.{key}", f"expected text, got {type(value).__name__}")
        return str(value).strip()

    def choice(self, obj: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> str:
        value = self.text(obj, key, where)
        if value not in allowed:
            raise self.fail(f"{where}.{key}", f"{value!r} is not one of {', '.join(allowed)}")
        return value


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice, which plain YAML would silently overwrite."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def _load_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise PackError(f"{source}: not valid YAML: {exc}") from exc


def load_pack(path: str | Path) -> Pack:
    """Load and validate a pack from a YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(f"{path}: cannot read the pack: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise PackError(f"{path}: the pack is not UTF-8 text") from exc
    return parse_pack(_load_yaml(text, str(path)), source=str(path))


def parse_pack_text(text: str, source: str = "<pack>") -> Pack:
    """Validate a pack given as YAML text exactly as a pack file is (duplicate keys refused)."""
    return parse_pack(_load_yaml(text, source), source=source)


@cache
def default_pack() -> Pack:
    """The pack that ships with smpolicy: Straits Primary School's policy."""
    text = (
        resources.files("smpolicy.policy").joinpath(f"packs/{DEFAULT_PACK}.yaml").read_text("utf-8")
    )
    return parse_pack(_load_yaml(text, f"{DEFAULT_PACK}.yaml"), source=f"{DEFAULT_PACK}.yaml")


def parse_pack(data: Any, source: str = "<pack>") -> Pack:
    r = _Reader(source)
    data = r.mapping(data, "pack file")
    for key in ("pack", "clauses", "rules", "fallback"):
        if key not in data:
            raise r.fail(key, "is required")
    meta = r.mapping(data["pack"], "pack")
    school = dict(r.mapping(data.get("school") or {}, "school"))

    sets: dict[str, tuple[Any, ...]] = {}
    for name, values in r.mapping(data.get("sets") or {}, "sets").items():
        if not isinstance(values, list) or not values:
            raise r.fail(f"sets.{name}", "expected a non-empty list")
        sets[str(name)] = tuple(values)

    clauses = _read_clauses(r, data["clauses"])

    unknown_defaults: dict[str, str] = {}
    for name, mode in r.mapping(data.get("unknown") or {}, "unknown").items():
        if name not in FACT_TYPES:
            raise r.fail(f"unknown.{name}", f"unknown field; fields are {', '.join(FACT_TYPES)}")
        if mode not in UNKNOWN_MODES:
            raise r.fail(f"unknown.{name}", f"{mode!r} is not one of {', '.join(UNKNOWN_MODES)}")
        unknown_defaults[str(name)] = str(mode)

    def conditions(spec: Any, where: str) -> tuple[Condition, ...]:
        spec = r.mapping(spec, where)
        out = []
        for name, test in spec.items():
            if name not in FACT_TYPES:
                raise r.fail(
                    f"{where}.{name}", f"unknown field; fields are {', '.join(FACT_TYPES)}"
                )
            try:
                out.append(
                    compile_condition(
                        name,
                        test,
                        FACT_TYPES[name],
                        sets,
                        f"{where}.{name}",
                        unknown_defaults.get(name, "ask"),
                    )
                )
            except ConditionError as exc:
                raise PackError(f"{source}: {exc}") from exc
        return tuple(out)

    def clause_id(value: Any, where: str) -> str:
        if value not in clauses:
            raise r.fail(where, f"{value!r} is not a clause id of this pack")
        return str(value)

    def obligations(items: Any, where: str) -> tuple[Obligation, ...]:
        if items is None:
            return ()
        if not isinstance(items, list):
            raise r.fail(where, "expected a list of obligations")
        out = []
        for i, item in enumerate(items):
            at = f"{where}[{i}]"
            item = r.mapping(item, at)
            extra = tuple(
                (str(k), val)
                for k, val in item.items()
                if k not in ("kind", "to", "when", "clause")
            )
            out.append(
                Obligation(
                    kind=r.choice(item, "kind", at, v.OBLIGATION_KINDS),
                    to=r.choice(item, "to", at, v.OBLIGATION_TO),
                    when=r.choice(item, "when", at, v.OBLIGATION_WHEN),
                    clause=clause_id(item.get("clause"), f"{at}.clause"),
                    extra=extra,
                )
            )
        return tuple(out)

    def rule(item: Any, where: str, order: int) -> Rule:
        item = r.mapping(item, where)
        all_of = conditions(item.get("when") or {}, f"{where}.when")
        any_raw = item.get("when_any") or []
        if not isinstance(any_raw, list):
            raise r.fail(f"{where}.when_any", "expected a list of condition mappings")
        any_of = tuple(conditions(g, f"{where}.when_any[{i}]") for i, g in enumerate(any_raw))
        main = clause_id(item.get("clause"), f"{where}.clause")
        cites = tuple(clause_id(c, f"{where}.cites") for c in item.get("cites") or [])
        quote = r.text(item, "quote", where, required=False) or clauses[main].quote
        return Rule(
            id=r.text(item, "id", where),
            clause=main,
            cites=cites,
            verdict=r.choice(item, "verdict", where, v.VERDICTS),
            obligations=obligations(item.get("obligations"), f"{where}.obligations"),
            explain=r.text(item, "explain", where),
            quote=quote,
            all_of=all_of,
            any_of=any_of,
            actions=_actions(all_of),
            order=order,
        )

    raw_rules = data["rules"]
    if not isinstance(raw_rules, list) or not raw_rules:
        raise r.fail("rules", "expected a non-empty list of rules")
    rules = [rule(item, f"rules[{i}]", i) for i, item in enumerate(raw_rules)]
    seen: set[str] = set()
    for i, each in enumerate(rules):
        if each.id in seen:
            raise r.fail(f"rules[{i}].id", f"{each.id!r} is used by another rule")
        seen.add(each.id)

    modifiers = []
    for i, item in enumerate(data.get("modifiers") or []):
        at = f"modifiers[{i}]"
        item = r.mapping(item, at)
        modifiers.append(
            Modifier(
                id=r.text(item, "id", at),
                clause=clause_id(item.get("clause"), f"{at}.clause"),
                all_of=conditions(item.get("when") or {}, f"{at}.when"),
                clauses=frozenset(clause_id(c, f"{at}.clauses") for c in item.get("clauses") or []),
                verdict=r.choice(item, "verdict", at, v.VERDICTS),
                explain=r.text(item, "explain", at),
            )
        )

    follow_ups = []
    for i, item in enumerate(data.get("follow_ups") or []):
        at = f"follow_ups[{i}]"
        item = r.mapping(item, at)
        verdicts = item.get("verdicts") or list(v.VERDICTS)
        for verdict in verdicts:
            if verdict not in v.VERDICTS:
                raise r.fail(f"{at}.verdicts", f"{verdict!r} is not one of {', '.join(v.VERDICTS)}")
        follow_ups.append(
            FollowUp(
                id=r.text(item, "id", at),
                all_of=conditions(item.get("when") or {}, f"{at}.when"),
                verdicts=frozenset(verdicts),
                obligations=obligations(item.get("obligations"), f"{at}.obligations"),
            )
        )

    fallback = rule(data["fallback"], "fallback", len(rules))
    if fallback.all_of or fallback.any_of:
        raise r.fail(
            "fallback.when", "the fallback applies when no rule does; it takes no conditions"
        )

    return Pack(
        id=r.text(meta, "id", "pack"),
        version=r.text(meta, "version", "pack"),
        title=r.text(meta, "title", "pack", required=False),
        school=school,
        clauses=clauses,
        rules=rules,
        modifiers=modifiers,
        follow_ups=follow_ups,
        fallback=fallback,
        sets=sets,
        source=source,
    )


def _read_clauses(r: _Reader, raw: Any) -> dict[str, Clause]:
    if not isinstance(raw, list) or not raw:
        raise r.fail("clauses", "expected a non-empty list of clauses")
    clauses: dict[str, Clause] = {}
    for i, item in enumerate(raw):
        at = f"clauses[{i}]"
        item = r.mapping(item, at)
        cid = r.text(item, "id", at)
        if cid in clauses:
            raise r.fail(f"{at}.id", f"{cid!r} appears twice")
        text = r.text(item, "text", at)
        binding = item.get("binding", True)
        if type(binding) is not bool:
            raise r.fail(f"{at}.binding", "expected true or false")
        clauses[cid] = Clause(
            id=cid,
            section=r.text(item, "section", at, required=False),
            applies_to=r.text(item, "applies_to", at, required=False),
            text=text,
            quote=r.text(item, "quote", at, required=False) or text,
            binding=binding,
        )
    return clauses


def _actions(all_of: tuple[Condition, ...]) -> frozenset[str] | None:
    """The actions a rule can apply to, so the engine only tries rules that might fire."""
    for condition in all_of:
        if condition.field == "action" and condition.unknown != "assume":
            return frozenset(a for a in v.ACTIONS if condition.test(a))
    return None
