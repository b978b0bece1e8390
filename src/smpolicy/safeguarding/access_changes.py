"""Separation of duties: who holds the posts that open safeguarding records, and second factors.

Nobody grants themselves safeguarding access. Giving or ending the headteacher's, the DSL's, a
deputy DSL's or the Chair of Governors' post, and resetting someone's second factor, is asked for
by one person and takes effect only when another confirms it with their own second factor:

- the DSL team's posts and the Chair's: the headteacher confirms (the Chair, when the headteacher
  asked for it or it is about them);
- the headteacher's post, and the headteacher's second factor: the Chair of Governors confirms;
- anyone else's second factor: the headteacher confirms (or, likewise, the Chair).

Neither the person who asked nor the person the change is about may confirm it. The request and
its decision go to the append-only safeguarding audit, and the DSL team and those who may confirm
are told by e-mail (a link only). ``appoint_directly`` is for the server's command line (a new
school's first headteacher and Chair, when there is nobody yet to confirm), the demo and test
factories: it records a confirmed change naming where it came from.

Every function takes ``now``, as ``posting.workflow`` does, so tests fix the clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from smpolicy.safeguarding import audit
from smpolicy.safeguarding.models import AccessChange, RecoveryCode, SecondFactor
from smpolicy.schools.mailing import address_of, email_later
from smpolicy.schools.models import Person, Position, School
from smpolicy.schools.notices import Notice
from smpolicy.schools.positions import dsl_team, holders, positions_of

log = logging.getLogger(__name__)

What = AccessChange.What
Status = AccessChange.Status
Kind = Position.Kind
GUARDED = Position.GUARDED
POST_NAMES: dict[str, str] = {kind: str(Kind(kind).label) for kind in GUARDED}


class ChangeRefused(Exception):
    """The change cannot be asked for, or decided, as it stands; the message says why."""


def confirmer_posts(change: AccessChange) -> tuple[str, ...]:
    """The posts whose holders may confirm ``change``, the usual one first, then the one that
    stands in when nobody in it may (the headteacher asked for a DSL, say: the Chair confirms)."""
    if change.what == What.RESET_SECOND_FACTOR:
        head = Kind.HEADTEACHER in positions_of(change.person)
        return (Kind.CHAIR_OF_GOVERNORS,) if head else (Kind.HEADTEACHER, Kind.CHAIR_OF_GOVERNORS)
    if change.post == Kind.HEADTEACHER:
        return (Kind.CHAIR_OF_GOVERNORS,)
    return (Kind.HEADTEACHER, Kind.CHAIR_OF_GOVERNORS)


def confirmers(change: AccessChange) -> list[Person]:
    """Who may confirm ``change`` today: holders of the first confirming post that has someone
    other than the person who asked and the person it is about."""
    excluded = {change.person_id, change.requested_by_id}
    for post in confirmer_posts(change):
        found = [p for p in holders(change.school, post) if p.pk not in excluded]
        if found:
            return found
    return []


def may_confirm(change: AccessChange, person: Person | None) -> bool:
    return person is not None and any(p.pk == person.pk for p in confirmers(change))


def _describe(change: AccessChange) -> str:
    if change.what == What.RESET_SECOND_FACTOR:
        return f"reset the second factor of {change.person.full_name}"
    verb = "give" if change.what == What.GRANT_POST else "end"
    post = POST_NAMES.get(change.post, change.post)
    return f"{verb} the {post} post {'to' if verb == 'give' else 'of'} {change.person.full_name}"


def describe(change: AccessChange) -> str:
    text = _describe(change)
    return text[0].upper() + text[1:]


def _current_post(person: Person, post: str, on: dt.date) -> Position | None:
    return (
        Position.objects.for_school(person.school_id)
        .filter(person=person, kind=post, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .order_by("-starts_on", "-id")
        .first()
    )


def _validate(
    school: School, what: str, person: Person, post: str, requested_by: Person | None, on: dt.date
) -> None:
    if person.school_id != school.pk:
        raise ChangeRefused("That person is not at this school.")
    if requested_by is not None and requested_by.school_id != school.pk:
        raise ChangeRefused("Only someone at this school can ask for this change.")
    if what in (What.GRANT_POST, What.END_POST):
        if post not in GUARDED:
            raise ChangeRefused(
                f"{post!r} is not one of the posts that need a second person's confirmation "
                f"({', '.join(POST_NAMES.values())})."
            )
        held = _current_post(person, post, on)
        if what == What.GRANT_POST:
            allowed = Position.HOLDER_ROLES.get(post, frozenset())
            if person.role not in allowed:
                raise ChangeRefused(
                    f"A {POST_NAMES[post]} must be {' or '.join(sorted(allowed))}; "
                    f"{person.full_name} is {person.get_role_display().lower()}."
                )
            if held is not None:
                raise ChangeRefused(
                    f"{person.full_name} already holds the {POST_NAMES[post]} post."
                )
        elif held is None:
            raise ChangeRefused(f"{person.full_name} does not hold the {POST_NAMES[post]} post.")
    elif what == What.RESET_SECOND_FACTOR:
        if person.user_id is None or not SecondFactor.objects.filter(
            user_id=person.user_id, revoked_at__isnull=True
        ).exists():
            raise ChangeRefused(f"{person.full_name} has no second factor to reset.")
    else:
        raise ChangeRefused(f"{what!r} is not a change this page makes.")


def request_change(
    school: School,
    what: str,
    person: Person,
    *,
    requested_by: Person | None,
    reason: str,
    post: str = "",
    starts_on: dt.date | None = None,
    now: dt.datetime | None = None,
    requested_by_name: str = "",
    request: HttpRequest | None = None,
) -> AccessChange:
    """Ask for a change; it waits for confirmation. Raises ChangeRefused saying why not."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ChangeRefused("Say why the change is needed: it is kept with the request.")
    post = post if what != What.RESET_SECOND_FACTOR else ""
    _validate(school, what, person, post, requested_by, timezone.localdate(now))
    with transaction.atomic():
        pending = AccessChange.objects.for_school(school).filter(
            what=what, person=person, post=post, status=Status.PENDING
        )
        if pending.select_for_update().exists():
            raise ChangeRefused("The same change is already waiting for confirmation.")
        change = AccessChange.objects.create(
            school=school,
            what=what,
            post=post,
            person=person,
            starts_on=starts_on if what == What.GRANT_POST else None,
            reason=reason,
            requested_by=requested_by,
            requested_by_name=requested_by_name
            or (requested_by.full_name if requested_by else "the server's command line"),
            requested_at=now,
        )
        audit.record(
            "request_access_change",
            change,
            school=school,
            request=request,
            person=requested_by,
            note=describe(change),
        )
    if not confirmers(change):
        log.warning("access change %s has nobody who may confirm it", change.pk)
    transaction.on_commit(lambda: _tell(change, "A change to safeguarding access waits"))
    return change


