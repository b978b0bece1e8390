"""Safeguarding records: reports, the people in them, alerts, evidence, cases, audit, retention.

What was reported, the evidence and the audit trail are kept exactly as written: evidence, its text,
audit entries, case decisions and destructions are append-only (``records.AppendOnly``, and database
triggers from ``dbguard``), and a report's account, time and decision are frozen once recorded.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from smpolicy.safeguarding.records import (
    AppendOnly,
    AppendOnlyError,
    Kept,
    KeptQuerySet,
    frozen_fields_changed,
)
from smpolicy.schools.models import Person, SchoolOwned
from smpolicy.schools.sealing import SealedTextField

CATEGORIES: dict[str, str] = {
    "online_contact": "Online contact between a pupil and an adult",
    "cyberbullying": "Cyberbullying",
    "child_on_child": "Child-on-child abuse or bullying",
    "sexual_content": "Sexual content or nude images",
    "grooming": "Grooming or exploitation",
    "self_harm": "Self-harm or suicide",
    "extremism": "Extremism or radicalisation",
    "inappropriate_content": "Inappropriate content (violence, gambling, adult)",
    "staff_conduct": "Conduct of a member of staff or governor",
    "parent_conduct": "Conduct of a parent or carer",
    "reputation": "The school's reputation (damaging or defamatory content)",
    "personal_information": "Personal information or photos shared",
    "other": "Other",
}
MAX_CATEGORIES = 3


class ReportQuerySet(KeptQuerySet):
    def involving(self, person: Person) -> ReportQuerySet:
        return self.filter(involvements__person=person).distinct()


class Report(Kept):
    """One report: what someone saw or was told, in their words, and what the policy said of it."""

    class Kind(models.TextChoices):
        PUPIL_CONTACT = "pupil_contact", "A pupil contacted a member of staff"
        COMMUNITY_CONTACT = (
            "community_contact",
            "A pupil or parent tried to friend or contact a member of staff personally",
        )
        INAPPROPRIATE_CONTENT = (
            "inappropriate_content",
            "Inappropriate content was reached on the school's premises",
        )
        CYBERBULLYING = "cyberbullying", "A member of staff is being cyberbullied"
        STAFF_BREACH = (
            "staff_breach",
            "A member of staff or a governor may have broken the policy",
        )
        DAMAGING_CONTENT = (
            "damaging_content",
            "Damaging or defamatory content about the school, its staff or pupils",
        )
        PROFESSIONAL_JUDGEMENT = (
            "professional_judgement",
            "A decision taken outside the policy on professional judgement",
        )
        OTHER = "other", "Something else"
        PARENT_CONCERN = "parent_concern", "A parent's or carer's concern"
        # Raised by the log scan, never chosen on the form (smpolicy.network.incidents).
        NETWORK_MONITORING = "network_monitoring", "Found by network monitoring"

    class Status(models.TextChoices):
        NEW = "new", "New: not yet opened"
        OPENED = "opened", "Opened"
        IN_CASE = "in_case", "Being dealt with in a case"
        CLOSED = "closed", "Closed"

    # What was recorded never changes, flags included: the database refuses it too (dbguard).
    # Only the work on it moves on, and only forward.
    FROZEN: ClassVar[tuple[str, ...]] = (
        "school",
        "reference",
        "kind",
        "reported_by",
        "reporter_email",
        "reporter_name",
        "occurred_at",
        "recorded_at",
        "account",
        "platform",
        "channel_account",
        "on_premises",
        "others_involved",
        "dsl_told_in_person",
        "dsl_told",
        "categories",
        "child_protection",
        "early_help",
        "details",
        "situation",
        "decision",
        "verdict",
        "clauses",
        "is_safeguarding",
        "urgent",
        "retention_rule",
    )
    ONCE: ClassVar[tuple[str, ...]] = ("first_opened_at", "first_opened_by", "case")
    RISING: ClassVar[tuple[str, ...]] = ("escalation_level", "retain_until")
    STATUS_ORDER: ClassVar[tuple[str, ...]] = ("new", "opened", "in_case", "closed")

    reference = models.CharField(max_length=20)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    reported_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reporter_email = models.EmailField(blank=True, help_text="A parent's verified address.")
    reporter_name = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField("when it happened")
    recorded_at = models.DateTimeField(default=timezone.now)
    account = models.TextField("what happened, in the words used")
    platform = models.CharField(max_length=60, blank=True)
    channel_account = models.CharField(max_length=30, blank=True)
    on_premises = models.BooleanField(null=True, blank=True)
    others_involved = models.TextField(blank=True)
    dsl_told_in_person = models.BooleanField("a DSL has been told in person", null=True)
    dsl_told = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    categories = models.JSONField(default=list, blank=True)
    child_protection = models.BooleanField("child protection or serious", default=False)
    early_help = models.BooleanField(default=False)
    details = models.JSONField(default=dict, blank=True, help_text="Answers for the report kind.")
    situation = models.JSONField(null=True, blank=True)
    decision = models.JSONField(null=True, blank=True)
    verdict = models.CharField(max_length=30, blank=True)
    clauses = models.JSONField(default=list, blank=True)
    is_safeguarding = models.BooleanField(
        default=False, help_text="About a child: open to the DSL team, not only the headteacher."
    )
    urgent = models.BooleanField(default=False, help_text="Someone must open it now.")
    escalation_level = models.PositiveSmallIntegerField(default=0)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    first_opened_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "Case", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    retention_rule = models.CharField(max_length=30, blank=True)
    retain_until = models.DateField(null=True, blank=True)
    legal_hold = models.BooleanField(
        default=False,
        help_text="Never destroyed: relevant to an inquiry (e.g. into child sexual abuse).",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "reference"], name="report_reference_unique")
        ]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return self.reference

    def refused_changes(self, stored: dict[str, Any]) -> list[str]:
        problems = []
        order = self.STATUS_ORDER
        if (
            stored["status"] in order
            and self.status in order
            and order.index(self.status) < order.index(stored["status"])
        ):
            problems.append("its status only moves forward")
        if stored["legal_hold"] and not self.legal_hold:
            last = self.retention_changes.order_by("-id").values_list("kind", flat=True).first()
            if last != RetentionChange.Kind.RELEASE:
                problems.append("a legal hold is lifted only by a recorded decision to lift it")
        return problems

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.reference:
            self._save_with_reference(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def _save_with_reference(self, *args: Any, **kwargs: Any) -> None:
        # Per-school numbering; two reports saved at once may pick the same number, so retry.
        for _ in range(20):
            self.reference = next_reference(Report, self.school_id or self._school_of(), "R")
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                self.reference = ""
                self.pk = None
                self._state.adding = True
        raise IntegrityError("could not number the report")

    def _school_of(self) -> int:
        self._fill_school()
        return self.school_id

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(
            "reports are kept for their retention period and destroyed only from the review list"
        )

    def involved(self, role: str) -> list[Person]:
        return [i.person for i in self.involvements.all() if i.role == role]

    @property
    def pupils(self) -> list[Person]:
        return self.involved(Involvement.Role.PUPIL)

    @property
    def subjects(self) -> list[Person]:
        return self.involved(Involvement.Role.SUBJECT)

    def category_labels(self) -> list[str]:
        return [CATEGORIES.get(c, c) for c in self.categories]

    @property
    def platform_name(self) -> str:
        return platform_name(self.platform)

    @property
    def from_network(self) -> bool:
        """Raised by network monitoring from the school's logs, not by a person."""
        return "network_incident" in (self.details or {}) or "network_finding" in (
            self.details or {})

    @property
    def network_label(self) -> str:
        """What network monitoring found, in words (written when the report was raised)."""
        return str((self.details or {}).get("network_label", ""))

    @property
    def channel_label(self) -> str:
        from smpolicy.safeguarding.intake import ACCOUNTS

        return ACCOUNTS.get(self.channel_account, self.channel_account)

    @property
    def verdict_label(self) -> str:
        from smpolicy.asking.labels import VERDICT

        return VERDICT.get(self.verdict, self.verdict)


