"""E-mails that say only where to look: a link to sign in and read, never the details.

Safeguarding alerts and posting alerts both send them. An e-mail can be forwarded, read on a
shared screen or kept by a mail provider, so what it says about a child is nothing: the record
is behind the sign-in. The record that asked for the e-mail keeps whether it went
(``emailed_at``) or why not (``email_problem``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from smpolicy.schools.models import Person

log = logging.getLogger(__name__)


def address_of(person: Person) -> str:
    """The person's e-mail: the roster's, else their sign-in account's; "" when neither."""
    if person.email:
        return person.email
    user = person.user
    return user.email if user is not None and user.email else ""


def send_link_email(record: Any, subject: str, message: str, url: str) -> None:
    """E-mail ``record.recipient`` the message and the link; record on ``record`` what happened."""
    recipient = record.recipient
    address = address_of(recipient)
    if not address:
        record.email_problem = "No e-mail address is recorded for this person."
        record.save(update_fields=["email_problem"])
        return
    body = (
        f"Hello {recipient.preferred_name or recipient.first_name},\n\n"
        f"{message}\n\n"
        f"Open it here (you will be asked to sign in):\n{url}\n\n"
        "This e-mail holds no details on purpose. Please do not forward it.\n"
    )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except Exception as exc:
        # The reason's type only: an SMTP error can echo the message back.
        log.warning("link e-mail to person %s failed: %s", recipient.pk, type(exc).__name__)
        record.email_problem = f"The e-mail could not be sent ({type(exc).__name__})."
        record.save(update_fields=["email_problem"])
        return
    record.emailed_at = timezone.now()
    record.email_problem = ""
    record.save(update_fields=["emailed_at", "email_problem"])
