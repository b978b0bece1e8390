"""The scenario table: situations and what the policy says of them.

Each scenario names the clause it is about and whether it is a case the clause restricts
(`restricts=True`) or a contrasting case where the same behaviour is allowed. test_scenarios.py
decides every one, and checks that every clause that binds a behaviour has both kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def sit(role: str, action: str, **parts: Any) -> dict[str, Any]:
    """A situation: `sit("staff", "connect", counterpart={...}, channel={...})`."""
    actor = {"role": role}
    actor.update(parts.pop("actor", {}))
    return {"actor": actor, "action": action, **parts}


def ob(kind: str, to: str, when: str, clause: str) -> dict[str, str]:
    return {"kind": kind, "to": to, "when": when, "clause": clause}


PUPIL = {"role": "pupil", "age": 10, "on_roll": "current"}
PARENT = {"role": "parent"}
STAFF = {"role": "staff"}
PERSONAL = {"account": "personal", "platform": "instagram"}


@dataclass
class Scenario:
    name: str
    clause: str
    restricts: bool
    situation: dict[str, Any]
    verdict: str
    clauses: list[str]  # expected to lead the decision's clauses, in this order
    obligations: list[dict[str, str]] = field(default_factory=list)  # each must be present
    missing: list[str] = field(default_factory=list)  # exactly these
    no_obligations: bool = False


SCENARIOS: list[Scenario] = [
    # --- code.no-contact-with-children / code.report-child-contact --------------------------------
    Scenario(
        "a teacher accepts a current pupil's friend request on Instagram",
        "code.no-contact-with-children", True,
        sit("staff", "connect", counterpart=PUPIL, channel=PERSONAL),
        "prohibited", ["code.no-contact-with-children"],
        [ob("report", "dsl", "immediately", "code.report-child-contact")],
    ),
    Scenario(
        "a teaching assistant messages a 16-year-old former pupil on Snapchat",
        "code.no-contact-with-children", True,
        sit("volunteer", "message", counterpart={"role": "pupil", "age": 16, "on_roll": "former"},
            channel={"account": "personal", "platform": "snapchat"}),
        "prohibited", ["code.no-contact-with-children"],
        [ob("report", "dsl", "immediately", "code.report-child-contact")],
    ),
    Scenario(
        "a teacher connects with a former pupil who is now 19",
        "code.no-contact-with-children", False,
        sit("staff", "connect", counterpart={"role": "pupil", "age": 19, "on_roll": "former"},
            channel=PERSONAL),
        "allowed", ["code.no-contact-with-children"], no_obligations=True,
    ),
    Scenario(
        "a teacher e-mails a pupil from the school address",
        "code.no-contact-with-children", False,
        sit("staff", "message", counterpart=PUPIL, channel={"account": "school_email"}),
        "allowed", ["personal-info.contact-details"], no_obligations=True,
    ),
    Scenario(
        "a teacher connects with a pupil whose roll status is not given: precaution, and asked",
        "code.no-contact-with-children", True,
        sit("staff", "connect", counterpart={"role": "pupil"}, channel=PERSONAL),
        "prohibited", ["code.no-contact-with-children"],
        [ob("report", "dsl", "immediately", "code.report-child-contact")],
        missing=["counterpart.age", "counterpart.on_roll"],
    ),
    Scenario(
        "a pupil messages a teacher on Snapchat",
        "code.report-child-contact", True,
        sit("staff", "receive_message", counterpart=PUPIL,
            channel={"account": "personal", "platform": "snapchat"}),
        "allowed_with_conditions", ["code.report-child-contact"],
        [ob("report", "dsl", "immediately", "code.report-child-contact"),
         ob("keep_evidence", "self", "immediately", "code.report-child-contact")],
    ),
    Scenario(
        "a governor receives a pupil's message: reporting binds governors too",
        "code.report-child-contact", True,
        sit("governor", "receive_message", counterpart=PUPIL, channel=PERSONAL),
        "allowed_with_conditions", ["code.report-child-contact"],
        [ob("report", "dsl", "immediately", "code.report-child-contact")],
    ),
    Scenario(
        "a teacher receives a message from a colleague",
        "code.report-child-contact", False,
        sit("staff", "receive_message", counterpart=STAFF, channel=PERSONAL),
        "allowed", ["scope.staff"], no_obligations=True,
    ),
    Scenario(
        "a pupil tries to friend a teacher",
        "community.no-contact-with-staff", True,
        sit("pupil", "connect", actor={"age": 10}, counterpart=STAFF, channel=PERSONAL),
        "prohibited", ["community.no-contact-with-staff", "code.report-child-contact"],
        [ob("report", "dsl", "immediately", "code.report-child-contact"),
         ob("report", "headteacher", "promptly", "community.no-contact-with-staff")],
    ),
    # --- governors --------------------------------------------------------------------------------
    Scenario(
        "a governor connects with a pupil: the code is best practice for governors",
        "code.governors", True,
        sit("governor", "connect", counterpart=PUPIL, channel=PERSONAL),
        "advisory", ["code.governors", "code.no-contact-with-children"],
        [ob("report", "dsl", "immediately", "code.report-child-contact")],
    ),
    Scenario(
        "a governor posts confidential information: data protection still binds them",
        "conduct.legislation", True,
        sit("governor", "post", channel=PERSONAL, content={"confidential": True}),
        "prohibited", ["conduct.legislation"],
    ),
    # --- conduct.personal ---------------------------------------------------------------------------
    Scenario(
        "a teacher messages a 12-year-old who is not from the school community",
        "conduct.personal", True,
        sit("staff", "message", counterpart={"role": "public", "age": 12, "on_roll": "never"},
            channel=PERSONAL),
        "advisory", ["conduct.personal"],
        [ob("report", "dsl", "promptly", "conduct.personal")],
    ),
    Scenario(
        "a teacher messages an adult friend",
        "conduct.personal", False,
        sit("staff", "message", counterpart={"role": "public", "age": 40}, channel=PERSONAL),
        "allowed", ["scope.staff"], no_obligations=True,
    ),
    # --- parents ---------------------------------------------------------------------------------------
    Scenario(
        "a parent sends a teacher a friend request",
        "community.no-contact-with-staff", True,
        sit("parent", "connect", counterpart=STAFF, channel={"account": "personal", "platform": "facebook"}),
        "prohibited", ["community.no-contact-with-staff"],
        [ob("report", "headteacher", "promptly", "community.no-contact-with-staff")],
        missing=["permissions.social_contact_declared"],
    ),
    Scenario(
        "a parent follows the school's official Facebook page",
        "community.no-contact-with-staff", False,
        sit("parent", "connect", channel={"account": "official", "platform": "facebook"}),
        "allowed", ["community.no-contact-with-staff"], no_obligations=True,
    ),
    Scenario(
        "a teacher receives a parent's friend request",
        "community.no-contact-with-staff", True,
        sit("staff", "receive_message", counterpart=PARENT,
            channel={"account": "personal", "platform": "facebook"},
            permissions={"social_contact_declared": False}),
        "allowed_with_conditions", ["community.no-contact-with-staff"],
        [ob("report", "headteacher", "promptly", "community.no-contact-with-staff")],
    ),
    Scenario(
        "a teacher accepts a parent's friend request with no declared social contact",
        "community.no-contact-with-staff", True,
        sit("staff", "connect", counterpart=PARENT, channel=PERSONAL,
            permissions={"social_contact_declared": False}),
        "prohibited", ["community.no-contact-with-staff", "personal-info.social-contacts"],
    ),
    Scenario(
        "a teacher discusses a pupil with a parent on WhatsApp",
        "code.parent-communications", True,
        sit("staff", "message", counterpart=PARENT, channel={"account": "personal", "platform": "whatsapp"},
            content={"about": ["pupils"]}, permissions={"social_contact_declared": True}),
        "prohibited", ["code.parent-communications"],
        [ob("use_school_channel", "self", "before_acting", "code.parent-communications")],
    ),
    Scenario(
        "a teacher chats about the weekend with a parent who is a declared friend",
        "code.parent-communications", False,
        sit("staff", "message", counterpart=PARENT, channel={"account": "personal", "platform": "whatsapp"},
            content={"about": []}, permissions={"social_contact_declared": True}),
        "allowed_with_conditions", ["code.parent-communications", "personal-info.social-contacts"],
        no_obligations=True,
    ),
    Scenario(
        "a teacher e-mails a parent about their child from the school address",
        "code.parent-communications", False,
        sit("staff", "message", counterpart=PARENT, channel={"account": "school_email"},
            content={"about": ["pupils"]}),
        "allowed", ["personal-info.contact-details"], no_obligations=True,
    ),
    # --- personal information --------------------------------------------------------------------------
    Scenario(
        "a teacher gives a parent their personal mobile number",
        "personal-info.contact-details", True,
        sit("staff", "share_contact_details", counterpart=PARENT, channel={"account": "personal_phone"}),
        "prohibited", ["personal-info.contact-details"],
        [ob("use_school_channel", "self", "before_acting", "personal-info.contact-details")],
    ),
    Scenario(
        "a teacher texts a pupil from their own phone",
        "personal-info.contact-details", True,
        sit("staff", "message", counterpart=PUPIL, channel={"account": "personal_phone"}),
        "prohibited", ["code.no-contact-with-children", "personal-info.contact-details"],
        [ob("use_school_channel", "self", "before_acting", "personal-info.contact-details")],
    ),
    Scenario(
        "a teacher gives a parent the school's e-mail address",
        "personal-info.contact-details", False,
        sit("staff", "share_contact_details", counterpart=PARENT, channel={"account": "school_email"}),
        "allowed", ["personal-info.contact-details"], no_obligations=True,
    ),
    Scenario(
        "a teacher is in the same social circle as a pupil's parent, not yet declared",
        "personal-info.social-contacts", True,
        sit("staff", "have_social_contact", counterpart=PARENT),
        "allowed_with_conditions", ["personal-info.social-contacts"],
        [ob("declare", "senior_leadership", "promptly", "personal-info.social-contacts")],
        missing=["permissions.social_contact_declared"],
    ),
    Scenario(
        "a teacher's social contact with a family is declared",
        "personal-info.social-contacts", False,
        sit("staff", "have_social_contact", counterpart=PARENT,
            permissions={"social_contact_declared": True}),
        "allowed", ["personal-info.social-contacts"], no_obligations=True,
    ),
    # --- speaking for the school, branding -------------------------------------------------------------
    Scenario(
        "a teacher wants to post on the school's account without approval",
        "staff.speaking-for-school", True,
        sit("staff", "post", channel={"account": "official", "platform": "facebook"},
            permissions={"speak_for_school": False}),
        "needs_approval", ["staff.speaking-for-school"],
        [ob("seek_approval", "headteacher", "before_acting", "staff.speaking-for-school")],
    ),
    Scenario(
        "an approved spokesperson speaks for the school",
        "staff.speaking-for-school", False,
        sit("staff", "speak_for_school", permissions={"speak_for_school": True}),
        "allowed", ["staff.speaking-for-school"], no_obligations=True,
    ),
    Scenario(
        "an approved spokesperson whose training is outstanding",
        "staff.speaking-for-school", True,
        sit("staff", "speak_for_school",
            permissions={"speak_for_school": True, "training_complete": False}),
        "allowed_with_conditions", ["staff.speaking-for-school"],
        [ob("seek_approval", "headteacher", "before_acting", "staff.speaking-for-school")],
    ),
    Scenario(
        "a teacher uses the school logo on a personal fundraising page without permission",
        "code.school-branding", True,
        sit("staff", "use_branding", channel=PERSONAL, permissions={"branding_written_permission": False}),
        "needs_approval", ["code.school-branding"],
        [ob("seek_approval", "headteacher", "before_acting", "code.school-branding")],
    ),
    Scenario(
        "a teacher with written permission names the school in a post",
        "code.school-branding", False,
        sit("staff", "post", channel=PERSONAL, content={"school_branding": True},
            permissions={"branding_written_permission": True}),
        "allowed", ["code.school-branding"], no_obligations=True,
    ),
    # --- what staff post ---------------------------------------------------------------------------------
    Scenario(
        "a teacher posts sports-day photos of pupils on their own Facebook",
        "code.images", True,
        sit("staff", "post", channel={"account": "personal", "platform": "facebook"},
            content={"images_of": ["pupils"], "school_activity": True}),
        "prohibited", ["code.images"],
        [ob("use_school_channel", "self", "before_acting", "code.images")],
    ),
    Scenario(
        "the school's spokesperson posts sports-day photos on the school page",
        "code.images", False,
        sit("staff", "post", channel={"account": "official", "platform": "facebook"},
            content={"images_of": ["pupils"], "school_activity": True},
            permissions={"speak_for_school": True}),
        "allowed_with_conditions", ["code.images"],
    ),
    Scenario(
        "a teacher posts a photo of colleagues at a wedding, not a school activity",
        "code.images", False,
        sit("staff", "post", channel=PERSONAL,
            content={"images_of": ["staff"], "school_activity": False}),
        "allowed", ["scope.staff"], no_obligations=True,
    ),
    Scenario(
        "a teacher posts a defamatory comment about a colleague",
        "code.reputation", True,
        sit("staff", "post", channel=PERSONAL, content={"defamatory": True}),
        "prohibited", ["code.reputation", "enforcement.misconduct"],
    ),
    Scenario(
        "a governor posts a photo of their own family: data protection is not in play",
        "conduct.legislation", False,
        sit("governor", "post", channel=PERSONAL,
            content={"images_of": ["community"], "school_activity": False, "confidential": False,
                     "discriminatory": False}),
        "allowed", ["scope.staff"], no_obligations=True,
    ),
    Scenario(
        "a teacher posts holiday photos",
        "code.reputation", False,
        sit("staff", "post", channel=PERSONAL,
            content={"defamatory": False, "illegal_conduct": False, "damaging_to_school": False,
                     "images_of": [], "school_branding": False, "confidential": False,
                     "security_sensitive": False, "discriminatory": False}),
        "allowed", ["scope.staff"], no_obligations=True,
    ),
    Scenario(
        "a teacher posts the door code, even on the school account",
        "code.confidential-information", True,
        sit("staff", "post", channel={"account": "official"}, content={"security_sensitive": True},
            permissions={"speak_for_school": True}),
        "prohibited", ["code.confidential-information"],
    ),
    Scenario(
        "a teacher posts about the school trip with nothing confidential in it",
        "code.confidential-information", False,
        sit("staff", "post", channel={"account": "official"}, permissions={"speak_for_school": True},
            content={"about": ["activities"], "confidential": False, "security_sensitive": False}),
        "allowed", ["staff.speaking-for-school"], no_obligations=True,
    ),
    Scenario(
        "a teacher posts a discriminatory joke",
        "conduct.legislation", True,
        sit("staff", "post", channel=PERSONAL, content={"discriminatory": True}),
        "prohibited", ["conduct.legislation", "code.reputation"],
    ),
    # --- new staff ----------------------------------------------------------------------------------------
    Scenario(
        "a new teaching assistant joins the school",
        "code.review-own-profiles", True,
        sit("staff", "join_school", actor={"new_starter": True}),
        "allowed_with_conditions", ["code.review-own-profiles"],
        [ob("review_profiles", "self", "promptly", "code.review-own-profiles")],
    ),
    Scenario(
        "a new starter's post carries the profile review too",
        "code.review-own-profiles", True,
        sit("staff", "post", actor={"new_starter": True}, channel=PERSONAL, content={"images_of": []}),
        "allowed", ["scope.staff"],
        [ob("review_profiles", "self", "promptly", "code.review-own-profiles")],
    ),
    Scenario(
        "an established teacher posts: no profile review asked",
        "code.review-own-profiles", False,
        sit("staff", "post", actor={"new_starter": False}, channel=PERSONAL, content={"images_of": []}),
        "allowed", ["scope.staff"], no_obligations=True,
    ),
    # --- cyberbullying --------------------------------------------------------------------------------------
    Scenario(
        "a teacher is abused by a parent online",
        "cyberbullying.keep-records", True,
        sit("staff", "experience_abuse", counterpart=PARENT, channel={"account": "personal", "platform": "facebook"}),
        "advisory", ["cyberbullying.keep-records", "cyberbullying.reporting"],
        [ob("keep_evidence", "self", "immediately", "cyberbullying.keep-records"),
         ob("report", "line_manager", "promptly", "cyberbullying.reporting")],
    ),
    Scenario(
        "a teaching assistant is threatened by a pupil's older sibling online",
        "cyberbullying.reporting", True,
        sit("staff", "experience_abuse", counterpart={"role": "public", "age": 16},
            channel={"account": "personal", "platform": "tiktok"}),
        "advisory", ["cyberbullying.keep-records", "cyberbullying.reporting"],
        [ob("report", "line_manager", "promptly", "cyberbullying.reporting")],
    ),
    Scenario(
        "a pupil is bullied online: the DSL is told at once",
        "cyberbullying.keep-records", True,
        sit("pupil", "experience_abuse", actor={"age": 9}),
        "not_covered", ["exceptions.professional-judgement"],
        [ob("report", "dsl", "immediately", "purpose")],
    ),
    # --- monitoring -------------------------------------------------------------------------------------------
    Scenario(
        "a teacher uses Instagram on a school laptop",
        "monitoring", True,
        sit("staff", "access", channel=PERSONAL, device="school", network="staff_network"),
        "allowed", ["monitoring"], no_obligations=True,
    ),
    Scenario(
        "a teacher uses Instagram at home on their own phone",
        "monitoring", False,
        sit("staff", "access", channel=PERSONAL, device="personal", network="off_site"),
        "allowed", ["scope.staff"], no_obligations=True,
    ),
    # --- pupils and parents -------------------------------------------------------------------------------------
    Scenario(
        "a 10-year-old pupil signs up to TikTok",
        "community.age-restrictions", True,
        sit("pupil", "sign_up", actor={"age": 10}, channel={"account": "personal", "platform": "tiktok"}),
        "prohibited", ["community.age-restrictions"],
        [ob("report", "dsl", "promptly", "community.age-restrictions")],
    ),
    Scenario(
        "a pupil of unknown age signs up to Snapchat: precaution, and the age is asked",
        "community.age-restrictions", True,
        sit("pupil", "sign_up", channel={"account": "personal", "platform": "snapchat"}),
        "prohibited", ["community.age-restrictions"], missing=["actor.age"],
    ),
    Scenario(
        "a 13-year-old former pupil signs up to TikTok",
        "community.age-restrictions", False,
        sit("pupil", "sign_up", actor={"age": 13}, channel={"account": "personal", "platform": "tiktok"}),
        "allowed", ["community.age-restrictions"], no_obligations=True,
    ),
    Scenario(
        "a pupil signs up to a platform the catalogue does not know",
        "community.age-restrictions", False,
        sit("pupil", "sign_up", actor={"age": 10}, channel={"platform": "some-new-app"}),
        "allowed_with_conditions", ["community.age-restrictions"], missing=["channel.platform"],
    ),
    Scenario(
        "a parent scrolls Facebook on the guest WiFi",
        "community.wifi", True,
        sit("parent", "access", channel={"platform": "facebook"}, network="guest_wifi", device="personal"),
        "prohibited", ["community.wifi", "definition.social-media"],
    ),
    Scenario(
        "a parent uses Facebook on mobile data at the school gate",
        "community.wifi", False,
        sit("parent", "access", channel={"platform": "facebook"}, network="mobile_data", device="personal"),
        "allowed", ["community.context"], no_obligations=True,
    ),
    Scenario(
        "a parent reads a news site on the guest WiFi",
        "community.wifi", False,
        sit("parent", "access", channel={"platform": "bbc-news"}, network="guest_wifi", device="personal"),
        "allowed", ["community.wifi"], missing=["channel.platform"],
    ),
    Scenario(
        "a pupil reaches inappropriate content on the pupil network",
        "community.inappropriate-content", True,
        sit("pupil", "access", actor={"age": 9}, network="pupil_network", on_premises=True,
            content={"inappropriate": True}),
        "prohibited", ["community.inappropriate-content"],
        [ob("report", "headteacher", "promptly", "community.inappropriate-content"),
         ob("report", "dsl", "immediately", "purpose")],
    ),
    Scenario(
        "a parent opens ordinary content on the premises",
        "community.inappropriate-content", False,
        sit("parent", "access", on_premises=True, network="mobile_data", content={"inappropriate": False}),
        "allowed", ["community.context"], no_obligations=True,
    ),
    Scenario(
        "a parent posts a malicious comment about a teacher",
        "community.no-damaging-content", True,
        sit("parent", "post", channel={"account": "personal", "platform": "facebook"},
            content={"about": ["staff"], "damaging_to_school": True}),
        "prohibited", ["community.no-damaging-content"],
    ),
    Scenario(
        "a parent celebrates their child's sports day",
        "community.no-damaging-content", False,
        sit("parent", "post", channel={"account": "personal", "platform": "facebook"},
            content={"about": ["activities"], "damaging_to_school": False, "defamatory": False}),
        "allowed", ["community.context"], no_obligations=True,
    ),
    Scenario(
        "a parent's discriminatory post about a family, which happened",
        "community.sanctions", True,
        sit("parent", "post", occurred=True, channel={"account": "personal", "platform": "facebook"},
            content={"discriminatory": True}),
        "prohibited", ["community.sanctions", "freedom-of-expression"],
        [ob("report", "headteacher", "promptly", "community.sanctions"),
         ob("seek_advice", "local_authority_safeguarding_lead", "promptly", "incident.advice")],
    ),
    Scenario(
        "a parent's lawful, critical review of a school decision",
        "community.sanctions", False,
        sit("parent", "post", channel={"account": "personal", "platform": "mumsnet"},
            content={"about": ["school_decisions"], "discriminatory": False, "illegal_conduct": False,
                     "defamatory": False, "damaging_to_school": False}),
        "allowed", ["community.context"], no_obligations=True,
    ),
    Scenario(
        "a member of the public posts something unlawful about the school",
        "freedom-of-expression", True,
        sit("public", "post", content={"defamatory": True}),
        "prohibited", ["freedom-of-expression"],
    ),
    Scenario(
        "a member of the public posts lawfully",
        "freedom-of-expression", False,
        sit("public", "post", content={"defamatory": False, "illegal_conduct": False,
                                       "discriminatory": False}),
        "allowed", ["freedom-of-expression"], no_obligations=True,
    ),
    # --- enforcement --------------------------------------------------------------------------------------------
    Scenario(
        "a teacher did post pupils' photos: the breach is investigated",
        "enforcement.investigation", True,
        sit("staff", "post", occurred=True, channel=PERSONAL,
            content={"images_of": ["pupils"], "school_activity": True}),
        "prohibited", ["code.images"],
        [ob("investigate", "headteacher", "promptly", "enforcement.investigation"),
         ob("seek_advice", "local_authority_safeguarding_lead", "promptly", "incident.advice")],
    ),
    Scenario(
        "a teacher's post that is allowed is not investigated",
        "enforcement.investigation", False,
        sit("staff", "post", occurred=True, channel=PERSONAL, content={"images_of": []}),
        "allowed", ["scope.staff"], no_obligations=True,
    ),
    Scenario(
        "misconduct: a post that damages the school's reputation",
        "enforcement.misconduct", True,
        sit("trainee", "post", channel=PERSONAL, content={"damaging_to_school": True}),
        "prohibited", ["code.reputation", "enforcement.misconduct"],
    ),
    Scenario(
        "incident advice: a pupil's over-age account came to light",
        "incident.advice", True,
        sit("pupil", "sign_up", occurred=True, actor={"age": 8}, channel={"platform": "instagram"}),
        "prohibited", ["community.age-restrictions"],
        [ob("seek_advice", "local_authority_safeguarding_lead", "promptly", "incident.advice")],
    ),
    # --- not covered ------------------------------------------------------------------------------------------------
    Scenario(
        "something the policy does not foresee",
        "exceptions.professional-judgement", True,
        sit("staff", "other"),
        "not_covered", ["exceptions.professional-judgement"],
        [ob("report", "headteacher", "promptly", "exceptions.professional-judgement")],
    ),
    Scenario(
        "an ordinary action the policy does cover is not referred to judgement",
        "exceptions.professional-judgement", False,
        sit("staff", "sign_up", channel={"platform": "instagram"}, device="personal", network="off_site"),
        "allowed", ["scope.staff"], no_obligations=True,
    ),
]
