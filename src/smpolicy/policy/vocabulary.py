"""The decisions contract's vocabulary (../shared/contracts/decisions.md), in one place.

Everything that validates a situation, a pack or a decision reads these tuples, so the contract is
spelled once.
"""

from __future__ import annotations

from smpolicy.platforms.catalogue import CATEGORIES

ROLES: tuple[str, ...] = (
    "staff",
    "volunteer",
    "trainee",
    "governor",
    "elected_member",
    "third_party",
    "pupil",
    "parent",
    "public",
)
# The policy's "school representatives": everyone the staff sections bind (see clauses.yaml).
SCHOOL_REPRESENTATIVES: frozenset[str] = frozenset(
    {"staff", "volunteer", "trainee", "governor", "elected_member", "third_party"}
)
COMMUNITY: frozenset[str] = frozenset({"pupil", "parent"})

ON_ROLL: tuple[str, ...] = ("current", "former", "never")

ACTIONS: tuple[str, ...] = (
    "connect",
    "message",
    "receive_message",
    "post",
    "share_contact_details",
    "speak_for_school",
    "use_branding",
    "sign_up",
    "access",
    "experience_abuse",
    "join_school",
    "have_social_contact",
    "other",
)

ACCOUNTS: tuple[str, ...] = (
    "personal",
    "official",
    "school_email",
    "personal_email",
    "school_phone",
    "personal_phone",
)
NETWORKS: tuple[str, ...] = (
    "guest_wifi",
    "staff_network",
    "pupil_network",
    "mobile_data",
    "off_site",
)
DEVICES: tuple[str, ...] = ("personal", "school")

CONTENT_ABOUT: tuple[str, ...] = (
    "pupils",
    "staff",
    "staffing",
    "school_information",
    "activities",
    "school_decisions",
)
IMAGES_OF: tuple[str, ...] = ("pupils", "staff", "governors", "community")

CONTENT_FLAGS: tuple[str, ...] = (
    "school_activity",
    "school_branding",
    "confidential",
    "security_sensitive",
    "illegal_conduct",
    "defamatory",
    "discriminatory",
    "damaging_to_school",
    "inappropriate",
)
PERMISSIONS: tuple[str, ...] = (
    "speak_for_school",
    "training_complete",
    "branding_written_permission",
    "social_contact_declared",
)

# Strictest first: when several rules apply, the strictest verdict is the decision's.
VERDICTS: tuple[str, ...] = (
    "prohibited",
    "needs_approval",
    "allowed_with_conditions",
    "advisory",
    "allowed",
    "not_covered",
)
OBLIGATION_KINDS: tuple[str, ...] = (
    "report",
    "keep_evidence",
    "declare",
    "seek_approval",
    "seek_advice",
    "review_profiles",
    "use_school_channel",
    "investigate",
)
OBLIGATION_TO: tuple[str, ...] = (
    "dsl",
    "headteacher",
    "line_manager",
    "senior_leadership",
    "local_authority_safeguarding_lead",
    "self",
)
OBLIGATION_WHEN: tuple[str, ...] = ("immediately", "promptly", "before_acting")

# The policy's own categories of social media; the platform catalogue defines them.
PLATFORM_CATEGORIES: tuple[str, ...] = CATEGORIES
