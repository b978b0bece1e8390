"""Schools, the people in them, and the posts they hold.

Scoping, for every app: a model that holds a school's records inherits :class:`SchoolOwned`, which
gives it ``school = ForeignKey(School, on_delete=PROTECT)``, a manager with ``.for_school(school)``,
and a ``clean()`` that refuses a link to another school's record. Views query
``Model.objects.for_school(request.school)``; nothing queries across schools.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from smpolicy.policy import PackError, load_pack
from smpolicy.policy.vocabulary import ROLES, SCHOOL_REPRESENTATIVES
from smpolicy.schools.sealing import SealedTextField

# A person is never "public": the public is everyone who is not on a school's records.
PERSON_ROLES: tuple[str, ...] = tuple(role for role in ROLES if role != "public")
ROLE_LABELS: dict[str, str] = {
    "staff": "Staff",
    "volunteer": "Volunteer",
    "trainee": "Trainee (student on placement)",
    "governor": "Governor",
    "elected_member": "Elected member",
    "third_party": "Third party acting for the school",
    "pupil": "Pupil",
    "parent": "Parent or carer",
}
# A new starter is one who joined within this many days, unless new_starter_until says otherwise.
NEW_STARTER_DAYS = 90


def today() -> dt.date:
    """Today in the school's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


def age_on(born: dt.date, on: dt.date) -> int:
    """Whole years from ``born`` to ``on``, birthday-correct.

    Someone born on 29 February has their birthday on 1 March in a year without one (the English
    rule), so on 28 February of such a year they are still the younger age.
    """
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


_YEAR_NUMBER = re.compile(r"(?:year|yr|y)?\s*(\d{1,2})", re.IGNORECASE)
_RECEPTION = frozenset({"r", "rec", "reception", "yr", "year r", "year reception", "fs2", "f2"})
_NURSERY = frozenset({"n", "nur", "nursery", "n1", "n2", "fs1", "f1", "pre-school", "preschool"})


def year_group_label(raw: str) -> str:
    """One spelling of a year group whatever the MIS wrote: "5", "Y5", "Yr 5", "Year 05" are
    "Year 5"; "R", "Rec", "YR" are "Reception"; "N1", "Nursery" are "Nursery". Anything else is
    kept as written (tidied), so a school's own names survive."""
    value = " ".join((raw or "").split())
    lowered = value.lower()
    if lowered in _RECEPTION:
        return "Reception"
    if lowered in _NURSERY:
        return "Nursery"
    if match := _YEAR_NUMBER.fullmatch(value):
        return f"Year {int(match.group(1))}"
    return value


def year_group_order(label: str) -> tuple[int, str]:
    """Sort key: Nursery, Reception, Year 1 ... Year 13, then any other name, then unknown."""
    if label == "Nursery":
        return (-2, "")
    if label == "Reception":
        return (-1, "")
    if match := re.fullmatch(r"Year (\d+)", label):
        return (int(match.group(1)), "")
    return (100 if label else 101, label)


def class_label(name: str) -> str:
    """ "Oak" is "Oak class" and a form "5B" is "class 5B"; a name saying "class" is kept."""
    name = " ".join((name or "").split())
    if not name or "class" in name.lower():
        return name
    return f"class {name}" if name[0].isdigit() else f"{name} class"


class School(models.Model):
    """One school. A trust or local authority deployment holds many; each record belongs to one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    short_names = models.JSONField(
        default=list, blank=True, help_text='Usual short forms: ["Straits Primary", "Straits"].'
    )
    email_domains = models.JSONField(
        default=list, blank=True, help_text='Its own e-mail domains: ["straits.sch.uk"].'
    )
    phone_numbers = models.JSONField(default=list, blank=True)
    address = models.TextField(blank=True)
    urn = models.CharField(
        "URN", max_length=10, blank=True, help_text="The DfE unique reference number, if known."
    )
    policy_pack = models.CharField(
        max_length=300, blank=True, help_text="Policy pack name or path; blank: the default."
    )
    second_factor_idle_minutes = models.PositiveSmallIntegerField(
        "ask for the second factor again after (minutes without use)",
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(480)],
        help_text="The DSL team's and the headteacher's sessions ask for the code again after "
        "this long without use.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        for field in ("short_names", "email_domains", "phone_numbers"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[field] = "Give a list of text values."
        if not errors:
            self.email_domains = [d.strip().lower().lstrip("@") for d in self.email_domains]
        if self.policy_pack.strip():
            # A pack with a mistake would give wrong verdicts later: refuse it now, saying where.
            try:
                load_pack(self.policy_pack.strip())
            except PackError as exc:
                errors["policy_pack"] = str(exc)
        if errors:
            raise ValidationError(errors)


class SchoolOwnedQuerySet(models.QuerySet):
    """The queryset every school-owned model uses; subclass it to add model-specific filters."""

    def for_school(self, school: School | int | None) -> SchoolOwnedQuerySet:
        """Only this school's records; none at all when ``school`` is None."""
        if school is None:
            return self.none()
        return self.filter(school=school)


