"""Conditions a rule writes about facts, compiled to fast predicates with three values.

A predicate answers True, False or None ("not known": the fact is absent). What an unknown fact
means is the rule author's choice, per condition, with `unknown:`:
  ask    (default) the rule may apply; the engine lists the field as missing
  assume the rule applies (precaution), and the field is still listed as missing
  fail   the rule does not apply

Operators: a scalar is `is`, a list is `in`; or a mapping with `is`, `not`, `in`, `not_in`, `lt`,
`le`, `gt`, `ge`, `any_of`, `none_of` (for list facts), `empty`, `known`. A string "@name" inside a
list stands for the pack's named set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Predicate = Callable[[Any], bool]

UNKNOWN_MODES = ("ask", "assume", "fail")
OPERATORS = (
    "is",
    "not",
    "in",
    "not_in",
    "lt",
    "le",
    "gt",
    "ge",
    "any_of",
    "none_of",
    "empty",
    "known",
)
_ORDERED = {"lt", "le", "gt", "ge"}
_LISTS = {"in", "not_in", "any_of", "none_of"}


class ConditionError(ValueError):
    """A condition a pack cannot use; the message names the rule's field and the problem."""


class Condition:
    """One compiled test on one fact."""

    __slots__ = ("field", "matches_unknown", "test", "unknown")

    def __init__(self, field: str, test: Predicate, unknown: str, matches_unknown: bool) -> None:
        self.field = field
        self.test = test
        self.unknown = unknown
        # `known: false` is a test *of* not knowing, so it matches an absent fact outright.
        self.matches_unknown = matches_unknown


def _expand(values: Any, sets: Mapping[str, tuple[Any, ...]], where: str) -> tuple[Any, ...]:
    if not isinstance(values, list | tuple):
        values = [values]
    out: list[Any] = []
    for value in values:
        if isinstance(value, str) and value.startswith("@"):
            if value[1:] not in sets:
                raise ConditionError(f"{where}: no set named {value!r} (sets: {', '.join(sets)})")
            out.extend(sets[value[1:]])
        else:
            out.append(value)
    return tuple(out)


def _check_values(
    values: tuple[Any, ...], kind: str, vocab: tuple[str, ...] | None, where: str
) -> None:
    for value in values:
        if kind in ("enum", "set") and vocab is not None and value not in vocab:
            raise ConditionError(f"{where}: {value!r} is not one of {', '.join(vocab)}")
        if kind == "bool" and type(value) is not bool:
            raise ConditionError(f"{where}: expected true or false, got {value!r}")
        if kind == "int" and type(value) is not int:
            raise ConditionError(f"{where}: expected a whole number, got {value!r}")
        if kind == "text" and type(value) is not str:
            raise ConditionError(f"{where}: expected text, got {value!r}")


def compile_condition(
    field: str,
    spec: Any,
    fact_type: tuple[str, tuple[str, ...] | None],
    sets: Mapping[str, tuple[Any, ...]],
    where: str,
    default_unknown: str = "ask",
) -> Condition:
    """Compile one `field: spec` entry of a rule's `when`."""
    kind, vocab = fact_type
    if isinstance(spec, Mapping):
        spec = dict(spec)
    elif isinstance(spec, list) or (isinstance(spec, str) and spec.startswith("@")):
        spec = {"in": spec}
    else:
        spec = {"is": spec}
    unknown = spec.pop("unknown", default_unknown)
    if unknown not in UNKNOWN_MODES:
        raise ConditionError(
            f"{where}.unknown: {unknown!r} is not one of {', '.join(UNKNOWN_MODES)}"
        )
    if not spec:
        raise ConditionError(f"{where}: names no test (use one of {', '.join(OPERATORS)})")

    tests: list[Predicate] = []
    matches_unknown = False
    for op, raw in spec.items():
        at = f"{where}.{op}"
        if op not in OPERATORS:
            raise ConditionError(f"{at}: unknown operator; use one of {', '.join(OPERATORS)}")
        if op == "known":
            if type(raw) is not bool:
                raise ConditionError(f"{at}: expected true or false")
            # known: true is the default meaning of every other test; known: false matches absence.
            matches_unknown = not raw
            continue
        if op == "empty":
            if kind != "set" or type(raw) is not bool:
                raise ConditionError(f"{at}: `empty: true|false` is for list fields only")
            tests.append((lambda x: not x) if raw else (lambda x: bool(x)))
            continue
        if op in _ORDERED:
            if kind != "int" or type(raw) is not int:
                raise ConditionError(f"{at}: `{op}` compares whole numbers (ages) only")
            tests.append(_ordered(op, raw))
            continue
        if op in _LISTS:
            values = _expand(raw, sets, at)
            _check_values(values, kind, vocab, at)
            members = frozenset(values)
            if op in ("any_of", "none_of") and kind != "set":
                raise ConditionError(f"{at}: `{op}` is for list fields; use `in`/`not_in`")
            if op in ("in", "not_in") and kind == "set":
                raise ConditionError(f"{at}: `{field}` is a list; use `any_of`/`none_of`")
            if op == "in":
                tests.append(members.__contains__)
            elif op == "not_in":
                tests.append(lambda x, m=members: x not in m)
            elif op == "any_of":
                tests.append(lambda x, m=members: not m.isdisjoint(x))
            else:
                tests.append(lambda x, m=members: m.isdisjoint(x))
            continue
        # is / not
        values = _expand(raw, sets, at)
        if len(values) != 1:
            raise ConditionError(f"{at}: `{op}` takes one value; use `in`/`not_in` for several")
        _check_values(values, kind, vocab, at)
        if kind == "set":
            raise ConditionError(f"{at}: `{field}` is a list; use `any_of`/`none_of`/`empty`")
        value = values[0]
        if op == "is":
            tests.append(lambda x, want=value: x == want and type(x) is type(want))
        else:
            tests.append(lambda x, want=value: not (x == want and type(x) is type(want)))

    if not tests and not matches_unknown:
        tests.append(lambda _x: True)  # `known: true` alone
    if matches_unknown and tests:
        raise ConditionError(f"{where}: `known: false` cannot be combined with other tests")
    if matches_unknown:
        return Condition(field, lambda _x: False, unknown, True)
    if len(tests) == 1:
        return Condition(field, tests[0], unknown, False)
    combined = tuple(tests)
    return Condition(field, lambda x: all(t(x) for t in combined), unknown, False)


def _ordered(op: str, bound: int) -> Predicate:
    if op == "lt":
        return lambda x: x < bound
    if op == "le":
        return lambda x: x <= bound
    if op == "gt":
        return lambda x: x > bound
    return lambda x: x >= bound
