"""Posting for the school: the registers the policy's controls need, and official posts.

- ``PostingSettings``: per school, the logo the checker looks for and how many approval steps an
  official post needs (Hootsuite and Sprout allow up to three).
- ``Spokesperson``: who may speak for the school (staff.speaking-for-school), approved by the
  headteacher, with training, platforms and expiry.
- ``PhotoConsent``: a pupil's parental consent for photos, per use, as MIS tools record it.
  Every change is a new row; the latest row for a pupil and use is the one in force.
- ``BrandingPermission``: the headteacher's written permission to use the school's name, logo or
  published material (code.school-branding).
- ``SpokespersonEvent`` and ``BrandingEvent``: every change to those two registers (who, when,
  what it was before and after), append-only. The entries themselves change only through
  ``recording.py``, which writes the event in the same transaction; the fields that say what was
  approved or asked for never change (``FROZEN``).
- ``OfficialPost`` with its ``PostImage``s, ``PostApproval``s and ``PostEvent`` history: a post
  for an official account on its way from draft to published. The rules of that journey live in
  ``workflow.py``; the models only hold what happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from smpolicy.posting.history import AppendOnlyError, AppendOnlyQuerySet
from smpolicy.schools.models import Person, SchoolOwned, SchoolOwnedQuerySet

MAX_APPROVAL_STEPS = 3
# The "platform" of a post on the school's own website, which the catalogue does not list.
WEBSITE = "website"


class PostingSettings(SchoolOwned):
    """The school's settings for posting: its logo and the approval steps official posts need."""

    logo = models.ImageField(
        upload_to="posting/logos/",
        blank=True,
        help_text="The school's logo, as on its website; the checker looks for it in images.",
    )
    approval_steps = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_APPROVAL_STEPS)],
        help_text="How many people approve an official post; the headteacher gives the last "
        "approval, senior leaders the earlier ones.",
    )

    class Meta:
        verbose_name = "posting settings"
        verbose_name_plural = "posting settings"
        constraints = [
            models.UniqueConstraint(fields=["school"], name="posting_settings_one_per_school")
        ]

    def __str__(self) -> str:
        return f"Posting settings for {self.school}"


class RecordedChanges(SchoolOwned):
    """A register entry whose every change is a recorded event (recording.py): the ORM refuses
    a change made any other way, a change to a field in ``FROZEN``, and deletion."""

    FROZEN: tuple[str, ...] = ()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values().first()
            if stored is not None:
                changed = {
                    f.attname
                    for f in self._meta.concrete_fields
                    if stored.get(f.attname) != getattr(self, f.attname)
                }
                frozen = {self._meta.get_field(n).attname for n in self.FROZEN}
                if changed & frozen:
                    names = ", ".join(sorted(changed & frozen))
                    raise AppendOnlyError(f"{names} cannot change: record a new entry instead")
                if changed and not getattr(self, "_recording", False):
                    raise AppendOnlyError(
                        "a register entry changes only through posting.recording, which keeps "
                        "the earlier state in its history"
                    )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("a register entry cannot be deleted: revoke it instead")


