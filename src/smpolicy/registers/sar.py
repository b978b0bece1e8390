"""Subject access: everything the product holds about one person, as a readable bundle.

``gather(person)`` collects items from every app that holds data about people (this one, schools,
asking, and the network and posting apps where installed). An item that names other people (third
parties) is *held back*: it goes into the bundle only once a person has decided to release it.

Safeguarding records are not items. A request's page, list and bundle must not tell whoever handles
it (the headteacher, who may be the subject of an allegation) that a record about its subject
exists, so nothing about them is stored on the request: ``records_for(request, viewer, user)``
reads them live, and only for a member of the DSL team (with the second factor, which the views
check), only within that person's need-to-know (``safeguarding.access.full_reports``) and never for
the subject themself. Each decision on a record (in full, redacted, or withheld under an
exemption) is an append-only ``SarRecordDecision`` plus an entry in the safeguarding audit; the
bundle holds the records decided for inclusion that its downloader may open. A withheld record is
not mentioned in the bundle at all: saying that something was withheld would tell the subject
that a record exists, which the exemptions relied on exist to prevent.

``bundle(request, records)`` is a zip: ``index.html`` (readable in any browser, no scripts),
``data.json`` (the same, for machines) and ``README.txt``.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from smpolicy.asking import labels
from smpolicy.registers.models import (
    Acknowledgement,
    JudgementAdvisory,
    PolicyVersion,
    ProfileReview,
    Reminder,
    Responsibility,
    SarRecordDecision,
    SocialContact,
    SubjectAccessRequest,
)
from smpolicy.registers.oversight import optional_model
from smpolicy.schools.models import ParentLink, Person, Position
from smpolicy.words import counted, plural

THIRD_PARTY = "It names other people (third-party data): release it only if they agree, or if it "
THIRD_PARTY += "is reasonable to release it without their agreement."
SAFEGUARDING_SOURCE = "safeguarding.report"


def _when(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _item(source: str, ident: str, title: str, data: dict[str, Any], reason: str = "") -> dict:
    return {
        "id": f"{source}:{ident}",
        "source": source,
        "title": title,
        "data": {k: _when(v) for k, v in data.items()},
        "held_back": bool(reason),
        "reason": reason,
        "decision": "",
        "note": "",
    }


def _own_records(person: Person) -> Iterator[dict]:
    yield _item("schools.person", str(person.pk), "Your record at the school", {
        "first name": person.first_name,
        "last name": person.last_name,
        "preferred name": person.preferred_name,
        "role": person.get_role_display(),
        "date of birth": person.date_of_birth,
        "e-mail": person.email,
        "on roll": person.get_on_roll_display() if person.on_roll else "",
        "on roll from": person.on_roll_from,
        "on roll until": person.on_roll_until,
        "MIS id": person.external_id,
        "joined on": person.joined_on,
        "new starter until": person.new_starter_until,
        "has a sign-in account": person.user_id is not None,
        "recorded on": person.created,
    })
    if person.line_manager_id:
        yield _item("schools.line_manager", str(person.pk), "Your line manager",
                    {"line manager": person.line_manager.full_name}, THIRD_PARTY)
    for post in Position.objects.for_school(person.school_id).filter(person=person):
        yield _item("schools.position", str(post.pk), f"Post: {post.get_kind_display()}",
                    {"post": post.get_kind_display(), "from": post.starts_on,
                     "until": post.ends_on})
    links = ParentLink.objects.for_school(person.school_id).filter(
        Q(parent=person) | Q(child=person)).select_related("parent", "child")
    for link in links:
        yield _item("schools.parent_link", str(link.pk), "A family link", {
            "parent or carer": link.parent.full_name,
            "relationship": link.get_relationship_display(),
            "child": link.child.full_name,
        }, THIRD_PARTY)


def _registers(person: Person) -> Iterator[dict]:
    school = person.school_id
    for contact in SocialContact.objects.for_school(school).filter(staff=person):
        yield _item("registers.social_contact", str(contact.pk), "A social contact you declared", {
            "declared": contact.declared_at,
            "how you know them": contact.how_known,
            "platforms": ", ".join(contact.platform_names()),
            "state": contact.get_status_display(),
            "acknowledged": contact.acknowledged_at,
            "review due": contact.review_due_on,
            "ended": contact.ended_at,
            "reason it ended": contact.ended_reason,
        })
        yield _item("registers.social_contact_people", str(contact.pk),
                    "Who that declaration names, and the senior leader's acknowledgement", {
                        "people named": ", ".join(p.full_name for p in contact.family.all()),
                        "acknowledged by": contact.acknowledged_by.full_name
                        if contact.acknowledged_by else "",
                        "note": contact.acknowledgement_note,
                    }, THIRD_PARTY)
    for contact in SocialContact.objects.for_school(school).filter(family=person):
        yield _item("registers.social_contact_naming", str(contact.pk),
                    "A member of staff's declared social contact that names you", {
                        "declared": contact.declared_at,
                        "member of staff": contact.staff.full_name,
                        "how they know you": contact.how_known,
                    }, THIRD_PARTY)
    for review in ProfileReview.objects.for_school(school).filter(person=person):
        yield _item("registers.profile_review", str(review.pk), "Your profile review", {
            "opened": review.created_at, "due": review.due_on,
            "completed": review.completed_at,
            "checklist": "; ".join(i.get("prompt", "") for i in review.checklist),
            "ticked": ", ".join(k for k, v in review.answers.items() if v),
            "your notes": review.notes,
        })
    for ack in Acknowledgement.objects.for_school(school).filter(person=person).select_related(
            "version"):
        yield _item("registers.acknowledgement", str(ack.pk), "You acknowledged the policy", {
            "version": ack.version.label, "when": ack.acknowledged_at,
        })
    for version in PolicyVersion.objects.for_school(school).filter(
            Q(chair=person) | Q(head=person) | Q(created_by=person)):
        yield _item("registers.policy_version", str(version.pk), "A policy version you drafted "
                    "or signed", {
                        "version": version.label,
                        "drafted by you": version.created_by_id == person.pk,
                        "signed as Chair on": version.chair_signed_on
                        if version.chair_id == person.pk else None,
                        "signed as Headteacher on": version.head_signed_on
                        if version.head_id == person.pk else None,
                    })
    for item in Responsibility.objects.for_school(school).filter(person=person):
        yield _item("registers.responsibility", str(item.pk), item.get_kind_display(), {
            "from": item.starts_on, "until": item.ends_on,
        })
    for advisory in JudgementAdvisory.objects.for_school(school).filter(advised_by=person):
        yield _item("registers.judgement", str(advisory.pk),
                    "A professional judgement you advised", {
                        "when": advisory.occurred_on, "taken or proposed":
                        advisory.get_when_display(), "what": advisory.situation,
                        "why": advisory.justification, "advised on": advisory.created_at,
                        "response": advisory.response,
                        "Local Authority advice": advisory.get_la_advice_display()
                        if advisory.la_advice else "",
                        "what was advised": advisory.la_advice_text,
                    })
    for advisory in JudgementAdvisory.objects.for_school(school).filter(advised_to=person):
        yield _item("registers.judgement_received", str(advisory.pk),
                    "A professional judgement advised to you", {
                        "advised by": advisory.advised_by.full_name,
                        "advised on": advisory.created_at,
                    }, THIRD_PARTY)
    for reminder in Reminder.objects.for_school(school).filter(recipient=person):
        reason = THIRD_PARTY if ":escalated:" in reminder.key else ""
        yield _item("registers.reminder", str(reminder.pk), "A reminder sent to you", {
            "sent": reminder.created_at, "title": reminder.title, "text": reminder.body,
            "e-mailed": reminder.emailed_at, "read": reminder.read_at,
        }, reason)


def _decisions(person: Person) -> Iterator[dict]:
    model = optional_model("asking", "DecisionRecord")
    if model is None:
        return
    for record in model._default_manager.filter(school=person.school_id, person=person):
        yield _item("asking.decision", str(record.pk), "A question you asked the policy", {
            "Asked": record.created,
            **dict(labels.describe(record.situation)),
            "The policy's answer": labels.VERDICT.get(record.verdict, record.verdict),
            "Policy": f"{record.pack}, version {record.pack_version}",
        })


def _network(person: Person) -> Iterator[dict]:
    model = optional_model("network", "Finding")
    if model is None:
        return
    for finding in model._default_manager.filter(school=person.school_id, person=person):
        yield _item("network.finding", str(finding.pk), "What the network monitoring recorded", {
            "first seen": finding.first_seen, "last seen": finding.last_seen,
            "platform": finding.platform, "category": finding.category,
            "site": finding.domain, "requests": finding.requests,
            "network": finding.network, "clause": finding.clause,
            "reviewed as": finding.get_status_display(),
        })


_NAMES = frozenset({"pupil_name", "staff_name", "parent_name"})


def _names_others(post: Any) -> bool:
    findings = (post.check_result or {}).get("findings", []) if post.check_result else []
    return post.tagged_pupils.exists() or any(f.get("kind") in _NAMES for f in findings)


def _post_data(post: Any) -> dict[str, Any]:
    return {
        "platform": post.platform, "text": post.text, "state": post.get_status_display(),
        "written": post.created, "published": post.published_at,
        "pictures": post.images.count(),
    }


def _posting(person: Person) -> Iterator[dict]:
    """Official posts written, approved or tagged in; photo consents; spokesperson approvals and
    written permissions to use the school's name and logo."""
    school = person.school_id
    post_model = optional_model("posting", "OfficialPost")
    if post_model is not None:
        for post in post_model._default_manager.filter(school=school, author=person):
            yield _item("posting.post", str(post.pk), "An official post you wrote",
                        _post_data(post), THIRD_PARTY if _names_others(post) else "")
        for post in post_model._default_manager.filter(school=school, tagged_pupils=person):
            yield _item("posting.tagged", str(post.pk), "An official post you are shown in",
                        _post_data(post), THIRD_PARTY)
    approval_model = optional_model("posting", "PostApproval")
    if approval_model is not None:
        for approval in approval_model._default_manager.filter(school=school, approver=person):
            yield _item("posting.approval", str(approval.pk), "Your decision on an official post", {
                "post": approval.post_id, "decision": approval.get_decision_display(),
                "note": approval.note, "decided": approval.decided_at,
            }, THIRD_PARTY if approval.note else "")
    consent_model = optional_model("posting", "PhotoConsent")
    if consent_model is not None:
        for consent in consent_model._default_manager.filter(school=school, pupil=person):
            yield _item("posting.photo_consent", str(consent.pk), "Consent to photos", {
                "for": consent.get_use_display(), "answer": consent.get_status_display(),
                "given by": consent.given_by.full_name if consent.given_by else "",
                "given on": consent.given_on, "until": consent.valid_until,
                "recorded": consent.recorded_at,
            })
    speaker_model = optional_model("posting", "Spokesperson")
    if speaker_model is not None:
        for entry in speaker_model._default_manager.filter(school=school, person=person):
            yield _item("posting.spokesperson", str(entry.pk),
                        "Your approval to speak for the school", {
                            "approved": entry.approved_on, "training": entry.training,
                            "trained on": entry.training_completed_on,
                            "platforms": ", ".join(entry.platforms or []),
                            "restrictions": entry.restrictions, "until": entry.expires_on,
                            "revoked": entry.revoked_on, "why revoked": entry.revoked_reason,
                        })
    branding_model = optional_model("posting", "BrandingPermission")
    if branding_model is not None:
        for permission in branding_model._default_manager.filter(
            school=school, requested_by=person
        ):
            yield _item("posting.branding", str(permission.pk),
                        "Your request to use the school's name or logo", {
                            "uses": ", ".join(permission.uses or []),
                            "purpose": permission.purpose,
                            "asked": permission.requested_at,
                            "answer": permission.get_status_display(),
                            "decided": permission.decided_at,
                            "valid from": permission.valid_from,
                            "until": permission.expires_on, "note": permission.note,
                        })


