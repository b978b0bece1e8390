"""`check_post`: findings from the text and image checks, the verdict from the decision engine.

The checker never decides. Each finding maps to facts of a decisions-contract situation (content
flags, `content.about`, `content.images_of`); the engine decides the post as a whole, and the
verdict, clauses and decision of the result are the engine's. Each finding's own severity and
clause also come from the engine: the post's situation with only that finding's facts is decided,
and the finding is `block` if that makes the verdict `prohibited`, `warn` if it makes it need
approval or conditions (or advice, for governors), `info` if it changes nothing. A finding the
checker is not sure of (confidence under 0.75) is never more than `warn`: a person looks.

How findings map to facts: each kind's row in `kinds.py` gives the facts it always sets (for
example `school_criticism`: `damaging_to_school`), the clause it cites otherwise and its label and
advice. The facts that depend on the post are set here:
- pupil_name: `about: pupils`; with pictures of people in the post, `images_of: pupils` (a named
  child is taken to be the child in the picture), and on the school's own account also
  `confidential` (names are never published with an image); without pictures, on a personal
  account, `confidential` (a pupil's personal data) ; on the official account without pictures,
  nothing more (naming a pupil there is for the school's consent process).
- staff_name: `about: staff`. parent_name: nothing (reported for information).
- personal_email, personal_phone: a second situation, `share_contact_details` over the personal
  e-mail or phone; the engine has no content flag for contact details in a post. Its verdict,
  clauses, obligations and explanation join the post's decision when it restricts.
- offensive: discriminatory words `discriminatory`; threats `illegal_conduct` (threatening
  messages are offences); obscene or abusive words `damaging_to_school` when the post names the
  school or someone (otherwise nothing: the policy does not police private language).
- school_criticism also sets `about: school_decisions` when about a decision (the rules say so).
- face: `images_of: pupils` unless the post says who is shown (`images_of`): at a primary school
  the people photographed are mostly children, and consent is what must be checked.
- location_metadata (GPS in a picture): no fact; always `warn`, to remove before posting.

The learned scorer (learning/scorer.py) may add a finding of a meaning-based kind for a sentence
the rules left alone, marked `"source": "learned"`. It is a model's guess at wording no rule
lists, so it never decides: its facts stay out of the post's situation (the verdict is the
rules'), and its severity is at most `warn`, so a person looks. The OLID head (the same
module's head_findings) adds `offensive_tone` the same way, also `"source": "learned"`, for a
sentence no offensive finding covers: always `warn`, citing its row's clause.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smpolicy.content.images import ImageError, ImageReport, ImageSource, analyse
from smpolicy.content.kinds import CONTACT, KINDS, NAMES
from smpolicy.content.learning.scorer import head_findings, learned_findings
from smpolicy.content.school import SchoolContext
from smpolicy.content.text import _ROLE_REF, TextFinding, check_text
from smpolicy.policy import Engine, SituationError, default_engine
from smpolicy.policy import vocabulary as v
from smpolicy.policy.engine import Decision

MAX_IMAGES = 20
SURE = 0.75
RESTRICTIVE = frozenset({"prohibited", "needs_approval", "allowed_with_conditions"})
_RANK = {verdict: rank for rank, verdict in enumerate(v.VERDICTS)}
_SEVERITY = {
    "prohibited": "block",
    "needs_approval": "warn",
    "allowed_with_conditions": "warn",
    "advisory": "warn",
    "allowed": "info",
    "not_covered": "info",
}


class PostError(ValueError):
    """A post the checker cannot read; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(slots=True)
class Post:
    text: str
    images: list[ImageSource]
    role: str
    channel: dict[str, Any]
    permissions: dict[str, Any] | None
    school_activity: bool | None
    images_of: list[str] | None
    declared: list[str] = field(default_factory=list)


# What the author may say is true of a post: the meaning-based facts the text checks can miss when
# put in words they were not shown (README, "Checking posts: quality").
# (Not the activity, asked on its own, nor branding, which the checks do find.)
DECLARABLE = tuple(f for f in v.CONTENT_FLAGS if f not in ("school_activity", "school_branding"))


