"""The registry of finding kinds (content/kinds.py) is the one place a kind is described: every
kind the contract names is in it, every clause it cites is in the policy, and the checker, the
check page and the trainer read it."""

from __future__ import annotations

import re
from pathlib import Path

from smpolicy.content import kinds
from smpolicy.content.learning import features
from smpolicy.policy import default_engine
from smpolicy.posting import present

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contracts" / "post-check.md"
if not CONTRACT.exists():  # the shared folder sits beside the repo; a git worktree is elsewhere
    CONTRACT = Path("/work/shared/contracts/post-check.md")


def contract_kinds() -> set[str]:
    text = CONTRACT.read_text(encoding="utf-8")
    listed = text.split("Finding kinds", 1)[1].split("`severity`", 1)[0]
    return set(re.findall(r"`([a-z_]+)`", listed)) - {"content", "about"}


def test_every_kind_the_contract_names_is_in_the_registry():
    named = contract_kinds()
    assert len(named) >= 14  # the contract lists 14; the product adds more
    assert named <= set(kinds.KINDS), named - set(kinds.KINDS)


def test_every_clause_a_kind_cites_is_a_clause_of_the_policy():
    clauses = default_engine().pack.clauses
    for row in kinds.KINDS.values():
        for community in (False, True):
            assert row.clause_for(community) in clauses, (row.id, community)


def test_every_kind_says_what_it_is_and_what_to_do():
    for row in kinds.KINDS.values():
        assert row.label and row.advice.endswith("."), row.id


def test_the_page_and_the_trainer_read_the_registry():
    view = present._finding_view(1, {"kind": "school_criticism", "severity": "warn"}, {})
    assert view["label"] == kinds.KINDS["school_criticism"].label
    assert view["advice"] == kinds.KINDS["school_criticism"].advice
    assert features.KINDS == kinds.MEANING
    assert {kinds.KINDS[k].family for k in kinds.MEANING} == {"meaning"}
