"""Network monitoring records: findings (never browsing histories), each scan's counts, the
school's settings for the scanner, and the annual filtering and monitoring review.

Raw logs are never stored: a scan keeps what the policy needs (who, where, which clause, which
platform or category, the domain, how many requests and when) and its counts; how long findings
are kept is the school's setting (``NetworkSettings.retention_days``), enforced by
``smpolicy expire-findings``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from smpolicy.monitoring import DEFAULT_INAPPROPRIATE, DirectoryError, Networks
from smpolicy.schools.models import Person, SchoolOwned, SchoolOwnedQuerySet

DEFAULT_RETENTION_DAYS = 365
NETWORK_LABELS = {
    "guest_wifi": "Guest WiFi",
    "staff_network": "Staff network",
    "pupil_network": "Pupil network",
    "mobile_data": "Mobile data",
    "off_site": "Off site",
}


class NetworkSettings(SchoolOwned):
    """How the school's logs are read, and how long findings are kept."""

    networks_yaml = models.TextField(
        "networks",
        blank=True,
        help_text="The school's networks in networks.yaml form: each with a name, a kind "
        "(guest_wifi, staff_network or pupil_network) and its address ranges.",
    )
    inappropriate = models.CharField(
        "inappropriate content categories",
        max_length=300,
        default=",".join(DEFAULT_INAPPROPRIATE),
        blank=True,
        help_text="Which categories of the lists count as inappropriate, separated by commas.",
    )
    lists_dir = models.CharField(
        "category lists folder",
        max_length=500,
        blank=True,
        help_text="A folder on the server holding category lists in the UT1 layout "
        "(<category>/domains). Blank: platforms only.",
    )
    window_minutes = models.PositiveIntegerField(
        "window (minutes)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)],
        help_text="A client's requests to one platform within this long make one finding.",
    )
    retention_days = models.PositiveIntegerField(
        "keep findings for (days)",
        default=DEFAULT_RETENTION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(10 * 366)],
        help_text="Findings last seen longer ago than this are deleted.",
    )
    report_staff = models.BooleanField(
        "report staff use of social media on school IT",
        default=False,
        help_text="Allowed by the policy, which reserves the right to monitor it (clause "
        "'monitoring').",
    )

    class Meta:
        verbose_name = "network monitoring settings"
        verbose_name_plural = "network monitoring settings"
        constraints = [
            models.UniqueConstraint(fields=["school"], name="network_settings_one_per_school")
        ]

    def __str__(self) -> str:
        return f"Network monitoring settings of {self.school}"

    def networks(self) -> Networks:
        return Networks.from_yaml(self.networks_yaml, "networks") if self.networks_yaml else (
            Networks()
        )

    def categories(self) -> list[str]:
        return [c.strip() for c in self.inappropriate.split(",") if c.strip()]

    def clean(self) -> None:
        super().clean()
        try:
            self.networks()
        except DirectoryError as error:
            raise ValidationError({"networks_yaml": str(error)}) from error


class ScanRun(SchoolOwned):
    """One scan of a log: where it came from and what it held (the counts, never the lines)."""

    created = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(max_length=300, blank=True)
    format = models.CharField(max_length=40, blank=True)
    lines = models.PositiveBigIntegerField(default=0)
    parsed = models.PositiveBigIntegerField(default=0)
    unparsed = models.PositiveBigIntegerField(default=0)
    blocked = models.PositiveBigIntegerField(default=0)
    findings_new = models.PositiveIntegerField(default=0)
    findings_seen_again = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.source or 'a log'} on {self.created:%d %b %Y %H:%M}"