def _apply(change: AccessChange, now: dt.datetime) -> None:
    on = timezone.localdate(now)
    label = f"access change {change.pk}"
    if change.what == What.GRANT_POST:
        position = Position(
            school_id=change.school_id,
            person=change.person,
            kind=change.post,
            starts_on=max(change.starts_on or on, on),
        )
        position.granted_by = label
        position.full_clean()
        position.save()
    elif change.what == What.END_POST:
        position = _current_post(change.person, change.post, on)
        if position is None:
            raise ChangeRefused(
                f"{change.person.full_name} no longer holds the {POST_NAMES[change.post]} post."
            )
        # Ended yesterday, so it no longer counts today: the change is meant to take effect now.
        position.ends_on = on - dt.timedelta(days=1)
        position.granted_by = label
        position.save(update_fields=["ends_on"])
    else:
        factors = SecondFactor.objects.filter(
            user_id=change.person.user_id, revoked_at__isnull=True
        )
        RecoveryCode.objects.filter(
            factor__in=factors, used_at__isnull=True, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        factors.update(revoked_at=now, revoked_by_change=change)


DECISION_ACTIONS = {
    Status.CONFIRMED: "confirm_access_change",
    Status.REFUSED: "refuse_access_change",
    Status.WITHDRAWN: "withdraw_access_change",
}


def _decide(
    change: AccessChange,
    by: Person | None,
    status: str,
    note: str,
    now: dt.datetime,
    request: HttpRequest | None,
) -> AccessChange:
    with transaction.atomic():
        # Locked, so two confirmations at once cannot both apply the change.
        locked = AccessChange.objects.select_for_update().get(pk=change.pk)
        if locked.status != Status.PENDING:
            raise ChangeRefused(
                f"This request was {locked.get_status_display().lower()} already."
            )
        if status == Status.CONFIRMED:
            _apply(locked, now)
        locked.status = status
        locked.decided_by = by
        locked.decided_at = now
        locked.decision_note = note.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit.record(
            DECISION_ACTIONS[status],
            locked,
            school=locked.school_id,
            request=request,
            person=by,
            note=describe(locked),
        )
    outcome = locked.get_status_display().lower()
    transaction.on_commit(lambda: _tell(locked, f"A change to safeguarding access was {outcome}"))
    return locked


def confirm(
    change: AccessChange,
    by: Person,
    *,
    note: str = "",
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> AccessChange:
    """``by`` confirms; the change takes effect at once."""
    if not may_confirm(change, by):
        raise ChangeRefused(_why_not(change, by))
    return _decide(change, by, Status.CONFIRMED, note, now or timezone.now(), request)


def refuse(
    change: AccessChange,
    by: Person,
    *,
    note: str = "",
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> AccessChange:
    if not may_confirm(change, by):
        raise ChangeRefused(_why_not(change, by))
    if not note.strip():
        raise ChangeRefused("Say why you refuse it: the person who asked will read it.")
    return _decide(change, by, Status.REFUSED, note, now or timezone.now(), request)


def withdraw(
    change: AccessChange,
    by: Person,
    *,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> AccessChange:
    if change.requested_by_id != by.pk:
        raise ChangeRefused("Only the person who asked for a change can withdraw it.")
    return _decide(change, by, Status.WITHDRAWN, "", now or timezone.now(), request)


def _why_not(change: AccessChange, by: Person) -> str:
    if by.pk == change.person_id:
        return "Nobody confirms a change to their own access: someone else must."
    if by.pk == change.requested_by_id:
        return "The person who asked for a change cannot also confirm it: someone else must."
    names = ", ".join(p.full_name for p in confirmers(change))
    return f"This change is for {names or 'someone else'} to confirm."


def appoint_directly(
    person: Person,
    post: str,
    *,
    source: str,
    reason: str = "",
    starts_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Position:
    """Give ``post`` without a second person: for the server's command line, the demo school and
    test factories only (no page calls it). Recorded as a confirmed change naming ``source``."""
    now = now or timezone.now()
    if post not in GUARDED:
        raise ChangeRefused(f"{post!r} is not a guarded post; give it as any other.")
    with transaction.atomic():
        change = AccessChange.objects.create(
            school_id=person.school_id,
            what=What.GRANT_POST,
            post=post,
            person=person,
            starts_on=starts_on,
            reason=reason or f"appointed from {source}",
            requested_by=None,
            requested_by_name=source,
            requested_at=now,
            status=Status.CONFIRMED,
            decided_at=now,
            decision_note=f"confirmed from {source}, without a second person",
        )
        position = Position(
            school_id=person.school_id,
            person=person,
            kind=post,
            starts_on=starts_on or timezone.localdate(now),
        )
        position.granted_by = source
        position.full_clean()
        position.save()
        audit.record(
            "appoint_directly", change, school=person.school_id, note=describe(change)
        )
    return position


def pending_for(person: Person | None) -> list[AccessChange]:
    """Requests ``person`` may confirm now."""
    if person is None:
        return []
    pending = (
        AccessChange.objects.for_school(person.school_id)
        .filter(status=Status.PENDING)
        .select_related("person", "requested_by", "school")
    )
    return [change for change in pending if may_confirm(change, person)]


def _tell(change: AccessChange, subject: str) -> None:
    """E-mail the DSL team, those who may confirm, and the person who asked: a link only."""
    people: dict[int, Person] = {}
    for person in _recipients(change):
        people[person.pk] = person
    url = settings.SITE_URL + reverse("safeguarding:access_changes")
    for person in people.values():
        address = address_of(person)
        if not address:
            continue
        body = (
            f"Hello {person.preferred_name or person.first_name},\n\n"
            f"{subject} at {change.school.name}. Open it here (you will be asked to sign in "
            f"and for your second factor):\n{url}\n\n"
            "This e-mail holds no details on purpose. Please do not forward it.\n"
        )
        # From a worker, tried again until it goes: the change stands whatever the mail server.
        email_later(f"{subject} ({change.school.name})", body, [address])


def _recipients(change: AccessChange) -> Iterable[Person]:
    yield from dsl_team(change.school)
    yield from confirmers(change)
    if change.requested_by is not None:
        yield change.requested_by


def home_notices(request: HttpRequest) -> list[Notice]:
    """The home page's line for someone who has changes to confirm."""
    waiting = pending_for(getattr(request, "person", None))
    if not waiting:
        return []
    count = len(waiting)
    return [
        Notice(
            f"{count} change{'s' if count != 1 else ''} to safeguarding access "
            f"{'wait' if count != 1 else 'waits'} for your confirmation",
            reverse("safeguarding:access_changes") + "#pending",
        )
    ]
