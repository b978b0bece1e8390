"""Telling people about official posts: in the app at once, and by e-mail as a link only.

This follows the safeguarding alerts (smpolicy.safeguarding.alerts): an e-mail leaves the school's
systems and may be read on a shared screen or forwarded, so it carries neither the post's text nor
a pupil's name nor the approver's note, only that a post needs the reader and a link that asks them
to sign in. The note and the post are in the app. E-mails go once the step is committed, so a step
that was rolled back tells nobody.

The safeguarding ``Alert`` belongs to a report, so posts keep their own ``PostAlert`` rows; both
send their e-mails through ``smpolicy.schools.mailing``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from smpolicy.jobs.sending import send_now, tries, wait_before
from smpolicy.posting.models import OfficialPost, PostAlert
from smpolicy.schools.mailing import send_link_email
from smpolicy.schools.models import Person

Kind = PostAlert.Kind

_SUBJECTS: dict[str, str] = {
    Kind.APPROVAL_NEEDED: "An official post at {school} is waiting for your approval",
    Kind.APPROVED: "Your official post at {school} has been approved",
    Kind.REJECTED: "Your official post at {school} was not approved",
    Kind.EXPIRED: "The approval of your official post at {school} has lapsed",
}
_WHAT: dict[str, str] = {
    Kind.APPROVAL_NEEDED: "An official post has been submitted for the school's accounts and is "
    "waiting for your approval.",
    Kind.APPROVED: "Your official post has been approved and is ready to publish before its "
    "scheduled time.",
    Kind.REJECTED: "Your official post was not approved. The note saying why is in the app.",
    Kind.EXPIRED: "Your official post was not out by its scheduled time, so its approval (or its "
    "wait for one) has lapsed. Set a new time and submit it again.",
}


def post_url(post: OfficialPost) -> str:
    return f"{settings.SITE_URL}{reverse('posting:post', args=[post.pk])}"


def raise_alerts(
    post: OfficialPost,
    recipients: Iterable[Person],
    kind: str,
    *,
    step: int = 0,
    at: dt.datetime | None = None,
) -> list[PostAlert]:
    """Alerts in the app now; e-mails once the step is committed."""
    at = at or timezone.now()
    made = []
    for person in recipients:
        alert, created = PostAlert.objects.get_or_create(
            post=post,
            recipient=person,
            kind=kind,
            round=post.round,
            step=step,
            defaults={"school_id": post.school_id, "created_at": at},
        )
        if created:
            made.append(alert)
    ids = [a.pk for a in made]
    if ids:
        transaction.on_commit(lambda: send_alert_emails(ids))
    return made


def send_alert_emails(alert_ids: list[int]) -> None:
    """Hand the e-mails to a worker: an approval never waits on a mail server."""
    for alert_id in alert_ids:
        send_now(email_post_alert, alert_id)


@shared_task(bind=True, name="smpolicy.posting.email_alert", ignore_result=True, max_retries=None)
def email_post_alert(self: object, alert_id: int) -> str:
    """One alert's e-mail, tried again with doubling waits until it goes (the alert keeps why
    the last try failed)."""
    alert = (
        PostAlert.objects.select_related("post__school", "recipient__user")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None or alert.emailed_at is not None:
        return "nothing to send"
    try:
        _email(alert)
    except Exception:
        number = self.request.retries + 1  # type: ignore[attr-defined]
        if number >= tries():
            return "undelivered"
        raise self.retry(countdown=wait_before(number + 1)) from None  # type: ignore[attr-defined]
    return "delivered"


def _email(alert: PostAlert) -> None:
    subject = _SUBJECTS[alert.kind].format(school=alert.post.school.name)
    send_link_email(alert, subject, _WHAT[alert.kind], post_url(alert.post))


def mark_seen(post: OfficialPost, person: Person, now: dt.datetime | None = None) -> int:
    """``person`` has opened the post: their alerts about it are seen."""
    return PostAlert.objects.filter(post=post, recipient=person, seen_at__isnull=True).update(
        seen_at=now or timezone.now()
    )


def settle(post: OfficialPost, at: dt.datetime, step: int | None = None) -> int:
    """Requests to approve that no longer need anyone (the step was answered, the post withdrawn
    or its time passed) stop counting as new for the approvers who did not answer them."""
    pending = PostAlert.objects.filter(
        post=post, kind=Kind.APPROVAL_NEEDED, round=post.round, seen_at__isnull=True
    )
    if step is not None:
        pending = pending.filter(step=step)
    return pending.update(seen_at=at)


def unseen_count(person: Person | None) -> int:
    if person is None:
        return 0
    return (
        PostAlert.objects.for_school(person.school_id)
        .filter(recipient=person, seen_at__isnull=True)
        .count()
    )