class LogScan(SchoolOwned):
    """A log uploaded on the page, scanned by a worker: its state and how far it has read.

    The log waits in the data directory (``file``) only until the worker has read it; the file is
    deleted when the scan ends, whichever way, so no log outlives its scan."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Reading"
        DONE = "done", "Done"
        FAILED = "failed", "Stopped"

    created = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(max_length=300)
    format = models.CharField(max_length=40, default="auto")
    file = models.CharField(max_length=500, blank=True, help_text="Until the scan ends.")
    people_file = models.CharField(max_length=500, blank=True)
    size = models.PositiveBigIntegerField(default=0, help_text="bytes in the uploaded file")
    read = models.PositiveBigIntegerField(default=0, help_text="bytes of it read so far")
    lines = models.PositiveBigIntegerField(default=0, help_text="lines read so far")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    scan = models.ForeignKey(ScanRun, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    # What the scan found, as the page shows it (counts, and the first lines not understood).
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, int(self.read * 100 / self.size)) if self.size else 0


class FindingQuerySet(SchoolOwnedQuerySet):
    def expired(self, days: int, now: dt.datetime | None = None) -> FindingQuerySet:
        return self.filter(last_seen__lt=(now or timezone.now()) - dt.timedelta(days=days))


class Finding(SchoolOwned):
    """What someone did on the school's network that the policy has something to say about."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        REVIEWED = "reviewed", "Reviewed"
        FALSE_POSITIVE = "false_positive", "False positive"

    fingerprint = models.CharField(max_length=40)
    clause = models.CharField(max_length=80)
    verdict = models.CharField(max_length=30)
    network = models.CharField(max_length=20, blank=True)
    client = models.CharField("address or device", max_length=100)
    user = models.CharField("login", max_length=150, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    platform = models.CharField(max_length=60, blank=True)
    category = models.CharField(max_length=60)
    domain = models.CharField(max_length=253)
    requests = models.PositiveIntegerField()
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    window_start = models.DateTimeField()
    window_seconds = models.PositiveIntegerField()
    obligations = models.JSONField(default=list, blank=True)
    situation = models.JSONField(
        default=dict, blank=True,
        help_text="The situation the scanner put to the policy engine (network, on premises, "
        "device...): what every later step decides from. Empty for findings recorded before "
        "it was kept.",
    )
    report_to = models.CharField(
        max_length=40, blank=True, help_text="Who must be told, from the engine's obligations."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    status_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    scan = models.ForeignKey(
        ScanRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    # One safeguarding report per incident (who, what, which local day), however many windows
    # the logs cut it into: the report is written once, and later findings of the same incident
    # are linked to it here rather than raising another report and another alert.
    incident_key = models.CharField(max_length=40, blank=True)
    report = models.ForeignKey(
        "safeguarding.Report", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="network_findings",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-first_seen", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "fingerprint"], name="network_finding_unique_fingerprint"
            )
        ]
        indexes = [
            models.Index(fields=["school", "first_seen"]),
            models.Index(fields=["school", "clause"]),
            models.Index(fields=["school", "status"]),
            models.Index(fields=["last_seen"]),
            models.Index(fields=["school", "incident_key"]),
        ]

    def __str__(self) -> str:
        # The device, never the person: the admin and logs show this to people without the
        # second factor, and a finding may be about a pupil.
        what = self.platform or self.category
        return f"{self.clause}: {self.client} on {what} ({self.first_seen:%d %b %Y %H:%M})"

    @property
    def who(self) -> str:
        return self.person_name or self.user or self.client

    @property
    def network_label(self) -> str:
        return NETWORK_LABELS.get(self.network, self.network or "Unknown network")

    def clean(self) -> None:
        super().clean()
        if self.status == self.Status.FALSE_POSITIVE and not self.status_reason.strip():
            raise ValidationError({"status_reason": "Say why this is a false positive."})

    def as_contract(self) -> dict[str, Any]:
        """The log-scan contract's finding object."""

        def iso(moment: dt.datetime) -> str:
            return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        return {
            "clause": self.clause,
            "verdict": self.verdict,
            "network": self.network or None,
            "client": self.client,
            "user": self.user or None,
            "role": self.role,
            "platform": self.platform or None,
            "category": self.category,
            "domain": self.domain,
            "requests": self.requests,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "device": self.situation.get("device"),
            "on_premises": self.situation.get("on_premises"),
            "situation": self.situation or None,
        }


def _next_year() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=365)


class FilteringReview(SchoolOwned):
    """The annual review of filtering and monitoring the DfE standards ask for: who, when, what
    was checked and tested, and what was done."""

    reviewed_on = models.DateField("date of the review", default=timezone.localdate)
    reviewers = models.CharField(
        "who reviewed", max_length=300,
        help_text="Names and roles, e.g. the senior leader responsible, the DSL, the IT lead.",
    )
    governor = models.CharField(
        "governor responsible", max_length=200, blank=True,
        help_text="The governor responsible for filtering and monitoring.",
    )
    checked = models.TextField(
        "what was checked and tested",
        help_text="e.g. guest WiFi blocks social media; a test search for a blocked category; "
        "who can see the findings.",
    )
    outcome = models.TextField(
        "what was done",
        help_text="Changes made, decisions on what is blocked or allowed and why.",
    )
    next_review_due = models.DateField(default=_next_year)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Filtering and monitoring review of {self.reviewed_on:%d %B %Y}"
