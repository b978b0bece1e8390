"""/healthz: the database, the broker, and when escalation last ran (over 3 minutes: 503)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from smpolicy.jobs import runs
from smpolicy.jobs.celery import app
from smpolicy.jobs.models import JobRun

pytestmark = pytest.mark.django_db


def escalated(ago: dt.timedelta) -> None:
    runs.run("escalate-alerts", lambda: "0 report(s) escalated or reminded")
    JobRun.objects.filter(name="escalate-alerts").update(succeeded_at=timezone.now() - ago)


def test_healthy_when_escalation_ran_within_3_minutes(client, redis_broker):
    escalated(dt.timedelta(seconds=170))
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    body = answer.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"]
    assert 169 <= body["escalation"]["seconds_ago"] <= 200
    assert dt.datetime.fromisoformat(body["escalation"]["last_ran"])
    assert "no-cache" in answer["Cache-Control"] or "no-store" in answer["Cache-Control"]


def test_unhealthy_when_escalation_last_ran_over_3_minutes_ago(client, redis_broker):
    escalated(dt.timedelta(minutes=3, seconds=5))
    answer = client.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "unhealthy" and body["escalation"]["ok"] is False
    assert "beat" in body["escalation"]["problem"]
    assert body["database"]["ok"] and body["broker"]["ok"]


def test_unhealthy_when_escalation_never_ran(client, redis_broker):
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json()["escalation"]["last_ran"] is None


def test_unhealthy_when_the_broker_does_not_answer(client, redis_broker):
    escalated(dt.timedelta(seconds=5))
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens there
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["broker"] == {"ok": False, "problem": "OperationalError"}


def test_healthz_needs_no_sign_in_and_shows_nobody(client, redis_broker):
    escalated(dt.timedelta(seconds=1))
    text = client.get("/healthz").content.decode()
    assert "straits" not in text.lower() and "@" not in text
    assert client.post("/healthz").status_code == 405
