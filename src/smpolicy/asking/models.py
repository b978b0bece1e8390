"""The record of decisions asked: who asked what, when, and what the policy answered.

A decision is kept with the pack version that made it, so an answer can be explained later even
after the school changes its policy. Situations hold roles and facts, never names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models

from smpolicy.policy.vocabulary import VERDICTS
from smpolicy.schools.models import Person, SchoolOwned, SchoolOwnedQuerySet


def kept_days() -> int:
    return int(getattr(settings, "SMPOLICY_QUESTIONS_KEPT_DAYS", 90))


class DecisionRecordQuerySet(SchoolOwnedQuerySet):
    def expired(self, now: dt.datetime, days: int | None = None) -> DecisionRecordQuerySet:
        """Questions asked longer ago than they are kept."""
        return self.filter(created__lt=now - dt.timedelta(days=days or kept_days()))


class DecisionRecord(SchoolOwned):
    SOURCES = [("page", "Ask the policy page"), ("api", "API")]

    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_key = models.ForeignKey(
        "schools.ApiKey",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The school's API key that asked, when another system asked.",
    )
    source = models.CharField(max_length=10, choices=SOURCES)
    situation = models.JSONField()
    decision = models.JSONField()
    verdict = models.CharField(max_length=30, choices=[(v, v) for v in VERDICTS])
    pack = models.CharField(max_length=100)
    pack_version = models.CharField(max_length=50)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = DecisionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.verdict} ({self.pack} {self.pack_version}, {self.created:%Y-%m-%d %H:%M})"

    @classmethod
    def keep(
        cls,
        *,
        school: Any,
        user: Any,
        person: Any,
        source: str,
        situation: Any,
        decision: dict,
        api_key: Any = None,
    ) -> DecisionRecord:
        return cls.objects.create(
            school=school,
            asked_by=user if getattr(user, "is_authenticated", False) else None,
            person=person,
            api_key=api_key,
            source=source,
            situation=situation,
            decision=decision,
            verdict=decision["verdict"],
            pack=decision["policy"]["pack"],
            pack_version=decision["policy"]["version"],
        )
