"""Properties over arbitrary situations drawn from the contract's vocabulary."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from smpolicy.policy import Engine, SituationError
from smpolicy.policy import vocabulary as v

from . import reference

maybe_bool = st.one_of(st.none(), st.booleans())
age = st.one_of(st.none(), st.integers(min_value=0, max_value=90))


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: x for k, x in d.items() if x is not None}


situations = st.builds(
    lambda actor, action, counterpart, channel, network, device, on_premises, content, permissions: _drop_none({
        "actor": actor, "action": action, "counterpart": counterpart, "channel": channel,
        "network": network, "device": device, "on_premises": on_premises, "content": content,
        "permissions": permissions,
    }),
    actor=st.builds(lambda r, a, n: _drop_none({"role": r, "age": a, "new_starter": n}),
                    st.sampled_from(v.ROLES), age, maybe_bool),
    action=st.sampled_from(v.ACTIONS),
    counterpart=st.one_of(st.none(), st.builds(
        lambda r, a, o: _drop_none({"role": r, "age": a, "on_roll": o}),
        st.sampled_from(v.ROLES), age, st.one_of(st.none(), st.sampled_from(v.ON_ROLL)))),
    channel=st.one_of(st.none(), st.builds(
        lambda a, p: _drop_none({"account": a, "platform": p}),
        st.one_of(st.none(), st.sampled_from(v.ACCOUNTS)),
        st.one_of(st.none(), st.sampled_from(["facebook", "tiktok", "roblox", "x", "linkedin",
                                              "unknown-app", "www.instagram.com"])))),
    network=st.one_of(st.none(), st.sampled_from(v.NETWORKS)),
    device=st.one_of(st.none(), st.sampled_from(v.DEVICES)),
    on_premises=maybe_bool,
    content=st.one_of(st.none(), st.builds(
        lambda about, images, flags: _drop_none({"about": about, "images_of": images, **flags}),
        st.one_of(st.none(), st.lists(st.sampled_from(v.CONTENT_ABOUT), unique=True)),
        st.one_of(st.none(), st.lists(st.sampled_from(v.IMAGES_OF), unique=True)),
        st.fixed_dictionaries({f: maybe_bool for f in v.CONTENT_FLAGS}))),
    permissions=st.one_of(st.none(), st.fixed_dictionaries({p: maybe_bool for p in v.PERMISSIONS})),
)

ENGINE = Engine()


@settings(max_examples=400, deadline=None)
@given(situations)
def test_every_situation_in_the_vocabulary_gets_a_well_formed_decision(situation) -> None:
    decision = ENGINE.decide(situation)
    assert decision["verdict"] in v.VERDICTS
    assert decision["clauses"] and all(c in ENGINE.pack.clauses for c in decision["clauses"])
    for ob in decision["obligations"]:
        assert ob["kind"] in v.OBLIGATION_KINDS
        assert ob["to"] in v.OBLIGATION_TO
        assert ob["when"] in v.OBLIGATION_WHEN
        assert ob["clause"] in ENGINE.pack.clauses
    assert decision["explanation"]


@settings(max_examples=1000, deadline=None)
@given(situations)
def test_the_compiled_plan_decides_as_the_rules_read_one_by_one(situation) -> None:
    assert ENGINE.decide(situation) == reference.decide(ENGINE, situation)


@settings(max_examples=300, deadline=None)
@given(situations)
def test_a_kept_decision_is_the_decision_worked_out_afresh(situation) -> None:
    ENGINE.decide(situation)
    assert ENGINE.decide(situation) == Engine().decide(situation)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.integers(), st.text(max_size=8),
                                                     st.booleans(), st.lists(st.integers(), max_size=2))))
def test_arbitrary_json_never_crashes_the_engine(junk) -> None:
    try:
        ENGINE.decide(junk)
    except SituationError as exc:
        assert exc.field
