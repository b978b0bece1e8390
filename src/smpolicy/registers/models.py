"""Registers and governance: what the policy asks people to declare, review, acknowledge and sign.

- ``SocialContact`` and ``SocialContactReview``: declared social contacts with a pupil's family
  (personal-info.social-contacts), acknowledged by a senior leader, reviewed each year and when a
  child of the family joins or leaves the school.
- ``ProfileReview``: the review of their own social media everyone who joins does
  (code.review-own-profiles), with a checklist drawn from the policy's clauses.
- ``PolicyVersion`` and ``Acknowledgement``: the policy's own life (draft to archived, sign-off by
  the Chair and the Headteacher, the Full Governing Body meeting, the review date) and who has read
  which version.
- ``Responsibility`` and ``JudgementAdvisory``: oversight (the DfE filtering and monitoring
  standards' named people; exceptions.professional-judgement).
- ``Reminder``: every reminder sent, in the app and by e-mail, so each is sent exactly once.
- ``SubjectAccessRequest``: a person's request for their data, with what is held back for review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from smpolicy.schools.appendonly import AppendOnlyError, AppendOnlyQuerySet
from smpolicy.schools.models import Person, SchoolOwned, SchoolOwnedQuerySet

# Everyone the policy's staff sections bind (clauses.yaml, applies_to: staff).
COVERED_ROLES: tuple[str, ...] = (
    "staff",
    "volunteer",
    "trainee",
    "governor",
    "elected_member",
    "third_party",
)
# Who gets a profile review when they join (issue 6: staff, volunteers, trainees, governors).
JOINER_ROLES: tuple[str, ...] = ("staff", "volunteer", "trainee", "governor")
FAMILY_ROLES: tuple[str, ...] = ("pupil", "parent")


def parse_days(text: str) -> list[int]:
    """"30, 14,7" -> [30, 14, 7]; raises ValueError naming the bad part."""
    days = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) > 366:
            raise ValueError(f"{part!r} is not a number of days from 0 to 366")
        days.append(int(part))
    return sorted(set(days), reverse=True)


class RegisterSettings(SchoolOwned):
    """The school's schedule for due dates and reminders."""

    profile_review_days = models.PositiveSmallIntegerField(
        "days a new starter has for their profile review",
        default=28,
        help_text="Counted from the day they join.",
    )
    task_reminder_days = models.CharField(
        "remind about a task this many days before it is due",
        max_length=60,
        default="7,1",
        help_text="Days before the due date, separated by commas (profile and declaration "
        "reviews).",
    )
    policy_review_reminder_days = models.CharField(
        "remind about the policy's review this many days before",
        max_length=60,
        default="30,14,7",
    )
    acknowledgement_reminder_days = models.CharField(
        "remind those who have not acknowledged the policy after this many days",
        max_length=60,
        default="7,14",
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        "escalate this many days after a due date",
        default=7,
        help_text="A line manager or the leadership is told when a task is this late.",
    )
    declaration_review_days = models.PositiveSmallIntegerField(
        "review declared social contacts every (days)", default=365
    )
    email_reminders = models.BooleanField(
        "send reminders by e-mail as well as in the app", default=True
    )

    class Meta:
        verbose_name = "register settings"
        verbose_name_plural = "register settings"
        constraints = [
            models.UniqueConstraint(fields=["school"], name="register_settings_one_per_school")
        ]

    def __str__(self) -> str:
        return f"Register settings of {self.school}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        for name in (
            "task_reminder_days",
            "policy_review_reminder_days",
            "acknowledgement_reminder_days",
        ):
            try:
                parse_days(getattr(self, name))
            except ValueError as error:
                errors[name] = str(error)
        if errors:
            raise ValidationError(errors)

    def days(self, name: str) -> list[int]:
        try:
            return parse_days(getattr(self, name))
        except ValueError:
            return parse_days(str(self._meta.get_field(name).default))


def settings_for(school: Any) -> RegisterSettings:
    """The school's settings; the defaults (unsaved) when it has not set any."""
    found = RegisterSettings.objects.for_school(school).first()
    return found or RegisterSettings(school_id=getattr(school, "pk", school))


# -- declared social contacts -------------------------------------------------------------------


