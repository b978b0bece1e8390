"""Password reset by e-mail for local accounts (the demo and schools without single sign-on).

Django's reset views and tokens: the link works once (the token hashes the current password) and
for PASSWORD_RESET_TIMEOUT seconds; the page after asking says the same whether or not the
address is known. Accounts are found by the school's records (Person.email) as well as the
account's own address, and an account with no usable password (made by single sign-on) gets no
link: its password is the school tenant's business.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Q

from smpolicy.schools.mailing import address_of

# Reset links are limited so the form cannot fill someone's inbox: a few an hour to one account
# (beyond them the page answers as always, and no mail goes), and more an hour from one client
# address, which shares a school's Wi-Fi (beyond them the page says when to try again).
LINKS_PER_ACCOUNT_PER_HOUR = 3
ASKS_PER_CLIENT_PER_HOUR = 10
_HOUR = 3600


def _counted(kind: str, who: str) -> int:
    """One more ask counted against ``who`` this hour; the count so far, this one included. The
    cache (settings.CACHES) is shared by every worker; only a hash of the address is kept."""
    key = f"password-reset:{kind}:{hashlib.sha256(who.encode()).hexdigest()}"
    cache.add(key, 0, _HOUR)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first of a new hour
        cache.set(key, 1, _HOUR)
        return 1


def client_may_ask(address: str) -> bool:
    return _counted("client", address) <= ASKS_PER_CLIENT_PER_HOUR


def _same(a: str, b: str) -> bool:
    # As Django's own form compares: a look-alike address (Unicode case folding) is no match.
    def fold(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold()

    return fold(a) == fold(b)


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        self.fields["email"].help_text = "The address the school has for you."
        self._addresses: dict[int, str] = {}

    def get_users(self, email: str) -> Iterator[AbstractBaseUser]:
        users = get_user_model()._default_manager.filter(
            Q(email__iexact=email) | Q(person__email__iexact=email), is_active=True
        ).select_related("person")
        for user in users.distinct():
            person = getattr(user, "person", None)
            address = address_of(person) if person is not None else user.email
            if user.has_usable_password() and address and _same(email, address):
                if _counted("account", str(user.pk)) > LINKS_PER_ACCOUNT_PER_HOUR:
                    continue  # the page says the same; the inbox gets no more
                self._addresses[user.pk] = address
                yield user

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # To the address on the school's records, which may not be the account's own.
        to_email = self._addresses.get(context["user"].pk, to_email)
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name=html_email_template_name,
        )


def link_lifetime() -> str:
    """How long a reset link works, in words: "1 hour", "30 minutes"."""
    from django.conf import settings

    minutes = max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
