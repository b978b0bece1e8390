"""Reading a situation (the decisions contract's input) into flat facts the rules can test.

A fact is a dotted path ("counterpart.on_roll") and a value; an absent value is None and means
"not known", which the rules treat differently from False. Values outside the contract's vocabulary
are errors that name the field and the allowed values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smpolicy.policy import vocabulary as v

Facts = dict[str, Any]


class SituationError(ValueError):
    """A situation the engine cannot read; the message names the field and what it allows."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def _allowed(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def _enum(obj: Mapping[str, Any], key: str, path: str, values: tuple[str, ...]) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is not str or value not in values:
        raise SituationError(path, f"{value!r} is not one of {_allowed(values)}")
    return value


def _bool(obj: Mapping[str, Any], key: str, path: str) -> bool | None:
    value = obj.get(key)
    if value is None or value is True or value is False:
        return value
    raise SituationError(
        path, f"expected true or false (or leave it out if not known), got {value!r}"
    )


def _age(obj: Mapping[str, Any], key: str, path: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is not int or not 0 <= value <= 130:
        raise SituationError(path, f"expected a whole number of years from 0 to 130, got {value!r}")
    return value


def _text(obj: Mapping[str, Any], key: str, path: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is not str:
        raise SituationError(path, f"expected text, got {value!r}")
    value = value.strip().lower()
    return value or None


def _set(
    obj: Mapping[str, Any], key: str, path: str, values: tuple[str, ...]
) -> frozenset[str] | None:
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is not list:
        raise SituationError(path, f"expected a list drawn from {_allowed(values)}, got {value!r}")
    for item in value:
        if type(item) is not str or item not in values:
            raise SituationError(path, f"{item!r} is not one of {_allowed(values)}")
    return frozenset(value)


def _object(situation: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = situation.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SituationError(key, f"expected an object, got {value!r}")
    return value


def read_situation(situation: Any) -> Facts:
    """Validate a situation and flatten it into facts; raises SituationError naming the field."""
    if not isinstance(situation, Mapping):
        raise SituationError("situation", f"expected a JSON object, got {type(situation).__name__}")
    actor = _object(situation, "actor")
    counterpart = _object(situation, "counterpart")
    channel = _object(situation, "channel")
    content = _object(situation, "content")
    permissions = _object(situation, "permissions")

    if actor.get("role") is None:
        raise SituationError("actor.role", f"is required; one of {_allowed(v.ROLES)}")
    action = situation.get("action")
    if action is None:
        raise SituationError("action", f"is required; one of {_allowed(v.ACTIONS)}")

    facts: Facts = {
        "actor.role": _enum(actor, "role", "actor.role", v.ROLES),
        "actor.age": _age(actor, "age", "actor.age"),
        "actor.new_starter": _bool(actor, "new_starter", "actor.new_starter"),
        "action": _enum(situation, "action", "action", v.ACTIONS),
        "counterpart.role": _enum(counterpart, "role", "counterpart.role", v.ROLES),
        "counterpart.age": _age(counterpart, "age", "counterpart.age"),
        "counterpart.on_roll": _enum(counterpart, "on_roll", "counterpart.on_roll", v.ON_ROLL),
        "channel.account": _enum(channel, "account", "channel.account", v.ACCOUNTS),
        "channel.platform": _text(channel, "platform", "channel.platform"),
        "network": _enum(situation, "network", "network", v.NETWORKS),
        "device": _enum(situation, "device", "device", v.DEVICES),
        "on_premises": _bool(situation, "on_premises", "on_premises"),
        "occurred": _bool(situation, "occurred", "occurred"),
        "content.about": _set(content, "about", "content.about", v.CONTENT_ABOUT),
        "content.images_of": _set(content, "images_of", "content.images_of", v.IMAGES_OF),
    }
    for flag in v.CONTENT_FLAGS:
        facts["content." + flag] = _bool(content, flag, "content." + flag)
    for permission in v.PERMISSIONS:
        facts["permissions." + permission] = _bool(
            permissions, permission, "permissions." + permission
        )
    return facts


# What each fact holds, for validating the conditions a pack's rules write about them.
# ("enum", values) | ("set", values) | ("bool", None) | ("int", None) | ("text", None)
FACT_TYPES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "actor.role": ("enum", v.ROLES),
    "actor.age": ("int", None),
    "actor.new_starter": ("bool", None),
    "action": ("enum", v.ACTIONS),
    "counterpart.role": ("enum", v.ROLES),
    "counterpart.age": ("int", None),
    "counterpart.on_roll": ("enum", v.ON_ROLL),
    "channel.account": ("enum", v.ACCOUNTS),
    "channel.platform": ("text", None),
    "network": ("enum", v.NETWORKS),
    "device": ("enum", v.DEVICES),
    "on_premises": ("bool", None),
    "occurred": ("bool", None),
    "content.about": ("set", v.CONTENT_ABOUT),
    "content.images_of": ("set", v.IMAGES_OF),
    **{"content." + f: ("bool", None) for f in v.CONTENT_FLAGS},
    **{"permissions." + p: ("bool", None) for p in v.PERMISSIONS},
    # Derived by the engine from the platform catalogue.
    "platform.known": ("bool", None),
    "platform.social_media": ("bool", None),
    "platform.category": ("enum", v.PLATFORM_CATEGORIES),
    "platform.min_age": ("int", None),
    "actor.below_platform_age": ("bool", None),
}
