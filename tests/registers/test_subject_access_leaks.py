"""Subject access without leaks (issue 10, item 7).

An attacker review found that a subject access request told the headteacher an allegation against
him existed: its reference and kind were listed on the request's page, though the report itself
was hidden from him. These tests attack that from the side doors: the list, the page, the bundle,
a decision posted by hand, another school's ids, a session without the second factor, and the
database itself for the decisions' record.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from smpolicy.registers import sar
from smpolicy.registers.models import SarRecordDecision, SubjectAccessRequest
from smpolicy.safeguarding import alerts, intake
from smpolicy.safeguarding.models import AuditEntry, Report
from smpolicy.schools import testing
from smpolicy.schools.appendonly import AppendOnlyError

ALLEGATION = "The head sent Oliver private messages on Snapchat late at night."


def allegation_against_the_head(room) -> Report:
    """An allegation against the headteacher that involves a pupil, made as the form makes it:
    routed to the Chair of Governors, and open to the DSL team because a child is involved."""
    report, routes = intake.create_report(room.school, intake.Answers(
        kind=Report.Kind.STAFF_BREACH, reporter=room.teacher, occurred_at=timezone.now(),
        account=ALLEGATION, subject=room.head, pupils=[room.pupil], platform="snapchat",
        details={"breach": "private_contact"},
    ))
    alerts.raise_alerts(report, routes)
    return report


def user_of(person):
    return person.user or testing.make_user(person)


def open_bundle(data: bytes) -> tuple[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return archive.read("index.html").decode(), archive.read("data.json").decode()


def traces(report: Report) -> list[str]:
    """What would tell a reader that ``report`` exists."""
    return [report.reference, report.get_kind_display(), ALLEGATION, f"report={report.pk}",
            f"/reports/{report.pk}/", 'name="report"']


def assert_no_trace(text: str, report: Report) -> None:
    for trace in traces(report):
        assert trace not in text, trace


@pytest.fixture
def allegation(room) -> Report:
    return allegation_against_the_head(room)


@pytest.fixture
def head_request(room, allegation) -> SubjectAccessRequest:
    return sar.start(room.head, timezone.localdate(), room.dsl)


@pytest.fixture
def pupil_request(room, allegation) -> SubjectAccessRequest:
    return sar.start(room.pupil, timezone.localdate(), room.head)


def pages(item: SubjectAccessRequest) -> list[str]:
    return [reverse("registers:access_requests"),
            reverse("registers:access_request", args=[item.pk]),
            reverse("registers:access_bundle", args=[item.pk])]


def test_the_headteacher_accused_finds_no_trace_in_the_list_the_page_or_the_bundle(
        room, allegation, head_request, pupil_request, login_verified):
    client = login_verified(room.head)
    for item in (head_request, pupil_request):
        for url in pages(item):
            response = client.get(url)
            assert response.status_code == 200, url
            if url.endswith(".zip"):
                html, data = open_bundle(response.content)
                assert_no_trace(html, allegation)
                assert_no_trace(data, allegation)
            else:
                assert_no_trace(response.content.decode(), allegation)
    # Nor does asking by hand tell him: a decision on the record is "no such item" on the
    # pupil's request, and refused (as anyone's would be) on his own.
    url = reverse("registers:access_request", args=[pupil_request.pk])
    response = client.post(url, {"report": allegation.pk, "decision": "full",
                                 "reason": "Let me see."})
    assert response.status_code == 404
    assert_no_trace(response.content.decode(), allegation)
    response = client.post(reverse("registers:access_request", args=[head_request.pk]),
                           {"report": allegation.pk, "decision": "full", "reason": "Mine."})
    assert response.status_code == 403
    assert_no_trace(response.content.decode(), allegation)
    assert not SarRecordDecision.objects.exists()


def test_nothing_about_the_record_is_stored_on_the_request(head_request, allegation):
    assert_no_trace(json.dumps(head_request.items), allegation)
    assert "safeguarding" not in json.dumps(head_request.items)


@pytest.mark.parametrize("who", ["dsl", "head"])
def test_handling_a_request_needs_the_second_factor(room, head_request, login, who):
    client = login(getattr(room, who), second_factor=False)
    for url in pages(head_request):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/second-factor/" in response["Location"]
    response = client.post(reverse("registers:access_requests"), {
        "person": room.teacher.pk, "received_on": timezone.localdate().isoformat()})
    assert response.status_code == 302 and "/second-factor/" in response["Location"]
    assert SubjectAccessRequest.objects.count() == 1


def test_the_pages_are_refused_to_those_who_do_not_handle_requests(room, head_request, login):
    for who in ("teacher", "ta", "deputy", "chair", "governor", "pupil", "parent"):
        client = login(getattr(room, who))
        for url in pages(head_request):
            assert client.get(url).status_code == 403, (who, url)


def test_the_dsl_with_the_second_factor_sees_and_decides_and_the_bundle_follows(
        room, allegation, head_request, login_verified):
    client = login_verified(room.dsl)
    listed = client.get(reverse("registers:access_requests")).content.decode()
    assert "1 safeguarding record for the DSL team" in listed
    url = reverse("registers:access_request", args=[head_request.pk])
    body = client.get(url).content.decode()
    assert allegation.reference in body and allegation.get_kind_display() in body
    assert reverse("safeguarding:report_detail", args=[allegation.pk]) in body

    response = client.post(url, {
        "report": allegation.pk, "decision": "redacted", "exemption": "third_party",
        "released_text": "A member of staff reported messages sent to a pupil.",
        "reason": "The pupil's name is a third party's data.",
    })
    assert response.status_code == 302
    (first,) = SarRecordDecision.objects.all()
    assert (first.decision, first.exemption, first.decided_by_name) == (
        "redacted", "third_party", room.dsl.full_name)
    assert first.reference == allegation.reference and first.decided_at is not None
    audit = AuditEntry.objects.filter(action="subject_access_decision").get()
    assert audit.reference == allegation.reference and audit.person_name == room.dsl.full_name
    assert "redacted" in audit.note and ALLEGATION not in audit.note

    html, data = open_bundle(client.get(url + "bundle.zip").content)
    assert "A member of staff reported messages sent to a pupil." in html
    assert ALLEGATION not in html and ALLEGATION not in data
    assert allegation.reference in json.loads(data)["items"][-1]["data"]["reference"]

    # A changed mind is a new decision; the first stays.
    client.post(url, {"report": allegation.pk, "decision": "withhold", "exemption": "crime",
                      "reason": "The LADO's enquiry is under way."})
    assert SarRecordDecision.objects.count() == 2
    html, data = open_bundle(client.get(url + "bundle.zip").content)
    # Withheld: not even said to be withheld, which would tell the subject it exists.
    assert_no_trace(html, allegation)
    assert_no_trace(data, allegation)
    assert "withheld" not in html.lower()
    body = client.get(url).content.decode()
    assert "The LADO&#x27;s enquiry is under way." in body
    assert "The pupil&#x27;s name is a third party&#x27;s data." in body  # the history

    assert "record for the DSL team" not in client.get(
        reverse("registers:access_requests")).content.decode()
    client.post(url, {"report": allegation.pk, "decision": "full",
                      "reason": "The enquiry is closed; nothing to hold back."})
    html, _ = open_bundle(client.get(url + "bundle.zip").content)
    assert ALLEGATION in html
    assert AuditEntry.objects.filter(action="subject_access_decision").count() == 3
    assert AuditEntry.objects.filter(action="subject_access_bundle").exists()


def test_the_headteacher_s_download_never_holds_a_record_he_may_not_open(
        room, allegation, head_request, login_verified):
    SarRecordDecision.objects.create(
        school=room.school, access_request=head_request, report_id_at_time=allegation.pk,
        reference=allegation.reference, decision="full", reason="Closed.",
        decided_by_id_at_time=room.dsl.pk, decided_by_name=room.dsl.full_name)
    client = login_verified(room.head)
    html, data = open_bundle(client.get(
        reverse("registers:access_bundle", args=[head_request.pk])).content)
    assert_no_trace(html, allegation)
    assert_no_trace(data, allegation)


def test_nobody_decides_on_records_about_themselves(room, login_verified):
    # A record the deputy DSL made is about her (she is in it), so her own request lists it;
    # she may not decide on it, the headteacher (also in the DSL team) may.
    report, _routes = intake.create_report(room.school, intake.Answers(
        kind=Report.Kind.PUPIL_CONTACT, reporter=room.dsl, occurred_at=timezone.now(),
        account="Oliver messaged me on a game.", pupils=[room.pupil]))
    item = sar.start(room.dsl, timezone.localdate(), room.head)
    url = reverse("registers:access_request", args=[item.pk])
    client = login_verified(room.dsl)
    body = client.get(url).content.decode()
    assert "You are the subject of this request" in body
    assert report.reference not in body
    response = client.post(url, {"report": report.pk, "decision": "full", "reason": "Mine."})
    assert response.status_code == 403
    assert "another member of the DSL team" in response.content.decode()
    with pytest.raises(sar.SelfDecision):
        sar.decide_record(item, report.pk, decision="full", exemption="", reason="x",
                          released_text="", by=room.dsl, user=user_of(room.dsl))
    assert not SarRecordDecision.objects.exists()

    client = login_verified(room.head)
    assert report.reference in client.get(url).content.decode()
    assert client.post(url, {"report": report.pk, "decision": "full",
                             "reason": "Her own account."}).status_code == 302
    assert SarRecordDecision.objects.get().decided_by_name == room.head.full_name


def test_another_school_s_requests_and_records_are_404(room, other_room, head_request,
                                                       allegation, login_verified):
    theirs_report = allegation_against_the_head(other_room)
    theirs = sar.start(other_room.head, timezone.localdate(), other_room.dsl)
    client = login_verified(room.dsl)
    for url in pages(theirs)[1:]:
        assert client.get(url).status_code == 404
    assert client.post(reverse("registers:access_request", args=[theirs.pk]), {
        "report": theirs_report.pk, "decision": "full", "reason": "x"}).status_code == 404
    # Their record's id on our request: not one of ours.
    assert client.post(reverse("registers:access_request", args=[head_request.pk]), {
        "report": theirs_report.pk, "decision": "full", "reason": "x"}).status_code == 404
    assert not SarRecordDecision.objects.exists()


def test_a_decision_with_missing_parts_is_a_clear_error_not_a_500(room, allegation,
                                                                 head_request, login_verified):
    client = login_verified(room.dsl)
    url = reverse("registers:access_request", args=[head_request.pk])
    cases = [
        ({"report": allegation.pk, "decision": "withhold", "reason": "Harm."},
         "Choose the exemption"),
        ({"report": allegation.pk, "decision": "redacted", "exemption": "serious_harm",
          "reason": "Harm."}, "Give the account as it will be released"),
        ({"report": allegation.pk, "decision": "full", "reason": "  "}, "Say why"),
        ({"report": "R1; DROP TABLE", "decision": "full", "reason": "x"}, "whole number"),
        ({"report": allegation.pk, "decision": "publish", "reason": "x"}, "valid choice"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not SarRecordDecision.objects.exists()


def test_a_dsl_cannot_mark_a_request_answered_with_a_record_undecided(room, head_request,
                                                                     login_verified):
    client = login_verified(room.dsl)
    client.post(reverse("registers:access_request", args=[head_request.pk]), {"release": "1"})
    head_request.refresh_from_db()
    assert head_request.released_at is None


def test_the_record_of_decisions_is_append_only_in_the_orm_and_the_database(room, allegation,
                                                                          head_request):
    row = sar.decide_record(head_request, allegation.pk, decision="withhold",
                            exemption="serious_harm", reason="Risk to the child.",
                            released_text="", by=room.dsl, user=user_of(room.dsl))
    row.reason = "Changed"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        SarRecordDecision.objects.filter(pk=row.pk).update(reason="Changed")
    table = SarRecordDecision._meta.db_table
    for sql in (f"UPDATE {table} SET reason = 'Changed' WHERE id = %s",
                f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert SarRecordDecision.objects.get().reason == "Risk to the child."


def _normalised(text: str, item: SubjectAccessRequest) -> str:
    text = text.replace(item.person.full_name, "NAME").replace(item.person.first_name, "NAME")
    text = text.replace(f"/access-requests/{item.pk}/", "/access-requests/PK/")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", text)
    return re.sub(r'([a-z_.]+):\d+"', r'\1:ID"', text)


def test_the_page_reads_the_same_whether_or_not_its_subject_has_records(
        room, allegation, login_verified):
    """Oliver is in the allegation against the headteacher; his sister Ella is in no record.
    The headteacher handling their requests must not be able to tell them apart."""
    room.sibling.date_of_birth = room.pupil.date_of_birth
    room.sibling.external_id = room.pupil.external_id
    room.sibling.save()
    oliver = sar.start(room.pupil, timezone.localdate(), room.head)
    ella = sar.start(room.sibling, timezone.localdate(), room.head)
    # Even once the DSL team has decided on Oliver's record.
    sar.decide_record(oliver, allegation.pk, decision="withhold", exemption="child_abuse",
                      reason="Not in his interests yet.", released_text="", by=room.dsl,
                      user=user_of(room.dsl))
    client = login_verified(room.head)
    for name in ("registers:access_request", "registers:access_bundle"):
        shown = []
        for item in (oliver, ella):
            response = client.get(reverse(name, args=[item.pk]))
            assert response.status_code == 200
            body = response.content.decode() if name.endswith("request") else "\n".join(
                open_bundle(response.content))
            shown.append(_normalised(body, item))
        assert shown[0] == shown[1], name
    lists = client.get(reverse("registers:access_requests")).content.decode()
    assert_no_trace(lists, allegation)