class SchoolOwned(models.Model):
    """Abstract base: a record that belongs to exactly one school.

    - ``objects.for_school(school)`` is the only way views should query it.
    - ``clean()`` refuses a foreign key to another school's record (any FK to a SchoolOwned model).
    - Set ``school_from = "person"`` (a FK name) to take ``school`` from that record when unset.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")

    objects = SchoolOwnedQuerySet.as_manager()
    school_from: ClassVar[str | None] = None

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._fill_school()
        super().save(*args, **kwargs)

    def full_clean(self, *args: Any, **kwargs: Any) -> None:
        self._fill_school()
        super().full_clean(*args, **kwargs)

    def _fill_school(self) -> None:
        if self.school_id is None and self.school_from:
            source = getattr(self, self.school_from, None)
            if source is not None:
                self.school_id = source.school_id

    def clean(self) -> None:
        super().clean()
        self._fill_school()
        errors = {}
        for field in self._meta.concrete_fields:
            related = field.related_model
            if not field.is_relation or not isinstance(related, type):
                continue
            if not issubclass(related, SchoolOwned) or getattr(self, field.attname) is None:
                continue
            other = getattr(self, field.name)
            if self.school_id is not None and other.school_id != self.school_id:
                errors[field.name] = f"{other} belongs to another school."
        if errors:
            raise ValidationError(errors)


class PersonQuerySet(SchoolOwnedQuerySet):
    def search(self, text: str) -> PersonQuerySet:
        """People whose first, preferred or last name contains every word of ``text``."""
        qs = self
        for word in text.split():
            qs = qs.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        return qs


class Person(SchoolOwned):
    """Anyone on a school's records: staff, volunteers, trainees, governors, pupils, parents..."""

    class Role(models.TextChoices):
        STAFF = "staff", ROLE_LABELS["staff"]
        VOLUNTEER = "volunteer", ROLE_LABELS["volunteer"]
        TRAINEE = "trainee", ROLE_LABELS["trainee"]
        GOVERNOR = "governor", ROLE_LABELS["governor"]
        ELECTED_MEMBER = "elected_member", ROLE_LABELS["elected_member"]
        THIRD_PARTY = "third_party", ROLE_LABELS["third_party"]
        PUPIL = "pupil", ROLE_LABELS["pupil"]
        PARENT = "parent", ROLE_LABELS["parent"]

    class OnRoll(models.TextChoices):
        CURRENT = "current", "Current pupil"
        FORMER = "former", "Former pupil"

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    date_of_birth = models.DateField(null=True, blank=True, help_text="Required for pupils.")
    email = models.EmailField(blank=True)
    on_roll = models.CharField(
        "on-roll status",
        max_length=10,
        choices=OnRoll.choices,
        blank=True,
        help_text="Pupils only. A pupil whose on-roll-until date has passed is a former pupil.",
    )
    on_roll_from = models.DateField(null=True, blank=True)
    on_roll_until = models.DateField(
        null=True, blank=True, help_text="Pupils: the day they left (a leaver is kept, as former)."
    )
    year_group = models.CharField(
        max_length=30,
        blank=True,
        help_text="Pupils only: “Reception”, “Year 5”... as the MIS has it.",
    )
    class_name = models.CharField(
        "class", max_length=60, blank=True, help_text="Pupils only: their class, e.g. “Oak”."
    )
    external_id = models.CharField(
        "MIS id", max_length=64, blank=True, help_text="The id in the school's MIS."
    )
    wonde_id = models.CharField(
        "Wonde id",
        max_length=40,
        blank=True,
        help_text="Wonde's id of this person, set by the MIS sync (smpolicy.schools.mis_sync).",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The sign-in account of this person, if they have one.",
    )
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    joined_on = models.DateField(null=True, blank=True)
    new_starter_until = models.DateField(
        null=True,
        blank=True,
        help_text=f"End of their induction; blank means {NEW_STARTER_DAYS} days from joining.",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["school", "role"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "external_id"],
                condition=~Q(external_id=""),
                name="person_external_id_unique_in_school",
                violation_error_message="Another person at this school has this MIS id.",
            ),
            models.UniqueConstraint(
                fields=["school", "wonde_id"],
                condition=~Q(wonde_id=""),
                name="person_wonde_id_unique_in_school",
                violation_error_message="Another person at this school has this Wonde id.",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.is_pupil and not self.on_roll:
            self.on_roll = self.OnRoll.CURRENT
        self.year_group = year_group_label(self.year_group)
        super().save(*args, **kwargs)

    @property
    def year_and_class(self) -> str:
        """ "Year 5, Oak class" for a pupil, as much of it as is known; "" otherwise."""
        if not self.is_pupil:
            return ""
        return ", ".join(part for part in (self.year_group, class_label(self.class_name)) if part)

    @property
    def label(self) -> str:
        """How a person is named wherever one is chosen or shown: a pupil with their year group
        and class ("Ada Lovelace (Year 5, Oak class)"), so two pupils of one name are told
        apart; anyone else by name."""
        where = self.year_and_class
        return f"{self.full_name} ({where})" if where else self.full_name

    @property
    def full_name(self) -> str:
        """The name to show: preferred (or first) name and last name."""
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    @property
    def is_pupil(self) -> bool:
        return self.role == self.Role.PUPIL

    @property
    def is_school_representative(self) -> bool:
        """Staff, volunteers, trainees, governors, elected members, third parties for the school."""
        return self.role in SCHOOL_REPRESENTATIVES

    def age(self, on: dt.date | None = None) -> int | None:
        """Age in whole years on ``on`` (default today); None when the date of birth is unknown."""
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, on or today())

    def roll_status(self, on: dt.date | None = None) -> str | None:
        """For pupils, the contract's ``on_roll`` on ``on``: current, former, or never (not yet
        joined). None for anyone who is not a pupil."""
        if not self.is_pupil:
            return None
        on = on or today()
        if self.on_roll == self.OnRoll.FORMER or (self.on_roll_until and self.on_roll_until < on):
            return "former"
        if self.on_roll_from and self.on_roll_from > on:
            return "never"
        return "current"

    def is_new_starter(self, on: dt.date | None = None) -> bool | None:
        """Whether they are still new at the school; None when it is not known."""
        on = on or today()
        if self.new_starter_until is not None:
            return on <= self.new_starter_until
        if self.joined_on is not None:
            return self.joined_on <= on < self.joined_on + dt.timedelta(days=NEW_STARTER_DAYS)
        return None

    def as_party(self, on: dt.date | None = None) -> dict[str, Any]:
        """This person as the decisions contract's ``actor`` or ``counterpart``; unknowns are
        left out."""
        party: dict[str, Any] = {"role": self.role}
        facts = {
            "age": self.age(on),
            "on_roll": self.roll_status(on),
            "new_starter": None if self.is_pupil else self.is_new_starter(on),
        }
        party.update({key: value for key, value in facts.items() if value is not None})
        return party

    def children(self) -> PersonQuerySet:
        """The pupils this person is a parent or carer of."""
        return Person.objects.filter(parent_links__parent=self)

    def parents(self) -> PersonQuerySet:
        """This pupil's parents and carers."""
        return Person.objects.filter(child_links__child=self)

    def siblings(self) -> PersonQuerySet:
        """Other pupils who share a parent or carer with this pupil."""
        return (
            Person.objects.filter(parent_links__parent__child_links__child=self)
            .exclude(pk=self.pk)
            .distinct()
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
        if self.is_pupil:
            if self.date_of_birth is None:
                errors["date_of_birth"] = "A pupil's date of birth is required."
            if not self.on_roll:
                self.on_roll = self.OnRoll.CURRENT
        elif self.on_roll or self.on_roll_from or self.on_roll_until:
            errors["on_roll"] = "Only pupils have an on-roll status and dates."
        if not self.is_pupil:
            for name, what in (("year_group", "a year group"), ("class_name", "a class")):
                if getattr(self, name).strip():
                    errors[name] = f"Only pupils have {what}."
        if self.date_of_birth and self.date_of_birth > today():
            errors["date_of_birth"] = "The date of birth is in the future."
        if self.on_roll_from and self.on_roll_until and self.on_roll_until < self.on_roll_from:
            errors["on_roll_until"] = "On roll until is before on roll from."
        if self.joined_on and self.new_starter_until and self.new_starter_until < self.joined_on:
            errors["new_starter_until"] = "New starter until is before the date they joined."
        if self.pk is not None and self.line_manager_id == self.pk:
            errors["line_manager"] = "A person cannot be their own line manager."
        if errors:
            raise ValidationError(errors)


class ParentLink(SchoolOwned):
    """A parent or carer of a pupil. Siblings are the pupils who share a parent."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        CARER = "carer", "Carer"
        GUARDIAN = "guardian", "Guardian"
        OTHER = "other", "Other"

    parent = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="child_links")
    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="parent_links")
    relationship = models.CharField(
        max_length=10, choices=Relationship.choices, default=Relationship.OTHER
    )

    school_from = "child"

    class Meta:
        ordering = ["child__last_name", "child__first_name", "parent__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "child"],
                name="parentlink_unique_pair",
                violation_error_message="This parent is already linked to this child.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.parent} ({self.get_relationship_display().lower()} of {self.child})"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.child_id is not None and self.child.role != Person.Role.PUPIL:
            errors["child"] = f"{self.child} is not a pupil."
        if self.parent_id is not None and self.parent.role != Person.Role.PARENT:
            errors["parent"] = f"{self.parent} is not a parent or carer."
        if errors:
            raise ValidationError(errors)


class GuardedPostError(Exception):
    """A post that opens safeguarding records was to be given or changed without a second
    person's confirmation."""


class PositionQuerySet(SchoolOwnedQuerySet):
    """Bulk changes cannot touch the guarded posts: those move one at a time, confirmed."""

    def _touches_guarded(self, kwargs: dict[str, Any] | None = None) -> bool:
        if kwargs and kwargs.get("kind") in Position.GUARDED:
            return True
        return self.filter(kind__in=Position.GUARDED).exists()

    def update(self, **kwargs: Any) -> int:
        if self._touches_guarded(kwargs):
            raise GuardedPostError(
                "the headteacher's, the DSL team's and the Chair's posts change only through a "
                "confirmed access change"
            )
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._touches_guarded():
            raise GuardedPostError("a post that opens safeguarding records is ended, not deleted")
        return super().delete()


class Position(SchoolOwned):
    """A post someone holds: headteacher, DSL, deputy DSL, senior leadership, chair, IT lead.

    (A line manager is not a post: see Person.line_manager.)

    The posts in GUARDED open safeguarding records or confirm who may: nobody grants them to
    themselves. They are given and ended only by ``safeguarding.access_changes``, once a second
    person has confirmed, which sets ``granted_by`` on the instance it saves.
    """

    class Kind(models.TextChoices):
        HEADTEACHER = "headteacher", "Headteacher"
        DSL = "dsl", "Designated Safeguarding Lead"
        DEPUTY_DSL = "deputy_dsl", "Deputy Designated Safeguarding Lead"
        SENIOR_LEADERSHIP = "senior_leadership", "Senior leadership team"
        CHAIR_OF_GOVERNORS = "chair_of_governors", "Chair of Governors"
        IT_LEAD = "it_lead", "IT lead"

    # Which roles may hold each post; any other is a validation error.
    HOLDER_ROLES: ClassVar[dict[str, frozenset[str]]] = {
        Kind.HEADTEACHER: frozenset({"staff"}),
        Kind.DSL: frozenset({"staff"}),
        Kind.DEPUTY_DSL: frozenset({"staff"}),
        Kind.SENIOR_LEADERSHIP: frozenset({"staff"}),
        Kind.CHAIR_OF_GOVERNORS: frozenset({"governor"}),
        Kind.IT_LEAD: frozenset({"staff", "third_party"}),
    }

    GUARDED: ClassVar[frozenset[str]] = frozenset(
        {Kind.HEADTEACHER, Kind.DSL, Kind.DEPUTY_DSL, Kind.CHAIR_OF_GOVERNORS}
    )

    kind = models.CharField(max_length=20, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    starts_on = models.DateField(default=today)
    ends_on = models.DateField(null=True, blank=True, help_text="Blank while they hold it.")

    school_from = "person"
    objects = PositionQuerySet.as_manager()
    # Set, on the instance only, by the code that applies a confirmed access change.
    granted_by: str = ""

    class Meta:
        ordering = ["kind", "starts_on"]
        indexes = [models.Index(fields=["school", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._guarded_now_or_before() and not self.granted_by:
            raise GuardedPostError(
                f"the {self.get_kind_display()} post is given or ended only once a second person "
                "confirms it (Safeguarding → Posts and access)"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._guarded_now_or_before():
            raise GuardedPostError("a post that opens safeguarding records is ended, not deleted")
        return super().delete(*args, **kwargs)

    def is_held_on(self, on: dt.date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)

    def _guarded_now_or_before(self) -> bool:
        if self.kind in self.GUARDED:
            return True
        if self._state.adding or self.pk is None:
            return False
        stored = type(self)._base_manager.filter(pk=self.pk).values_list("kind", flat=True)
        return any(kind in self.GUARDED for kind in stored)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The post ends before it starts."
        allowed = self.HOLDER_ROLES.get(self.kind, frozenset())
        if self.person_id is not None and self.kind and self.person.role not in allowed:
            errors["person"] = (
                f"A {self.get_kind_display()} must be {' or '.join(sorted(allowed))}, "
                f"and {self.person} is {self.person.role}."
            )
        if errors:
            raise ValidationError(errors)


class ApiKeyKept(Exception):
    """Raised on an attempt to delete an API key, or to change what it is or who made it."""


# All that may change on a key once it is made: its use counter and its revocation.
_API_KEY_CHANGEABLE = frozenset(
    {"use_count", "last_used_at", "last_used_from", "revoked_at", "revoked_by", "revoked_by_name"}
)


class ApiKeyQuerySet(SchoolOwnedQuerySet):
    def update(self, **kwargs: Any) -> int:
        fixed = sorted(set(kwargs) - _API_KEY_CHANGEABLE)
        if fixed:
            raise ApiKeyKept(f"an API key's {', '.join(fixed)} cannot be changed; make a new key")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ApiKeyKept("API keys are revoked, never deleted: who made each stays on record")


class ApiKey(SchoolOwned):
    """A key another system (the MIS, a website plug-in) uses to call the API for one school.

    The key is shown once when made; only its SHA-256 is kept, with a short prefix to find it by.
    It acts for the school, never for a person, and only for its scopes (smpolicy.schools.apikeys).
    Keys are revoked, never deleted, so who made and who revoked each stays on record.
    """

    name = models.CharField(
        max_length=100, help_text="What uses it, e.g. “MIS sync” or “Website post checker”."
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=210, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_from = models.CharField(max_length=64, blank=True)
    use_count = models.PositiveBigIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_by_name = models.CharField(max_length=210, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            kept = ApiKey.objects.filter(pk=self.pk).values().first() or {}
            changed = sorted(
                f.name
                for f in self._meta.concrete_fields
                if f.name not in _API_KEY_CHANGEABLE
                and f.attname in kept
                and kept[f.attname] != getattr(self, f.attname)
            )
            if changed:
                raise ApiKeyKept(
                    f"an API key's {', '.join(changed)} cannot be changed; make a new key"
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ApiKeyKept("API keys are revoked, never deleted: who made each stays on record")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
class SchoolSignIn(SchoolOwned):
    """A school's single sign-on: its own Microsoft Entra ID tenant or Google Workspace (OpenID
    Connect), or its SAML 2.0 identity provider, as one django-allauth SocialApp. A trust has one
    per school; a person signs in through their own school's app only (smpolicy.schools.sso
    checks it on every sign-in)."""

    class Kind(models.TextChoices):
        ENTRA = "entra", "Microsoft Entra ID (Microsoft 365)"
        GOOGLE = "google", "Google Workspace"
        OIDC = "oidc", "Another OpenID Connect provider"
        SAML = "saml", "A SAML 2.0 identity provider"

    # What the sign-in page's button says for each kind.
    BUTTON_LABELS: ClassVar[dict[str, str]] = {
        Kind.ENTRA: "Sign in with Microsoft",
        Kind.GOOGLE: "Sign in with Google",
        Kind.OIDC: "Sign in with your school account",
        Kind.SAML: "Sign in with your school account",
    }

    kind = models.CharField(max_length=10, choices=Kind.choices)
    app = models.OneToOneField(
        "socialaccount.SocialApp",
        on_delete=models.CASCADE,
        related_name="school_sign_in",
        help_text="What allauth signs in with: for OpenID Connect the client id, secret and "
        "issuer (settings.server_url); for SAML the identity provider's entity id, sign-in URL "
        "and certificate (settings.idp).",
    )
    tenant = models.CharField(
        max_length=100,
        blank=True,
        help_text="Entra ID: the directory (tenant) id; its tokens must carry this tid.",
    )
    allowed_domains = models.JSONField(
        default=list,
        help_text='E-mail domains this tenant may sign in: ["straits.sch.uk"].',
    )
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school__name", "kind"]
        verbose_name = "school sign-in"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind"],
                name="schoolsignin_one_per_kind",
                violation_error_message="This school already has a sign-in of this kind.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.school}"

    @property
    def button_label(self) -> str:
        return self.BUTTON_LABELS[self.kind]

    def clean(self) -> None:
        super().clean()
        domains = self.allowed_domains
        if not isinstance(domains, list) or not domains or not all(
            isinstance(d, str) and "." in d.strip(" @") for d in domains
        ):
            raise ValidationError(
                {"allowed_domains": 'Give at least one e-mail domain: ["straits.sch.uk"].'}
            )
        self.allowed_domains = [d.strip().lower().lstrip("@") for d in domains]
        if self.kind == self.Kind.ENTRA and not self.tenant.strip():
            raise ValidationError({"tenant": "Microsoft Entra ID needs the tenant (directory) id."})


class MisConnection(SchoolOwned):
    """How a school's MIS reaches smpolicy without anyone exporting a file: Wonde's REST API, with
    the school's own bearer token (sealed at rest, never shown back: only its last characters).
    ``smpolicy.schools.mis_sync.sync_school`` reads it, on demand and nightly."""

    class Provider(models.TextChoices):
        WONDE = "wonde", "Wonde"

    provider = models.CharField(max_length=10, choices=Provider.choices, default=Provider.WONDE)
    mis_school_id = models.CharField(
        "Wonde school id",
        max_length=40,
        help_text="The school's id in Wonde, e.g. A1930499544 (Wonde's portal shows it).",
    )
    token = SealedTextField(blank=True)
    token_hint = models.CharField(max_length=8, blank=True, editable=False)
    nightly = models.BooleanField(
        "sync every night", default=True, help_text="The scheduler syncs the school each night."
    )
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_ok = models.BooleanField(null=True, blank=True)
    last_run_dry = models.BooleanField(default=False)
    last_report = models.TextField(blank=True)

    class Meta:
        verbose_name = "MIS connection"
        constraints = [
            models.UniqueConstraint(fields=["school"], name="misconnection_one_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} for {self.school}"

    def set_token(self, token: str) -> None:
        self.token = token.strip()
        self.token_hint = self.token[-4:] if len(self.token) >= 12 else ""

    @property
    def token_shown(self) -> str:
        """What a page may show of the token: never more than its last four characters."""
        if not self.token:
            return "none yet"
        return f"…{self.token_hint}" if self.token_hint else "set"


class ImportMapping(SchoolOwned):
    """Which of our columns each header of one shape of MIS export is, chosen once on the Import
    people page and used for every later file of that shape (the same headers in the same order)
    from this school, by the page and by ``smpolicy import-people`` alike."""

    class Kind(models.TextChoices):
        PEOPLE = "people", "Everyone, with a role column"
        PUPILS = "pupils", "Pupils"
        STAFF = "staff", "Staff"
        PARENTS = "parents", "Parents and carers"

    signature = models.CharField(max_length=64, help_text="SHA-256 of the tidied header names.")
    headers = models.JSONField(default=list)
    columns = models.JSONField(default=dict, help_text="The file's header to our column name.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PEOPLE)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "signature"], name="importmapping_one_per_shape"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} export ({len(self.headers)} columns)"
