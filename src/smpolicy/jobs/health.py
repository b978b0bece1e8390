"""``/healthz``: is this deployment alive? The database, the broker, and when escalation last ran.

For a monitor or a load balancer: no sign-in, no records, only what each check found. Escalation
that has not run for over 3 minutes means no worker or no beat is running, and safeguarding alerts
would not escalate: that is unhealthy (HTTP 503), like a database or broker that does not answer.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from smpolicy.jobs import runs
from smpolicy.jobs.celery import app

ESCALATION_STALE = dt.timedelta(minutes=3)


def _database() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "problem": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def _broker() -> dict[str, object]:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return {"ok": False, "problem": type(exc).__name__}
    return {"ok": True, "transport": str(transport)}


def _escalation(now: dt.datetime) -> dict[str, object]:
    try:
        last = runs.last_success("escalate-alerts")
    except Exception as exc:
        return {"ok": False, "problem": type(exc).__name__, "last_ran": None}
    if last is None:
        return {"ok": False, "last_ran": None, "problem": "escalation has never run"}
    ago = (now - last).total_seconds()
    found: dict[str, object] = {
        "ok": ago <= ESCALATION_STALE.total_seconds(),
        "last_ran": last.isoformat(),
        "seconds_ago": round(ago, 1),
    }
    if not found["ok"]:
        found["problem"] = "escalation has not run for over 3 minutes: is beat running?"
    return found


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    now = timezone.now()
    checks = {"database": _database(), "broker": _broker()}
    checks["escalation"] = (
        _escalation(now) if checks["database"]["ok"] else {"ok": False, "last_ran": None}
    )
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checked_at": now.isoformat(), **checks},
        status=200 if healthy else 503,
    )
