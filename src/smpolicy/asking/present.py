"""A decision in the words a person reads: the verdict's heading, each clause's text, each duty
with its link (a report to make starts the safeguarding form from every answer given). The Ask
page and Check a post both present decisions this way."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from smpolicy.asking import labels
from smpolicy.policy.vocabulary import CONTENT_FLAGS
from smpolicy.schools.models import Person


def present(
    decision: dict[str, Any], clauses: dict[str, Any], situation: dict[str, Any],
    picked: Person | None = None,
) -> dict[str, Any]:
    """The decision in the words the page shows."""
    report_url = _report_url(situation, picked)
    return {
        "decision": decision,
        "verdict_label": labels.heading(decision, situation.get("action", "")),
        "clauses": [
            {"id": cid, "section": clauses[cid].section, "text": clauses[cid].text}
            for cid in decision["clauses"]
        ],
        "obligations": [
            {
                **ob,
                "text": labels.obligation_text(ob),
                "report_url": report_url if ob["kind"] == "report" else None,
            }
            for ob in decision["obligations"]
        ],
        "missing": [labels.FIELD.get(f, f) for f in decision["missing"]],
    }


def _report_url(situation: dict[str, Any], picked: Person | None = None) -> str | None:
    """The safeguarding report form, started from every answer given here (and what the records
    filled in), so nothing is asked twice."""
    try:
        base = reverse("safeguarding:report_new")
    except NoReverseMatch:
        return None
    content = situation.get("content", {})
    counterpart = situation.get("counterpart", {})
    channel = situation.get("channel", {})
    on_premises = situation.get("on_premises")
    query = {
        "role": situation.get("actor", {}).get("role", ""),
        "action": situation.get("action", ""),
        "counterpart": counterpart.get("role", ""),
        "age": str(counterpart["age"]) if "age" in counterpart else "",
        "on_roll": counterpart.get("on_roll", ""),
        "person": str(picked.pk) if picked is not None else "",
        "platform": channel.get("platform", ""),
        "account": channel.get("account", ""),
        "network": situation.get("network", ""),
        "device": situation.get("device", ""),
        "on_premises": "" if on_premises is None else ("yes" if on_premises else "no"),
        "about": ",".join(content.get("about") or []),
        "images_of": ",".join(content.get("images_of") or []),
        "flags": ",".join(f for f in CONTENT_FLAGS if content.get(f)),
    }
    return f"{base}?{urlencode({k: x for k, x in query.items() if x})}"
