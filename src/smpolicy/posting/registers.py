"""What the registers say about a person or a pupil on a date: the facts the checker and the
workflow read. The verdicts are the engine's; these only tell it what permissions are held.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from smpolicy.posting.models import (
    WEBSITE,
    BrandingPermission,
    BrandingUse,
    ConsentStatus,
    ConsentUse,
    PhotoConsent,
    Spokesperson,
)
from smpolicy.schools.models import Person, today
from smpolicy.schools.positions import headteacher

# What a branding finding of the checker means for the permission needed.
BRANDING_FINDINGS: dict[str, str] = {
    "school_name": BrandingUse.NAME,
    "school_logo": BrandingUse.LOGO,
}


def spokesperson_entry(
    person: Person, platform: str | None = None, on: dt.date | None = None
) -> Spokesperson | None:
    """The register entry that lets ``person`` speak for the school on ``platform`` on ``on``."""
    on = on or today()
    entries = Spokesperson.objects.for_school(person.school_id).filter(person=person)
    valid = [e for e in entries.order_by("-approved_on", "-pk") if e.is_valid_on(on, platform)]
    # Prefer an entry with the training done: that is the one that lets them post unaided.
    valid.sort(key=lambda e: not e.training_done_on(on))
    return valid[0] if valid else None


def branding_permission(
    person: Person,
    platform: str | None = None,
    uses: set[str] | None = None,
    on: dt.date | None = None,
) -> BrandingPermission | None:
    """A written permission ``person`` holds on ``on`` for ``platform`` covering ``uses``."""
    on = on or today()
    granted = BrandingPermission.objects.for_school(person.school_id).filter(
        requested_by=person, status=BrandingPermission.Status.GRANTED
    )
    for permission in granted.order_by("-expires_on", "-pk"):
        if permission.is_valid_on(on, platform) and permission.covers(uses or set()):
            return permission
    return None


def permissions_for(
    person: Person | None,
    platform: str | None = None,
    on: dt.date | None = None,
    branding_uses: set[str] | None = None,
) -> dict[str, bool]:
    """The decisions contract's ``permissions`` for ``person``, from the registers.

    The headteacher speaks for the school by their post: the policy has staff seek *their*
    approval, so nobody approves the headteacher to speak, and nobody gives them written
    permission to use the school's own name. Their official posts are still approved by someone
    else (workflow.py): nobody approves their own post.
    """
    if person is None:
        return {}
    on = on or today()
    head = headteacher(person.school, on)
    if head is not None and head.pk == person.pk:
        return {
            "speak_for_school": True,
            "training_complete": True,
            "branding_written_permission": True,
        }
    entry = spokesperson_entry(person, platform, on)
    permissions = {
        "speak_for_school": entry is not None,
        "branding_written_permission": branding_permission(person, platform, branding_uses, on)
        is not None,
    }
    if entry is not None:
        permissions["training_complete"] = entry.training_done_on(on)
    return permissions


def consent_use_for(platform: str) -> str:
    """Which photo consent an official post on ``platform`` needs."""
    return ConsentUse.WEBSITE if platform == WEBSITE else ConsentUse.SOCIAL_MEDIA


def current_consent(pupil: Person, use: str) -> PhotoConsent | None:
    """The entry in force for ``pupil`` and ``use``: the most recently recorded one."""
    return (
        PhotoConsent.objects.for_school(pupil.school_id)
        .filter(pupil=pupil, use=use)
        .order_by("-pk")
        .first()
    )


@dataclass(frozen=True)
class ConsentState:
    """A pupil's consent for a use on a date, as the post page shows it."""

    pupil: Person
    use: str
    entry: PhotoConsent | None
    valid: bool

    @property
    def use_label(self) -> str:
        return ConsentUse(self.use).label

    @property
    def label(self) -> str:
        if self.entry is None:
            return "No consent recorded"
        if self.valid:
            until = self.entry.valid_until
            return "Granted" + (f" until {until:%d %B %Y}" if until else "")
        if self.entry.status == ConsentStatus.GRANTED:
            return "Granted, but not in force on this date"
        return self.entry.get_status_display()


def consent_state(pupil: Person, use: str, on: dt.date | None = None) -> ConsentState:
    on = on or today()
    entry = current_consent(pupil, use)
    return ConsentState(pupil, use, entry, entry is not None and entry.is_valid_on(on))


def is_headteacher(person: Person | None, on: dt.date | None = None) -> bool:
    """Whether ``person`` is their school's headteacher on ``on``: the one who approves
    spokespeople and gives written permission for branding."""
    if person is None:
        return False
    head = headteacher(person.school, on)
    return head is not None and head.pk == person.pk


@dataclass(frozen=True)
class ConsentCheck:
    """The photo-consent check of a post with pictures (issue 4, item 6): ``refusals`` name each
    tagged pupil without consent for the use on every date that matters; ``flags`` say when the
    checker found more faces than pupils are tagged."""

    use: str
    states: list[ConsentState]
    refusals: list[str]
    flags: list[str]

    @property
    def use_label(self) -> str:
        return ConsentUse(self.use).label

    @property
    def refused(self) -> bool:
        return bool(self.refusals)


def consent_words(use: str) -> str:
    return "the school website" if use == ConsentUse.WEBSITE else "the school's social media"


def consent_check(
    pupils: list[Person], platform: str | None, faces: int, dates: list[dt.date]
) -> ConsentCheck:
    """Each tagged pupil's consent for the post's use, on the worst of ``dates`` (today and the
    day it goes out), and whether the faces found outnumber the pupils tagged."""
    use = consent_use_for(platform or "")
    states = []
    for pupil in pupils:
        per_day = [consent_state(pupil, use, day) for day in dates]
        states.append(next((s for s in per_day if not s.valid), per_day[0]))
    refusals = [
        f"{state.pupil.full_name} has no photo consent for {consent_words(use)} "
        f"({state.label.lower()}): take them out of the images, or record their parent's "
        "consent first."
        for state in states
        if not state.valid
    ]
    flags = []
    if faces > len(states):
        tagged = len(states)
        flags.append(
            f"The checker found {faces} face{'s' if faces != 1 else ''} and "
            f"{tagged} pupil{'s are' if tagged != 1 else ' is'} tagged: tag every pupil "
            "shown, so their photo consent is checked."
        )
    return ConsentCheck(use, states, refusals, flags)