class SocialContact(SchoolOwned):
    """A member of staff's social contact with a pupil's family, made known to the senior
    leadership team (personal-info.social-contacts)."""

    class Status(models.TextChoices):
        DECLARED = "declared", "Declared: waiting for a senior leader to acknowledge it"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ENDED = "ended", "Ended"

    staff = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    family = models.ManyToManyField(
        Person,
        related_name="+",
        help_text="The pupils and the parents or carers named; the declaration covers their "
        "family (see declarations.family_of).",
    )
    how_known = models.TextField("how you know them")
    platforms = models.JSONField(default=list, blank=True)
    other_platforms = models.CharField("other platforms or ways", max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DECLARED)
    declared_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)
    review_due_on = models.DateField()
    # The family's pupils and their roll status when last looked at ({"12": "current"}): a pupil
    # new to it, or one who has left the school since, calls for a review.
    pupils_seen = models.JSONField(default=dict, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)

    school_from = "staff"

    class Meta:
        ordering = ["-declared_at", "-id"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"Social contact declared by {self.staff} on {self.declared_at:%d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ENDED

    def platform_names(self) -> list[str]:
        from smpolicy.platforms import default_catalogue

        catalogue = default_catalogue()
        names = []
        for platform_id in self.platforms:
            found = catalogue.get(str(platform_id))
            names.append(found.name if found is not None else str(platform_id))
        if self.other_platforms:
            names.append(self.other_platforms)
        return names


class SocialContactReview(SchoolOwned):
    """A look at whether a declared contact still stands: each year, and when a child of the
    family joins or leaves the school."""

    class Reason(models.TextChoices):
        ANNUAL = "annual", "Annual review"
        CHILD_JOINED = "child_joined", "A child of the family joined the school"
        CHILD_LEFT = "child_left", "A child of the family left the school"

    class Outcome(models.TextChoices):
        STANDS = "stands", "It still stands as declared"
        CHANGED = "changed", "It has changed (updated here)"
        ENDED = "ended", "It has ended"

    contact = models.ForeignKey(SocialContact, on_delete=models.CASCADE, related_name="reviews")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    pupil = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True)

    school_from = "contact"

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "reason", "due_on"],
                condition=Q(reason="annual"),
                name="contact_review_annual_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} due {self.due_on:%d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None


# -- new-staff profile reviews ------------------------------------------------------------------


