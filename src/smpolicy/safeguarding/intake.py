"""From what someone reports to a record the policy has decided: the situation for the decision
engine, who must be told and how fast, and the report itself.

The engine decides who is alerted: each ``report`` or ``investigate`` obligation names a post
(``dsl``, ``headteacher``, ``line_manager``...) and a pace (``immediately``, ``promptly``). Two
rules of our own sit on top, both safeguarding practice rather than the policy's text:

- a report the reporter marks as child protection goes to the DSL team at once (if in doubt, tell
  the DSL: KCSIE), citing the policy's purpose ("all children are safeguarded");
- a report is never hidden from nobody: one the engine routes to no one goes to the headteacher.

And one from statutory guidance: an allegation against the headteacher goes to the Chair of
Governors instead, and no report about a member of staff reaches that member of staff.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from smpolicy.asking.engines import engine_for
from smpolicy.safeguarding import retention
from smpolicy.safeguarding.models import Involvement, Report
from smpolicy.schools.models import Person, School
from smpolicy.schools.positions import dsl_team, headteacher, holders

PACE = {"immediately": 0, "promptly": 1, "before_acting": 2}

# The "how" questions each kind asks, and their answers, in plain words.
CONTACT_FROM = {"pupil": "A pupil", "parent": "A parent or carer"}
CONTACT_HOW = {
    "connect": "A friend request, follow or invitation",
    "message": "A message (DM, chat, text, e-mail or call)",
}
REACHED_BY = {
    "pupil": "A pupil",
    "staff": "A member of staff",
    "volunteer": "A volunteer",
    "parent": "A parent or carer",
    "public": "A visitor or someone else",
}
BULLY = {
    "": "Not known",
    "pupil": "A pupil",
    "parent": "A parent or carer",
    "staff": "A colleague",
    "public": "Someone else",
}
BREACH = {
    "contact_pupil": "Friended, followed or accepted a pupil on personal social media",
    "message_pupil": "Messaged a pupil privately",
    "pupil_images": "Posted pictures from school activities on a personal account",
    "damaging_post": "Posted something damaging or defamatory about the school or people in it",
    "confidential": "Shared confidential information",
    "contact_details": "Gave a personal e-mail address or phone number to a pupil or parent",
    "branding": "Used the school's name or logo without permission",
    "other": "Something else",
}
AUTHOR = {
    "parent": "A parent or carer",
    "pupil": "A pupil",
    "public": "Someone else",
    "staff": "A member of staff",
    "governor": "A governor",
}
ACCOUNTS = {
    "": "Not known",
    "personal": "A personal social media account",
    "official": "The school's official account",
    "school_email": "School e-mail",
    "personal_email": "Personal e-mail",
    "school_phone": "A school phone",
    "personal_phone": "A personal phone",
}


@dataclass
class Answers:
    """A report as the form gathered it."""

    kind: str
    reporter: Person | None
    occurred_at: dt.datetime
    account: str
    pupils: list[Person] = field(default_factory=list)
    subject: Person | None = None
    bullied: Person | None = None
    platform: str = ""
    channel_account: str = ""
    on_premises: bool | None = None
    others_involved: str = ""
    dsl_told_in_person: bool | None = None
    dsl_told: Person | None = None
    categories: list[str] = field(default_factory=list)
    child_protection: bool = False
    early_help: bool = False
    details: dict[str, Any] = field(default_factory=dict)
    reporter_email: str = ""
    reporter_name: str = ""
    # Set when the report comes from a record already put to the engine (a network finding), so
    # the report keeps exactly the situation that was decided.
    situation: dict[str, Any] | None = None


def _party(person: Person | None, on: dt.date, role: str) -> dict[str, Any]:
    if person is None:
        return {"role": role}
    return person.as_party(on)


def _channel(answers: Answers, default_account: str = "") -> dict[str, Any]:
    channel: dict[str, Any] = {}
    account = answers.channel_account or default_account
    if account:
        channel["account"] = account
    if answers.platform:
        channel["platform"] = answers.platform
    return channel


def situation_for(answers: Answers) -> dict[str, Any] | None:
    """The decisions contract's situation for a report (None for a parent's concern, which the
    policy routes to the headteacher without a decision)."""
    on = answers.occurred_at.date()
    kind = answers.kind
    d = answers.details
    pupil = answers.pupils[0] if answers.pupils else None
    reporter = answers.reporter
    situation: dict[str, Any]
    if kind == Report.Kind.PARENT_CONCERN:
        return None
    if kind == Report.Kind.PUPIL_CONTACT:
        situation = {
            "actor": _party(reporter, on, "staff"),
            "action": "receive_message",
            "counterpart": _party(pupil, on, "pupil"),
        }
        if channel := _channel(answers):
            situation["channel"] = channel
    elif kind == Report.Kind.COMMUNITY_CONTACT:
        source = d.get("contact_from") or "pupil"
        actor = _party(pupil, on, "pupil") if source == "pupil" else {"role": "parent"}
        situation = {
            "actor": actor,
            "action": d.get("contact_how") or "connect",
            "counterpart": _party(answers.subject or reporter, on, "staff"),
            "channel": _channel(answers, "personal"),
        }
    elif kind == Report.Kind.INAPPROPRIATE_CONTENT:
        who = d.get("reached_by") or ("pupil" if pupil else "public")
        actor = _party(pupil, on, "pupil") if who == "pupil" else {"role": who}
        situation = {
            "actor": actor,
            "action": "access",
            "on_premises": True,
            "content": {"inappropriate": True},
        }
        if channel := _channel(answers):
            situation["channel"] = channel
    elif kind == Report.Kind.CYBERBULLYING:
        situation = {
            "actor": _party(answers.bullied or reporter, on, "staff"),
            "action": "experience_abuse",
        }
        if d.get("bully"):
            situation["counterpart"] = {"role": d["bully"]}
        if channel := _channel(answers):
            situation["channel"] = channel
    elif kind == Report.Kind.STAFF_BREACH:
        situation = _breach(answers, on)
    elif kind == Report.Kind.DAMAGING_CONTENT:
        content: dict[str, Any] = {"damaging_to_school": True}
        if d.get("defamatory"):
            content["defamatory"] = True
        situation = {
            "actor": {"role": d.get("author") or "public"},
            "action": "post",
            "content": content,
        }
        if channel := _channel(answers):
            situation["channel"] = channel
    else:  # professional judgement and anything else: the policy's professional-judgement duty
        situation = {"actor": _party(reporter, on, "staff"), "action": "other"}
    situation["occurred"] = True
    return situation


def _breach(answers: Answers, on: dt.date) -> dict[str, Any]:
    breach = answers.details.get("breach") or "other"
    pupil = answers.pupils[0] if answers.pupils else None
    situation: dict[str, Any] = {"actor": _party(answers.subject, on, "staff")}
    if breach in ("contact_pupil", "message_pupil"):
        situation["action"] = "connect" if breach == "contact_pupil" else "message"
        situation["counterpart"] = _party(pupil, on, "pupil")
        situation["channel"] = _channel(answers, "personal")
    elif breach == "pupil_images":
        situation["action"] = "post"
        situation["channel"] = _channel(answers, "personal")
        situation["content"] = {"images_of": ["pupils"], "school_activity": True}
    elif breach == "damaging_post":
        situation["action"] = "post"
        situation["channel"] = _channel(answers, "personal")
        situation["content"] = {"damaging_to_school": True, "defamatory": True}
    elif breach == "confidential":
        situation["action"] = "post"
        situation["content"] = {"confidential": True}
        if channel := _channel(answers):
            situation["channel"] = channel
    elif breach == "contact_details":
        situation["action"] = "share_contact_details"
        situation["counterpart"] = _party(pupil, on, "pupil") if pupil else {"role": "parent"}
        situation["channel"] = _channel(answers, "personal_email")
    elif breach == "branding":
        situation["action"] = "use_branding"
    else:
        situation["action"] = "other"
    return situation


# -- routing --------------------------------------------------------------------------------


@dataclass
class Route:
    person: Person
    when: str
    reasons: list[str]
    clause: str


CHILD_PROTECTION_OBLIGATION = {
    "kind": "report",
    "to": "dsl",
    "when": "immediately",
    "clause": "purpose",
    "because": "marked as child protection by the person reporting",
}
DEFAULT_OBLIGATION = {
    "kind": "report",
    "to": "headteacher",
    "when": "promptly",
    "clause": "exceptions.professional-judgement",
    "because": "every report is read by someone",
}
PARENT_CONCERN_OBLIGATION = {
    "kind": "report",
    "to": "headteacher",
    "when": "promptly",
    "clause": "community.context",
    "because": "a parent raised a concern with the school",
}
TO_LABEL = {
    "dsl": "the Designated Safeguarding Lead team",
    "headteacher": "the headteacher",
    "line_manager": "the line manager",
    "senior_leadership": "the senior leadership team",
    "chair_of_governors": "the Chair of Governors (the report concerns the headteacher)",
}


def obligations_to_alert(decision: dict[str, Any] | None, answers: Answers) -> list[dict[str, Any]]:
    found = [
        dict(ob)
        for ob in (decision or {}).get("obligations", [])
        if ob["kind"] in ("report", "investigate")
        and ob["to"] in ("dsl", "headteacher", "line_manager", "senior_leadership")
    ]
    if answers.kind == Report.Kind.PARENT_CONCERN:
        found.append(dict(PARENT_CONCERN_OBLIGATION))
    if answers.child_protection:
        found.append(dict(CHILD_PROTECTION_OBLIGATION))
    if not found:
        found.append(dict(DEFAULT_OBLIGATION))
    return found


def _people_for(to: str, school: School, answers: Answers, on: dt.date) -> list[Person]:
    head = headteacher(school, on)
    if to == "dsl":
        team = dsl_team(school, on)
        return team or ([head] if head else [])
    if to == "headteacher":
        return [head] if head else dsl_team(school, on)
    if to == "line_manager":
        bullied = answers.bullied or answers.reporter
        manager = bullied.line_manager if bullied is not None else None
        people = [manager] if manager is not None else []
        # The policy lets staff report cyberbullying to their line manager or the headteacher;
        # the headteacher is told too, so it cannot rest with one person.
        return people + ([head] if head else [])
    if to == "senior_leadership":
        return list(holders(school, "senior_leadership", on)) or ([head] if head else [])
    return []


def routes(school: School, answers: Answers, obligations: list[dict[str, Any]]) -> list[Route]:
    on = timezone.localdate()
    head = headteacher(school, on)
    about = {p.pk for p in ([answers.subject] if answers.subject else [])}
    about_head = head is not None and head.pk in about
    chairs = list(holders(school, "chair_of_governors", on)) if about_head else []
    found: dict[int, Route] = {}
    for ob in obligations:
        people = _people_for(ob["to"], school, answers, on)
        if about_head and ob["to"] in ("headteacher", "line_manager", "senior_leadership"):
            people = [p for p in people if p.pk != head.pk] + chairs  # type: ignore[union-attr]
        reason = f"{ob['kind']} to {TO_LABEL.get(ob['to'], ob['to'])}, {ob['when']}"
        for person in people:
            if person.pk in about:
                continue  # a report about someone never reaches them
            route = found.get(person.pk)
            if route is None:
                found[person.pk] = Route(person, ob["when"], [reason], ob["clause"])
                continue
            if PACE.get(ob["when"], 9) < PACE.get(route.when, 9):
                route.when = ob["when"]
                route.clause = ob["clause"]
            if reason not in route.reasons:
                route.reasons.append(reason)
    if about_head and not any(r.person.pk in {c.pk for c in chairs} for r in found.values()):
        for chair in chairs:
            found[chair.pk] = Route(
                chair,
                "immediately",
                ["allegation against the headteacher"],
                "enforcement.investigation",
            )
    return list(found.values())


# -- making the report ------------------------------------------------------------------------


RoutesMemo = dict[tuple[Any, ...], list[Route]]


def create_report(
    school: School,
    answers: Answers,
    *,
    now: dt.datetime | None = None,
    routes_memo: RoutesMemo | None = None,
) -> tuple[Report, list[Route]]:
    """Decide, record and route a report; alerts are made by ``alerts.raise_alerts``. ``now`` is
    when it is recorded (the clock, for tests).

    ``routes_memo``: a dict kept by a caller making many reports at once (a scan's incidents),
    so that who holds which post is looked up once for the batch, not once a report: the routes
    depend only on the obligations and on whom a report is from and about."""
    situation = answers.situation if answers.situation is not None else situation_for(answers)
    decision = engine_for(school).decide(situation) if situation is not None else None
    obligations = obligations_to_alert(decision, answers)
    if routes_memo is None:
        found_routes = routes(school, answers, obligations)
    else:
        key = (
            json.dumps(obligations, sort_keys=True, default=str),
            *(p.pk if p is not None else None
              for p in (answers.subject, answers.bullied, answers.reporter)),
        )
        if key not in routes_memo:
            routes_memo[key] = routes(school, answers, obligations)
        # Copies: a caller may change a route's reasons, and the memo is shared.
        found_routes = [
            Route(r.person, r.when, list(r.reasons), r.clause) for r in routes_memo[key]
        ]
    to_dsl = any(ob["to"] == "dsl" for ob in obligations)
    is_safeguarding = bool(
        to_dsl
        or answers.pupils
        or answers.child_protection
        or answers.kind in (Report.Kind.PUPIL_CONTACT,)
    )
    clauses = list(decision["clauses"]) if decision else []
    for ob in obligations:
        if ob["clause"] not in clauses:
            clauses.append(ob["clause"])
    with transaction.atomic():
        report = Report(
            school=school,
            kind=answers.kind,
            reported_by=answers.reporter,
            reporter_email=answers.reporter_email,
            reporter_name=answers.reporter_name,
            occurred_at=answers.occurred_at,
            recorded_at=now or timezone.now(),
            account=answers.account,
            platform=answers.platform,
            channel_account=answers.channel_account,
            on_premises=answers.on_premises,
            others_involved=answers.others_involved,
            dsl_told_in_person=answers.dsl_told_in_person,
            dsl_told=answers.dsl_told,
            categories=answers.categories,
            child_protection=answers.child_protection,
            early_help=answers.early_help,
            details={**answers.details, "alert_obligations": obligations},
            situation=situation,
            decision=decision,
            verdict=decision["verdict"] if decision else "",
            clauses=clauses,
            is_safeguarding=is_safeguarding,
            urgent=any(r.when == "immediately" for r in found_routes),
        )
        subjects = [answers.subject] if answers.subject else []
        report.retention_rule, report.retain_until = retention.rule_and_date(
            report, answers.pupils, subjects
        )
        report.save()
        for pupil in answers.pupils:
            Involvement.objects.create(report=report, person=pupil, role=Involvement.Role.PUPIL)
        if answers.subject is not None:
            Involvement.objects.create(
                report=report, person=answers.subject, role=Involvement.Role.SUBJECT
            )
        if answers.bullied is not None:
            Involvement.objects.create(
                report=report, person=answers.bullied, role=Involvement.Role.BULLIED
            )
    return report, found_routes


def next_steps(report: Report) -> list[dict[str, Any]]:
    """The decision's obligations that are not alerts: keep evidence, seek advice, investigate."""
    steps = []
    for ob in (report.decision or {}).get("obligations", []):
        if ob["kind"] in ("keep_evidence", "seek_advice", "investigate", "use_school_channel"):
            steps.append(ob)
    return steps


def kind_from_situation(params: dict[str, str]) -> str:
    """The report kind for the Ask the policy page's answers (its form field names), so its
    "Start a report" link can open the right form."""
    action = params.get("action", "")
    counterpart = params.get("counterpart", "")
    role = params.get("role", "")
    flags = set(params.get("flags", "").split(",")) if params.get("flags") else set()
    if action == "receive_message" and counterpart == "pupil":
        return Report.Kind.PUPIL_CONTACT
    if action in ("connect", "message") and role in ("pupil", "parent"):
        return Report.Kind.COMMUNITY_CONTACT
    if action == "receive_message" and counterpart == "parent":
        return Report.Kind.COMMUNITY_CONTACT
    if action == "access" and ("inappropriate" in flags or params.get("inappropriate")):
        return Report.Kind.INAPPROPRIATE_CONTENT
    if action == "experience_abuse":
        return Report.Kind.CYBERBULLYING
    if (
        action == "post"
        and role in ("parent", "pupil", "public")
        and (flags & {"damaging_to_school", "defamatory"})
    ):
        return Report.Kind.DAMAGING_CONTENT
    if action == "other":
        return Report.Kind.PROFESSIONAL_JUDGEMENT
    return ""
