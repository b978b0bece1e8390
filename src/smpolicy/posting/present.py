"""A check result in the form the pages draw it: the text cut into highlighted pieces, a box per
face or logo on each image, and each finding with its clause and what to do instead."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from smpolicy.asking import labels
from smpolicy.asking.present import present as present_decision
from smpolicy.content import kinds
from smpolicy.policy import Engine

SEVERITY_LABELS: dict[str, str] = {
    "block": "Must change",
    "warn": "Look at this",
    "info": "For information",
}


def _finding_view(number: int, finding: dict[str, Any], clauses: dict[str, Any]) -> dict[str, Any]:
    kind = finding.get("kind", "")
    clause_id = finding.get("clause")
    clause = clauses.get(clause_id) if clause_id else None
    severity = finding.get("severity", "info")
    return {
        **finding,
        "number": number,
        "anchor": f"finding-{number}",
        "label": kinds.label(kind),
        "advice": finding.get("advice") or kinds.advice(kind),
        "severity": severity,
        "severity_label": SEVERITY_LABELS.get(severity, severity),
        "clause_section": clause.section if clause is not None else "",
        "clause_text": clause.text if clause is not None else "",
        "in_text": "start" in finding and "end" in finding,
        "in_image": "image" in finding,
    }


def segments(text: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text cut where findings start and end: each piece with the findings covering it, so
    overlapping findings highlight properly. Offsets are code points, as in the contract."""
    cuts = {0, len(text)}
    spans = []
    for finding in findings:
        start, end = finding.get("start"), finding.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        if end <= start:
            continue
        cuts.update((start, end))
        spans.append((start, end, finding))
    points = sorted(cuts)
    pieces = []
    for a, b in pairwise(points):
        covering = [f for s, e, f in spans if s <= a and b <= e]
        starts_here = [f["number"] for s, _, f in spans if s == a]
        ends_here = [f["number"] for _, e, f in spans if e == b]
        worst = "info"
        for f in covering:
            if f["severity"] == "block" or (f["severity"] == "warn" and worst == "info"):
                worst = f["severity"]
        pieces.append(
            {
                "text": text[a:b],
                "findings": [f["number"] for f in covering],
                "severity": worst,
                "starts": starts_here,
                "ends": ends_here,
            }
        )
    return pieces


def boxes(
    findings: list[dict[str, Any]], images: list[dict[str, Any]]
) -> list[list[dict[str, Any]]]:
    """For each image, its boxes in percent of the image's size, so they scale with it."""
    out: list[list[dict[str, Any]]] = [[] for _ in images]
    for finding in findings:
        index, box = finding.get("image"), finding.get("box")
        if not isinstance(index, int) or not 0 <= index < len(images):
            continue
        if not (isinstance(box, list | tuple) and len(box) == 4):
            continue
        width, height = images[index].get("width") or 0, images[index].get("height") or 0
        if not width or not height:
            continue
        x, y, w, h = (float(v) for v in box)
        out[index].append(
            {
                "number": finding["number"],
                "severity": finding["severity"],
                "label": finding["label"],
                "left": round(100 * max(0.0, x) / width, 3),
                "top": round(100 * max(0.0, y) / height, 3),
                "width": round(100 * min(w, width - x) / width, 3),
                "height": round(100 * min(h, height - y) / height, 3),
            }
        )
    return out


def present_result(
    result: dict[str, Any], text: str, engine: Engine, previews: list[str] | None = None
) -> dict[str, Any]:
    """Everything the result templates show, from the contract's result."""
    clauses = engine.pack.clauses
    order = {"block": 0, "warn": 1, "info": 2}
    raw = sorted(
        result.get("findings", []),
        key=lambda f: (order.get(f.get("severity", "info"), 3), f.get("start", 10**9)),
    )
    findings = [_finding_view(n, f, clauses) for n, f in enumerate(raw, start=1)]
    images = result.get("images", [])
    per_image = boxes(findings, images)
    shown_images = []
    for index, facts in enumerate(images):
        shown_images.append(
            {
                **facts,
                "number": index + 1,
                "preview": previews[index] if previews and index < len(previews) else None,
                "boxes": per_image[index],
                "findings": [f for f in findings if f.get("image") == index],
            }
        )
    decision = result.get("decision") or {
        "verdict": result.get("verdict", "not_covered"),
        "clauses": result.get("clauses", []),
        "obligations": [],
        "missing": [],
        "explanation": "",
    }
    # Only clauses this school's pack knows are quoted (a result from another pack names others).
    decision = {
        **decision,
        "clauses": [c for c in decision.get("clauses", []) if c in clauses],
        "missing": decision.get("missing", []),
        "obligations": decision.get("obligations", []),
    }
    return {
        "verdict": present_decision(decision, clauses, result.get("situation") or {}),
        "findings": findings,
        "text_findings": [f for f in findings if f["in_text"]],
        "segments": segments(text, findings),
        "images": shown_images,
        "counts": {
            severity: sum(1 for f in findings if f["severity"] == severity)
            for severity in ("block", "warn", "info")
        },
        "declared": [labels.FLAGS.get(flag, flag) for flag in result.get("declared", [])],
    }
