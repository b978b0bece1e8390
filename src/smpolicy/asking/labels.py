"""Plain words for the contract's vocabulary, as staff read them on the Ask the policy page."""

from __future__ import annotations

from typing import Any

ROLE = {
    "staff": "A member of staff",
    "volunteer": "A volunteer",
    "trainee": "A trainee or student on placement",
    "governor": "A governor",
    "elected_member": "An elected member",
    "third_party": "Someone working for the school (a partner or contractor)",
    "pupil": "A pupil",
    "parent": "A parent or carer",
    "public": "Someone else (a member of the public)",
}
ACTION = {
    "connect": "Friend, follow, invite or accept someone on social media",
    "message": "Message someone privately (DM, chat, text, e-mail, call)",
    "receive_message": "Received a message or friend request",
    "post": "Post something (a post, comment, story, photo or video)",
    "share_contact_details": "Give someone my e-mail address or phone number",
    "speak_for_school": "Speak on behalf of the school",
    "use_branding": "Use the school's name, logo or published material",
    "sign_up": "Sign up to a platform",
    "access": "Open a website, app or content",
    "experience_abuse": "Being abused, threatened or humiliated online (cyberbullying)",
    "join_school": "Just joined the school",
    "have_social_contact": "Know a pupil's family socially (same social circle)",
    "other": "Something else",
}
COUNTERPART = {
    "": "Nobody in particular",
    "pupil": "A pupil or former pupil",
    "parent": "A parent or carer",
    "staff": "A colleague",
    "governor": "A governor",
    "public": "Someone else",
}
ON_ROLL = {
    "": "Not sure",
    "current": "At the school now",
    "former": "Used to be at the school",
    "never": "Has never been at the school",
}
ACCOUNT = {
    "": "Not sure / not relevant",
    "personal": "My own social media account",
    "official": "The school's official account (website, school Facebook page)",
    "school_email": "My school e-mail",
    "personal_email": "My personal e-mail",
    "school_phone": "A school phone",
    "personal_phone": "My own phone",
}
NETWORK = {
    "": "Not sure / not relevant",
    "guest_wifi": "The school's guest WiFi",
    "staff_network": "The school's staff network",
    "pupil_network": "The school's pupil network",
    "mobile_data": "Mobile data",
    "off_site": "Away from school",
}
DEVICE = {"": "Not sure / not relevant", "personal": "My own device", "school": "A school device"}
ABOUT = {
    "pupils": "Pupils",
    "staff": "Staff",
    "staffing": "Staffing arrangements",
    "school_information": "School information",
    "activities": "School activities",
    "school_decisions": "Decisions the school has taken",
}
IMAGES_OF = {
    "pupils": "Pupils",
    "staff": "Staff",
    "governors": "Governors",
    "community": "Others connected with the school",
}
FLAGS = {
    "school_activity": "It shows or is about a school activity",
    "school_branding": "It uses the school's name or logo",
    "confidential": "It has confidential or business-sensitive information",
    "security_sensitive": "It could compromise the school's security "
    "(codes, passwords, who is where)",
    "illegal_conduct": "It links the school or someone to illegal conduct",
    "defamatory": "It makes an allegation against someone",
    "discriminatory": "It is discriminatory",
    "damaging_to_school": "It could damage the school's reputation",
    "inappropriate": "It is inappropriate content (adult, violent, gambling...)",
}
PERMISSIONS = {
    "speak_for_school": "Has the Headteacher approved you to speak for the school?",
    "training_complete": "Have you completed the training the Headteacher asked for?",
    "branding_written_permission": "Do you have the Headteacher's written permission to use the "
    "school's name or logo?",
    "social_contact_declared": "Have you declared this social contact to the senior leadership "
    "team?",
}
VERDICT = {
    "allowed": "Allowed",
    "allowed_with_conditions": "Allowed, if you do what follows",
    "needs_approval": "Needs approval first",
    "prohibited": "Not allowed",
    "advisory": "Best practice (advice, not a rule for you)",
    "not_covered": "The policy does not cover this",
}
OBLIGATION_KIND = {
    "report": "Report it",
    "keep_evidence": "Keep the evidence",
    "declare": "Declare it",
    "seek_approval": "Get approval",
    "seek_advice": "Seek advice",
    "review_profiles": "Review your social media profiles",
    "use_school_channel": "Use the school's channels instead",
    "investigate": "It will be investigated",
}
OBLIGATION_TO = {
    "dsl": "the Designated Safeguarding Lead (or deputy)",
    "headteacher": "the Headteacher",
    "line_manager": "your line manager (or the Headteacher)",
    "senior_leadership": "the senior leadership team",
    "local_authority_safeguarding_lead": "the Local Authority Safeguarding Lead",
    "self": "you",
}
OBLIGATION_WHEN = {
    "immediately": "now",
    "promptly": "promptly",
    "before_acting": "before you act",
}
FIELD = {
    "actor.role": "who you are",
    "actor.age": "the pupil's age (at the top: who are you, and the pupil's age)",
    "actor.new_starter": "whether you are new to the school",
    "counterpart.role": "who the other person is",
    "counterpart.age": "the other person's age",
    "counterpart.on_roll": "whether the pupil is at the school now, used to be, or never was",
    "channel.account": "which account or channel",
    "channel.platform": "which platform (one we know the terms of)",
    "network": "which network",
    "device": "which device",
    "on_premises": "whether it was on the school's premises",
    "permissions.speak_for_school": "whether you are approved to speak for the school",
    "permissions.training_complete": "whether your training is complete",
    "permissions.branding_written_permission": "whether you hold written permission for branding",
    "permissions.social_contact_declared": "whether the social contact is declared",
}


