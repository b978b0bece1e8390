"""A pupil's child protection file is built by a worker, not inside the request: the button
queues an export, its page shows its state, and the file, once built, is downloaded by the DSL
who asked, with the second factor, and audited as the export always was. Attacked: another
school's export, another person's, a session without the second factor, a DSL who lost the
post, a task delivered twice, a file kept past its day."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from smpolicy.jobs import exports
from smpolicy.jobs.models import Export
from smpolicy.safeguarding import access_changes
from smpolicy.safeguarding import transfer as transferring
from smpolicy.safeguarding.models import AccessChange, AuditEntry, Transfer
from smpolicy.web.startup import catch_up

from .conftest import make_report, sign_in

pytestmark = pytest.mark.django_db
What = AccessChange.What


def make_transfer(room) -> Transfer:
    make_report(room, account="Pip sent a snap asking for my number.")
    return Transfer.objects.create(school=room.school, pupil=room.pupil, sent_by=room.dsl,
                                   to_school="Harbour Primary School", to_contact="Ms Dee",
                                   method="By hand", sent_on=timezone.localdate())


def queue_it(client, transfer: Transfer):
    return client.post(reverse("safeguarding:transfer_export", args=[transfer.pk]))


def test_the_button_queues_the_file_and_shows_its_page(client, straits):
    transfer = make_transfer(straits)
    sign_in(client, straits.dsl)
    answer = queue_it(client, transfer)
    job = Export.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("jobs:export",
                                                                         args=[job.pk])
    assert (job.kind, job.params, job.state, job.requested_by) == (
        "cp_file", {"transfer": transfer.pk}, "queued", straits.dsl.user)
    assert not AuditEntry.objects.filter(action="export").exists()  # nothing has left yet
    page = client.get(answer["Location"])
    assert page.status_code == 200
    assert 'role="status"' in page.text and "waiting for a worker" in page.text
    assert "jobs/export.js" in page.text and '<meta http-equiv="refresh"' in page.text
    assert "<script>" not in page.text  # the strict CSP: the poll is a static file
    assert "Download" not in page.text
    state = client.get(reverse("jobs:export_progress", args=[job.pk])).json()
    assert state["state"] == "queued" and state["finished"] is False
    # Pressed twice: the one export still waiting.
    queue_it(client, transfer)
    assert Export.objects.count() == 1
    # The button is a form: a GET exports nothing.
    assert client.get(reverse("safeguarding:transfer_export", args=[transfer.pk])).status_code \
        == 405


def test_the_worker_builds_it_once_into_a_private_file_and_the_dsl_downloads_it(client,
                                                                               straits):
    transfer = make_transfer(straits)
    sign_in(client, straits.dsl)
    queue_it(client, transfer)
    job = Export.objects.get()
    built = exports.run(job.pk)
    assert built is not None and built.state == "ready"
    assert exports.run(job.pk) is None  # delivered twice: built once
    path = Path(built.file)
    assert path.parent == exports.exports_dir() and path.stat().st_mode & 0o077 == 0
    expected = transferring.build(transfer)
    assert path.read_bytes() == expected
    assert built.sha256 == hashlib.sha256(expected).hexdigest()
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".part")]

    page = client.get(reverse("jobs:export", args=[job.pk]))
    assert transferring.filename(transfer) in page.text
    assert reverse("jobs:export_download", args=[job.pk]) in page.text
    assert "jobs/export.js" not in page.text  # finished: nothing to poll
    download = client.get(reverse("jobs:export_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download["Cache-Control"] == "no-store, private"
    assert transferring.filename(transfer) in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == expected
    entry = AuditEntry.objects.get(action="export")
    assert entry.note == f"sha256 {hashlib.sha256(expected).hexdigest()[:16]}"


def test_without_the_second_factor_or_the_post_the_file_is_refused(client, straits):
    transfer = make_transfer(straits)
    sign_in(client, straits.deputy)
    queue_it(client, transfer)
    job = exports.run(Export.objects.get().pk)
    url = reverse("jobs:export_download", args=[job.pk])
    client.logout()
    sign_in(client, straits.deputy, second_factor=False)
    for page in (url, reverse("jobs:export", args=[job.pk])):
        answer = client.get(page)
        assert answer.status_code == 302 and "/second-factor/" in answer["Location"]
    sign_in(client, straits.deputy)
    change = access_changes.request_change(straits.school, What.END_POST, straits.deputy,
                                           requested_by=straits.dsl, reason="Left the post",
                                           post="deputy_dsl")
    access_changes.confirm(change, straits.head)  # no longer a deputy DSL
    assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


def test_another_person_s_or_another_school_s_export_is_not_found(client, straits, harbour):
    transfer = make_transfer(straits)
    sign_in(client, straits.dsl)
    queue_it(client, transfer)
    job = exports.run(Export.objects.get().pk)
    for someone in (straits.deputy, harbour.dsl):
        client.logout()
        sign_in(client, someone)
        for name in ("jobs:export", "jobs:export_progress", "jobs:export_download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (someone, name)
    # Nor does another school's transfer queue anything.
    assert queue_it(client, transfer).status_code == 404
    assert Export.objects.count() == 1


def test_a_failed_build_says_so_and_a_stalled_one_is_seen(client, straits, monkeypatch):
    transfer = make_transfer(straits)
    sign_in(client, straits.dsl)
    queue_it(client, transfer)
    job = Export.objects.get()
    later = timezone.now() + dt.timedelta(minutes=11)
    assert exports.progress(job, later)["state"] == "stalled"

    def broken(item):
        raise OSError("disk full")

    monkeypatch.setattr(transferring, "build", broken)
    with pytest.raises(OSError):
        exports.run(job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and job.file == ""
    page = client.get(reverse("jobs:export", args=[job.pk]))
    assert 'role="alert"' in page.text and "Something went wrong" in page.text
    assert client.get(reverse("jobs:export_download", args=[job.pk])).status_code == 404


def test_a_built_file_is_deleted_a_day_later_by_catch_up(client, straits):
    transfer = make_transfer(straits)
    sign_in(client, straits.dsl)
    queue_it(client, transfer)
    job = exports.run(Export.objects.get().pk)
    path = Path(job.file)
    orphan = path.parent / "left-by-a-killed-worker"
    orphan.write_bytes(b"x")
    assert exports.sweep() == 0 and path.exists()  # a fresh one waits for its download
    old = timezone.now() - dt.timedelta(hours=25)
    Export.objects.filter(pk=job.pk).update(finished_at=old)
    os.utime(orphan, (old.timestamp(), old.timestamp()))
    assert catch_up()["expired exports deleted"] == 2
    assert not path.exists() and not orphan.exists()
    job.refresh_from_db()
    assert (job.state, job.file) == ("expired", "")
    assert client.get(reverse("jobs:export_download", args=[job.pk])).status_code == 404
    assert "kept for a day" in client.get(reverse("jobs:export", args=[job.pk])).text