def _platform_list_problem(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        return "Give a list of platform ids (e.g. facebook, website)."
    return None


class Spokesperson(RecordedChanges):
    """Someone the headteacher has approved to speak for the school on social media."""

    # Who was approved, by whom and when: a different approval is a new entry.
    FROZEN = ("school", "person", "approved_by", "approved_on", "created")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="spokesperson_entries"
    )
    approved_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", help_text="The headteacher."
    )
    approved_on = models.DateField(default=timezone.localdate)
    training_completed_on = models.DateField(
        null=True,
        blank=True,
        help_text="Blank while the training the headteacher asked for is due.",
    )
    training = models.CharField(
        max_length=200, blank=True, help_text="What training was done (or is required)."
    )
    platforms = models.JSONField(
        default=list,
        blank=True,
        help_text="Where they may speak for the school; empty means every official account.",
    )
    expires_on = models.DateField(null=True, blank=True, help_text="Blank: until revoked.")
    restrictions = models.TextField(
        blank=True, help_text="Requirements and restrictions the headteacher imposed."
    )
    revoked_on = models.DateField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_reason = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    school_from = "person"

    class Meta:
        ordering = ["person__last_name", "person__first_name", "-approved_on"]
        verbose_name_plural = "spokespeople"

    def __str__(self) -> str:
        return f"{self.person} (spokesperson)"

    def is_valid_on(self, on: dt.date, platform: str | None = None) -> bool:
        if self.approved_on > on:
            return False
        if self.revoked_on is not None and self.revoked_on <= on:
            return False
        if self.expires_on is not None and on > self.expires_on:
            return False
        return not (platform and self.platforms and platform not in self.platforms)

    def training_done_on(self, on: dt.date) -> bool:
        return self.training_completed_on is not None and self.training_completed_on <= on

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.person_id is not None and not self.person.is_school_representative:
            errors["person"] = f"{self.person} is a {self.person.role}: only staff, volunteers, "
            "governors and others acting for the school can speak for it."
        problem = _platform_list_problem(self.platforms)
        if problem:
            errors["platforms"] = problem
        if self.expires_on and self.approved_on and self.expires_on < self.approved_on:
            errors["expires_on"] = "The approval ends before it starts."
        if self.approved_by_id is not None and self.approved_on is not None:
            from smpolicy.schools.positions import headteacher

            head = headteacher(self.approved_by.school, self.approved_on)
            if head is None or head.pk != self.approved_by_id:
                errors["approved_by"] = (
                    f"{self.approved_by} was not the headteacher on {self.approved_on:%d %B %Y}: "
                    "only the headteacher approves spokespeople."
                )
        if errors:
            raise ValidationError(errors)


class ConsentUse(models.TextChoices):
    """What a photo is for; schools collect consent per use, usually each year."""

    WEBSITE = "website", "School website"
    SOCIAL_MEDIA = "social_media", "School social media"
    CLASS_PHOTO = "class_photo", "Class and school photographs"
    INTERNAL = "internal", "Inside school (displays, learning journals)"


class ConsentStatus(models.TextChoices):
    # The three states Arbor and Juniper show, so office staff see what they are used to.
    REQUESTED = "requested", "Requested"
    GRANTED = "granted", "Granted"
    NOT_GRANTED = "not_granted", "Not granted"


class PhotoConsentQuerySet(SchoolOwnedQuerySet):
    def current(self) -> PhotoConsentQuerySet:
        """The row in force for each pupil and use: the most recently recorded."""
        newer = PhotoConsent.objects.filter(
            pupil=models.OuterRef("pupil"), use=models.OuterRef("use"), pk__gt=models.OuterRef("pk")
        )
        return self.filter(~models.Exists(newer))


