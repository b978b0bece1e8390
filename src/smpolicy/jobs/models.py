"""When each scheduled job last ran, and who is running it now.

One row a job. The row is also the job's lock: a run takes it by a conditional UPDATE (only when
no lease is held or the lease has run out), so two workers, or two beats sending the same job,
never run it at once; a lease, not a transaction, so a long job (the nightly evidence check) holds
no database lock, and a worker that died frees the job when its lease ends.
"""

from __future__ import annotations

from django.db import models


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
