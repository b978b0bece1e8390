"""POST /api/decisions: the decisions contract over HTTP (../shared/contracts/decisions.md).

The body is read by the engine itself, not by a schema library, so HTTP, the command line and
Python accept and refuse exactly the same situations with the same messages.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from smpolicy.asking.engines import engine_for
from smpolicy.asking.models import DecisionRecord
from smpolicy.policy import SituationError
from smpolicy.policy import vocabulary as v

router = Router(tags=["decisions"])


class ObligationOut(Schema):
    kind: str
    to: str
    when: str
    clause: str


class PolicyOut(Schema):
    pack: str
    version: str


class DecisionOut(Schema):
    verdict: str
    clauses: list[str]
    obligations: list[ObligationOut]
    missing: list[str]
    explanation: str
    rules: list[str]
    policy: PolicyOut


class ClauseOut(Schema):
    id: str
    section: str
    applies_to: str
    binding: bool
    text: str


class PackOut(Schema):
    pack: str
    version: str
    title: str
    clauses: list[ClauseOut]


class DomainOut(Schema):
    domain: str
    kind: str


class PlatformOut(Schema):
    id: str
    name: str
    category: str
    min_age: int | None
    age_source: str
    age_checked: str
    domains: list[DomainOut]


class ErrorOut(Schema):
    error: str
    field: str | None = None


def _enum(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


_BOOL = {"type": "boolean"}
SITUATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["actor", "action"],
    "properties": {
        "actor": {
            "type": "object",
            "required": ["role"],
            "properties": {
                "role": _enum(v.ROLES),
                "age": {"type": "integer", "minimum": 0, "maximum": 130},
                "new_starter": _BOOL,
            },
        },
        "action": _enum(v.ACTIONS),
        "counterpart": {
            "type": "object",
            "properties": {
                "role": _enum(v.ROLES),
                "age": {"type": "integer", "minimum": 0, "maximum": 130},
                "on_roll": _enum(v.ON_ROLL),
            },
        },
        "channel": {
            "type": "object",
            "properties": {"account": _enum(v.ACCOUNTS), "platform": {"type": "string"}},
        },
        "network": _enum(v.NETWORKS),
        "device": _enum(v.DEVICES),
        "on_premises": _BOOL,
        "occurred": {**_BOOL, "description": "true when the situation has happened (a breach)"},
        "content": {
            "type": "object",
            "properties": {
                "about": {"type": "array", "items": _enum(v.CONTENT_ABOUT)},
                "images_of": {"type": "array", "items": _enum(v.IMAGES_OF)},
                **{flag: _BOOL for flag in v.CONTENT_FLAGS},
            },
        },
        "permissions": {"type": "object", "properties": {p: _BOOL for p in v.PERMISSIONS}},
    },
}


@router.post(
    "/decisions",
    response={200: DecisionOut, 422: ErrorOut},
    summary="Decide a situation against the school's social media policy",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": SITUATION_SCHEMA}},
        }
    },
)
def decisions(request: HttpRequest) -> Status[dict[str, Any]]:
    try:
        situation = orjson.loads(request.body)
    except orjson.JSONDecodeError as exc:
        return Status(422, {"error": f"the body is not valid JSON: {exc}", "field": None})
    school = getattr(request, "school", None)
    try:
        decision = engine_for(school).decide(situation)
    except SituationError as exc:
        return Status(422, {"error": str(exc), "field": exc.field})
    if school is not None:
        DecisionRecord.keep(
            school=school,
            user=request.user,
            person=getattr(request, "person", None),
            source="api",
            api_key=getattr(request, "api_key", None),
            situation=situation,
            decision=decision,
        )
    return Status(200, decision)


@router.get(
    "/policy", response=PackOut, summary="The school's policy pack: its clauses and version"
)
def policy(request: HttpRequest) -> dict[str, Any]:
    pack = engine_for(getattr(request, "school", None)).pack
    return {
        "pack": pack.id,
        "version": pack.version,
        "title": pack.title,
        "clauses": [
            {
                "id": c.id,
                "section": c.section,
                "applies_to": c.applies_to,
                "binding": c.binding,
                "text": c.text,
            }
            for c in pack.clauses.values()
        ],
    }


@router.get(
    "/platforms", response=list[PlatformOut], summary="The platform catalogue the policy uses"
)
def platforms(request: HttpRequest) -> list[Any]:
    return list(engine_for(getattr(request, "school", None)).catalogue)