COLLECTORS = (_own_records, _registers, _decisions, _network, _posting)


def gather(person: Person) -> tuple[list[dict], list[str]]:
    """(items, sources that could not be read)."""
    items: list[dict] = []
    problems = []
    for collect in COLLECTORS:
        try:
            with transaction.atomic():
                items.extend(collect(person))
        except (DatabaseError, LookupError, AttributeError) as error:
            problems.append(f"{collect.__name__.strip('_')}: {type(error).__name__}")
    return items, problems


def start(person: Person, received_on: dt.date, by: Person | None) -> SubjectAccessRequest:
    from smpolicy.registers.versions import add_months

    items, problems = gather(person)
    for problem in problems:
        items.append(_item("problem", problem, "A source that could not be read",
                           {"source": problem}, "Check this source by hand."))
    return SubjectAccessRequest.objects.create(
        school_id=person.school_id, person=person, received_on=received_on,
        due_on=add_months(received_on, 1), created_by=by, items=items,
    )


def items_of(request: SubjectAccessRequest) -> list[dict]:
    """The request's items, less any safeguarding item a request made before records were kept
    out of it may still hold (migration 0003 removes them; this keeps a restored backup safe)."""
    return [i for i in request.items if i.get("source") != SAFEGUARDING_SOURCE]