# Who a report goes to, as a heading says it (short; the steps below give the full title).
HEADING_TO = {
    "dsl": "the DSL",
    "headteacher": "the Headteacher",
    "line_manager": "your line manager",
    "senior_leadership": "the senior leadership team",
    "local_authority_safeguarding_lead": "the Local Authority Safeguarding Lead",
}
# Actions where something came to the person: what they must not do is take it further.
RECEIVED = {"receive_message": "Do not accept or reply"}
URGENCY = ("immediately", "promptly", "before_acting")


def heading(decision: dict[str, Any], action: str = "") -> str:
    """The answer's heading. The verdict in words, except where "allowed, with conditions"
    comes with reports to make: receiving a pupil's request broke no rule, but "Allowed" reads
    as leave to go on, so the heading is then what the obligations say to do."""
    reports = [ob for ob in decision["obligations"] if ob["kind"] == "report"]
    if decision["verdict"] != "allowed_with_conditions" or not reports:
        return VERDICT[decision["verdict"]]
    reports.sort(key=lambda ob: URGENCY.index(ob["when"]) if ob["when"] in URGENCY else 9)
    seen: list[str] = []
    for ob in reports:
        words = (f"{HEADING_TO.get(ob['to'], OBLIGATION_TO.get(ob['to'], ob['to']))} "
                 f"{OBLIGATION_WHEN.get(ob['when'], ob['when'])}")
        if words not in seen:
            seen.append(words)
    step = "report it to " + " and to ".join(seen)
    if action in RECEIVED:
        return f"{RECEIVED[action]}; {step}"
    return step[0].upper() + step[1:]


def obligation_text(obligation: dict[str, str]) -> str:
    """'Report it to the Designated Safeguarding Lead (or deputy), now.'"""
    kind = obligation["kind"]
    to = obligation["to"]
    when = OBLIGATION_WHEN.get(obligation["when"], obligation["when"])
    what = OBLIGATION_KIND.get(kind, kind)
    if obligation.get("check") == "photo_consent":
        what = "Check every pupil shown has photo consent, and get the post approved"
    elif obligation.get("check") == "training":
        what = "Check your training is complete"
    if to == "self":
        return f"{what}, {when}."
    return f"{what} — {OBLIGATION_TO.get(to, to)}, {when}."


def describe(situation: dict[str, object]) -> list[tuple[str, str]]:
    """A question asked, as the person who asked it would read it: (what, answer) pairs in the
    page's words, for a subject access bundle. Nothing raw: no field names, no True or False."""

    def yes_no(value: object) -> str:
        return "Yes" if value else "No"

    def part(name: str) -> dict[str, object]:
        value = situation.get(name)
        return value if isinstance(value, dict) else {}

    out: list[tuple[str, str]] = []
    actor, counterpart, channel = part("actor"), part("counterpart"), part("channel")
    content, permissions = part("content"), part("permissions")
    if actor.get("role"):
        out.append(("Who was asking", ROLE.get(str(actor["role"]), str(actor["role"]))))
    if actor.get("age") is not None:
        out.append(("The pupil's age", str(actor["age"])))
    if "new_starter" in actor:
        out.append(("New to the school", yes_no(actor["new_starter"])))
    if situation.get("action"):
        action = str(situation["action"])
        out.append(("What happened, or was to be done", ACTION.get(action, action)))
    if counterpart.get("role"):
        who = COUNTERPART.get(str(counterpart["role"]), str(counterpart["role"]))
        if counterpart.get("age") is not None:
            who += f", aged {counterpart['age']}"
        if counterpart.get("on_roll"):
            who += f" ({ON_ROLL.get(str(counterpart['on_roll']), '').lower()})"
        out.append(("Who else was involved", who))
    if channel.get("account"):
        out.append(("Account or channel", ACCOUNT.get(str(channel["account"]),
                                                       str(channel["account"]))))
    if channel.get("platform"):
        out.append(("Platform", str(channel["platform"]).replace("_", " ").title()))
    for name, labels in (("network", NETWORK), ("device", DEVICE)):
        if situation.get(name):
            out.append((name.capitalize(), labels.get(str(situation[name]), str(situation[name]))))
    if "on_premises" in situation:
        out.append(("On the school's premises", yes_no(situation["on_premises"])))
    about = [ABOUT.get(str(a), str(a)) for a in content.get("about") or []]  # type: ignore[union-attr]
    if about:
        out.append(("About", ", ".join(about)))
    pictured = [IMAGES_OF.get(str(a), str(a)) for a in content.get("images_of") or []]  # type: ignore[union-attr]
    if pictured:
        out.append(("Pictures of", ", ".join(pictured)))
    ticked = [text for flag, text in FLAGS.items() if content.get(flag) is True]
    if ticked:
        out.append(("What was true of it", "; ".join(ticked)))
    for name, question in PERMISSIONS.items():
        if name in permissions:
            out.append((question, yes_no(permissions[name])))
    return out
