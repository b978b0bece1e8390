"""An official post's journey: draft, checked, submitted, approved or rejected, published.

The rules live here, not in the views, so the page, the admin and any script obey them alike:

- only the author edits, checks, tags, submits, withdraws;
- nobody approves or rejects their own post, whatever posts they hold;
- the last approval is the headteacher's (staff.speaking-for-school); when the school asks for
  more than one step, senior leaders give the earlier ones, each a different person; when the
  headteacher wrote the post, a senior leader or the Chair of Governors gives the last approval;
- a post the engine's verdict prohibits cannot be submitted; a post with images cannot be
  submitted or approved while a tagged pupil lacks photo consent for that use;
- changing what was checked (text, platform, images) makes the check stale; changing anything
  after submission withdraws the submission, so an approval always covers what goes out;
- an approval lapses when the post is not published by its scheduled time (``status_at`` at read
  time, and ``expire_due`` writes it down; ``smpolicy expire_approvals`` runs it);
- every step, and every refused attempt to approve, is written to the post's append-only history;
- the people who may answer a step are told as soon as it is theirs (a submission, an earlier
  step approved), and the author is told of the answer and of a lapse (alerts.py).

Every function takes ``now`` so tests and the management command can set the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from smpolicy.content import kinds
from smpolicy.posting import alerts, checking
from smpolicy.posting.context import posting_settings
from smpolicy.posting.models import (
    OfficialPost,
    PostAlert,
    PostApproval,
    PostEvent,
    PostImage,
)
from smpolicy.posting.registers import ConsentCheck, ConsentState, consent_check
from smpolicy.posting.uploads import CheckedImage, clean_copy, validate_image
from smpolicy.schools.models import Person, School
from smpolicy.schools.positions import headteacher, holders

Status = OfficialPost.Status
Action = PostEvent.Action
EDITABLE = frozenset({Status.DRAFT, Status.CHECKED, Status.REJECTED, Status.EXPIRED})
# Changing a post in these states withdraws it from approval first.
IN_APPROVAL = frozenset({Status.SUBMITTED, Status.APPROVED})
FINAL = frozenset({Status.PUBLISHED, Status.WITHDRAWN})


class WorkflowError(Exception):
    """A step that cannot be taken now; the message says why, for the person who tried."""


class NotAllowed(WorkflowError):
    """The person may not take this step on this post at all."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _event(
    post: OfficialPost,
    actor: Person | None,
    action: str,
    *,
    at: dt.datetime,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    details: dict[str, Any] | None = None,
) -> PostEvent:
    return PostEvent.objects.create(
        school_id=post.school_id,
        post=post,
        actor=actor,
        action=action,
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note,
        details=details or {},
    )


def _same_school(person: Person, post: OfficialPost) -> None:
    if person.school_id != post.school_id:
        raise NotAllowed("This post belongs to another school.")


def _require_author(post: OfficialPost, person: Person, what: str) -> None:
    _same_school(person, post)
    if post.author_id != person.pk:
        raise NotAllowed(f"Only the post's author can {what}.")


# -- what was checked ------------------------------------------------------------------------


