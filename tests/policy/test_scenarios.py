"""The policy engine against the scenario table (scenarios.py): verdicts, clauses and obligations."""

from __future__ import annotations

import pytest

from smpolicy.policy import decide, default_pack

from .scenarios import SCENARIOS, Scenario


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario(scenario: Scenario) -> None:
    decision = decide(scenario.situation)

    assert decision["verdict"] == scenario.verdict, decision["explanation"]
    assert decision["clauses"][: len(scenario.clauses)] == scenario.clauses, decision["clauses"]
    for obligation in scenario.obligations:
        assert obligation in [
            {k: o[k] for k in ("kind", "to", "when", "clause")} for o in decision["obligations"]
        ], decision["obligations"]
    if scenario.no_obligations:
        assert decision["obligations"] == []
    assert decision["missing"] == scenario.missing


def test_every_clause_that_binds_a_behaviour_has_restricting_and_contrasting_scenarios() -> None:
    pack = default_pack()
    binding = {cid for cid, clause in pack.clauses.items() if clause.binding}
    restricted = {s.clause for s in SCENARIOS if s.restricts}
    contrasted = {s.clause for s in SCENARIOS if not s.restricts}
    # code.governors is a softening of the others, not a behaviour of its own: its contrast is
    # every staff scenario where the same conduct is prohibited.
    assert binding - restricted == set()
    assert binding - contrasted - {"code.governors", "cyberbullying.keep-records",
                                   "cyberbullying.reporting", "enforcement.misconduct",
                                   "incident.advice", "code.report-child-contact"} == set()


def test_scenario_clauses_are_cited_by_their_decisions() -> None:
    for scenario in SCENARIOS:
        if not scenario.restricts:
            continue
        decision = decide(scenario.situation)
        cited = set(decision["clauses"]) | {o["clause"] for o in decision["obligations"]}
        assert scenario.clause in cited, scenario.name


def test_every_binding_clause_is_applied_by_some_rule() -> None:
    pack = default_pack()
    used = set()
    for rule in pack.rules:
        used |= {rule.clause, *rule.cites, *(o.clause for o in rule.obligations)}
    for follow in pack.follow_ups:
        used |= {o.clause for o in follow.obligations}
    used |= {m.clause for m in pack.modifiers} | {pack.fallback.clause}
    assert {cid for cid, c in pack.clauses.items() if c.binding} - used == set()