def held_back(request: SubjectAccessRequest) -> list[dict]:
    return [i for i in items_of(request) if i.get("held_back")]


def undecided(request: SubjectAccessRequest) -> list[dict]:
    return [i for i in held_back(request) if not i.get("decision")]


def decide(request: SubjectAccessRequest, item_id: str, decision: str, note: str,
           by: Person) -> None:
    for item in items_of(request):
        if item["id"] == item_id and item.get("held_back"):
            item.update(decision=decision, note=note, decided_by=by.full_name,
                        decided_at=timezone.now().isoformat(timespec="minutes"))
            request.save(update_fields=["items"])
            return
    raise KeyError(item_id)


def released_items(request: SubjectAccessRequest) -> list[dict]:
    return [i for i in items_of(request)
            if not i["held_back"] or i.get("decision") == "release"]


# -- safeguarding records: the DSL team's part ---------------------------------------------------


class SelfDecision(PermissionError):
    """The subject of a request may not decide what the bundle holds of records about them."""


class NotReviewable(LookupError):
    """No such record among those this person may decide on for this request (or none at all:
    the two are one answer, so that asking can't tell whether a record exists)."""


@dataclass(frozen=True)
class RecordView:
    """One safeguarding record about a request's subject, as a DSL reviewing the request sees it."""

    report: Any
    decision: SarRecordDecision | None
    history: list[SarRecordDecision]

    @property
    def decided(self) -> bool:
        return self.decision is not None


