"""What the school's records already know about a question on the Ask page.

A member of staff who names the pupil or parent the question is about should not have to
remember what the registers hold: whether they declared a social contact with that family
(personal-info.social-contacts), the pupil's age and whether they are on roll. Answers the person
gave always win over the records; the page says what was filled in, and from where.
"""

from __future__ import annotations

from typing import Any

from smpolicy.asking import labels
from smpolicy.registers import declared_social_contact
from smpolicy.schools.models import Person

PICKABLE_ROLES = (Person.Role.PUPIL, Person.Role.PARENT)


class RecordsConflict(ValueError):
    """An answer that contradicts the person picked, said so the form can show it."""


def complete(situation: dict[str, Any], asker: Person | None, other: Person | None) -> list[str]:
    """Fill the facts the answers left out from the records; return what was filled, in words."""
    filled: list[str] = []
    if asker is not None and situation["actor"]["role"] == asker.role:
        actor = situation["actor"]
        if "new_starter" not in actor and not asker.is_pupil:
            new = asker.is_new_starter()
            if new is not None:
                actor["new_starter"] = new
                filled.append(
                    "You joined the school recently (the staff record)." if new
                    else "You are not a new starter (the staff record)."
                )
    if other is None:
        return filled
    party = other.as_party()
    counterpart = situation.setdefault("counterpart", {"role": party["role"]})
    if counterpart["role"] != party["role"]:
        raise RecordsConflict(
            f"{other.full_name} is on the roster as a {other.get_role_display().lower()}, but "
            f"the answer to \u201cWho else is involved?\u201d says otherwise: change one of them."
        )
    # Say what the records say, not only that they said something.
    if "age" not in counterpart and "age" in party:
        counterpart["age"] = party["age"]
        filled.append(f"Their age: {party['age']} (the roster's date of birth).")
    elif "age" not in counterpart and other.is_pupil:
        filled.append("The roster has no date of birth for them, so their age is not known.")
    if "on_roll" not in counterpart and "on_roll" in party:
        counterpart["on_roll"] = party["on_roll"]
        filled.append(f"{labels.ON_ROLL.get(party['on_roll'], party['on_roll'])} (the roster).")
    permissions = situation.setdefault("permissions", {})
    if (
        asker is not None
        and asker.is_school_representative
        and "social_contact_declared" not in permissions
    ):
        declared = declared_social_contact(asker, other)
        permissions["social_contact_declared"] = declared
        filled.append(
            "You have declared a social contact with this family (the register of declared "
            "contacts)." if declared else
            "You have not declared a social contact with this family (the register of declared "
            "contacts)."
        )
    if not permissions:
        situation.pop("permissions")
    return filled