def read_post(post: Any, base_dir: Path | None = None) -> Post:
    """Validate a post (the contract's input); PostError names the field."""
    if not isinstance(post, Mapping):
        raise PostError("post", f"expected a JSON object, got {type(post).__name__}")
    text = post.get("text")
    if text is None:
        text = ""
    elif isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PostError(
                "text",
                f"not UTF-8 text (byte 0x{text[exc.start]:02x} at {exc.start}); send it as UTF-8",
            ) from exc
    elif not isinstance(text, str):
        raise PostError("text", f"expected text, got {type(text).__name__}")
    if "\x00" in text:
        raise PostError("text", "contains a NUL character: is it binary or UTF-16?")
    images = post.get("images")
    if images is None:
        images = []
    if not isinstance(images, list):
        raise PostError("images", "expected a list of pictures")
    if len(images) > MAX_IMAGES:
        raise PostError("images", f"{len(images)} pictures; at most {MAX_IMAGES} a post")
    resolved: list[ImageSource] = []
    for i, item in enumerate(images):
        if isinstance(item, str | os.PathLike):
            path = Path(item)
            if base_dir is not None and not path.is_absolute():
                path = base_dir / path
            resolved.append(path)
        elif isinstance(item, bytes | bytearray) or hasattr(item, "read"):
            resolved.append(item)
        else:
            raise PostError(f"images[{i}]", "expected a file path or an uploaded file")
    author = post.get("author")
    if not isinstance(author, Mapping) or author.get("role") is None:
        raise PostError("author.role", f"is required; one of {', '.join(v.ROLES)}")
    role = author["role"]
    if role not in v.ROLES:
        raise PostError("author.role", f"{role!r} is not one of {', '.join(v.ROLES)}")
    channel = post.get("channel") or {}
    if not isinstance(channel, Mapping):
        raise PostError("channel", "expected an object with account and platform")
    permissions = post.get("permissions")
    if permissions is not None and not isinstance(permissions, Mapping):
        raise PostError("permissions", "expected an object")
    activity = post.get("school_activity")
    if activity is not None and not isinstance(activity, bool):
        raise PostError("school_activity", "expected true or false (or leave it out)")
    images_of = post.get("images_of")
    if images_of is not None and (
        not isinstance(images_of, list) or any(x not in v.IMAGES_OF for x in images_of)
    ):
        raise PostError("images_of", f"expected a list drawn from {', '.join(v.IMAGES_OF)}")
    declared = post.get("declared")
    if declared is not None and (
        not isinstance(declared, list) or any(x not in DECLARABLE for x in declared)
    ):
        raise PostError("declared", f"expected a list drawn from {', '.join(DECLARABLE)}")
    return Post(
        text=text,
        images=resolved,
        role=role,
        channel=dict(channel),
        permissions=dict(permissions) if permissions is not None else None,
        school_activity=activity,
        images_of=images_of,
        declared=list(dict.fromkeys(declared or [])),
    )


# -- the check ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Found:
    kind: str
    confidence: float
    facts: dict[str, Any]  # content facts for the post's situation
    out: dict[str, Any]  # the finding as the result shows it, less clause and severity
    contact: str | None = None  # personal_email | personal_phone: decided on its own
    learned: bool = False  # added by the learned scorer: shown, never part of the verdict


