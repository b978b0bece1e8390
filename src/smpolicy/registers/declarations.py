"""Declared social contacts (personal-info.social-contacts): declaring, acknowledging, reviewing,
and the one question the rest of the product asks: ``declared_social_contact(staff, other)``.

A declaration names pupils and parents or carers; it covers their family: the pupils named and the
children of the parents named, those children's brothers and sisters (pupils sharing a parent or
carer with them), and their parents and carers. The Ask page and reports fill the decisions
contract's ``permissions.social_contact_declared`` from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from smpolicy.registers.models import SocialContact, SocialContactReview, settings_for
from smpolicy.schools.models import ParentLink, Person

REVIEW_WINDOW_DAYS = 14  # a child joining or leaving: look again within two weeks


def _family_ids(named: Iterable[Person]) -> tuple[set[int], set[int]]:
    """(pupil ids, parent ids) of the family of the people ``named``."""
    named = list(named)
    if not named:
        return set(), set()
    school_id = named[0].school_id
    links = ParentLink.objects.filter(school_id=school_id)
    pupils = {p.pk for p in named if p.role == "pupil"}
    parents = {p.pk for p in named if p.role == "parent"}
    pupils |= set(links.filter(parent_id__in=parents).values_list("child_id", flat=True))
    their_parents = set(links.filter(child_id__in=pupils).values_list("parent_id", flat=True))
    pupils |= set(links.filter(parent_id__in=their_parents).values_list("child_id", flat=True))
    return pupils, parents | their_parents


def family_of(contact: SocialContact) -> list[Person]:
    """Everyone a declaration covers, pupils first."""
    pupils, parents = _family_ids(contact.family.all())
    people = Person.objects.for_school(contact.school_id).filter(pk__in=pupils | parents)
    return sorted(people, key=lambda p: (p.role != "pupil", p.last_name, p.first_name))


def declared_social_contact(staff_person: Person, other_person: Person) -> bool:
    """Whether ``staff_person`` has made known a social contact covering ``other_person`` (a pupil
    or a parent or carer): a declaration that has not ended, acknowledged or not yet, since the
    duty is to make the contact known (personal-info.social-contacts)."""
    if staff_person is None or other_person is None:
        return False
    if staff_person.school_id != other_person.school_id or staff_person.pk == other_person.pk:
        return False
    contacts = (
        SocialContact.objects.for_school(staff_person.school_id)
        .filter(staff=staff_person)
        .exclude(status=SocialContact.Status.ENDED)
        .prefetch_related("family")
    )
    for contact in contacts:
        pupils, parents = _family_ids(contact.family.all())
        if other_person.pk in pupils or other_person.pk in parents:
            return True
    return False


def pupils_seen(contact: SocialContact, on: dt.date) -> dict[str, str]:
    pupils, _ = _family_ids(contact.family.all())
    return {
        str(p.pk): p.roll_status(on) or ""
        for p in Person.objects.for_school(contact.school_id).filter(pk__in=pupils)
    }


@transaction.atomic
def declare(
    staff: Person,
    family: list[Person],
    how_known: str,
    platforms: list[str],
    other_platforms: str = "",
    now: dt.datetime | None = None,
) -> SocialContact:
    now = now or timezone.now()
    on = timezone.localdate(now)
    every = settings_for(staff.school).declaration_review_days
    contact = SocialContact.objects.create(
        school=staff.school,
        staff=staff,
        how_known=how_known,
        platforms=platforms,
        other_platforms=other_platforms,
        declared_at=now,
        review_due_on=on + dt.timedelta(days=every),
    )
    contact.family.set(family)
    contact.pupils_seen = pupils_seen(contact, on)
    contact.save(update_fields=["pupils_seen"])
    return contact


def acknowledge(
    contact: SocialContact, leader: Person, note: str, now: dt.datetime | None = None
) -> None:
    """A senior leader acknowledges it; nobody acknowledges their own declaration."""
    if leader.pk == contact.staff_id:
        raise PermissionError("Nobody acknowledges their own declaration.")
    if contact.status == SocialContact.Status.ENDED:
        raise ValueError("This contact has ended.")
    contact.status = SocialContact.Status.ACKNOWLEDGED
    contact.acknowledged_by = leader
    contact.acknowledged_at = now or timezone.now()
    contact.acknowledgement_note = note
    contact.save(
        update_fields=["status", "acknowledged_by", "acknowledged_at", "acknowledgement_note"]
    )


@transaction.atomic
def complete_review(
    contact: SocialContact,
    by: Person,
    outcome: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> None:
    """The declarant looked again: every open review of the contact is done with one look. A
    changed contact goes back to a senior leader to acknowledge; an ended one stops covering."""
    now = now or timezone.now()
    on = timezone.localdate(now)
    contact.reviews.filter(completed_at__isnull=True).update(
        completed_at=now, completed_by=by, outcome=outcome, note=note
    )
    every = settings_for(contact.school).declaration_review_days
    contact.review_due_on = on + dt.timedelta(days=every)
    contact.pupils_seen = pupils_seen(contact, on)
    fields = ["review_due_on", "pupils_seen"]
    if outcome == SocialContactReview.Outcome.ENDED:
        contact.status = SocialContact.Status.ENDED
        contact.ended_at = now
        contact.ended_reason = note
        fields += ["status", "ended_at", "ended_reason"]
    elif outcome == SocialContactReview.Outcome.CHANGED:
        contact.status = SocialContact.Status.DECLARED
        contact.acknowledged_by = None
        contact.acknowledged_at = None
        fields += ["status", "acknowledged_by", "acknowledged_at"]
    contact.save(update_fields=fields)


def end(contact: SocialContact, by: Person, reason: str, now: dt.datetime | None = None) -> None:
    complete_review(contact, by, SocialContactReview.Outcome.ENDED, reason, now)


def sync_reviews(
    school: object, on: dt.date, now: dt.datetime | None = None
) -> list[SocialContactReview]:
    """Open the reviews that are due: the annual one once its date is near, and one when a child
    of the family joins or leaves. Idempotent: run it as often as you like."""
    made = []
    reminder_days = settings_for(school).days("task_reminder_days")
    lead_days = max(reminder_days, default=0)
    contacts = (
        SocialContact.objects.for_school(school)
        .exclude(status=SocialContact.Status.ENDED)
        .prefetch_related("family")
    )
    for contact in contacts:
        open_reviews = contact.reviews.filter(completed_at__isnull=True)
        if contact.review_due_on - dt.timedelta(days=lead_days) <= on and not (
            open_reviews.filter(reason=SocialContactReview.Reason.ANNUAL).exists()
        ):
            review, created = SocialContactReview.objects.get_or_create(
                contact=contact,
                reason=SocialContactReview.Reason.ANNUAL,
                due_on=contact.review_due_on,
                defaults={"school_id": contact.school_id, "created_at": now or timezone.now()},
            )
            if created:
                made.append(review)
        now_seen = pupils_seen(contact, on)
        before = contact.pupils_seen or {}
        changes = []
        for pupil_id, status in now_seen.items():
            if status == "current" and before.get(pupil_id, "never") == "never":
                changes.append((pupil_id, SocialContactReview.Reason.CHILD_JOINED))
            elif before.get(pupil_id) == "current" and status == "former":
                changes.append((pupil_id, SocialContactReview.Reason.CHILD_LEFT))
        for pupil_id, reason in changes:
            made.append(
                SocialContactReview.objects.create(
                    school_id=contact.school_id,
                    contact=contact,
                    reason=reason,
                    pupil_id=int(pupil_id),
                    due_on=on + dt.timedelta(days=REVIEW_WINDOW_DAYS),
                    created_at=now or timezone.now(),
                )
            )
        if now_seen != before:
            contact.pupils_seen = now_seen
            contact.save(update_fields=["pupils_seen"])
    return made
