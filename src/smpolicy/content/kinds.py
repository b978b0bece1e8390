"""The finding kinds of the post checker: one table, read by every part that names a kind.

Each kind says what it is called on the page and what to do instead, the clause it cites when the
engine's answer for it names none of its own (for staff and for the community), its family (the
rules' module of checks that finds it), the decision facts it sets where they do not depend on the
rest of the post, and, for a kind the engine has no fact for, a severity of its own. The checker
(facts, clauses), the check page (labels, advice) and the learned scorer's trainer (which kinds
it learns: the ``meaning`` family) read it here; a new kind is one row. Plain Python: no Django.

Facts that depend on the post are the checker's (``checker.text_facts``): a pupil's name (with or
without pictures, on which account) and offensive words (their category, and whether the post
names someone) set different facts in different posts, so their rows set none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

# "learned": found by a model trained on outside data (learning/train.py's heads), not by a rule.
Family = Literal["names", "contact", "school", "meaning", "image", "learned"]


@dataclass(frozen=True)
class FindingKind:
    id: str
    label: str
    advice: str
    family: Family
    staff_clause: str
    community_clause: str = ""  # blank: the staff clause
    facts: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # A severity of its own, not the engine's: for what the policy has no fact for but a person
    # should still act on (a photo's GPS position).
    always: Literal["", "warn", "info"] = ""
    # The kind the labelled corpus marks what this kind finds as, where it is another's: a head
    # trained on outside data names its finding apart from the rules' but is scored as theirs.
    marked_as: str = ""

    def clause_for(self, community: bool) -> str:
        return (self.community_clause or self.staff_clause) if community else self.staff_clause


def _facts(**facts: Any) -> Mapping[str, Any]:
    return MappingProxyType(facts)


_ROWS = (
    FindingKind(
        "pupil_name",
        "A pupil's name",
        "Leave the pupil's name out (say “a Year 3 pupil” if you must), and never name a pupil "
        "next to their photo.",
        "names",
        "code.confidential-information",
    ),
    FindingKind(
        "staff_name",
        "A member of staff's name",
        "Leave colleagues' names out unless they have agreed and it is a school account; on a "
        "personal account, do not talk about colleagues at all.",
        "names",
        "conduct.legislation",
    ),
    FindingKind(
        "parent_name",
        "A parent's name",
        "Leave the parent's name out: school matters with parents go through the school's e-mail "
        "or phone.",
        "names",
        "conduct.legislation",
    ),
    FindingKind(
        "personal_email",
        "A personal e-mail address",
        "Use your school e-mail address instead of a personal one.",
        "contact",
        "personal-info.contact-details",
    ),
    FindingKind(
        "personal_phone",
        "A personal phone number",
        "Give the school office's number instead of a personal one.",
        "contact",
        "personal-info.contact-details",
    ),
    FindingKind(
        "school_name",
        "The school's name",
        "Use the school's name only with the Headteacher's written permission, or post it from "
        "the school's official account.",
        "school",
        "code.school-branding",
        facts=_facts(school_branding=True),
    ),
    FindingKind(
        "school_logo",
        "The school's logo",
        "Use the logo only with the Headteacher's written permission, or post it from the "
        "school's official account.",
        "image",
        "code.school-branding",
        facts=_facts(school_branding=True),
    ),
    FindingKind(
        "confidential",
        "Confidential information",
        "Take out confidential details (dates of birth, medical or SEN details, case details); "
        "share them only through the school's secure systems.",
        "meaning",
        "code.confidential-information",
        facts=_facts(confidential=True),
    ),
    FindingKind(
        "security_sensitive",
        "Something that could compromise the school's security",
        "Take out codes, passwords, and who is where and when.",
        "meaning",
        "code.confidential-information",
        facts=_facts(security_sensitive=True),
    ),
    FindingKind(
        "offensive",
        "Offensive language",
        "Take out the abusive, threatening or discriminatory words.",
        "meaning",
        "code.reputation",
        "community.sanctions",
    ),
    FindingKind(
        "defamatory_risk",
        "An allegation against someone",
        "Do not make allegations online: raise a concern with the Headteacher.",
        "meaning",
        "code.reputation",
        "community.sanctions",
        facts=_facts(defamatory=True),
    ),
    FindingKind(
        "illegal_conduct",
        "A link to illegal conduct",
        "Do not link the school or anyone in it to illegal conduct.",
        "meaning",
        "code.reputation",
        "community.sanctions",
        facts=_facts(illegal_conduct=True),
    ),
    FindingKind(
        "school_criticism",
        "Criticism of the school",
        "Raise concerns with the school directly rather than online.",
        "meaning",
        "code.reputation",
        "community.no-damaging-content",
        facts=_facts(damaging_to_school=True),
    ),
    # OLID's offensive tweets (insults, swearing at someone, abuse) as a head trained on them
    # reads them: wording no lexicon lists. A model's guess, so `warn` and the row's clause; the
    # engine has no fact for tone, and the rules' `offensive` keeps its facts and verdict.
    FindingKind(
        "offensive_tone",
        "Reads as offensive or abusive",
        "Reword it: insults, swearing and mockery reflect on you and the school even when no "
        "listed word is used.",
        "learned",
        "conduct.personal",
        "community.no-damaging-content",
        always="warn",
        marked_as="offensive",
    ),
    FindingKind(
        "face",
        "A face",
        "Post photos of people from school only on the school's official accounts, with photo "
        "consent for every pupil shown.",
        "image",
        "code.images",
    ),
    FindingKind(
        "inappropriate_image",
        "An inappropriate image",
        "Do not post this image.",
        "image",
        "code.reputation",
        "community.inappropriate-content",
        facts=_facts(inappropriate=True, damaging_to_school=True),
    ),
    FindingKind(
        "location_metadata",
        "The place the photo was taken (GPS)",
        "Remove the location from the photo before posting it.",
        "image",
        "code.confidential-information",
        always="warn",
    ),
)

KINDS: Mapping[str, FindingKind] = MappingProxyType({row.id: row for row in _ROWS})
# The kinds of what a post means, not who or what it names: the learned scorer's kinds, in the
# order of its model file's columns.
MEANING: tuple[str, ...] = (
    "defamatory_risk",
    "illegal_conduct",
    "school_criticism",
    "security_sensitive",
    "confidential",
    "offensive",
)
NAMES = frozenset(k for k, row in KINDS.items() if row.family == "names")
CONTACT = frozenset(k for k, row in KINDS.items() if row.family == "contact")
# Kinds found by a head trained on outside data, each with a model file of its own.
HEADS: tuple[str, ...] = ("offensive_tone",)

if set(MEANING) != {k for k, row in KINDS.items() if row.family == "meaning"}:
    raise RuntimeError("MEANING must list every kind of the meaning family, and no other")
if set(HEADS) != {k for k, row in KINDS.items() if row.family == "learned"}:
    raise RuntimeError("HEADS must list every kind of the learned family, and no other")


def marked_as(kind: str) -> str:
    """The kind a labelled corpus marks a finding of `kind` as."""
    row = KINDS.get(kind)
    return row.marked_as or kind if row is not None else kind


def label(kind: str) -> str:
    row = KINDS.get(kind)
    return row.label if row is not None else kind.replace("_", " ").capitalize()


def advice(kind: str) -> str:
    row = KINDS.get(kind)
    return row.advice if row is not None else ""