def _safeguarding_access() -> Any:
    if optional_model("safeguarding", "Report") is None:
        return None
    from smpolicy.safeguarding import access

    return access


def may_review_records(user: Any, verified: bool) -> bool:
    """Whether ``user`` sees the safeguarding part of a request: the DSL team (the capability
    ``safeguarding``), with a second factor verified in this session."""
    access = _safeguarding_access()
    return access is not None and verified and access.is_dsl_team(user)


def _records_about(request: SubjectAccessRequest, viewer: Person, user: Any) -> Any:
    access = _safeguarding_access()
    report_model = optional_model("safeguarding", "Report")
    if access is None or report_model is None:
        return None
    subject = request.person
    about = report_model.objects.for_school(request.school_id).filter(
        Q(reported_by=subject) | Q(involvements__person=subject)
    ).values("pk")
    return (
        access.full_reports(viewer, user)
        .filter(pk__in=about)
        .order_by("recorded_at", "pk")
    )


def decisions_of(request: SubjectAccessRequest) -> dict[int, list[SarRecordDecision]]:
    found: dict[int, list[SarRecordDecision]] = {}
    for row in SarRecordDecision.objects.for_school(request.school_id).filter(
        access_request=request
    ):
        found.setdefault(row.report_id_at_time, []).append(row)
    return found


def records_for(request: SubjectAccessRequest, viewer: Person, user: Any) -> list[RecordView]:
    """The safeguarding records about the request's subject that ``viewer`` may decide on: none
    for the subject themself, whatever team they are in; otherwise those within the viewer's
    need-to-know. The caller checks ``may_review_records`` first."""
    if viewer.pk == request.person_id:
        return []
    reports = _records_about(request, viewer, user)
    if reports is None:
        return []
    decided = decisions_of(request)
    shown = []
    for report in reports:
        history = decided.get(report.pk, [])
        shown.append(RecordView(report, history[-1] if history else None, history))
    return shown


def decide_record(
    request: SubjectAccessRequest,
    report_id: int,
    *,
    decision: str,
    exemption: str,
    reason: str,
    released_text: str,
    by: Person,
    user: Any,
    http_request: Any = None,
) -> SarRecordDecision:
    """Record what the bundle holds of one record, and say so in the safeguarding audit.

    Raises SelfDecision when ``by`` is the request's subject, NotReviewable when the record is not
    one ``by`` may decide on. A request already answered still takes decisions: the DSL team may
    review its records after the rest was sent, and the subject gets what they release then."""
    if by.pk == request.person_id:
        raise SelfDecision(
            "You are the subject of this request, so you cannot decide what it discloses of "
            "safeguarding records: another member of the DSL team must. If there is no one else, "
            "ask the Chair of Governors to arrange it."
        )
    with transaction.atomic():
        found = {view.report.pk: view.report for view in records_for(request, by, user)}
        report = found.get(report_id)
        if report is None:
            raise NotReviewable(report_id)
        row = SarRecordDecision.objects.create(
            school_id=request.school_id, access_request=request, report_id_at_time=report.pk,
            reference=report.reference, decision=decision,
            exemption=exemption if decision != SarRecordDecision.Decision.FULL else "",
            reason=reason.strip(),
            released_text=released_text.strip()
            if decision == SarRecordDecision.Decision.REDACTED else "",
            decided_by_id_at_time=by.pk, decided_by_name=by.full_name,
        )
        from smpolicy.safeguarding import audit

        # The audit note says what was done, never what the record says.
        audit.record(
            "subject_access_decision", report, school=request.school_id, request=http_request,
            user=user, person=by,
            note=f"subject access request {request.pk}: {row.get_decision_display().lower()}"
            + (f" ({row.exemption_short.lower()})" if row.exemption else ""),
        )
    return row