class PhotoConsent(SchoolOwned):
    """One entry in a pupil's photo consent record. A change is a new entry, never an edit, so the
    record shows who said what and when."""

    pupil = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="photo_consents")
    use = models.CharField(max_length=20, choices=ConsentUse.choices)
    status = models.CharField(max_length=20, choices=ConsentStatus.choices)
    given_by = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_given",
        help_text="The parent or carer who answered (blank while requested).",
    )
    given_on = models.DateField(null=True, blank=True, help_text="When they answered.")
    valid_until = models.DateField(
        null=True,
        blank=True,
        help_text="Blank: until they change it. Usually the school year's end.",
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = PhotoConsentQuerySet.as_manager()
    school_from = "pupil"

    class Meta:
        ordering = ["pupil__last_name", "pupil__first_name", "use", "-pk"]
        indexes = [models.Index(fields=["school", "pupil", "use"])]

    def __str__(self) -> str:
        return f"{self.pupil}: {self.get_use_display()} {self.get_status_display().lower()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("a consent entry cannot be changed; record a new one instead")
        super().save(*args, **kwargs)

    def is_valid_on(self, on: dt.date) -> bool:
        """Consent given and in force on ``on``."""
        return (
            self.status == ConsentStatus.GRANTED
            and self.given_on is not None
            and self.given_on <= on
            and (self.valid_until is None or on <= self.valid_until)
        )

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.pupil_id is not None and not self.pupil.is_pupil:
            errors["pupil"] = f"{self.pupil} is not a pupil."
        if self.status in (ConsentStatus.GRANTED, ConsentStatus.NOT_GRANTED):
            if self.given_by_id is None:
                errors["given_by"] = "Say which parent or carer answered."
            if self.given_on is None:
                errors["given_on"] = "Say when they answered."
        if self.given_by_id is not None and self.pupil_id is not None:
            linked = self.pupil.parents().filter(pk=self.given_by_id).exists()
            if not linked:
                errors["given_by"] = (
                    f"{self.given_by} is not recorded as a parent or carer of {self.pupil}."
                )
        if self.given_on and self.valid_until and self.valid_until < self.given_on:
            errors["valid_until"] = "Valid until is before the date it was given."
        if errors:
            raise ValidationError(errors)


class BrandingUse(models.TextChoices):
    NAME = "name", "The school's name"
    LOGO = "logo", "The school's logo"
    PUBLISHED_MATERIAL = "published_material", "The school's published material"


class BrandingPermission(RecordedChanges):
    """A request to use the school's name, logo or published material, and the headteacher's
    written answer (code.school-branding)."""

    # What was asked for, by whom and when: a different request is a new one.
    FROZEN = ("school", "requested_by", "uses", "purpose", "platforms", "requested_at")

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"
        REVOKED = "revoked", "Revoked"

    requested_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="branding_permissions"
    )
    uses = models.JSONField(default=list, help_text="Which of name, logo, published_material.")
    purpose = models.TextField(help_text="What it is for: where, what, for how long.")
    platforms = models.JSONField(
        default=list, blank=True, help_text="Where; empty means anywhere the purpose covers."
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    written_permission = models.TextField(
        blank=True, help_text="The headteacher's permission in their words, with any conditions."
    )
    valid_from = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Why it was refused or revoked.")

    school_from = "requested_by"

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.requested_by}: {', '.join(self.uses)} ({self.get_status_display()})"

    def is_valid_on(self, on: dt.date, platform: str | None = None) -> bool:
        return (
            self.status == self.Status.GRANTED
            and self.valid_from is not None
            and self.valid_from <= on
            and self.expires_on is not None
            and on <= self.expires_on
            and not (platform and self.platforms and platform not in self.platforms)
        )

    def covers(self, uses: set[str]) -> bool:
        return uses <= set(self.uses)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if not isinstance(self.uses, list) or not self.uses:
            errors["uses"] = "Say what you want to use: the name, the logo or published material."
        elif not set(self.uses) <= set(BrandingUse.values):
            errors["uses"] = f"Choose from {', '.join(BrandingUse.values)}."
        problem = _platform_list_problem(self.platforms)
        if problem:
            errors["platforms"] = problem
        if self.status == self.Status.GRANTED:
            if not self.written_permission.strip():
                errors["written_permission"] = "Permission is given in writing: write it here."
            if self.expires_on is None:
                errors["expires_on"] = "Give the date the permission ends."
            if self.valid_from is None:
                errors["valid_from"] = "Give the date the permission starts."
        if self.valid_from and self.expires_on and self.expires_on < self.valid_from:
            errors["expires_on"] = "The permission ends before it starts."
        if errors:
            raise ValidationError(errors)