def fingerprint(post: OfficialPost) -> str:
    """A digest of what the checker sees: text, platform and images, in order."""
    images = list(post.images.order_by("position", "pk").values_list("sha256", flat=True))
    payload = json.dumps([post.text, post.platform, images], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def check_is_current(post: OfficialPost) -> bool:
    return bool(post.check_result) and post.checked_fingerprint == fingerprint(post)


def stored_images(post: OfficialPost) -> list[CheckedImage]:
    return [
        validate_image(bytes(image.data), image.name or f"image {image.position + 1}")
        for image in post.images_in_order
    ]


# -- who approves -----------------------------------------------------------------------------


def approvals_this_round(post: OfficialPost) -> list[PostApproval]:
    # A list page prefetches every post's approvals at once; asking again would be a query a post.
    cached = getattr(post, "_prefetched_objects_cache", {}).get("approvals")
    if cached is not None:
        return sorted((a for a in cached if a.round == post.round), key=lambda a: a.step)
    return list(post.approvals.filter(round=post.round).order_by("step"))


def next_step(post: OfficialPost) -> int:
    return len(approvals_this_round(post)) + 1


@dataclass(frozen=True)
class Approvers:
    """Who holds the posts that approve, on one day: read once for a whole list of posts."""

    head: Person | None
    leaders: frozenset[int]
    chair: frozenset[int]

    @classmethod
    def of(cls, school: School, on: dt.date | None = None) -> Approvers:
        return cls(
            headteacher(school, on),
            frozenset(holders(school, "senior_leadership", on).values_list("pk", flat=True)),
            frozenset(holders(school, "chair_of_governors", on).values_list("pk", flat=True)),
        )


def approvers_for_step(
    post: OfficialPost, step: int, on: dt.date | None = None, who: Approvers | None = None
) -> set[int]:
    """The ids of the people who may answer ``step`` of the current round."""
    who = who or Approvers.of(post.school, on)
    head = who.head
    already = {a.approver_id for a in approvals_this_round(post) if a.step < step}
    if step >= post.approvals_needed:
        if head is not None and head.pk != post.author_id:
            allowed = {head.pk}
        else:
            allowed = set(who.leaders | who.chair)
    else:
        # Earlier steps are senior leaders', so the headteacher's last word stays their own.
        allowed = set(who.leaders) - ({head.pk} if head is not None else set())
    return allowed - {post.author_id} - already


def may_approve_any(person: Person, on: dt.date | None = None) -> bool:
    """Whether ``person`` could be asked to approve posts at all (for showing the queue)."""
    head = headteacher(person.school, on)
    if head is not None and head.pk == person.pk:
        return True
    kinds = ("senior_leadership", "chair_of_governors")
    return any(holders(person.school, kind, on).filter(pk=person.pk).exists() for kind in kinds)


def may_view(person: Person, post: OfficialPost) -> bool:
    if person.school_id != post.school_id:
        return False
    return post.author_id == person.pk or may_approve_any(person)


def awaiting(person: Person, posts: Iterable[OfficialPost], now: dt.datetime) -> list[OfficialPost]:
    """The posts whose next step ``person`` may answer now (Hootsuite's "needs my approval")."""
    found = []
    who: Approvers | None = None
    for post in posts:
        if post.status_at(now) != Status.SUBMITTED:
            continue
        # the posts are all of the person's school
        who = who or Approvers.of(person.school, timezone.localdate(now))
        if person.pk in approvers_for_step(post, next_step(post), timezone.localdate(now), who):
            found.append(post)
    return found


# -- photo consent and faces -----------------------------------------------------------------


@dataclass(frozen=True)
class Readiness:
    """What stands between a post and the next step: ``blockers`` stop it, ``flags`` are for the
    approver to look at."""

    blockers: list[str]
    flags: list[str]
    consent: list[ConsentState]


def _dates_that_matter(post: OfficialPost, now: dt.datetime) -> list[dt.date]:
    dates = [timezone.localdate(now)]
    if post.scheduled_for is not None:
        dates.append(timezone.localdate(post.scheduled_for))
    return sorted(set(dates))


def consent_states(post: OfficialPost, now: dt.datetime) -> list[ConsentState]:
    """Each tagged pupil's consent for this post's use, on the worst of today and the day it goes
    out."""
    return _consent(post, now).states


def _consent(post: OfficialPost, now: dt.datetime) -> ConsentCheck:
    pupils = list(post.tagged_pupils.order_by("last_name", "first_name"))
    faces = faces_found(post) if check_is_current(post) else 0
    return consent_check(pupils, post.platform, faces, _dates_that_matter(post, now))


def faces_found(post: OfficialPost) -> int:
    findings = (post.check_result or {}).get("findings", [])
    return sum(1 for f in findings if f.get("kind") == "face")


def readiness(post: OfficialPost, now: dt.datetime | None = None) -> Readiness:
    now = _now(now)
    blockers: list[str] = []
    flags: list[str] = []
    states: list[ConsentState] = []
    if not post.text.strip() and not post.images.exists():
        blockers.append("The post is empty: write something or add an image.")
    if not check_is_current(post):
        blockers.append("Check the post: it has changed since it was last checked.")
    else:
        decision = post.check_result.get("decision", {})
        must = _must_change(post.check_result)
        if decision.get("verdict") == "prohibited":
            blockers.append(
                "The policy does not allow this post as it is: "
                + (must or decision.get("explanation") or "see the findings.")
            )
        elif must:  # a finding marked "Must change" stops it whatever the verdict
            blockers.append(f"It must change before it goes for approval: {must}")
    if post.scheduled_for is None:
        blockers.append("Set when the post is to go out.")
    elif post.scheduled_for <= now:
        blockers.append("The time it is to go out has passed: set a later one.")
    if post.images.exists():
        consent = _consent(post, now)
        states = consent.states
        blockers.extend(consent.refusals)
        flags.extend(consent.flags)
    return Readiness(blockers, flags, states)


def _must_change(result: dict[str, Any]) -> str:
    """The findings that block the post, in words ("A pupil's name: “Oliver”"): the reason a
    person can act on, rather than the explanation of whichever rule the engine quoted first."""
    said: list[str] = []
    for finding in result.get("findings", []):
        if finding.get("severity") != "block":
            continue
        kind = str(finding.get("kind", ""))
        label = kinds.label(kind)
        text = str(finding.get("text") or "").strip()
        words = f"{label}: “{text}”" if text else label
        if words not in said:
            said.append(words)
    return "; ".join(said) + "." if said else ""


def standing_approvals(post: OfficialPost, status: str) -> list[PostApproval]:
    """The approvals that still cover the post as it is: none once it has gone back to draft or
    checked after a change, lapsed, or been withdrawn (the round's rows stay in the history)."""
    if status not in (Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED):
        return []
    return [a for a in approvals_this_round(post) if a.decision == "approved"]


def who_approves(post: OfficialPost, on: dt.date | None = None) -> tuple[list[Person], str]:
    """Who may give the post's next approval, and why it is them when it is not the
    headteacher (the headteacher's own post goes to the Chair or the senior leaders)."""
    step = next_step(post) if post.status == Status.SUBMITTED else 1
    ids = approvers_for_step(post, step, on)
    people = list(Person.objects.filter(pk__in=ids).order_by("last_name", "first_name"))
    head = headteacher(post.school, on)
    why = ""
    if step >= post.approvals_needed and head is not None and head.pk == post.author_id:
        why = ("You are the headteacher, and nobody approves their own post, so it goes to the "
               "Chair of Governors or a senior leader.")
    return people, why


# -- steps -----------------------------------------------------------------------------------


def _reopen(post: OfficialPost, by: Person, at: dt.datetime, action: str, **details: Any) -> None:
    """After a change: back to checked if the check still covers it, else to draft. A post in
    approval leaves it, so no approval covers what was not approved."""
    before = post.status_at(at)
    after = Status.CHECKED if check_is_current(post) else Status.DRAFT
    post.status = after
    post.updated = at
    post.save()
    _event(post, by, action, at=at, from_status=before, to_status=after, details=details)


def _require_changeable(post: OfficialPost, at: dt.datetime) -> None:
    if post.status_at(at) in FINAL:
        raise WorkflowError(f"The post is {post.status_label_at(at).lower()}: it cannot change.")


@transaction.atomic
def create_post(
    author: Person,
    *,
    platform: str,
    text: str,
    scheduled_for: dt.datetime | None = None,
    images: list[CheckedImage] = (),  # type: ignore[assignment]
    check_result: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> OfficialPost:
    """A new draft by ``author``. A check made of exactly this text and these images (on the check
    page) may come with it, making it a checked post straight away."""
    at = _now(now)
    if not author.is_school_representative:
        raise NotAllowed("Only staff and others acting for the school write official posts.")
    post = OfficialPost.objects.create(
        school_id=author.school_id,
        author=author,
        platform=platform,
        text=text,
        scheduled_for=scheduled_for,
        approvals_needed=posting_settings(author.school).approval_steps,
        created=at,
        updated=at,
    )
    for position, image in enumerate(images):
        _store_image(post, image, position)
    _event(post, author, Action.CREATED, at=at, to_status=Status.DRAFT)
    if check_result is not None:
        _record_check(post, author, check_result, at)
    return post


def _store_image(post: OfficialPost, image: CheckedImage, position: int) -> PostImage:
    return PostImage.objects.create(
        school_id=post.school_id,
        post=post,
        position=position,
        name=image.name[:200],
        content_type=image.content_type,
        data=image.data,
        sha256=image.sha256,
        width=image.width,
        height=image.height,
        location=image.location,
    )


@transaction.atomic
def edit_post(
    post: OfficialPost,
    by: Person,
    *,
    text: str | None = None,
    platform: str | None = None,
    scheduled_for: dt.datetime | None = None,
    add_images: list[CheckedImage] = (),  # type: ignore[assignment]
    remove_images: Iterable[int] = (),
    now: dt.datetime | None = None,
) -> OfficialPost:
    at = _now(now)
    _require_author(post, by, "edit it")
    _require_changeable(post, at)
    changed: list[str] = []
    if text is not None and text != post.text:
        post.text = text
        changed.append("text")
    if platform is not None and platform != post.platform:
        post.platform = platform
        changed.append("platform")
    if scheduled_for is not None and scheduled_for != post.scheduled_for:
        post.scheduled_for = scheduled_for
        changed.append("scheduled_for")
    removed = list(post.images.filter(pk__in=list(remove_images)))
    for image in removed:
        image.delete()
        changed.append(f"removed image {image.name}")
    if add_images:
        start = post.images.order_by("-position").values_list("position", flat=True).first() or 0
        for offset, image in enumerate(add_images, start=1):
            _store_image(post, image, start + offset)
            changed.append(f"added image {image.name}")
    if not changed:
        return post
    _reopen(post, by, at, Action.EDITED, changed=changed)
    return post


@transaction.atomic
def remove_location(image: PostImage, by: Person, now: dt.datetime | None = None) -> PostImage:
    """Replace a stored image with its clean copy (no GPS, no other metadata)."""
    at = _now(now)
    post = image.post
    _require_author(post, by, "change its images")
    _require_changeable(post, at)
    original = validate_image(bytes(image.data), image.name)
    cleaned = clean_copy(original)
    image.data = cleaned.data
    image.sha256 = cleaned.sha256
    image.width, image.height = cleaned.width, cleaned.height
    image.location = None
    image.location_removed = True
    image.save()
    _reopen(post, by, at, Action.LOCATION_REMOVED, image=image.name, was=original.location)
    return image


@transaction.atomic
def set_tags(
    post: OfficialPost, by: Person, pupils: Iterable[Person], now: dt.datetime | None = None
) -> OfficialPost:
    """The pupils shown in the post's images, as the author says."""
    at = _now(now)
    _require_author(post, by, "tag pupils")
    _require_changeable(post, at)
    chosen = list(pupils)
    for pupil in chosen:
        if pupil.school_id != post.school_id or not pupil.is_pupil:
            raise WorkflowError(f"{pupil} is not a pupil of this school.")
    before = set(post.tagged_pupils.values_list("pk", flat=True))
    after = {p.pk for p in chosen}
    if before == after:
        return post
    post.tagged_pupils.set(chosen)
    details = {"tagged": sorted(after - before), "untagged": sorted(before - after)}
    if post.status_at(at) in IN_APPROVAL:
        _reopen(post, by, at, Action.TAGGED, **details)
    else:
        _event(
            post,
            by,
            Action.TAGGED,
            at=at,
            from_status=post.status,
            to_status=post.status,
            details=details,
        )
    return post


def _record_check(post: OfficialPost, by: Person, result: dict[str, Any], at: dt.datetime) -> None:
    before = post.status_at(at)
    post.check_result = result
    post.checked_at = at
    post.checked_fingerprint = fingerprint(post)
    post.status = Status.CHECKED
    post.updated = at
    post.save()
    decision = result.get("decision", {})
    _event(
        post,
        by,
        Action.CHECKED,
        at=at,
        from_status=before,
        to_status=Status.CHECKED,
        details={
            "verdict": decision.get("verdict"),
            "clauses": decision.get("clauses", []),
            "findings": sorted({f.get("kind", "") for f in result.get("findings", [])}),
        },
    )


@transaction.atomic
def check_post(post: OfficialPost, by: Person, now: dt.datetime | None = None) -> OfficialPost:
    """Run the checker on the post as saved and keep the result."""
    at = _now(now)
    _require_author(post, by, "check it")
    if post.status_at(at) not in EDITABLE:
        raise WorkflowError(
            f"The post is {post.status_label_at(at).lower()}; edit it to check it again."
        )
    result = checking.check(
        post.school,
        post.author,
        text=post.text,
        images=stored_images(post),
        account="official",
        platform=post.platform,
        on=timezone.localdate(at),
    )
    _record_check(post, by, result, at)
    return post


@transaction.atomic
def submit(post: OfficialPost, by: Person, now: dt.datetime | None = None) -> OfficialPost:
    at = _now(now)
    _require_author(post, by, "submit it")
    status = post.status_at(at)
    if status != Status.CHECKED:
        raise WorkflowError(
            "Check the post before submitting it."
            if status in (Status.DRAFT, Status.REJECTED, Status.EXPIRED)
            else f"The post is {post.status_label_at(at).lower()}."
        )
    found = readiness(post, at)
    if found.blockers:
        raise WorkflowError(" ".join(found.blockers))
    post.status = Status.SUBMITTED
    post.round += 1
    post.approvals_needed = posting_settings(post.school).approval_steps
    post.updated = at
    post.save()
    _event(
        post,
        by,
        Action.SUBMITTED,
        at=at,
        from_status=status,
        to_status=Status.SUBMITTED,
        details={"round": post.round, "steps": post.approvals_needed, "flags": found.flags},
    )
    _tell_approvers(post, 1, at)
    return post


def _tell_approvers(post: OfficialPost, step: int, at: dt.datetime) -> None:
    ids = approvers_for_step(post, step, timezone.localdate(at))
    people = Person.objects.for_school(post.school_id).filter(pk__in=ids)
    alerts.raise_alerts(post, people, PostAlert.Kind.APPROVAL_NEEDED, step=step, at=at)


def _tell_author(post: OfficialPost, kind: str, at: dt.datetime) -> None:
    alerts.raise_alerts(post, [post.author], kind, at=at)


def _answerable(post: OfficialPost, by: Person, at: dt.datetime, verb: str) -> int:
    """The step ``by`` may answer now; NotAllowed or WorkflowError saying why not."""
    _same_school(by, post)
    status = post.status_at(at)
    if status == Status.EXPIRED and post.status != Status.EXPIRED:
        expire(post, at)
    if status != Status.SUBMITTED:
        raise WorkflowError(f"The post is {post.status_label_at(at).lower()}: it cannot be {verb}.")
    step = next_step(post)
    if post.author_id == by.pk:
        _event(
            post,
            by,
            Action.REFUSED,
            at=at,
            from_status=status,
            to_status=status,
            note=f"The author tried to answer step {step}: nobody approves their own post.",
        )
        raise NotAllowed(
            "You wrote this post, so someone else must approve it: nobody approves their own post."
        )
    if by.pk not in approvers_for_step(post, step, timezone.localdate(at)):
        last = step >= post.approvals_needed
        who = "the headteacher" if last else "a senior leader who has not yet approved it"
        raise NotAllowed(f"Step {step} of {post.approvals_needed} is for {who}.")
    return step


def approve(
    post: OfficialPost, by: Person, note: str = "", now: dt.datetime | None = None
) -> OfficialPost:
    at = _now(now)
    # The refusal is recorded even though the approval is not, so this is not one transaction.
    step = _answerable(post, by, at, "approved")
    with transaction.atomic():
        found = readiness(post, at)
        consent = [b for b in found.blockers if "photo consent" in b]
        if consent:
            raise WorkflowError(" ".join(consent))
        PostApproval.objects.create(
            school_id=post.school_id,
            post=post,
            round=post.round,
            step=step,
            approver=by,
            decision=PostApproval.Decision.APPROVED,
            note=note,
            decided_at=at,
        )
        final = step >= post.approvals_needed
        if final:
            post.status = Status.APPROVED
        post.updated = at
        post.save()
        _event(
            post,
            by,
            Action.APPROVED if final else Action.APPROVED_STEP,
            at=at,
            from_status=Status.SUBMITTED,
            to_status=post.status,
            note=note,
            details={"round": post.round, "step": step, "of": post.approvals_needed},
        )
        alerts.settle(post, at, step)
        if final:
            _tell_author(post, PostAlert.Kind.APPROVED, at)
        else:
            _tell_approvers(post, step + 1, at)
    return post


def reject(
    post: OfficialPost, by: Person, note: str, now: dt.datetime | None = None
) -> OfficialPost:
    at = _now(now)
    if not note.strip():
        raise WorkflowError("Say why it is rejected, so the author can put it right.")
    step = _answerable(post, by, at, "rejected")
    with transaction.atomic():
        PostApproval.objects.create(
            school_id=post.school_id,
            post=post,
            round=post.round,
            step=step,
            approver=by,
            decision=PostApproval.Decision.REJECTED,
            note=note.strip(),
            decided_at=at,
        )
        post.status = Status.REJECTED
        post.updated = at
        post.save()
        _event(
            post,
            by,
            Action.REJECTED,
            at=at,
            from_status=Status.SUBMITTED,
            to_status=Status.REJECTED,
            note=note.strip(),
            details={"round": post.round, "step": step},
        )
        alerts.settle(post, at, step)
        _tell_author(post, PostAlert.Kind.REJECTED, at)
    return post


def mark_published(post: OfficialPost, by: Person, now: dt.datetime | None = None) -> OfficialPost:
    at = _now(now)
    _same_school(by, post)
    approvers = {a.approver_id for a in approvals_this_round(post)}
    if by.pk != post.author_id and by.pk not in approvers:
        raise NotAllowed("Only its author or an approver can say the post has gone out.")
    status = post.status_at(at)
    if status == Status.EXPIRED and post.status != Status.EXPIRED:
        expire(post, at)  # written down even though publishing is refused
    if status != Status.APPROVED:
        raise WorkflowError(
            f"The post is {post.status_label_at(at).lower()}: only an approved post, before its "
            "scheduled time has passed, can be published."
        )
    with transaction.atomic():
        post.status = Status.PUBLISHED
        post.published_at = at
        post.updated = at
        post.save()
        _event(post, by, Action.PUBLISHED, at=at, from_status=status, to_status=Status.PUBLISHED)
    return post


@transaction.atomic
def withdraw(post: OfficialPost, by: Person, now: dt.datetime | None = None) -> OfficialPost:
    at = _now(now)
    _require_author(post, by, "withdraw it")
    _require_changeable(post, at)
    before = post.status_at(at)
    post.status = Status.WITHDRAWN
    post.updated = at
    post.save()
    _event(post, by, Action.WITHDRAWN, at=at, from_status=before, to_status=Status.WITHDRAWN)
    alerts.settle(post, at)
    return post


def record_export(post: OfficialPost, by: Person, now: dt.datetime | None = None) -> None:
    at = _now(now)
    _event(
        post,
        by,
        Action.EXPORTED,
        at=at,
        from_status=post.status_at(at),
        to_status=post.status_at(at),
    )


def expire(post: OfficialPost, now: dt.datetime | None = None) -> bool:
    """Write down that the post's approval (or its wait for one) lapsed; False if it had not, or
    someone else got there first."""
    at = _now(now)
    if post.status not in IN_APPROVAL or post.status_at(at) != Status.EXPIRED:
        return False
    with transaction.atomic():
        # Only the row still in its old state moves, so two runs never both expire it.
        moved = OfficialPost.objects.filter(pk=post.pk, status=post.status).update(
            status=Status.EXPIRED, updated=at
        )
        if not moved:
            return False
        before = post.status
        post.status = Status.EXPIRED
        post.updated = at
        _event(
            post,
            None,
            Action.EXPIRED,
            at=at,
            from_status=before,
            to_status=Status.EXPIRED,
            note="Not published by its scheduled time"
            if before == Status.APPROVED
            else "Not approved by its scheduled time",
            details={
                "scheduled_for": post.scheduled_for.isoformat() if post.scheduled_for else None
            },
        )
        alerts.settle(post, at)
        _tell_author(post, PostAlert.Kind.EXPIRED, at)
    return True


def expire_due(now: dt.datetime | None = None, school: School | None = None) -> int:
    """Expire every post whose scheduled time has passed while it waited or was approved."""
    at = _now(now)
    due = OfficialPost.objects.filter(status__in=list(IN_APPROVAL), scheduled_for__lt=at)
    if school is not None:
        due = due.for_school(school)
    return sum(1 for post in due.select_related("school") if expire(post, at))
