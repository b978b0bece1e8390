"""Registers and governance (issue 6): declared social contacts, new-staff profile reviews, policy
acknowledgements, the policy's own versions and sign-off, oversight, governors' reports,
reminders and subject access.

``declared_social_contact(staff_person, other_person)`` is the one question the rest of the product
asks of the registers: it fills the decisions contract's ``permissions.social_contact_declared``.
"""

from __future__ import annotations

from typing import Any


def declared_social_contact(staff_person: Any, other_person: Any) -> bool:
    """Whether ``staff_person`` has declared a social contact covering ``other_person`` (see
    ``smpolicy.registers.declarations``). Importable before Django's apps are ready."""
    from smpolicy.registers.declarations import declared_social_contact as check

    return check(staff_person, other_person)


__all__ = ["declared_social_contact"]
