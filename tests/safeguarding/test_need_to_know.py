"""Need to know, walked: every role at two schools of one deployment opens every safeguarding page
and route (and the admin's), with every record's id, and nothing shows that need to know forbids.

Each record carries a marker in its text. The oracle below says, independently of the code, which
markers each role may see at its own school; no role may see any marker of the other school.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from smpolicy.safeguarding import evidence
from smpolicy.safeguarding.models import (
    AccessChange,
    Case,
    CaseAction,
    Evidence,
    Outcome,
    Report,
    Transfer,
)
from smpolicy.safeguarding.urls import urlpatterns
from smpolicy.schools.testing import make_user

from .conftest import Staffroom, make_report, make_staffroom, png_bytes, sign_in, upload

pytestmark = pytest.mark.django_db

# Who may see what, at their own school (the need-to-know rules).
ORACLE: dict[str, set[str]] = {
    # staff see their own reports (and what they added), nothing of the follow-up
    "teacher": {"contact", "breach", "evid"},
    # a report about a member of staff is hidden from them
    "colleague": set(),
    # the DSL team sees safeguarding records, not one about themselves; their own reports
    "dsl": {"contact", "evid", "case-contact", "outcome", "head"},
    "deputy": {"contact", "about-dsl", "evid", "case-contact", "outcome", "transfer"},
    # the headteacher sees all, but not the allegation against them
    "head": {
        "contact",
        "breach",
        "bully",
        "parent",
        "about-dsl",
        "evid",
        "case-contact",
        "outcome",
        "transfer",
    },
    # the Chair of Governors gets the allegation against the headteacher
    "chair": {"head", "case-head"},
    # governors: anonymised counts only
    "governor": set(),
    "volunteer": {"bully"},
    "pupil": set(),
    "parent": set(),
}
ALL_MARKERS = {m for seen in ORACLE.values() for m in seen}


def marker(slug: str, name: str) -> str:
    return f"MARK-{slug}-{name}-END"


def furnish(room: Staffroom) -> dict[str, list[Any]]:
    """Every kind of record at one school, each with its marker."""
    s = room.school.slug
    contact = make_report(room, account=f"Pip wrote to me. {marker(s, 'contact')}")
    evidence.add_file(
        contact,
        upload(f"{marker(s, 'evid')}.png", png_bytes("x")),
        added_by=room.teacher,
        read_text=False,
    )
    breach = make_report(
        room,
        "staff_breach",
        subject=room.colleague,
        account=f"Colin posted about a parent. {marker(s, 'breach')}",
        details={"breach": "damaging_post"},
    )
    head = make_report(
        room,
        "staff_breach",
        reporter=room.dsl,
        subject=room.head,
        account=f"The head posted trip photos. {marker(s, 'head')}",
        details={"breach": "pupil_images"},
    )
    bully = make_report(
        room,
        "cyberbullying",
        reporter=room.volunteer,
        account=f"Abuse on my TikTok. {marker(s, 'bully')}",
    )
    parent = make_report(
        room,
        "parent_concern",
        reporter=None,
        reporter_email="p@example.com",
        reporter_name="Pat",
        account=f"A parent's worry. {marker(s, 'parent')}",
    )
    about_dsl = make_report(
        room,
        "staff_breach",
        reporter=room.deputy,
        subject=room.dsl,
        pupils=[room.pupil],
        details={"breach": "message_pupil"},
        account=f"Dora messaged Pip. {marker(s, 'about-dsl')}",
    )
    contact_case = Case.objects.create(
        school=room.school, title=marker(s, "case-contact"), opened_by=room.dsl, lead=room.dsl
    )
    Report.objects.filter(pk=contact.pk).update(case=contact_case, status="in_case")
    Outcome.objects.create(
        case=contact_case,
        subject=room.pupil,
        kind="pupil_sanction",
        clause="community.sanctions",
        decided_by=room.head,
        decided_on=timezone.localdate(),
        reasons=marker(s, "outcome"),
        recorded_by=room.dsl,
    )
    CaseAction.objects.create(
        case=contact_case,
        description="Call home",
        owner=room.deputy,
        due_on=timezone.localdate(),
        created_by=room.dsl,
    )
    head_case = Case.objects.create(
        school=room.school, title=marker(s, "case-head"), opened_by=room.chair, lead=room.chair
    )
    Report.objects.filter(pk=head.pk).update(case=head_case, status="in_case")
    Transfer.objects.create(
        school=room.school,
        pupil=room.pupil,
        to_school=marker(s, "transfer"),
        to_contact="DSL",
        method="by hand",
        sent_on=timezone.localdate(),
        sent_by=room.deputy,
    )
    return {
        "reports": [contact, breach, head, bully, parent, about_dsl],
        "cases": [contact_case, head_case],
    }


def urls_to_walk(rooms: list[Staffroom]) -> list[str]:
    reports = list(Report.objects.all())
    values: dict[str, list[Any]] = {
        "report": [r.pk for r in reports],
        "case": list(Case.objects.values_list("pk", flat=True)),
        "action": list(CaseAction.objects.values_list("pk", flat=True)),
        "transfer": list(Transfer.objects.values_list("pk", flat=True)),
        "evidence": list(Evidence.objects.values_list("pk", flat=True)),
        "person": [
            p.pk for r in rooms for p in (r.pupil, r.sibling, r.dsl, r.colleague, r.head, r.teacher)
        ],
        "slug": [r.school.slug for r in rooms],
        "access_change": list(AccessChange.objects.values_list("pk", flat=True)),
    }
    families = {
        "report_detail": "report",
        "evidence_add": "report",
        "triage": "report",
        "destroy": "report",
        "retention_change": "report",
        "evidence_file": "evidence",
        "case_detail": "case",
        "action_add": "case",
        "outcome_add": "case",
        "advice_add": "case",
        "police_referral_add": "case",
        "case_close": "case",
        "action_done": "action",
        "transfer_detail": "transfer",
        "transfer_export": "transfer",
        "chronology": "person",
        "transfer_new": "person",
        "parent_concern": "slug",
        "access_change_decide": "access_change",
    }
    found: list[str] = []
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        name = pattern.name
        params = list(pattern.pattern.converters)
        if not params:
            found.append(reverse(f"safeguarding:{name}"))
        elif name == "evidence_correct":
            found += [
                reverse(f"safeguarding:{name}", args=[e.report_id, e.pk])
                for e in Evidence.objects.all()
            ]
        elif name == "parent_concern_write":
            found += [
                reverse(f"safeguarding:{name}", args=[slug, "made-up-token"])
                for slug in values["slug"]
            ]
        else:
            assert name in families, f"the walk does not know the route {name}: add it"
            found += [reverse(f"safeguarding:{name}", args=[v]) for v in values[families[name]]]
    # The admin has no safeguarding pages any more; the walk still knocks where they were.
    for model in (
        "report",
        "evidence",
        "evidencetext",
        "case",
        "outcome",
        "advice",
        "policereferral",
        "auditentry",
        "destruction",
        "retentionchange",
        "secondfactor",
        "accesschange",
    ):
        found.append(f"/admin/safeguarding/{model}/")
    found += [f"/admin/safeguarding/report/{r.pk}/change/" for r in reports]
    found += [f"/admin/safeguarding/evidence/{pk}/change/" for pk in values["evidence"]]
    found += [f"/admin/safeguarding/case/{pk}/change/" for pk in values["case"]]
    found += [reverse("admin:index"), "/api/openapi.json", "/"]
    return found


def leaks(client, urls: list[str], allowed: set[str], every: set[str]) -> tuple[list[str], set]:
    shown: set[str] = set()
    wrong: list[str] = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if url.endswith("/export/"):  # a zip: look inside it
            import io
            import zipfile

            archive = zipfile.ZipFile(io.BytesIO(body))
            body = b"".join(archive.read(n) for n in archive.namelist())
        text = body.decode("utf-8", "replace")
        for mark in every:
            if mark in text:
                shown.add(mark)
                if mark not in allowed:
                    wrong.append(f"{url} shows {mark}")
    return wrong, shown


@pytest.fixture
def deployment(db):
    rooms = [
        make_staffroom("Straits Primary School", "straits"),
        make_staffroom("Harbour Primary School", "harbour"),
    ]
    for room in rooms:
        for person in (room.head, room.dsl, room.chair):
            person.user.is_staff = True  # so the admin is walked as them too
            person.user.save()
        furnish(room)
    return rooms


def test_every_role_at_two_schools_sees_only_what_need_to_know_allows(client, deployment):
    every = {marker(r.school.slug, m) for r in deployment for m in ALL_MARKERS}
    urls = urls_to_walk(deployment)
    problems: list[str] = []
    for room in deployment:
        for role, allowed_names in ORACLE.items():
            person = getattr(room, role)
            sign_in(client, person)
            allowed = {marker(room.school.slug, m) for m in allowed_names}
            wrong, shown = leaks(client, urls, allowed, every)
            problems += [f"{role}@{room.school.slug}: {w}" for w in wrong]
            # and the walk really opened what they may see: no passing by showing nothing
            missing = allowed - shown
            problems += [f"{role}@{room.school.slug}: never saw {m}" for m in sorted(missing)]
            client.logout()
    assert problems == []


def test_administrators_and_the_anonymous_see_no_safeguarding_record(client, deployment):
    every = {marker(r.school.slug, m) for r in deployment for m in ALL_MARKERS}
    urls = urls_to_walk(deployment)
    wrong, shown = leaks(client, urls, set(), every)
    assert wrong == [] and shown == set()
    for user in (make_user(is_superuser=True, is_staff=True), make_user(is_staff=True)):
        client.force_login(user)
        wrong, _ = leaks(client, urls, set(), every)
        assert wrong == []
        client.logout()


def test_without_a_second_factor_the_safeguarding_team_sees_nothing(client, deployment):
    room = deployment[0]
    every = {marker(r.school.slug, m) for r in deployment for m in ALL_MARKERS}
    urls = urls_to_walk(deployment)
    for role in ("head", "dsl", "deputy", "chair"):
        sign_in(client, getattr(room, role), second_factor=False)
        _wrong, shown = leaks(client, urls, set(), every)
        assert shown == set(), (role, shown)
        client.logout()


def test_no_one_changes_what_they_may_not_see(client, deployment):
    straits, _harbour = deployment
    hidden_case = Case.objects.get(title=marker("harbour", "case-contact"))
    head_case = Case.objects.get(title=marker("straits", "case-head"))
    attempts = [
        (straits.teacher, reverse("safeguarding:outcome_add", args=[hidden_case.pk])),
        (straits.head, reverse("safeguarding:outcome_add", args=[head_case.pk])),
        (straits.dsl, reverse("safeguarding:outcome_add", args=[head_case.pk])),
        (straits.colleague, reverse("safeguarding:action_add", args=[hidden_case.pk])),
        (straits.head, reverse("safeguarding:advice_add", args=[hidden_case.pk])),
    ]
    before = (Outcome.objects.count(), CaseAction.objects.count())
    for person, url in attempts:
        sign_in(client, person)
        response = client.post(
            url,
            {
                "kind": "no_further_action",
                "decided_by": person.pk,
                "decided_on": "2026-01-01",
                "reasons": "x",
                "description": "x",
                "owner": person.pk,
                "due_on": "2026-01-01",
                "source": "other",
                "adviser": "x",
                "advised_on": "2026-01-01",
                "advice": "x",
            },
        )
        assert response.status_code in (403, 404), (person, url, response.status_code)
    assert (Outcome.objects.count(), CaseAction.objects.count()) == before
    about_dsl = Report.objects.get(account__contains=marker("straits", "about-dsl"))
    sign_in(client, straits.dsl)
    for name in ("triage", "destroy", "evidence_add"):
        response = client.post(reverse(f"safeguarding:{name}", args=[about_dsl.pk]), {})
        assert response.status_code in (403, 404), name
