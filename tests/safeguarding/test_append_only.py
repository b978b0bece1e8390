"""Evidence can never be changed or deleted: not through the ORM, the admin, the app's routes or
the API, nor by SQL sent straight to the database (SQLite and PostgreSQL alike). A correction is a
new item that points at the old one."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from smpolicy.safeguarding import dbguard, evidence, retention
from smpolicy.safeguarding.models import AuditEntry, Destruction, Evidence, Report
from smpolicy.safeguarding.records import AppendOnlyError

from .conftest import as_if_retention_ended, make_report, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(straits):
    report = make_report(straits)
    return evidence.add_file(
        report, upload("snap.png", png_bytes("hello")), added_by=straits.teacher, read_text=False
    )


def test_every_guard_trigger_is_in_the_database():
    expected = dbguard.expected(connection.vendor, dbguard.GUARDS)
    assert expected, f"no guards for {connection.vendor}"
    assert expected <= dbguard.installed(connection)


# -- the ORM ----------------------------------------------------------------------------------


def test_saving_a_changed_item_is_refused(item):
    item.description = "changed"
    with pytest.raises(AppendOnlyError, match="cannot be changed"):
        item.save()


def test_deleting_an_item_is_refused(item):
    with pytest.raises(AppendOnlyError, match="cannot be deleted"):
        item.delete()
    assert Evidence.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize(
    "attempt",
    [
        lambda qs: qs.update(sha256="0" * 64),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["description"]),
        lambda qs: qs.update_or_create(pk=qs.first().pk, defaults={"description": "x"}),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create"],
)
def test_querysets_refuse_changes_and_deletes(item, attempt):
    with pytest.raises(AppendOnlyError):
        attempt(Evidence.objects.filter(pk=item.pk))
    item.refresh_from_db()
    assert item.description == ""


def test_audit_entries_are_append_only_in_the_orm(straits):
    entry = AuditEntry.objects.create(school=straits.school, action="view")
    entry.note = "edited"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_what_was_reported_cannot_be_changed_but_its_status_can(straits):
    report = make_report(straits)
    report.status = Report.Status.OPENED
    report.save()
    report.account = "Something else entirely."
    with pytest.raises(AppendOnlyError, match="account"):
        report.save()
    with pytest.raises(AppendOnlyError):
        Report.objects.get(pk=report.pk).delete()


# -- raw SQL: the database's own triggers ------------------------------------------------------


def _refused(sql: str, params: list) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_sql_update_of_evidence_is_refused(item):
    _refused("UPDATE safeguarding_evidence SET sha256 = %s WHERE id = %s", ["0" * 64, item.pk])
    _refused("UPDATE safeguarding_evidence SET description = %s", ["x"])
    item.refresh_from_db()
    assert item.sha256 != "0" * 64


def test_sql_delete_of_evidence_is_refused(item):
    _refused("DELETE FROM safeguarding_evidence WHERE id = %s", [item.pk])
    _refused("DELETE FROM safeguarding_evidence", [])
    assert Evidence.objects.filter(pk=item.pk).exists()


def test_sql_cannot_empty_the_evidence_table(item):
    # SQLite has no TRUNCATE: there, emptying a table is DELETE FROM without a WHERE.
    if connection.vendor == "postgresql":
        _refused("TRUNCATE safeguarding_evidence CASCADE", [])
    _refused("DELETE FROM safeguarding_evidence", [])
    assert Evidence.objects.filter(pk=item.pk).exists()


def test_sql_cannot_change_or_delete_the_text_read_from_evidence(straits, settings):
    settings.SMPOLICY_OCR_COMMAND = "no-such-ocr-program"
    report = make_report(straits)
    item = evidence.add_file(report, upload("snap.png", png_bytes()), added_by=straits.teacher)
    text = item.texts.get()
    _refused("UPDATE safeguarding_evidencetext SET text = %s WHERE id = %s", ["forged", text.pk])
    _refused("DELETE FROM safeguarding_evidencetext WHERE id = %s", [text.pk])


def test_sql_cannot_change_or_delete_the_audit_log(straits):
    entry = AuditEntry.objects.create(school=straits.school, action="view", reference="R1")
    _refused("UPDATE safeguarding_auditentry SET username = %s WHERE id = %s", ["x", entry.pk])
    _refused("DELETE FROM safeguarding_auditentry WHERE id = %s", [entry.pk])


def test_sql_cannot_rewrite_what_was_reported_nor_delete_a_report(straits):
    report = make_report(straits)
    _refused("UPDATE safeguarding_report SET account = %s WHERE id = %s", ["forged", report.pk])
    _refused(
        "UPDATE safeguarding_report SET occurred_at = occurred_at - INTERVAL '1 day' WHERE id = %s"
        if connection.vendor == "postgresql"
        else "UPDATE safeguarding_report SET occurred_at = '2000-01-01 00:00:00' WHERE id = %s",
        [report.pk],
    )
    _refused("DELETE FROM safeguarding_report WHERE id = %s", [report.pk])
    with transaction.atomic(), connection.cursor() as cursor:  # its status may move on
        cursor.execute(
            "UPDATE safeguarding_report SET status = 'opened' WHERE id = %s", [report.pk]
        )
    report.refresh_from_db()
    assert report.status == "opened"
    assert report.account.startswith("Pip sent me")


def _forged_destruction(report: Report, straits) -> Destruction:
    return Destruction.objects.create(
        school=straits.school,
        report_id_at_time=report.pk,
        reference=report.reference,
        kind=report.kind,
        retention_rule="general",
        retain_until=report.occurred_at.date(),
        confirmed_by_name="Helen Head",
        reason="test",
    )


def test_a_forged_destruction_row_does_not_open_evidence_to_sql_delete(item, straits):
    # The attack: a destruction row inserted first, then the evidence deleted. The report is kept
    # for years yet, so the database still refuses.
    report = item.report
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO safeguarding_destruction (school_id, report_id_at_time, reference, kind,"
            " retention_rule, retain_until, confirmed_by_name, confirmed_by_user_id, "
            "confirmed_at, reason, evidence_hashes) VALUES (%s, %s, %s, %s, 'general', %s, "
            "'Helen Head', NULL, %s, 'forged', '[]')",
            [straits.school.pk, report.pk, report.reference, report.kind,
             report.occurred_at.date(), report.recorded_at],
        )
    _refused("DELETE FROM safeguarding_evidence WHERE id = %s", [item.pk])
    _refused("DELETE FROM safeguarding_involvement WHERE report_id = %s", [report.pk])
    _refused("DELETE FROM safeguarding_report WHERE id = %s", [report.pk])
    # Nor can the retention date be moved back to make it due.
    _refused("UPDATE safeguarding_report SET retain_until = %s WHERE id = %s",
             ["2000-01-01", report.pk])
    assert Evidence.objects.filter(pk=item.pk).exists()


def test_sql_may_delete_evidence_only_when_its_destruction_is_confirmed_and_due(item, straits):
    report = as_if_retention_ended(item.report)
    _refused("DELETE FROM safeguarding_evidence WHERE id = %s", [item.pk])  # not yet confirmed
    _forged_destruction(report, straits)
    Report.objects.filter(pk=report.pk).update(legal_hold=True)
    _refused("DELETE FROM safeguarding_evidence WHERE id = %s", [item.pk])  # on legal hold
    # ... and the hold cannot be lifted without a recorded decision to lift it.
    _refused("UPDATE safeguarding_report SET legal_hold = %s WHERE id = %s", [False, report.pk])
    with pytest.raises(AppendOnlyError, match="legal hold"):
        held = Report.objects.get(pk=report.pk)
        held.legal_hold = False
        held.save()
    retention.lift_hold(report, straits.head, "The inquiry has closed.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM safeguarding_evidence WHERE id = %s", [item.pk])
    assert not Evidence.objects.filter(pk=item.pk).exists()
    # ... and that destruction record is itself permanent.
    _refused("DELETE FROM safeguarding_destruction", [])


# -- corrections --------------------------------------------------------------------------------


def test_a_correction_is_a_new_item_pointing_at_the_old(item, straits):
    fixed = evidence.add_file(
        item.report,
        upload("snap-full.png", png_bytes("hello again")),
        added_by=straits.teacher,
        corrects=item,
        correction_reason="The first screenshot cut off the sender's name.",
        read_text=False,
    )
    assert fixed.pk != item.pk
    assert fixed.corrects == item
    assert list(item.corrections.all()) == [fixed]
    item.refresh_from_db()
    assert item.corrects is None  # the old item is untouched


# -- the admin, the app's routes and the API ----------------------------------------------------


@pytest.mark.parametrize("who", ["dsl", "superuser"])
def test_the_admin_has_no_door_to_evidence_at_all(client, item, straits, who):
    """Not read-only, not need-to-know filtered: not there. A DSL and a superuser, both with a
    second factor, find no evidence URL in the admin, and the evidence stays as it was."""
    from smpolicy.safeguarding.testing import pass_second_factor
    from smpolicy.schools.testing import make_user

    if who == "dsl":
        user = straits.dsl.user
        user.is_staff = True
        user.save()
    else:
        user = make_user(is_superuser=True, is_staff=True)
    client.force_login(user)
    pass_second_factor(client, user)
    assert client.get("/admin/").status_code == 200
    for url in (
        f"/admin/safeguarding/evidence/{item.pk}/change/",
        f"/admin/safeguarding/evidence/{item.pk}/delete/",
        "/admin/safeguarding/evidence/",
        "/admin/safeguarding/evidence/add/",
        "/admin/safeguarding/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"post": "yes", "description": "forged"}).status_code == 404, url
    assert "safeguarding" not in client.get("/admin/").content.decode().lower()
    item.refresh_from_db()
    assert item.description == "" and Evidence.objects.filter(pk=item.pk).exists()


def test_no_route_changes_or_deletes_evidence(client, item, straits):
    from .conftest import sign_in

    sign_in(client, straits.dsl)
    url = reverse("safeguarding:evidence_file", args=[item.pk])
    for method in ("put", "patch", "delete", "post"):
        assert getattr(client, method)(url).status_code == 405
    assert Evidence.objects.filter(pk=item.pk).exists()


def test_the_api_has_no_route_to_safeguarding_records(client, straits):
    from .conftest import sign_in

    sign_in(client, straits.head)
    schema = client.get("/api/openapi.json").json()
    assert not [
        path
        for path in schema["paths"]
        if "evidence" in path or "report" in path or "safeguarding" in path
    ]