class OfficialPost(SchoolOwned):
    """A post for one of the school's official accounts, from draft to published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CHECKED = "checked", "Checked"
        SUBMITTED = "submitted", "Waiting for approval"
        APPROVED = "approved", "Approved: ready to publish"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="official_posts")
    platform = models.CharField(
        max_length=40, help_text="The official account it is for: website, facebook, x..."
    )
    text = models.TextField(blank=True)
    scheduled_for = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it goes out. An approval lapses if it is not published by then.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    tagged_pupils = models.ManyToManyField(Person, blank=True, related_name="tagged_in_posts")
    # The approval round: each submission starts a new one, so old approvals never count again.
    round = models.PositiveIntegerField(default=0)
    approvals_needed = models.PositiveSmallIntegerField(default=1)
    check_result = models.JSONField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # What was checked (text, platform, images); a change after the check makes it stale.
    checked_fingerprint = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    school_from = "author"

    class Meta:
        ordering = ["-updated", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        words = " ".join(self.text.split()[:8])
        return f"{self.get_platform_display()} post: {words or '(no text)'}"

    def get_platform_display(self) -> str:
        if self.platform == WEBSITE:
            return "School website"
        from smpolicy.platforms.catalogue import default_catalogue

        found = default_catalogue().get(self.platform) if self.platform else None
        return found.name if found is not None else self.platform

    def status_at(self, now: dt.datetime | None = None) -> str:
        """The status as it stands at ``now``: a waiting or approved post whose time has passed is
        expired even before ``expire_approvals`` has written it down."""
        now = now or timezone.now()
        if (
            self.status in (self.Status.SUBMITTED, self.Status.APPROVED)
            and self.scheduled_for is not None
            and now > self.scheduled_for
        ):
            return self.Status.EXPIRED
        return self.status

    def status_label_at(self, now: dt.datetime | None = None) -> str:
        return self.Status(self.status_at(now)).label

    @property
    def images_in_order(self) -> list[PostImage]:
        return list(self.images.order_by("position", "pk"))


class PostImage(SchoolOwned):
    """An image of a saved official post. Kept in the database, never in a public folder: it may
    show children, and is served only to people of its school who may see the post."""

    post = models.ForeignKey(OfficialPost, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=40)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    location = models.JSONField(
        null=True, blank=True, help_text="The GPS position in its metadata, if any."
    )
    location_removed = models.BooleanField(default=False)

    school_from = "post"

    class Meta:
        ordering = ["post", "position", "pk"]

    def __str__(self) -> str:
        return self.name or f"image {self.position + 1}"


class PostApproval(SchoolOwned):
    """One approver's answer at one step of one submission. Never changed."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    post = models.ForeignKey(OfficialPost, on_delete=models.PROTECT, related_name="approvals")
    round = models.PositiveIntegerField()
    step = models.PositiveSmallIntegerField()
    approver = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()
    school_from = "post"

    class Meta:
        ordering = ["post", "round", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "round", "step"], name="post_approval_one_answer_per_step"
            ),
            models.CheckConstraint(
                condition=~Q(decision="rejected") | ~Q(note=""),
                name="post_approval_rejection_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.approver} (step {self.step})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("an approval cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("an approval cannot be deleted")


class PostEvent(SchoolOwned):
    """One step in an official post's history: append-only, here and in the database."""

    class Action(models.TextChoices):
        CREATED = "created", "Drafted"
        EDITED = "edited", "Edited"
        CHECKED = "checked", "Checked"
        TAGGED = "tagged", "Pupils tagged"
        LOCATION_REMOVED = "location_removed", "Location removed from an image"
        SUBMITTED = "submitted", "Submitted for approval"
        APPROVED_STEP = "approved_step", "Approved (one step of several)"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        REFUSED = "refused", "Approval refused by the system"
        EXPIRED = "expired", "Expired"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPORTED = "exported", "Exported"

    post = models.ForeignKey(OfficialPost, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank when the system did it (an approval lapsing).",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()
    school_from = "post"

    class Meta:
        ordering = ["post", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("a post's history cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("a post's history cannot be deleted")


class PostAlert(SchoolOwned):
    """Someone must look at an official post: shown in the app at once, and e-mailed as a link
    only (alerts.py). The approvers are told of a submission, the author of the answer."""

    class Kind(models.TextChoices):
        APPROVAL_NEEDED = "approval_needed", "Waiting for your approval"
        APPROVED = "approved", "Your post is approved: ready to publish"
        REJECTED = "rejected", "Your post was rejected"
        EXPIRED = "expired", "Your post's approval lapsed"

    post = models.ForeignKey(OfficialPost, on_delete=models.PROTECT, related_name="alerts")
    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Which submission and step it is about, so a new round or step is a new alert.
    round = models.PositiveIntegerField()
    step = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_problem = models.CharField(max_length=300, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    school_from = "post"

    class Meta:
        ordering = ["seen_at", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "recipient", "kind", "round", "step"],
                name="post_alert_once_per_person_and_step",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


class RegisterEvent(SchoolOwned):
    """One change to a register entry: who made it, when, and the fields before and after.
    ``before`` is empty for the entry's first event, whose ``after`` is the whole entry."""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank when the account that made the change is not a person's (an admin's).",
    )
    # As the actor was named then, and the account for changes made in the admin.
    actor_name = models.CharField(max_length=200)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("a register's history cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("a register's history cannot be deleted")

    ENTRY_FIELD = ""

    def changes(self) -> list[tuple[str, str, str]]:
        """(what, before, after) for each field the event changed, as a person reads them."""
        entry_model = self._meta.get_field(self.ENTRY_FIELD).related_model
        names = list(self.after) + [n for n in self.before if n not in self.after]
        out = []
        for name in names:
            try:
                label = str(entry_model._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                label = name.replace("_", " ")
            out.append(
                (
                    label[:1].upper() + label[1:],
                    _shown(name, self.before.get(name)) if self.before else "",
                    _shown(name, self.after.get(name)),
                )
            )
        return out


def _shown(name: str, value: Any) -> str:
    """A value from a register's history as the page shows it."""
    if isinstance(value, dict):
        return str(value.get("name", value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or (
            "every official account" if name == "platforms" else "none"
        )
    if value in (None, ""):
        return "none"
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return f"{dt.date.fromisoformat(value):%d %B %Y}".lstrip("0")
            when = timezone.localtime(dt.datetime.fromisoformat(value))
            return f"{when:%d %B %Y, %H:%M}".lstrip("0")
        except ValueError:
            return value
    return str(value)


class SpokespersonEvent(RegisterEvent):
    class Action(models.TextChoices):
        APPROVED = "approved", "Approved to speak for the school"
        TRAINING = "training", "Training recorded"
        RESTRICTED = "restricted", "Restrictions changed"
        RENEWED = "renewed", "Approval renewed"
        REVOKED = "revoked", "Approval revoked"
        ADMIN = "admin", "Changed in the admin"

    entry = models.ForeignKey(Spokesperson, on_delete=models.PROTECT, related_name="events")
    ENTRY_FIELD = "entry"
    action = models.CharField(max_length=20, choices=Action.choices)

    school_from = "entry"

    class Meta:
        ordering = ["entry", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class BrandingEvent(RegisterEvent):
    class Action(models.TextChoices):
        REQUESTED = "requested", "Asked for"
        GRANTED = "granted", "Granted in writing"
        REFUSED = "refused", "Refused"
        REVOKED = "revoked", "Revoked"
        ADMIN = "admin", "Changed in the admin"

    permission = models.ForeignKey(
        BrandingPermission, on_delete=models.PROTECT, related_name="events"
    )
    ENTRY_FIELD = "permission"
    action = models.CharField(max_length=20, choices=Action.choices)

    school_from = "permission"

    class Meta:
        ordering = ["permission", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