class ProfileReview(SchoolOwned):
    """A person reviews their own social media profiles (code.review-own-profiles)."""

    class Reason(models.TextChoices):
        JOINED = "joined", "Joined the school"
        ASKED = "asked", "Asked by a senior leader"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.JOINED)
    asked_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    # The checklist as it was set (from the school's pack), so a done review reads as it was done.
    pack_id = models.CharField(max_length=100, blank=True)
    pack_version = models.CharField(max_length=50, blank=True)
    checklist = models.JSONField(default=list, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    notes = models.TextField("anything you changed or want to mention", blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    school_from = "person"

    class Meta:
        ordering = ["completed_at", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(completed_at__isnull=True),
                name="profile_review_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Profile review of {self.person}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return self.is_open and self.due_on < (on or timezone.localdate())


# -- the policy's own life ----------------------------------------------------------------------


class VersionFrozen(AppendOnlyError):
    """A signed-off version of the policy is the policy: a change is a new version, signed again."""


# A version's content and its sign-off, frozen once approved (the database holds the same list:
# safeguarding.dbguard.POLICY_VERSION_CONTENT, as column names).
VERSION_CONTENT: tuple[str, ...] = (
    "school",
    "label",
    "title",
    "changes",
    "pack_id",
    "pack_version",
    "pack_yaml",
    "pack_sha256",
    "sign_off_seal",
    "created_at",
    "submitted_at",
    "chair",
    "chair_signed_on",
    "head",
    "head_signed_on",
    "agreed_at_meeting_on",
    "approved_at",
)
# The moves a signed-off version may still make (registers.versions): into force, then archived.
VERSION_MOVES: dict[str, tuple[str, ...]] = {
    "approved": ("approved", "in_force", "archived"),
    "in_force": ("in_force", "archived"),
    "archived": ("archived",),
}


def _sealed_text(version: PolicyVersion) -> str:
    approved_at = version.approved_at.isoformat() if version.approved_at else ""
    return "\n".join(
        ["policy version", str(version.school_id), version.label, version.pack_sha256, approved_at]
    )


def seal_of(version: PolicyVersion) -> str:
    """An HMAC over the version's identity, pack hash and approval, under a key the database does
    not hold (safeguarding.integrity): a database-only forgery of a signed pack cannot carry it."""
    from smpolicy.safeguarding import integrity

    return integrity.mac(_sealed_text(version), "smpolicy policy version v1")


class PolicyVersionQuerySet(SchoolOwnedQuerySet):
    def update(self, **kwargs: Any) -> int:
        if kwargs and set(kwargs) - {"review_due_on"} and self.filter(
            approved_at__isnull=False
        ).exists():
            raise VersionFrozen(
                "a signed-off version of the policy cannot be changed: make a new version and "
                "have it signed off"
            )
        return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        raise VersionFrozen("policy versions are changed one at a time, through registers.versions")

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(approved_at__isnull=False).exists():
            raise VersionFrozen("a signed-off version of the policy is kept for good")
        return super().delete()


class PolicyVersion(SchoolOwned):
    """One version of the school's policy: the pack it is (kept whole, so it can be reproduced),
    what changed, and its approval as governance.sign-off asks.

    Once approved it is frozen (``VERSION_CONTENT``), in the ORM here and in the database
    (safeguarding.dbguard.POLICY_GUARDS): it may come into force, be archived and have its review
    date moved, nothing else. Its SHA-256 is never recomputed after that; the engine checks it and
    the seal before it applies the pack (asking.engines)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        UNDER_REVIEW = "under_review", "Under review"
        APPROVED = "approved", "Approved"
        IN_FORCE = "in_force", "In force"
        ARCHIVED = "archived", "Archived"

    label = models.CharField("version", max_length=50)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    changes = models.TextField("what changed")
    pack_id = models.CharField(max_length=100)
    pack_version = models.CharField(max_length=50)
    pack_yaml = models.TextField("the pack (YAML)")
    pack_sha256 = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    chair = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chair_signed_on = models.DateField(null=True, blank=True)
    head = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    head_signed_on = models.DateField(null=True, blank=True)
    agreed_at_meeting_on = models.DateField(
        "agreed at the Full Governing Body meeting on", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    in_force_from = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    review_due_on = models.DateField("review by", null=True, blank=True)
    sign_off_seal = models.CharField(max_length=64, blank=True, editable=False)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "label"], name="policy_version_label_unique"),
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(status="in_force"),
                name="policy_version_one_in_force",
                violation_error_message="Another version of the policy is already in force.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = None
        if not self._state.adding and self.pk is not None:
            stored = (
                PolicyVersion._base_manager.filter(pk=self.pk)
                .values(*VERSION_CONTENT, "status", "in_force_from", "archived_at")
                .first()
            )
        if stored is not None and stored["approved_at"] is not None:
            problems = self._frozen_changes(stored, kwargs.get("update_fields"))
            if problems:
                raise VersionFrozen(
                    f"version {stored['label']} of the policy is signed off and cannot be changed "
                    f"({'; '.join(problems)}): make a new version and have it signed off"
                )
        else:
            self.pack_sha256 = hashlib.sha256(self.pack_yaml.encode("utf-8")).hexdigest()
            if self.approved_at is not None:
                self.sign_off_seal = seal_of(self)
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "sign_off_seal"}
        super().save(*args, **kwargs)

    def _frozen_changes(self, stored: dict[str, Any], update_fields: Any) -> list[str]:
        wanted = None if update_fields is None else set(update_fields)
        problems = []
        for name in (*VERSION_CONTENT, "in_force_from", "archived_at"):
            if wanted is not None and name not in wanted:
                continue
            new = getattr(self, self._meta.get_field(name).attname)
            if new == stored[name]:
                continue
            if name in VERSION_CONTENT or stored[name] is not None:
                problems.append(name)
        if (wanted is None or "status" in wanted) and self.status not in VERSION_MOVES.get(
            stored["status"], (stored["status"],)
        ):
            problems.append(f"status {stored['status']} to {self.status}")
        return problems

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if PolicyVersion._base_manager.filter(pk=self.pk, approved_at__isnull=False).exists():
            raise VersionFrozen("a signed-off version of the policy is kept for good")
        return super().delete(*args, **kwargs)

    @property
    def pack_intact(self) -> bool:
        """The YAML is the one signed off: its SHA-256 is the one stored, and for an approved
        version the seal made at approval still holds."""
        if hashlib.sha256(self.pack_yaml.encode("utf-8")).hexdigest() != self.pack_sha256:
            return False
        if self.approved_at is None:
            return True
        return hmac.compare_digest(self.sign_off_seal or "", seal_of(self))

    @property
    def is_signed_off(self) -> bool:
        return bool(
            self.chair_id
            and self.chair_signed_on
            and self.head_id
            and self.head_signed_on
            and self.agreed_at_meeting_on
        )

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.UNDER_REVIEW)

    def review_overdue(self, on: dt.date | None = None) -> bool:
        return (
            self.status == self.Status.IN_FORCE
            and self.review_due_on is not None
            and self.review_due_on < (on or timezone.localdate())
        )


class Acknowledgement(SchoolOwned):
    """A person read a version of the policy and said so."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    school_from = "person"

    class Meta:
        ordering = ["-acknowledged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "version"], name="acknowledgement_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} acknowledged {self.version.label}"


# -- oversight ----------------------------------------------------------------------------------


class Responsibility(SchoolOwned):
    """A person the governing body names as responsible, as the DfE filtering and monitoring
    standards ask: a member of the senior leadership team and a governor."""

    class Kind(models.TextChoices):
        FILTERING_LEADER = (
            "filtering_leader",
            "Senior leader responsible for filtering and monitoring",
        )
        FILTERING_GOVERNOR = (
            "filtering_governor",
            "Governor responsible for filtering and monitoring",
        )

    kind = models.CharField(max_length=30, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    note = models.CharField(
        max_length=300, blank=True, help_text="e.g. the governing body meeting that named them."
    )
    recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    school_from = "person"

    class Meta:
        ordering = ["kind", "-starts_on", "-id"]
        verbose_name_plural = "responsibilities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person}"

    def clean(self) -> None:
        super().clean()
        if self.person_id is None:
            return
        errors = {}
        if self.kind == self.Kind.FILTERING_GOVERNOR and self.person.role != "governor":
            errors["person"] = f"{self.person} is not a governor."
        if self.kind == self.Kind.FILTERING_LEADER:
            from smpolicy.schools.positions import positions_of

            # The post as recorded now: a post's start date is often entered later than it began.
            if self.person.role != "staff" or not (positions_of(self.person) & LEADERSHIP_POSTS):
                errors["person"] = (
                    f"{self.person} is not on the senior leadership team (the headteacher, a "
                    "senior leader or the DSL)."
                )
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "It ends before it starts."
        if errors:
            raise ValidationError(errors)


# Posts that put someone on the senior leadership team for the DfE standards' purposes.
LEADERSHIP_POSTS: frozenset[str] = frozenset(
    {"headteacher", "senior_leadership", "dsl", "deputy_dsl"}
)


class JudgementAdvisory(SchoolOwned):
    """A member of staff advises the headteacher of a professional judgement taken (or proposed)
    outside the policy, with the justification; the headteacher records whether Local Authority
    advice was sought, and what it was (exceptions.professional-judgement)."""

    class When(models.TextChoices):
        TAKEN = "taken", "Already taken"
        PROPOSED = "proposed", "Proposed"

    class LaAdvice(models.TextChoices):
        PENDING = "", "Not decided yet"
        NOT_NEEDED = "not_needed", "Not needed"
        SOUGHT = "sought", "Sought"

    advised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    advised_to = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    when = models.CharField(max_length=10, choices=When.choices)
    situation = models.TextField("what happened, or what you propose")
    justification = models.TextField("why: your professional judgement")
    occurred_on = models.DateField("when", default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField("the headteacher's response", blank=True)
    la_advice = models.CharField(
        "Local Authority advice", max_length=20, choices=LaAdvice.choices, blank=True
    )
    la_adviser = models.CharField("who advised", max_length=200, blank=True)
    la_advised_on = models.DateField("advised on", null=True, blank=True)
    la_advice_text = models.TextField("what was advised", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    school_from = "advised_by"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Professional judgement advised by {self.advised_by} on {self.created_at:%d %B %Y}"

    def clean(self) -> None:
        super().clean()
        if self.la_advice == self.LaAdvice.SOUGHT and not (
            self.la_adviser.strip() and self.la_advised_on and self.la_advice_text.strip()
        ):
            raise ValidationError(
                {"la_advice_text": "Say who advised, when, and what they advised."}
            )


# -- reminders ----------------------------------------------------------------------------------


class Reminder(SchoolOwned):
    """One reminder to one person, shown in the app and (if the school wants) e-mailed.

    ``key`` names the reminder (what, which record, which step, to whom): the same key is never
    sent twice, whoever or whatever asks for it again.
    """

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_problem = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    school_from = "recipient"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "key"], name="reminder_key_once")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient}"


# -- subject access -----------------------------------------------------------------------------


class SubjectAccessRequest(SchoolOwned):
    """A person asked for the data the school holds about them (UK GDPR Article 15).

    ``items`` is the bundle: each {"id", "source", "title", "data", "held_back", "reason",
    "decision", "decided_by", "note"}. Items about others or from safeguarding records are held
    back until a person decides to release or withhold each one.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField("request received on", default=timezone.localdate)
    due_on = models.DateField("answer due by")
    created_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    items = models.JSONField(default=list, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    school_from = "person"

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Subject access request of {self.person} ({self.received_on:%d %B %Y})"

    def held_back(self) -> list[dict[str, Any]]:
        return [item for item in self.items if item.get("held_back")]

    def undecided(self) -> list[dict[str, Any]]:
        return [item for item in self.held_back() if not item.get("decision")]


class SarRecordDecision(SchoolOwned):
    """What a member of the DSL team decided a subject access bundle holds of one safeguarding
    record: the record in full, a redacted account, or nothing, under an exemption.

    Append-only, here and in the database (migration 0003 guards the table): a changed mind is a
    new row, and the latest row for a record is the decision. No foreign key to the record or the
    person deciding, so that destroying a record at the end of its retention, or removing a person,
    can't change what was decided and by whom.
    """

    class Decision(models.TextChoices):
        FULL = "full", "Include it in full"
        REDACTED = "redacted", "Include it redacted"
        WITHHOLD = "withhold", "Withhold it"

    class Exemption(models.TextChoices):
        # The exemptions a school relies on for safeguarding records (Data Protection Act 2018).
        SERIOUS_HARM = "serious_harm", (
            "Serious harm: disclosing it would be likely to cause serious harm to the physical "
            "or mental health of the subject or someone else (DPA 2018, Schedule 3)"
        )
        THIRD_PARTY = "third_party", (
            "Third-party data: it identifies someone else who has not agreed, and disclosing it "
            "without them is not reasonable (DPA 2018, Schedule 2 Part 3)"
        )
        CRIME = "crime", (
            "Crime: disclosing it would be likely to prejudice the prevention or detection of "
            "crime, or a police or social care enquiry (DPA 2018, Schedule 2 Part 1)"
        )
        CHILD_ABUSE = "child_abuse", (
            "Child abuse data: a parent asks for it and disclosing it is not in the child's "
            "best interests (DPA 2018, Schedule 3 Part 5)"
        )

    access_request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="record_decisions"
    )
    report_id_at_time = models.BigIntegerField(db_index=True)
    reference = models.CharField(max_length=20)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    exemption = models.CharField(max_length=20, choices=Exemption.choices, blank=True)
    reason = models.TextField("why")
    released_text = models.TextField(
        "the account as released", blank=True,
        help_text="For a redacted record: its account with what may not be disclosed taken out.",
    )
    decided_by_id_at_time = models.BigIntegerField(null=True, blank=True)
    decided_by_name = models.CharField(max_length=210)
    decided_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()
    school_from = "access_request"

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = "subject access decision on a safeguarding record"

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_decision_display().lower()} ({self.decided_by_name})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("a subject access decision cannot be changed; record a new one")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("a subject access decision cannot be deleted")

    @property
    def includes(self) -> bool:
        return self.decision != self.Decision.WITHHOLD

    @property
    def exemption_short(self) -> str:
        """"Serious harm", "Third-party data"...: the exemption's name without its gloss."""
        return self.get_exemption_display().split(":")[0] if self.exemption else ""
