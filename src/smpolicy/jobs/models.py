"""When each scheduled job last ran, and who is running it now.

One row a job. The row is also the job's lock: a run takes it by a conditional UPDATE (only when
no lease is held or the lease has run out), so two workers, or two beats sending the same job,
never run it at once; a lease, not a transaction, so a long job (the nightly evidence check) holds
no database lock, and a worker that died frees the job when its lease ends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from smpolicy.schools.models import SchoolOwned


class JobRun(models.Model):
    name = models.CharField(max_length=60, unique=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(
        null=True, blank=True, help_text="the last run that finished without an error"
    )
    ok = models.BooleanField(null=True)
    summary = models.CharField(max_length=300, blank=True)
    runs = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(
        default=0, help_text="runs not made because another worker held the job"
    )
    lease_until = models.DateTimeField(null=True, blank=True)
    holder = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Export(SchoolOwned):
    """A file a page asked for and a worker builds (smpolicy.jobs.exports): a pupil's child
    protection file, the governors' termly PDF. The file waits in the data directory for its
    download only until ``KEEP_SECONDS`` after it was built."""

    class Kind(models.TextChoices):
        CP_FILE = "cp_file", "Child protection file"
        GOVERNORS_REPORT = "governors_report", "Governors' report (PDF)"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Preparing"
        READY = "ready", "Ready"
        FAILED = "failed", "Stopped"
        EXPIRED = "expired", "Deleted"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.CharField(max_length=500, blank=True)
    file = models.CharField(max_length=500, blank=True, help_text="Until it expires.")
    content_type = models.CharField(max_length=100, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["state", "finished_at"], name="jobs_export_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"
