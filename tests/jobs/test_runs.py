"""A scheduled job runs at most once at a time, and when it last ran is recorded."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.utils import timezone

from parallel import in_parallel
from smpolicy.jobs import runs, tasks
from smpolicy.jobs.celery import app
from smpolicy.jobs.models import JobRun


def test_every_scheduled_command_is_a_beat_job() -> None:
    schedule = app.conf.beat_schedule
    assert set(schedule) == {
        "escalate-alerts", "catch-up", "expire-approvals", "send-reminders", "verify-evidence",
        "expire-findings", "expire-questions", "mis-sync", "remind-actions",
    }
    assert schedule["escalate-alerts"]["schedule"] == 60.0
    assert schedule["catch-up"]["schedule"] == 60.0
    assert schedule["expire-approvals"]["schedule"] == 300.0
    nightly = schedule["verify-evidence"]["schedule"]
    assert nightly.hour == {2} and nightly.minute == {30}
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.django_db
def test_a_run_is_recorded() -> None:
    before = timezone.now()
    assert runs.run("catch-up", lambda: "3 things") == "3 things"
    row = JobRun.objects.get(name="catch-up")
    assert row.ok is True and row.summary == "3 things" and row.runs == 1
    assert row.succeeded_at >= before and row.lease_until is None and row.holder == ""
    assert runs.last_success("catch-up") == row.succeeded_at


@pytest.mark.django_db
def test_a_failure_is_recorded_and_raised_and_the_job_is_free_again() -> None:
    def broken() -> str:
        raise ValueError("no")

    with pytest.raises(ValueError):
        runs.run("catch-up", broken)
    row = JobRun.objects.get(name="catch-up")
    assert row.ok is False and row.summary == "failed: ValueError" and row.succeeded_at is None
    assert runs.run("catch-up", lambda: "fine") == "fine"


@pytest.mark.django_db
def test_a_problem_found_is_recorded_as_not_ok() -> None:
    def check() -> str:
        raise runs.Problem("2 problem(s)")

    assert runs.run("verify-evidence", check) == "2 problem(s)"
    assert JobRun.objects.get(name="verify-evidence").ok is False


@pytest.mark.django_db(transaction=True)
def test_a_job_held_by_one_worker_is_skipped_by_another() -> None:
    started, finish = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        assert finish.wait(20)
        return "slow done"

    results: list[object] = []
    first = threading.Thread(target=lambda: results.append(runs.run("catch-up", slow)))
    first.start()
    assert started.wait(20)
    try:
        assert runs.run("catch-up", lambda: "second") is None  # held: nothing done
    finally:
        finish.set()
        first.join(20)
    assert results == ["slow done"]
    row = JobRun.objects.get(name="catch-up")
    assert row.runs == 1 and row.skipped == 1


@pytest.mark.django_db(transaction=True)
def test_many_workers_at_once_run_a_job_one_at_a_time() -> None:
    inside = 0
    most = 0
    ran = 0
    lock = threading.Lock()

    def work() -> str:
        nonlocal inside, most, ran
        with lock:
            inside += 1
            ran += 1
            most = max(most, inside)
        time.sleep(0.2)
        with lock:
            inside -= 1
        return "ok"

    results = in_parallel(lambda i: runs.run("expire-approvals", work), threads=6)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert most == 1  # never two at once
    row = JobRun.objects.get(name="expire-approvals")
    assert row.runs == ran >= 1 and row.runs + row.skipped == 6


@pytest.mark.django_db
def test_a_lease_left_by_a_dead_worker_runs_out() -> None:
    assert runs.acquire("catch-up") is not None  # a worker took it and died
    assert runs.run("catch-up", lambda: "x") is None
    JobRun.objects.filter(name="catch-up").update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert runs.run("catch-up", lambda: "taken over") == "taken over"


def test_the_jobs_run_through_a_real_worker_on_redis(redis_worker) -> None:
    tasks.catch_up.delay()
    tasks.expire_approvals.delay()
    give_up = time.monotonic() + 30
    while time.monotonic() < give_up:
        done = set(JobRun.objects.filter(ok=True).values_list("name", flat=True))
        if {"catch-up", "expire-approvals"} <= done:
            break
        time.sleep(0.2)
    assert {"catch-up", "expire-approvals"} <= done
    assert JobRun.objects.get(name="expire-approvals").summary == "0 post(s) expired"


@pytest.mark.django_db
def test_the_nightly_jobs_expire_old_questions_and_sync_schools_set_to_sync(settings) -> None:
    from smpolicy.asking.models import DecisionRecord
    from smpolicy.policy import decide
    from smpolicy.schools import testing

    school = testing.make_school("Straits Primary School", slug="straits")
    situation = {"actor": {"role": "staff"}, "action": "post"}
    old, new = (
        DecisionRecord.keep(school=school, user=None, person=None, source="page",
                            situation=situation, decision=decide(situation))
        for _ in range(2)
    )
    DecisionRecord.objects.filter(pk=old.pk).update(
        created=timezone.now() - dt.timedelta(days=settings.SMPOLICY_QUESTIONS_KEPT_DAYS + 1)
    )
    tasks.expire_questions()
    assert list(DecisionRecord.objects.values_list("pk", flat=True)) == [new.pk]
    assert JobRun.objects.get(name="expire-questions").ok is True
    tasks.mis_sync()  # no school has a connection set to sync nightly: nothing to do, and said
    row = JobRun.objects.get(name="mis-sync")
    assert row.ok is True and row.summary == "0 school(s) synced from their MIS"
