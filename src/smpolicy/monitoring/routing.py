"""Who must be told of a finding, from the engine's obligations (never decided here).

The policy says inappropriate content reached on the premises is reported to the headteacher
(community.inappropriate-content), and the engine adds the DSL, at once, where a child may be at
risk (a pupil reaching such content, a pupil on a platform above their age). A finding with no
report obligation (a parent on the guest WiFi, staff use that is only monitored) is for whoever
reviews the network findings: ``route`` answers ``"none"`` for it.

Works on a :class:`~smpolicy.monitoring.scanner.Finding`, on the web app's Finding model (both
keep the obligations) and on a contract finding dict. Each carries the situation the scanner put
to the engine (``situation``: the network's ``on_premises``, the device...): a finding without
its obligations is decided again from that same situation, never from one rebuilt from its
other fields, so the same finding cannot be decided twice, differently.

Plain Python: no Django here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smpolicy.monitoring.scanner import copy_situation
from smpolicy.policy import Engine, default_engine

__all__ = ["NOBODY", "URGENCY", "recipients", "route", "situation_for"]

#: The order recipients are named in: the DSL first, since a child may be at risk.
URGENCY: tuple[str, ...] = (
    "dsl",
    "headteacher",
    "local_authority_safeguarding_lead",
    "senior_leadership",
    "line_manager",
)
NOBODY = "none"


def _field(finding: Any, name: str) -> Any:
    if isinstance(finding, Mapping):
        return finding.get(name)
    return getattr(finding, name, None)


def situation_for(finding: Any) -> dict[str, Any]:
    """The decisions contract's situation the scanner decided the finding from (a copy): who
    reached what, where, on what. Raises ValueError for a finding that does not carry one."""
    situation = _field(finding, "situation")
    if not isinstance(situation, Mapping) or not situation:
        raise ValueError(
            "this finding carries no situation (the one the scan decided it from); "
            "scan the log again to have one"
        )
    return copy_situation(situation)


def _obligations(finding: Any, engine: Engine | None) -> list[Mapping[str, Any]]:
    kept = _field(finding, "obligations")
    if kept is not None:
        return list(kept)
    return list((engine or default_engine()).decide(situation_for(finding))["obligations"])


def recipients(finding: Any, engine: Engine | None = None) -> tuple[str, ...]:
    """Everyone the engine's obligations say must be told, most urgent first."""
    told = {
        str(o.get("to"))
        for o in _obligations(finding, engine)
        if o.get("kind") == "report" and o.get("to") not in (None, "self")
    }
    rank = {name: i for i, name in enumerate(URGENCY)}
    return tuple(sorted(told, key=lambda name: (rank.get(name, len(rank)), name)))


def route(finding: Any, engine: Engine | None = None) -> str:
    """Who must be told first: ``"dsl"`` where a child may be at risk, ``"headteacher"`` for
    inappropriate content, ``"none"`` when the engine asks for no report."""
    told = recipients(finding, engine)
    return told[0] if told else NOBODY
