"""A log uploaded on the page is scanned by a worker: the page answers at once, the scan's page
shows how far it has got, the log is deleted once read, and a scan runs once however often its
task is delivered. Attacked: another school's scan, a scan left by a worker that died, a log
that vanished before its worker came."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from smpolicy.network import scanjobs
from smpolicy.network.models import Finding, LogScan, ScanRun
from smpolicy.schools import testing
from smpolicy.web import tempfiles

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_lead(school):
    person = testing.make_person(school, "staff", "Ira", "Tech", positions=["it_lead"])
    testing.make_user(person, username="ira.tech")
    return person


def post_log(client, path: Path = FIXTURES / "squid-access.log"):
    """The fixture log with its people CSV (who is behind the addresses): five findings."""
    with path.open("rb") as log, (FIXTURES / "people.csv").open("rb") as people:
        return client.post("/network/upload/", {"format": "auto", "log": log, "people": people})


def test_the_upload_answers_at_once_and_queues_the_scan(client, it_lead):
    client.force_login(it_lead.user)
    answer = post_log(client)  # the test's transaction never commits: the task is not sent
    job = LogScan.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("network:scan",
                                                                         args=[job.pk])
    assert (job.state, job.name, job.size) == ("queued", "squid-access.log",
                                               (FIXTURES / "squid-access.log").stat().st_size)
    kept = Path(job.file)
    assert kept.parent == scanjobs.scans_dir() and kept.read_bytes() == (
        FIXTURES / "squid-access.log").read_bytes()
    assert kept.stat().st_mode & 0o077 == 0
    assert not Finding.objects.exists()
    page = client.get(answer["Location"])
    assert "Waiting for a worker to start reading it." in page.text
    assert 'role="status"' in page.text and "<progress" in page.text
    state = client.get(reverse("network:scan_progress", args=[job.pk])).json()
    assert state == {"state": "queued", "read": 0, "size": job.size, "lines": 0, "percent": 0,
                     "text": "Waiting for a worker to start reading it.", "finished": False}


def test_the_worker_reads_it_writes_its_progress_and_deletes_the_log(client, it_lead, tmp_path):
    # A log of several of the reader's blocks (1 MiB), so there is progress to write between.
    big = tmp_path / "big-access.log"
    filler = "1795164100.000     10 10.20.0.40 TCP_MISS/200 900 GET http://www.bbc.co.uk/ - " \
             "HIER_DIRECT/1.1.1.1 text/html\n"
    with big.open("w") as out:
        out.write((FIXTURES / "squid-access.log").read_text())
        out.write(filler * 40_000)
    client.force_login(it_lead.user)
    post_log(client, big)
    job = LogScan.objects.get()
    with CaptureQueriesContext(connection) as queries:
        done = scanjobs.run(job.pk, every=0)
    assert done is not None and done.state == "done"
    progress = [q["sql"] for q in queries.captured_queries
                if q["sql"].startswith('UPDATE "network_logscan" SET "read"')]
    assert len(progress) >= 4  # one at least for each block read
    assert not Path(job.file).exists()
    done.refresh_from_db()
    assert (done.file, done.read, done.size, done.percent) == ("", done.size, big.stat().st_size,
                                                               100)
    assert done.lines == 40_020 and done.result["new"] == 5
    assert done.scan == ScanRun.objects.get()
    page = client.get(reverse("network:scan", args=[job.pk]))
    assert "5 new findings; 0 already recorded." in page.text
    assert "<progress" not in page.text and "scan.js" not in page.text


def test_a_scan_runs_once_however_often_its_task_comes(client, it_lead):
    client.force_login(it_lead.user)
    post_log(client)
    job = LogScan.objects.get()
    assert scanjobs.run(job.pk) is not None
    assert scanjobs.run(job.pk) is None
    assert ScanRun.objects.count() == 1 and Finding.objects.count() == 5


def test_a_log_gone_before_its_worker_came_says_so(client, it_lead):
    client.force_login(it_lead.user)
    post_log(client)
    job = LogScan.objects.get()
    Path(job.file).unlink()
    assert scanjobs.run(job.pk).state == "failed"
    page = client.get(reverse("network:scan", args=[job.pk]))
    assert "The scan stopped: the uploaded log is no longer on the server" in page.text
    assert 'role="alert"' in page.text and not Finding.objects.exists()


def test_a_scan_whose_worker_died_is_shown_as_stopped(client, it_lead):
    client.force_login(it_lead.user)
    post_log(client)
    job = LogScan.objects.get()
    LogScan.objects.filter(pk=job.pk).update(
        state="running", updated_at=timezone.now() - dt.timedelta(minutes=11))
    state = client.get(reverse("network:scan_progress", args=[job.pk])).json()
    assert state["state"] == "stalled" and "Upload it again" in state["text"]
    page = client.get(reverse("network:upload"))
    assert "the scan has stopped" in page.text  # the list of recent scans says so too


def test_another_schools_scan_is_not_found(client, it_lead, other_school):
    client.force_login(it_lead.user)
    post_log(client)
    theirs = LogScan.objects.create(school=other_school, name="harbour-secret.log", size=10)
    for name in ("network:scan", "network:scan_progress"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert "harbour-secret.log" not in client.get(reverse("network:upload")).text


def test_a_log_left_behind_is_swept(client, it_lead):
    client.force_login(it_lead.user)
    post_log(client)
    kept = Path(LogScan.objects.get().file)
    hours_ago = kept.stat().st_mtime - 4 * 3600
    os.utime(kept, (hours_ago, hours_ago))
    assert kept in tempfiles.stale_files()