def records_to_release(request: SubjectAccessRequest, viewer: Person | None,
                       user: Any) -> list[tuple[Any, SarRecordDecision]]:
    """The records decided for inclusion that ``viewer`` may open: what their download of the
    bundle holds. Someone outside the DSL team's need-to-know gets a bundle without them, and it
    reads no differently, so the bundle itself can't tell them such a record exists."""
    if viewer is None:
        return []
    reports = _records_about(request, viewer, user)
    if reports is None:
        return []
    decided = decisions_of(request)
    chosen = []
    for report in reports:
        history = decided.get(report.pk)
        if history and history[-1].includes:
            chosen.append((report, history[-1]))
    return chosen


def _record_item(report: Any, decision: SarRecordDecision) -> dict:
    redacted = decision.decision == SarRecordDecision.Decision.REDACTED
    data: dict[str, Any] = {
        "reference": report.reference,
        "what kind": report.get_kind_display(),
        "when it happened": report.occurred_at,
        "recorded": report.recorded_at,
    }
    if redacted:
        data["what happened (redacted)"] = decision.released_text
    else:
        data["what happened"] = report.account
        data["platform"] = report.platform_name
        data["others involved"] = report.others_involved
    item = _item(SAFEGUARDING_SOURCE, str(report.pk),
                 "A safeguarding record" + (" (redacted)" if redacted else ""), data)
    item["decision"] = decision.decision
    return item


def _shown(value: Any) -> str:
    """A value as the person reading their copy reads it: "Yes", never "True"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _html(request: SubjectAccessRequest, records: list[dict]) -> str:
    esc = html.escape
    person = request.person
    parts = [
        "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>",
        f"<title>Your data at {esc(request.school.name)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}table{border-collapse:collapse;width:100%}"
        "th,td{text-align:left;vertical-align:top;border-bottom:1px solid #ccc;padding:.3rem}"
        "th{width:35%}</style></head><body>",
        f"<h1>The data {esc(request.school.name)} holds about {esc(person.full_name)}</h1>",
        f"<p>Your request of {esc(request.received_on.isoformat())}; this copy made on "
        f"{esc(timezone.localdate().isoformat())}.</p>",
    ]
    withheld = [i for i in held_back(request) if i.get("decision") == "withhold"]
    pending = undecided(request)
    if withheld:
        parts.append(f"<p>{counted(len(withheld), 'item')} {plural('is', len(withheld))} "
                     "withheld; the reasons are listed at the end.</p>")
    if pending:
        n = len(pending)
        parts.append(f"<p>{counted(n, 'item')} {plural('is', n)} still being reviewed and "
                     f"{'is' if n == 1 else 'are'} not in this copy.</p>")
    for item in released_items(request) + records:
        parts.append(f"<h2>{esc(item['title'])}</h2><table>")
        for key, value in item["data"].items():
            shown = _shown(value)
            parts.append(f"<tr><th scope='row'>{esc(key)}</th><td>{esc(shown)}</td></tr>")
        parts.append("</table>")
    if withheld:
        parts.append("<h2>Withheld</h2><ul>")
        parts += [f"<li>{esc(i['title'])}: {esc(i.get('note', ''))}</li>" for i in withheld]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "".join(parts)


def bundle(request: SubjectAccessRequest,
           records: list[tuple[Any, SarRecordDecision]] | None = None) -> bytes:
    """The zip for the subject; ``records`` (from ``records_to_release``) are the safeguarding
    records decided for inclusion that the person downloading it may open."""
    record_items = [_record_item(report, decision) for report, decision in records or []]
    data = {
        "school": request.school.name,
        "person": request.person.full_name,
        "request_received_on": request.received_on.isoformat(),
        "made_on": timezone.localdate().isoformat(),
        "items": [{k: v for k, v in i.items() if k not in ("decided_by",)}
                  for i in released_items(request) + record_items],
        "withheld": [{"title": i["title"], "reason": i.get("note", "")}
                     for i in held_back(request) if i.get("decision") == "withhold"],
        "still_being_reviewed": len(undecided(request)),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", _html(request, record_items))
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("README.txt", (
            f"The data {request.school.name} holds about {request.person.full_name}.\n"
            "Open index.html in a web browser to read it; data.json holds the same for "
            "computers.\n"))
    return out.getvalue()