def check_post(
    post: Any,
    school: SchoolContext,
    engine: Engine | None = None,
    *,
    ocr: bool = True,
    base_dir: Path | None = None,
    learned: bool = True,
    heads: bool = True,
) -> dict[str, Any]:
    """Check a post (text and pictures) against the school's policy: the contract's result.

    `learned=False` leaves out the learned scorer's findings (the rules alone); `heads=False`
    leaves out only the OLID head's, for measuring what it adds. Raises PostError
    for a post that cannot be read (the field is named), including a picture that cannot be read.
    """
    p = read_post(post, base_dir)
    engine = engine or default_engine()
    try:
        text_findings = check_text(p.text, school)
    except ValueError as exc:
        raise PostError("text", str(exc).removeprefix("text: ")) from exc
    guessed = learned_findings(p.text, text_findings) if learned else []
    if learned and heads:
        guessed += head_findings(p.text, [*text_findings, *guessed])
    reports: list[ImageReport] = []
    logo = school.logo_model if p.images else None
    for i, source in enumerate(p.images):
        try:
            reports.append(analyse(source, i, logo, ocr=ocr))
        except ImageError as exc:
            raise PostError(f"images[{i}]", str(exc)) from exc

    faces = any(f.kind == "face" for r in reports for f in r.findings)
    people_pictured = faces or bool(p.images_of)
    official = p.channel.get("account") == "official"
    community = p.role in v.COMMUNITY or p.role == "public"
    all_text = [(None, p.text, text_findings)]
    image_text: list[tuple[ImageReport, list[TextFinding]]] = []
    for r in reports:
        if r.text:
            found = check_text(r.text, school)
            image_text.append((r, found))
            all_text.append((r.index, r.text, found))
    targeted = (
        any(f.kind in NAMES or f.kind == "school_name" for _, _, fs in all_text for f in fs)
        or any(_ROLE_REF.search(t) for _, t, _ in all_text)
        or any(f.kind == "school_logo" for r in reports for f in r.findings)
    )

    found: list[_Found] = []

    def text_facts(f: TextFinding) -> dict[str, Any]:
        about = list(f.about)
        facts: dict[str, Any] = {"about": about} if about else {}
        k = f.kind
        if k == "pupil_name":
            if people_pictured:
                facts["images_of"] = ["pupils"]
                if official:
                    facts["confidential"] = True
            elif not official:
                facts["confidential"] = True
        elif k == "offensive":
            if f.category == "discriminatory":
                facts["discriminatory"] = True
            elif f.category == "threat":
                facts["illegal_conduct"] = True
            elif targeted:
                facts["damaging_to_school"] = True
        elif k in KINDS:
            facts.update(KINDS[k].facts)
        return facts

    def add_text(f: TextFinding, source: str, extra: dict[str, Any], guess: bool = False) -> None:
        out: dict[str, Any] = {"kind": f.kind, "text": source[f.start : f.end]}
        out.update(extra)
        out["confidence"] = f.confidence
        if f.category:
            out["category"] = f.category
        if f.people:
            ids = [school.names.people[i].id for i in f.people]
            if all(i is not None for i in ids):
                out["people"] = ids
        contact = f.kind if f.kind in CONTACT else None
        found.append(_Found(f.kind, f.confidence, text_facts(f), out, contact, guess))

    for f in text_findings:
        add_text(f, p.text, {"start": f.start, "end": f.end})
    for f in guessed:
        add_text(f, p.text, {"start": f.start, "end": f.end, "source": "learned"}, guess=True)
    for r, fs in image_text:
        for f in fs:
            words = [w for w in r.words if w.start < f.end and f.start < w.end]
            box = _union([w.box for w in words]) if words else None
            add_text(f, r.text, {"image": r.index, "box": box, "source": "image_text"})
    images_of = p.images_of or ["pupils"]
    for r in reports:
        for g in r.findings:
            facts: dict[str, Any] = dict(KINDS[g.kind].facts) if g.kind in KINDS else {}
            if g.kind == "face":
                facts["images_of"] = list(images_of)
            out = {"kind": g.kind, "image": r.index, "box": g.box, "confidence": g.confidence}
            out.update(g.extra)
            found.append(_Found(g.kind, g.confidence, facts, out))

    # -- the engine decides --------------------------------------------------------------------
    base = _base_situation(p)
    # What the author says is true of it counts for the post as if the checker had found it
    # (each finding's own severity stays its own).
    content: dict[str, Any] = dict.fromkeys(p.declared, True)
    for item in found:
        if not item.learned:
            _merge(content, item.facts)
    situation = _with_content(base, content)
    decide = _Decider(engine)
    main = decide(situation)
    base_decision = decide(base)

    contacts = sorted({item.contact for item in found if item.contact})
    related: list[dict[str, Any]] = []
    contact_decisions: dict[str, Decision] = {}
    for kind in contacts:
        contact_situation = _contact_situation(p, kind)
        d = decide(contact_situation)
        contact_decisions[kind] = d
        related.append({"about": kind, "situation": contact_situation, "decision": d.as_dict()})

    # The post's decision is the post's situation's joined with each contact detail's that
    # restricts: a page showing the decision never heads "Allowed" above what must change.
    decision = main.as_dict()
    for d in contact_decisions.values():
        if d.verdict in RESTRICTIVE:
            _join(decision, d)
    verdict = decision["verdict"]
    clauses = list(decision["clauses"])

    findings = []
    for item in found:
        if item.contact:
            d = contact_decisions[item.contact]
            stricter = d.verdict in RESTRICTIVE
            new_clauses = list(d.clauses)
        elif KINDS[item.kind].always:
            d, stricter, new_clauses = None, False, []
        else:
            d = decide(_with_content(base, item.facts))
            stricter = _RANK[d.verdict] < _RANK[base_decision.verdict]
            new_clauses = [c for c in d.clauses if c not in base_decision.clauses]
        row = KINDS[item.kind]
        if row.always:
            severity = row.always
        elif d is not None and stricter:
            severity = _SEVERITY[d.verdict]
        else:
            severity = "info"
        if severity == "block" and (item.confidence < SURE or item.learned):
            severity = "warn"
        clause = new_clauses[0] if (stricter and new_clauses) else row.clause_for(community)
        findings.append(
            {
                "kind": item.kind,
                "clause": clause,
                "severity": severity,
                **{k: val for k, val in item.out.items() if k != "kind"},
            }
        )
    checks = sorted(
        {str(dict(ob.extra)["check"]) for ob in main.obligations if "check" in dict(ob.extra)}
    )
    result: dict[str, Any] = {
        "verdict": verdict,
        "clauses": clauses,
        "findings": findings,
        "decision": decision,
        "situation": situation,
    }
    if checks:
        result["checks"] = checks
    if p.declared:
        result["declared"] = list(p.declared)
    if related:
        result["related_decisions"] = related
    if reports:
        result["images"] = [
            {
                "image": r.index,
                "width": r.width,
                "height": r.height,
                "format": r.format,
                "location": r.gps,
                "ocr": r.ocr,
                "text": r.text,
            }
            for r in reports
        ]
    return result