def platform_name(platform_id: str) -> str:
    """The catalogue's name for a platform id ("snapchat" → "Snapchat")."""
    if not platform_id:
        return ""
    from smpolicy.platforms import default_catalogue

    found = default_catalogue().get(platform_id)
    return found.name if found is not None else platform_id


def next_reference(model: type[models.Model], school_id: int, prefix: str) -> str:
    year = timezone.localdate().year
    start = f"{prefix}{year}-"
    last = (
        model._base_manager.filter(school_id=school_id, reference__startswith=start)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{start}{number:04d}"


class Involvement(AppendOnly):
    """A person on the school's roster who is part of a report. Append-only: removing the row that
    names the subject of an allegation would open the report to its subject."""

    class Role(models.TextChoices):
        PUPIL = "pupil", "Pupil involved"
        SUBJECT = "subject", "The adult the report is about"
        BULLIED = "bullied", "The person bullied"
        OTHER = "other", "Also involved"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="involvements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)

    school_from = "report"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "person", "role"], name="involvement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display().lower()})"


class Alert(Kept):
    """Someone must look at a report: shown in the app, and sent by e-mail as a link. Who was
    alerted, why and when is kept; only when it was seen (once) and e-mailed (later) move on."""

    FROZEN: ClassVar[tuple[str, ...]] = (
        "school", "report", "recipient", "when", "reason", "clause", "level", "created_at",
    )
    ONCE: ClassVar[tuple[str, ...]] = ("seen_at",)
    RISING: ClassVar[tuple[str, ...]] = ("emailed_at",)

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="alerts")
    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    when = models.CharField(max_length=20)  # the obligation's: immediately or promptly
    reason = models.CharField(max_length=300)
    clause = models.CharField(max_length=80, blank=True)
    level = models.PositiveSmallIntegerField(default=0, help_text="0: first alert; 1+: escalated")
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_problem = models.CharField(max_length=300, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    school_from = "report"

    class Meta:
        ordering = ["seen_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "recipient"], name="alert_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.recipient}"

    @property
    def urgent(self) -> bool:
        return self.when == "immediately"

    @property
    def undelivered(self) -> bool:
        """Its e-mail's last try failed and no later one went (prefetch ``attempts``)."""
        tries = [t for t in self.attempts.all() if t.channel == "email"]
        return bool(tries) and not tries[-1].delivered and tries[-1].last


class DeliveryAttempt(AppendOnly):
    """One try at telling someone of an alert outside the app: an e-mail to the person alerted,
    or a message to the school's Teams channel. Every try is kept, failed or not; the last one a
    worker will make says so (``last``), and an alert whose tries all failed is undelivered."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        TEAMS = "teams", "Teams"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="delivery_attempts")
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.PROTECT, related_name="attempts"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    reminder = models.BooleanField(default=False)
    number = models.PositiveSmallIntegerField(help_text="1 for the first try")
    at = models.DateTimeField(default=timezone.now)
    delivered = models.BooleanField(default=False)
    # The error's type only: an SMTP or HTTP error can echo the message back.
    problem = models.CharField(max_length=200, blank=True)
    last = models.BooleanField(default=False, help_text="no more tries follow this one")

    school_from = "report"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} try {self.number} for {self.report}"

    @property
    def undelivered(self) -> bool:
        return self.last and not self.delivered


class AlertChannel(SchoolOwned):
    """Where a school's alerts go besides e-mail: a Teams channel's Workflows webhook (the
    "Post to a channel when a webhook request is received" template). The address lets anyone
    who has it post to the channel, so it is sealed at rest."""

    teams_webhook_url = SealedTextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school"], name="one_alert_channel_per_school")
        ]

    def __str__(self) -> str:
        return f"Alert channel of {self.school}"


class Case(Kept):
    """Reports triaged together, followed to an outcome. Its title, lead and opening are kept as
    recorded; it may be closed, once."""

    FROZEN: ClassVar[tuple[str, ...]] = (
        "school", "reference", "title", "lead", "opened_by", "opened_at",
    )
    ONCE: ClassVar[tuple[str, ...]] = ("closed_at", "closed_by")

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    lead = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "reference"], name="case_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def refused_changes(self, stored: dict[str, Any]) -> list[str]:
        problems = []
        if stored["status"] == self.Status.CLOSED and self.status != self.Status.CLOSED:
            problems.append("a closed case stays closed")
        if stored["closed_at"] is not None and stored["closing_summary"] != self.closing_summary:
            problems.append("closing_summary was recorded when the case closed")
        return problems

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.reference:
            self._fill_school()
            self.reference = next_reference(Case, self.school_id, "C")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("cases are destroyed only with their reports, from the review list")


class CaseAction(Kept):
    """Something to do, with an owner and a date. What was asked is kept; it is done once."""

    FROZEN: ClassVar[tuple[str, ...]] = (
        "school", "case", "description", "owner", "due_on", "created_by", "created_at",
    )
    # Reminded once: set from empty by the one worker that claims the reminder, then kept.
    ONCE: ClassVar[tuple[str, ...]] = ("done_at", "done_by", "overdue_reminded_at")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.TextField(blank=True)
    overdue_reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When its owner was reminded that it is overdue."
    )

    school_from = "case"

    class Meta:
        ordering = ["done_at", "due_on", "id"]

    def __str__(self) -> str:
        return self.description

    def refused_changes(self, stored: dict[str, Any]) -> list[str]:
        if stored["done_at"] is not None and stored["done_note"] != self.done_note:
            return ["done_note was recorded when it was done"]
        return []

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return self.done_at is None and self.due_on < (on or timezone.localdate())


class Outcome(AppendOnly):
    """A decision closing part of a case, from the policy's enforcement clauses, with its reasons
    (KCSIE: records hold the decisions and the reasons for them)."""

    class Kind(models.TextChoices):
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        ADVICE = "advice", "Advice or guidance given"
        INFORMAL_WARNING = "informal_warning", "Informal warning"
        WRITTEN_WARNING = "written_warning", "Written warning"
        FINAL_WRITTEN_WARNING = "final_written_warning", "Final written warning"
        DISMISSAL = "dismissal", "Dismissal"
        PUPIL_SANCTION = "pupil_sanction", "Sanction (pupil)"
        EXCLUSION = "exclusion", "Exclusion (pupil)"
        REFERRED = "referred", "Referred to another agency"

    STAFF_KINDS: ClassVar[frozenset[str]] = frozenset(
        {
            "no_further_action",
            "advice",
            "informal_warning",
            "written_warning",
            "final_written_warning",
            "dismissal",
            "referred",
        }
    )
    PUPIL_KINDS: ClassVar[frozenset[str]] = frozenset(
        {"no_further_action", "advice", "pupil_sanction", "exclusion", "referred"}
    )
    # The enforcement clause each outcome rests on.
    CLAUSES: ClassVar[dict[str, str]] = {
        "no_further_action": "enforcement.investigation",
        "advice": "enforcement.investigation",
        "informal_warning": "enforcement.investigation",
        "written_warning": "enforcement.investigation",
        "final_written_warning": "enforcement.misconduct",
        "dismissal": "enforcement.misconduct",
        "pupil_sanction": "community.sanctions",
        "exclusion": "community.sanctions",
        "referred": "incident.advice",
    }

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="outcomes")
    subject = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    clause = models.CharField(max_length=80)
    decided_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField()
    reasons = models.TextField()
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )

    school_from = "case"

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Advice(AppendOnly):
    """Advice taken from the Local Authority Safeguarding Lead or the School Improvement Advisor
    (incident.advice)."""

    class Source(models.TextChoices):
        LA_SAFEGUARDING_LEAD = "la_safeguarding_lead", "Local Authority Safeguarding Lead"
        SCHOOL_IMPROVEMENT_ADVISOR = "school_improvement_advisor", "School Improvement Advisor"
        LADO = "lado", "Local Authority Designated Officer (allegations against staff)"
        OTHER = "other", "Someone else"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="advice")
    source = models.CharField(max_length=40, choices=Source.choices)
    adviser = models.CharField("who advised", max_length=200)
    advised_on = models.DateField()
    advice = models.TextField("what was advised")
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    school_from = "case"

    class Meta:
        ordering = ["advised_on", "id"]
        verbose_name_plural = "advice"

    def __str__(self) -> str:
        return f"{self.get_source_display()}, {self.advised_on}"


class PoliceReferral(AppendOnly):
    """A report to the police, made because the person bullied chose it (cyberbullying.reporting:
    'It is for the individual who is being bullied to decide')."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="police_referrals")
    person_bullied = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    chosen_on = models.DateField("when they chose to report it")
    referred_on = models.DateField(null=True, blank=True)
    police_reference = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    school_from = "case"

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Police referral chosen by {self.person_bullied}"


class Evidence(AppendOnly):
    """A screenshot, photo, saved e-mail, document or link, kept exactly as it was added."""

    class Kind(models.TextChoices):
        SCREENSHOT = "screenshot", "Screenshot"
        PHOTO = "photo", "Photo"
        EMAIL = "email", "Saved e-mail (.eml)"
        DOCUMENT = "document", "Document"
        LINK = "link", "Link"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_path = models.CharField(max_length=300, blank=True, help_text="Under MEDIA_ROOT.")
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    captured_at = models.DateTimeField("when it was captured", null=True, blank=True)
    platform = models.CharField(max_length=60, blank=True)
    address = models.CharField(
        "where it was captured", max_length=2000, blank=True, help_text="Web address or account."
    )
    description = models.TextField(blank=True)
    added_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    correction_reason = models.TextField(blank=True)

    school_from = "report"

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name or self.url or f"evidence {self.pk}"

    @property
    def is_file(self) -> bool:
        return bool(self.file_path)

    @property
    def platform_name(self) -> str:
        return platform_name(self.platform)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def absolute_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.file_path

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Each item added takes its place in the school's evidence register (integrity), in the
        # same transaction, so no item exists that the register does not know.
        from smpolicy.safeguarding import integrity

        with transaction.atomic():
            super().save(*args, **kwargs)
            integrity.register_added(self)

    def text_record(self) -> EvidenceText | None:
        texts = getattr(self, "_prefetched_objects_cache", {}).get("texts")
        if texts is not None:
            listed = list(texts)
            return listed[-1] if listed else None
        return self.texts.order_by("-id").first()


class EvidenceText(AppendOnly):
    """Text read from an image by OCR, so evidence can be searched; a later reading is a new row."""

    class Status(models.TextChoices):
        READ = "read", "Text read"
        NOT_READ = "not_read", "Text not read"

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="texts")
    status = models.CharField(max_length=10, choices=Status.choices)
    text = models.TextField(blank=True)
    reason = models.CharField(max_length=300, blank=True)
    engine = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    school_from = "evidence"

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_status_display()


