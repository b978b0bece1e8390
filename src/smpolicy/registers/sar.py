"""Subject access: everything the product holds about one person, as a readable bundle.

``gather(person)`` collects items from every app that holds data about people (this one, schools,
asking, and the safeguarding, network and posting apps where installed). An item that names other
people (third parties) or comes from a safeguarding record is *held back*: it goes into the bundle
only once a person has decided to release it. A safeguarding record is never copied here: the item
holds its reference, kind and date, and whoever reviews it opens the record in the safeguarding app,
where its access rules and audit apply; released, the bundle says the DSL provides it.

``bundle(request)`` is a zip: ``index.html`` (readable in any browser, no scripts), ``data.json``
(the same, for machines) and ``README.txt``.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from smpolicy.registers.models import (
    Acknowledgement,
    JudgementAdvisory,
    PolicyVersion,
    ProfileReview,
    Reminder,
    Responsibility,
    SocialContact,
    SubjectAccessRequest,
)
from smpolicy.registers.oversight import optional_model
from smpolicy.schools.models import ParentLink, Person, Position

THIRD_PARTY = "It names other people (third-party data): release it only if they agree, or if it "
THIRD_PARTY += "is reasonable to release it without their agreement."
SAFEGUARDING = (
    "A safeguarding record: the DSL decides whether disclosing it could put a child at risk "
    "of serious harm; if released, the DSL provides the record itself."
)


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
            "asked": record.created, "situation": json.dumps(record.situation),
            "verdict": record.verdict, "policy": f"{record.pack} {record.pack_version}",
        })


def _safeguarding(person: Person) -> Iterator[dict]:
    model = optional_model("safeguarding", "Report")
    if model is None:
        return
    reports = model._default_manager.filter(school=person.school_id).filter(
        Q(reported_by=person) | Q(involvements__person=person)).distinct()
    for report in reports:
        yield _item("safeguarding.report", str(report.pk), "A safeguarding record", {
            "reference": report.reference,
            "kind": report.get_kind_display(),
            "recorded": report.recorded_at,
            "made by you": report.reported_by_id == person.pk,
        }, SAFEGUARDING)


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


COLLECTORS = (_own_records, _registers, _decisions, _safeguarding, _network, _posting)


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


def decide(request: SubjectAccessRequest, item_id: str, decision: str, note: str,
           by: Person) -> None:
    for item in request.items:
        if item["id"] == item_id and item.get("held_back"):
            item.update(decision=decision, note=note, decided_by=by.full_name,
                        decided_at=timezone.now().isoformat(timespec="minutes"))
            request.save(update_fields=["items"])
            return
    raise KeyError(item_id)


def released_items(request: SubjectAccessRequest) -> list[dict]:
    return [i for i in request.items if not i["held_back"] or i.get("decision") == "release"]


def _html(request: SubjectAccessRequest) -> str:
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
    withheld = [i for i in request.held_back() if i.get("decision") == "withhold"]
    pending = request.undecided()
    if withheld:
        parts.append(f"<p>{len(withheld)} item(s) are withheld; the reasons are listed at the "
                     "end.</p>")
    if pending:
        parts.append(f"<p>{len(pending)} item(s) are still being reviewed and are not in this "
                     "copy.</p>")
    for item in released_items(request):
        parts.append(f"<h2>{esc(item['title'])}</h2><table>")
        for key, value in item["data"].items():
            shown = "" if value is None else str(value)
            parts.append(f"<tr><th scope='row'>{esc(key)}</th><td>{esc(shown)}</td></tr>")
        parts.append("</table>")
        if item["source"] == "safeguarding.report":
            parts.append("<p>The Designated Safeguarding Lead provides this record itself.</p>")
    if withheld:
        parts.append("<h2>Withheld</h2><ul>")
        parts += [f"<li>{esc(i['title'])}: {esc(i.get('note', ''))}</li>" for i in withheld]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "".join(parts)


def bundle(request: SubjectAccessRequest) -> bytes:
    data = {
        "school": request.school.name,
        "person": request.person.full_name,
        "request_received_on": request.received_on.isoformat(),
        "made_on": timezone.localdate().isoformat(),
        "items": [{k: v for k, v in i.items() if k not in ("decided_by",)}
                  for i in released_items(request)],
        "withheld": [{"title": i["title"], "reason": i.get("note", "")}
                     for i in request.held_back() if i.get("decision") == "withhold"],
        "still_being_reviewed": len(request.undecided()),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", _html(request))
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("README.txt", (
            f"The data {request.school.name} holds about {request.person.full_name}.\n"
            "Open index.html in a web browser to read it; data.json holds the same for "
            "computers.\n"))
    return out.getvalue()
