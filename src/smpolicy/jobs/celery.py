"""The Celery app: its broker, the modules that hold tasks and the beat schedule.

Settings come from Django's (``CELERY_*``, see smpolicy.web.settings): Redis when
``CELERY_BROKER_URL`` is set, else kombu's filesystem transport in the data directory, which needs
no service (the demo, a one-machine school). Results are never kept: a task records what it did
in the database (``JobRun``, ``DeliveryAttempt``), so nothing about a child waits in a result
store.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpolicy.web.settings")

app = Celery("smpolicy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.imports = (
    "smpolicy.jobs.tasks", "smpolicy.safeguarding.delivery", "smpolicy.posting.alerts",
    "smpolicy.schools.mailing", "smpolicy.network.scanjobs", "smpolicy.jobs.exports",
)
app.set_default()

MINUTE = 60.0

# Each scheduled command as a beat job; `smpolicy COMMAND` still runs each by hand.
app.conf.beat_schedule = {
    "escalate-alerts": {"task": "smpolicy.jobs.escalate_alerts", "schedule": MINUTE},
    "catch-up": {"task": "smpolicy.jobs.catch_up", "schedule": MINUTE},
    "expire-approvals": {"task": "smpolicy.jobs.expire_approvals", "schedule": 5 * MINUTE},
    "send-reminders": {"task": "smpolicy.jobs.send_reminders", "schedule": crontab(minute=5)},
    "remind-actions": {"task": "smpolicy.jobs.remind_actions", "schedule": crontab(minute=10)},
    "verify-evidence": {
        "task": "smpolicy.jobs.verify_evidence",
        "schedule": crontab(hour=2, minute=30),
    },
    "expire-findings": {
        "task": "smpolicy.jobs.expire_findings",
        "schedule": crontab(hour=3, minute=15),
    },
    "expire-questions": {
        "task": "smpolicy.jobs.expire_questions",
        "schedule": crontab(hour=3, minute=25),
    },
    "mis-sync": {"task": "smpolicy.jobs.mis_sync", "schedule": crontab(hour=1, minute=30)},
}