class AuditEntry(AppendOnly):
    """Who viewed or changed which safeguarding record, and when. Holds no safeguarding details,
    and no foreign keys, so that nothing deleted elsewhere can change or remove it."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id_at_time = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    person_id_at_time = models.BigIntegerField(null=True, blank=True)
    person_name = models.CharField(max_length=210, blank=True)
    action = models.CharField(max_length=40)
    record_type = models.CharField(max_length=40, blank=True)
    record_id = models.CharField(max_length=40, blank=True)
    reference = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Its place in the school's audit chain (integrity): removing or changing an entry shows.
    seq = models.BigIntegerField(null=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "audit entries"
        constraints = [
            models.UniqueConstraint(fields=["school", "seq"], name="audit_chain_no_fork")
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        from smpolicy.safeguarding import integrity

        if not self._state.adding:
            super().save(*args, **kwargs)  # refused, with AppendOnly's words
            return
        self._fill_school()
        integrity.append(self, integrity.AUDIT, lambda: AppendOnly.save(self, *args, **kwargs))

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.reference}"


class Destruction(AppendOnly):
    """A person confirmed that a record past its retention date is destroyed. What remains is this:
    the reference, the rule, who confirmed and why, and the hashes of the evidence destroyed."""

    report_id_at_time = models.BigIntegerField(db_index=True)
    reference = models.CharField(max_length=20)
    kind = models.CharField(max_length=30)
    retention_rule = models.CharField(max_length=30)
    retain_until = models.DateField()
    confirmed_by_name = models.CharField(max_length=210)
    confirmed_by_user_id = models.BigIntegerField(null=True)
    confirmed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    evidence_hashes = models.JSONField(default=list)

    class Meta:
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"{self.reference} destroyed {self.confirmed_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The evidence register records each item leaving it; a destruction row written any other
        # way has no such entries, and verification names it.
        from smpolicy.safeguarding import integrity

        with transaction.atomic():
            super().save(*args, **kwargs)
            integrity.register_destroyed(self)


class RegisterEntry(AppendOnly):
    """The evidence register: one entry for each evidence item added, and one for each destroyed,
    chained (integrity), so an evidence row deleted or changed outside the app is found."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        DESTROYED = "destroyed", "Destroyed"

    seq = models.BigIntegerField(editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    evidence_id_at_time = models.BigIntegerField(db_index=True)
    report_id_at_time = models.BigIntegerField()
    reference = models.CharField(max_length=20)
    file_path = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.BigIntegerField(default=0)
    destruction_id_at_time = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "evidence register entries"
        constraints = [
            models.UniqueConstraint(fields=["school", "seq"], name="register_chain_no_fork")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: evidence {self.evidence_id_at_time}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from smpolicy.safeguarding import integrity

        if not self._state.adding:
            super().save(*args, **kwargs)
            return
        integrity.append(self, integrity.EVIDENCE, lambda: AppendOnly.save(self, *args, **kwargs))


class ChainHead(models.Model):
    """The latest entry of one school's chain: appends lock this row, one at a time."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    chain = models.CharField(max_length=20)
    seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "chain"], name="one_head_per_chain")
        ]

    def __str__(self) -> str:
        return f"{self.chain} chain of school {self.school_id} at {self.seq}"


class RetentionChange(AppendOnly):
    """A decision to keep a report longer than its rule says: a legal hold placed or lifted, or
    a later date to keep it until. Never to keep it for less: that is the review list's job."""

    class Kind(models.TextChoices):
        HOLD = "hold", "Legal hold placed"
        RELEASE = "release", "Legal hold lifted"
        EXTEND = "extend", "Kept longer"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="retention_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField()
    retain_until_before = models.DateField(null=True, blank=True)
    retain_until_after = models.DateField(null=True, blank=True)
    made_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.made_at:%Y-%m-%d}"


class Transfer(SchoolOwned):
    """A pupil's child protection file sent to their new school, and its receipt."""

    pupil = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    to_school = models.CharField("new school", max_length=200)
    to_contact = models.CharField("sent to (the new school's DSL)", max_length=200)
    method = models.CharField("how it was sent", max_length=200)
    sent_on = models.DateField()
    sent_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    export_sha256 = models.CharField(max_length=64, blank=True)
    report_references = models.JSONField(default=list)
    received_on = models.DateField(null=True, blank=True)
    received_by = models.CharField(max_length=200, blank=True)
    receipt_recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    school_from = "pupil"

    class Meta:
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"CP file of {self.pupil} to {self.to_school}"

    def chase_due(self, on: dt.date | None = None) -> bool:
        """No receipt 5 school days after sending (weekdays; holidays are not known here)."""
        if self.received_on is not None:
            return False
        return weekdays_between(self.sent_on, on or timezone.localdate()) >= 5


def weekdays_between(start: dt.date, end: dt.date) -> int:
    days = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


class EmailVerification(SchoolOwned):
    """A parent's e-mail address, proved by a link, before they send a concern."""

    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    # A keyed hash of the address that asked, to limit links per client without keeping a
    # parent's IP address (safeguarding.views.parent_concern_start).
    client_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["email", "created_at"]),
            models.Index(fields=["client_hash", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.email


class SecondFactor(models.Model):
    """A sign-in account's authenticator app (RFC 6238 TOTP).

    Not school-owned: it belongs to the account, and an administrator's account may serve every
    school of a trust deployment. A lost phone is never fixed by deleting the row: a second person
    confirms a reset (``access_changes``), which marks it revoked, so what was enrolled when stays
    on record. An account has at most one factor that is not revoked.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_factors"
    )
    secret = SealedTextField(help_text="Sealed at rest (smpolicy.schools.sealing).")
    confirmed_at = models.DateTimeField(default=timezone.now)
    last_step = models.BigIntegerField(default=0, help_text="Refuses a code used before.")
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by_change = models.ForeignKey(
        "AccessChange", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_second_factor",
                violation_error_message="This account already has an authenticator app.",
            )
        ]

    def __str__(self) -> str:
        return f"Authenticator app of {self.user}"


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator app when the phone is lost.

    Only a hash is kept: the codes are shown once, when they are made. 80 random bits each, so
    a plain SHA-256 is enough (nothing to guess from a copy of the database).
    """

    factor = models.ForeignKey(
        SecondFactor, on_delete=models.PROTECT, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="Replaced by a new set before it was used."
    )

    def __str__(self) -> str:
        return f"Recovery code of {self.factor.user} ({'used' if self.used_at else 'unused'})"


class AccessChange(SchoolOwned):
    """A change to who may see safeguarding records, waiting for a second person.

    Nobody grants themselves safeguarding access: giving or ending the headteacher's, the DSL's, a
    deputy DSL's or the Chair's post, and resetting someone's second factor, take effect only once
    someone else confirms with their own second factor (``access_changes.confirmer_posts``). The
    request is kept as written; only its decision is added, once.
    """

    class What(models.TextChoices):
        GRANT_POST = "grant_post", "Give a post"
        END_POST = "end_post", "End a post"
        RESET_SECOND_FACTOR = "reset_second_factor", "Reset a second factor"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    what = models.CharField(max_length=30, choices=What.choices)
    post = models.CharField(max_length=20, blank=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(null=True, blank=True)
    reason = models.TextField()
    requested_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_name = models.CharField(max_length=200)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    school_from = "person"
    FROZEN = (
        "school",
        "what",
        "post",
        "person",
        "starts_on",
        "reason",
        "requested_by",
        "requested_by_name",
        "requested_at",
    )

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_what_display()}: {self.person} ({self.get_status_display().lower()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = type(self)._base_manager.filter(pk=self.pk).values("status").first()
            changed = frozen_fields_changed(self, self.FROZEN)
            if changed:
                raise AppendOnlyError(f"a request's {', '.join(changed)} cannot be changed")
            if stored is not None and stored["status"] != self.Status.PENDING:
                raise AppendOnlyError("this request was decided already and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("a request to change access cannot be deleted")
