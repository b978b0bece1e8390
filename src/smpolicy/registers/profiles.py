"""New-staff profile reviews (code.review-own-profiles): who gets one, its checklist, its record.

Everyone who joins (staff, volunteers, trainees, governors) gets a task to review their own social
media. The checklist is drawn from the school's policy pack: each item cites a clause and quotes it,
and an item whose clause the school's pack does not have is left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from smpolicy.asking.engines import engine_for
from smpolicy.registers.models import JOINER_ROLES, ProfileReview, settings_for
from smpolicy.schools.models import Person, School

LATE_JOINER_DAYS = 14  # a task opened after its natural due date gets this long


@dataclass(frozen=True)
class Item:
    key: str
    clause: str
    heading: str
    prompt: str


CHECKLIST: tuple[Item, ...] = (
    Item(
        "privacy",
        "personal-info.privacy-settings",
        "Privacy settings",
        "I have checked who can see my posts, photos and friends list on each site I use, and "
        "restricted it where I can.",
    ),
    Item(
        "photos",
        "code.review-own-profiles",
        "Public photos",
        "I have looked through my public photos, old ones and ones I am tagged in included, and "
        "removed or hidden any that could embarrass me or the school.",
    ),
    Item(
        "accurate",
        "code.review-own-profiles",
        "What anyone can see about me",
        "What is publicly available about me is accurate and appropriate.",
    ),
    Item(
        "school",
        "code.reputation",
        "What I have said about the school",
        "Nothing I have posted publicly discusses the school's pupils, staffing or decisions, or "
        "could damage its reputation.",
    ),
    Item(
        "images",
        "code.images",
        "Photos from school activities",
        "My personal accounts show no photos of pupils, staff or governors taken at school "
        "activities.",
    ),
    Item(
        "pupils",
        "code.no-contact-with-children",
        "Pupils",
        "I am not friends with, following or followed by any pupil of the school (current or "
        "former, under 18) on my personal accounts.",
    ),
    Item(
        "contact",
        "personal-info.contact-details",
        "My contact details",
        "My personal e-mail address and phone number are not shown to pupils or parents.",
    ),
    Item(
        "declare",
        "personal-info.social-contacts",
        "Social contacts with families",
        "I have declared any social contact I have with a pupil's family, or I have none.",
    ),
)


def checklist_for(school: School) -> tuple[str, str, list[dict[str, Any]]]:
    """(pack id, pack version, items) from the school's own pack."""
    pack = engine_for(school).pack
    items = []
    for item in CHECKLIST:
        clause = pack.clauses.get(item.clause)
        if clause is None:
            continue
        items.append(
            {
                "key": item.key,
                "clause": item.clause,
                "heading": item.heading,
                "prompt": item.prompt,
                "quote": clause.quote,
            }
        )
    return pack.id, pack.version, items


def open_review(
    person: Person,
    due_on: dt.date,
    reason: str = ProfileReview.Reason.JOINED,
    asked_by: Person | None = None,
    now: dt.datetime | None = None,
) -> ProfileReview:
    """Open a review for ``person``, or give back the one already open."""
    existing = ProfileReview.objects.for_school(person.school_id).filter(
        person=person, completed_at__isnull=True
    )
    found = existing.first()
    if found is not None:
        return found
    pack_id, pack_version, items = checklist_for(person.school)
    try:
        with transaction.atomic():
            return ProfileReview.objects.create(
                school_id=person.school_id,
                person=person,
                reason=reason,
                asked_by=asked_by,
                due_on=due_on,
                pack_id=pack_id,
                pack_version=pack_version,
                checklist=items,
                created_at=now or timezone.now(),
            )
    except IntegrityError:  # opened at the same moment by another run
        return existing.get()


def has_staff(school: School) -> bool:
    """Whether anyone the profile reviews are for is on the school's records yet: the first list
    of them is its whole workforce, not its new starters (no review is opened for them)."""
    return Person.objects.for_school(school).filter(role__in=JOINER_ROLES).exists()


def open_for_new_people(school: School, people: list[Person], on: dt.date) -> int:
    """Open a review for each new member of staff (volunteer, trainee, governor) among ``people``,
    just added by an import or the MIS sync, due by the school's allowance for new starters from
    ``on``: neither source says when they joined, and ``on`` is when the school learnt of them.
    The registers' own sync opens one only for a person with a joining date. How many opened."""
    joiners = [person for person in people if person.role in JOINER_ROLES]
    if not joiners:
        return 0
    due_on = on + dt.timedelta(days=settings_for(school).profile_review_days)
    for person in joiners:
        open_review(person, due_on)
    return len(joiners)


def sync_reviews(
    school: School, on: dt.date, now: dt.datetime | None = None
) -> list[ProfileReview]:
    """Open a review for each new starter who has never had one. Idempotent."""
    days = settings_for(school).profile_review_days
    had_one = ProfileReview.objects.for_school(school).values("person_id")
    candidates = (
        Person.objects.for_school(school)
        .filter(role__in=JOINER_ROLES)
        .exclude(pk__in=had_one)
        .exclude(joined_on__isnull=True, new_starter_until__isnull=True)
    )
    made = []
    for person in candidates:
        if not person.is_new_starter(on):
            continue
        start = person.joined_on or on
        due_on = max(start + dt.timedelta(days=days), on + dt.timedelta(days=LATE_JOINER_DAYS))
        if person.joined_on and person.joined_on > on:
            continue  # not started yet: the task waits for their first day
        made.append(open_review(person, due_on, now=now))
    return made


def complete(review: ProfileReview, answers: dict[str, bool], notes: str,
             now: dt.datetime | None = None) -> None:
    if not review.is_open:
        raise ValueError("This review is already done.")
    missing = [item["key"] for item in review.checklist if not answers.get(item["key"])]
    if missing:
        raise ValueError(f"Not every item is ticked: {', '.join(missing)}")
    review.answers = {item["key"]: True for item in review.checklist}
    review.notes = notes
    review.completed_at = now or timezone.now()
    review.save(update_fields=["answers", "notes", "completed_at"])