class _Decider:
    """The engine, with each distinct situation of one check decided once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: dict[str, Decision] = {}

    def __call__(self, situation: dict[str, Any]) -> Decision:
        key = repr(situation)
        hit = self.seen.get(key)
        if hit is None:
            try:
                hit = self.engine.decision(situation)
            except SituationError as exc:
                field = exc.field.replace("actor.", "author.", 1)
                raise PostError(field, str(exc).split(": ", 1)[-1]) from exc
            self.seen[key] = hit
        return hit


def _base_situation(p: Post) -> dict[str, Any]:
    situation: dict[str, Any] = {"actor": {"role": p.role}, "action": "post"}
    if p.channel:
        situation["channel"] = p.channel
    if p.permissions is not None:
        situation["permissions"] = p.permissions
    if p.school_activity is not None:
        situation["content"] = {"school_activity": p.school_activity}
    return situation


def _with_content(base: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    if not facts:
        return base
    situation = dict(base)
    content = dict(base.get("content") or {})
    _merge(content, facts)
    situation["content"] = content
    return situation


def _merge(content: dict[str, Any], facts: dict[str, Any]) -> None:
    for key, value in facts.items():
        if isinstance(value, list):
            have = content.setdefault(key, [])
            have.extend(x for x in value if x not in have)
        elif value is True:
            content[key] = True


def _contact_situation(p: Post, kind: str) -> dict[str, Any]:
    situation: dict[str, Any] = {
        "actor": {"role": p.role},
        "action": "share_contact_details",
        "channel": {"account": kind},
    }
    if p.channel.get("platform"):
        situation["channel"]["platform"] = p.channel["platform"]
    if p.permissions is not None:
        situation["permissions"] = p.permissions
    return situation


def _join(decision: dict[str, Any], other: Decision) -> None:
    """``other``'s verdict (when stricter), clauses, obligations and explanation joined into
    ``decision``, the dict of the post's own."""
    if decision["verdict"] not in RESTRICTIVE:
        # "Nothing in the policy stands against this" no longer holds: the other's words lead.
        decision["explanation"] = ""
    if _RANK[other.verdict] < _RANK[decision["verdict"]]:
        decision["verdict"] = other.verdict
    decision["clauses"] += [c for c in other.clauses if c not in decision["clauses"]]
    decision["obligations"] += [
        o for o in (ob.as_dict() for ob in other.obligations) if o not in decision["obligations"]
    ]
    decision["rules"] += [r for r in other.rules if r not in decision["rules"]]
    if other.explanation and other.explanation not in decision["explanation"]:
        decision["explanation"] = " ".join(
            part for part in (other.explanation, decision["explanation"]) if part
        )


def _union(boxes: Sequence[list[int]]) -> list[int]:
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return [x0, y0, x1 - x0, y1 - y0]
