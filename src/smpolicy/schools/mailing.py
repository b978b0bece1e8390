"""E-mails that say only where to look: a link to sign in and read, never the details.

Safeguarding alerts and posting alerts both send them. An e-mail can be forwarded, read on a
shared screen or kept by a mail provider, so what it says about a child is nothing: the record
is behind the sign-in. The record that asked for the e-mail keeps whether it went
(``emailed_at``) or why not (``email_problem``).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from smpolicy.schools.models import Person

log = logging.getLogger(__name__)


def address_of(person: Person) -> str:
    """The person's e-mail: the roster's, else their sign-in account's; "" when neither."""
    if person.email:
        return person.email
    user = person.user
    return user.email if user is not None and user.email else ""


NO_ADDRESS = "No e-mail address is recorded for this person."


class NoAddress(Exception):
    """The person has no e-mail address: no try will ever reach them."""


def link_email(recipient: Person, subject: str, message: str, url: str) -> EmailMessage:
    """The e-mail telling ``recipient`` where to look (raises NoAddress)."""
    address = address_of(recipient)
    if not address:
        raise NoAddress(NO_ADDRESS)
    body = (
        f"Hello {recipient.preferred_name or recipient.first_name},\n\n"
        f"{message}\n\n"
        f"Open it here (you will be asked to sign in):\n{url}\n\n"
        "This e-mail holds no details on purpose. Please do not forward it.\n"
    )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def send_link_email(record: Any, subject: str, message: str, url: str) -> None:
    """E-mail ``record.recipient`` the message and the link; record on ``record`` what happened.
    Raises on a failed send, so that a worker tries again (smpolicy.posting.alerts)."""
    recipient = record.recipient
    try:
        email = link_email(recipient, subject, message, url)
    except NoAddress:
        record.email_problem = NO_ADDRESS
        record.save(update_fields=["email_problem"])
        return
    try:
        email.send()
    except Exception as exc:
        # The reason's type only: an SMTP error can echo the message back.
        log.warning("link e-mail to person %s failed: %s", recipient.pk, type(exc).__name__)
        record.email_problem = f"The e-mail could not be sent ({type(exc).__name__})."
        record.save(update_fields=["email_problem"])
        raise
    record.emailed_at = timezone.now()
    record.email_problem = ""
    record.save(update_fields=["emailed_at", "email_problem"])


@shared_task(bind=True, name="smpolicy.mail.send", ignore_result=True, max_retries=None)
def send_email(self: Any, subject: str, body: str, to: list[str]) -> str:
    """An e-mail a page asked for (a parent's link, a receipt), sent by a worker and tried again
    with doubling waits: the page never waits on, or fails with, the mail server."""
    from smpolicy.jobs.sending import tries, wait_before

    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to).send()
    except Exception as exc:
        number = self.request.retries + 1
        log.warning("e-mail try %s failed: %s", number, type(exc).__name__)
        if number >= tries():
            return "undelivered"
        raise self.retry(countdown=wait_before(number + 1)) from None
    return "delivered"


def email_later(subject: str, body: str, to: list[str], *, on_commit: bool = True) -> None:
    """Send this e-mail from a worker: once the page's transaction commits, or at once when it
    follows nothing still to be committed."""
    from smpolicy.jobs.sending import send_now, send_on_commit

    (send_on_commit if on_commit else send_now)(send_email, subject, body, to)
