"""What every session may read on every route: the oracle of tests/web/test_route_matrix.py.

It is written from the promise (issue 10, the README's need-to-know rules), not read off the code:

- Safeguarding records (reports, evidence, cases, transfers, chronologies), second factors, the
  posts that open them, policy versions and subject access requests open only with a second
  factor verified in this session, and only to the DSL team (the DSL, deputies, the headteacher)
  or the person the product routes a record to (the Chair, for an allegation against the
  headteacher); whoever made a report sees it and what they added to it.
- A record about someone is hidden from them (the headteacher does not read the allegation
  against them).
- Nothing of one school opens with another school's ids: 404 (or the door's own refusal first).
- A deployment superuser is not a back door: on the site it is a person of no school (403), and
  the admin needs the second factor and has no safeguarding model at all.

Answers: "200"; "login" (sent to sign in); "2fa" (sent to the second factor's pages); "302"
(sent anywhere else); or the status code ("403", "404", "405", "401").

Where a refusal could come from either of two doors (say 403 for the capability or a request
for the second factor first), the oracle follows the order each kind of page states in its
docstring (safeguarding.access, registers.roles, schools.access): that order is a choice of
wording, not of who may read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

HOME = "straits"
REFUSALS = frozenset({"login", "2fa", "403", "404"})

# The safeguarding models the admin must not have: its catch-all answers 404 where they would be.
UNREGISTERED_ADMIN_MODELS = [
    ("safeguarding", "report"), ("safeguarding", "evidence"), ("safeguarding", "case"),
    ("safeguarding", "auditentry"), ("safeguarding", "secondfactor"),
    ("safeguarding", "recoverycode"), ("safeguarding", "accesschange"),
    ("safeguarding", "registerentry"), ("registers", "policyversion"),
    ("registers", "subjectaccessrequest"), ("posting", "spokespersonevent"),
]

ROLE = {
    "teacher": "staff", "colleague": "staff", "business": "staff", "it_lead": "staff",
    "slt": "staff", "head": "staff", "dsl": "staff", "deputy": "staff",
    "volunteer": "volunteer", "governor": "governor", "chair": "governor",
    "pupil": "pupil", "parent": "parent",
}
DSL_TEAM = frozenset({"head", "dsl", "deputy"})  # the headteacher holds the DSL team's access
LEADS = frozenset({"head", "slt"})  # the headteacher and senior leaders
APPROVERS = frozenset({"head", "slt", "chair"})  # of official posts
GOVERNANCE = frozenset({"head", "governor", "chair"})
NETWORK = frozenset({"head", "dsl", "deputy", "it_lead"})
API_KEYS = frozenset({"head", "it_lead"})
# Those with an authenticator app: the people the matrix signs in with the second factor.
ENROLLED = frozenset({"head", "dsl", "deputy", "chair"})


@dataclass(frozen=True)
class Case:
    route: str
    pattern: str
    variant: str  # "-", a school's slug, "allegation", "guarded", or a schoolless value
    session: Any  # matrix_world.Session

    @property
    def who(self) -> str | None:
        return self.session.person

    @property
    def own(self) -> bool:
        """The URL names a record of the session's own school."""
        school = HOME if self.variant in ("allegation", "guarded") else self.variant
        return school == self.session.school

    @property
    def workforce(self) -> bool:  # the people the policy covers: staff, volunteers, governors
        return ROLE.get(self.who or "") in ("staff", "volunteer", "governor")

    @property
    def verified(self) -> bool:
        return bool(self.session.verified)

    @property
    def privileged(self) -> bool:
        """Asked for the second factor before any safeguarding page opens."""
        return self.session.superuser or self.who in DSL_TEAM | {"chair"}

    @property
    def enrolled(self) -> bool:
        return self.session.superuser or self.who in ENROLLED


# -- the doors ----------------------------------------------------------------------------------

Door = Callable[[Case], str | None]  # a refusal, or None to let the session through


def signed_in_person(c: Case) -> str | None:
    """safeguarding.access.signed_in_person: a person of a school; the second factor for the
    DSL team, the headteacher, the Chair and administrators."""
    if c.session.anonymous:
        return "login"
    if c.who is None:
        return "403"  # a superuser is a person of no school
    if c.privileged and not c.verified:
        return "2fa"
    return None


def second_factor(c: Case) -> str | None:
    """safeguarding.access.second_factor_view: a person of a school, past the second factor."""
    if c.session.anonymous:
        return "login"
    if c.who is None:
        return "403"
    return None if c.verified else "2fa"


def case_handler(c: Case) -> str | None:
    """safeguarding.access.case_handler_view: the DSL team and the Chair, second factor always."""
    if c.session.anonymous:
        return "login"
    if c.who not in DSL_TEAM | {"chair"}:
        return "403"
    return None if c.verified else "2fa"


def capability(holders: frozenset[str] | Callable[[Case], bool]) -> Door:
    """schools.access.requires: a capability; a superuser holds none that shows a school."""
    def door(c: Case) -> str | None:
        if c.session.anonymous:
            return "login"
        allowed = holders(c) if callable(holders) else c.who in holders
        return None if allowed and c.who is not None else "403"
    return door


def register(holders: frozenset[str] | Callable[[Case], bool], *,
             second_factor: bool = False) -> Door:
    """registers.roles.requires_register: a person with the register capability; the second
    factor for policy versions and subject access."""
    def door(c: Case) -> str | None:
        if c.session.anonymous:
            return "login"
        if c.who is None:
            return "403"
        allowed = holders(c) if callable(holders) else c.who in holders
        if not allowed:
            return "403"
        if second_factor and not c.verified:
            return "2fa"
        return None
    return door


def signed_in(c: Case) -> str | None:
    return "login" if c.session.anonymous else None


def public(c: Case) -> str | None:
    return None


def workforce(c: Case) -> bool:
    return c.workforce


# -- what a session let through reads -----------------------------------------------------------


def own_record(readers: Callable[[Case], bool] | frozenset[str], ok: str = "200") -> Callable:
    """A record of the session's school that ``readers`` may read; 404 for anyone else (the
    same answer as for no record at all), and for every record of another school."""
    def read(c: Case) -> str:
        if not c.own:
            return "404"
        allowed = readers(c) if callable(readers) else c.who in readers
        return ok if allowed else "404"
    return read


def report_readers(c: Case) -> bool:
    """The teacher's report about a pupil: the teacher who made it, the DSL team. The
    allegation against the headteacher: the DSL who made it, and the Chair it is routed to;
    never the headteacher it is about."""
    if c.variant == "allegation":
        return c.who in ("dsl", "chair")
    return c.who == "teacher" or c.who in DSL_TEAM


def report_handlers(c: Case) -> bool:
    """Who acts on a report (triage, destruction, keeping it longer): whoever may open it in
    full; making a report is not handling it."""
    if c.variant == "allegation":
        return c.who == "chair"
    return c.who in DSL_TEAM


def status(answer: str) -> Callable[[Case], str]:
    return lambda c: answer


def ok(c: Case) -> str:
    return "200"


@dataclass(frozen=True)
class Rule:
    door: Door
    then: Callable[[Case], str] = ok
    post_only: bool = False  # GET is 405: the method is checked first, before any door
    post_after_door: bool = False  # GET is 405 once through the door


R = Rule
SAFEGUARDING: dict[str, Rule] = {
    # Every member of the workforce reports; pupils and parents have no safeguarding pages.
    "index": R(signed_in_person, lambda c: "200" if c.workforce else "403"),
    "report_new": R(signed_in_person, lambda c: "200" if c.workforce else "403"),
    # Lists of one's own: one's reports, one's alerts (each opens only a record one may read).
    # Debatable: the alerts page is open to everyone signed in rather than to the DSL team
    # alone, because an alert goes to whoever a report is routed to (a line manager, the Chair)
    # and lists nothing but that person's own alerts.
    "my_reports": R(signed_in_person),
    "alerts": R(signed_in_person),
    "report_detail": R(signed_in_person, own_record(report_readers)),
    "evidence_add": R(signed_in_person, own_record(report_readers)),
    "evidence_correct": R(signed_in_person, own_record(report_readers)),
    "evidence_file": R(signed_in_person, own_record(report_readers)),
    # A report already in a case (the teacher's) is not triaged again: its page sends the
    # handler to the case.
    "triage": R(case_handler, lambda c: own_record(
        report_handlers, ok="200" if c.variant == "allegation" else "302")(c)),
    "destroy": R(case_handler, own_record(report_handlers)),
    "retention_change": R(case_handler, own_record(report_handlers)),
    "records": R(case_handler),
    "cases": R(case_handler),
    "retention": R(case_handler),
    # The case holds the teacher's report: the Chair, who may not open it, may not open it.
    "case_detail": R(case_handler, own_record(DSL_TEAM)),
    **{name: R(case_handler, own_record(DSL_TEAM), post_after_door=True) for name in (
        "action_add", "outcome_add", "advice_add", "police_referral_add", "case_close",
        "action_done")},
    # Chronologies and a pupil's file: the DSL team only (the Chair handles the cases routed
    # to them, not a pupil's whole history).
    "people": R(case_handler, lambda c: "200" if c.who in DSL_TEAM else "403"),
    "chronology": R(case_handler, lambda c: "403" if c.who not in DSL_TEAM else
                    own_record(DSL_TEAM)(c)),
    "transfer_new": R(case_handler, lambda c: "403" if c.who not in DSL_TEAM and c.own else
                      own_record(DSL_TEAM)(c)),
    "transfer_detail": R(case_handler, own_record(DSL_TEAM)),
    # The button queues the file for a worker (see EXPORTS): a form, never a link.
    "transfer_export": R(case_handler, own_record(DSL_TEAM), post_after_door=True),
    # Anonymised counts: governors, the Chair and the headteacher.
    "governor_counts": R(signed_in_person,
                         lambda c: "200" if c.who in GOVERNANCE else "403"),
    "audit": R(case_handler, lambda c: "200" if c.who == "head" else "403"),
    # The Teams channel alerts go to: the DSL team and the headteacher, not the Chair.
    "teams_channel": R(case_handler, lambda c: "200" if c.who in DSL_TEAM else "403"),
    # The second factor's own pages: set up once, then give a code (or a recovery code).
    "second_factor_setup": R(signed_in, lambda c: "2fa" if c.enrolled else "200"),
    "second_factor_verify": R(signed_in, lambda c: "200" if c.enrolled else "2fa"),
    "second_factor_recover": R(signed_in, lambda c: "200" if c.enrolled else "2fa"),
    "recovery_codes": R(second_factor),
    # Posts and access: those who ask (people managers, the DSL team) or confirm (the
    # headteacher, the Chair), each with the second factor.
    "access_changes": R(second_factor,
                        lambda c: "200" if c.who in DSL_TEAM | LEADS | {"chair"} else "403"),
    "access_change_decide": R(second_factor, own_record(DSL_TEAM | LEADS | {"chair"}),
                              post_only=True),
    # Parents raise a concern without an account, from the link they were sent.
    "parent_concern": R(public),
    "parent_concern_write": R(public),
}

NETWORK_PAGES: dict[str, Rule] = {
    # The IT lead and the DSL team; no second factor for the pages themselves, which show a
    # pupil's identity only to the DSL team with it (see SEES["finding"]).
    **{name: R(capability(NETWORK)) for name in (
        "findings", "findings_csv", "upload", "blocklist", "reviews", "settings")},
    "finding": R(capability(NETWORK), own_record(NETWORK)),
    "review_correct": R(capability(NETWORK), own_record(NETWORK)),
    # A log scan's page and its progress (its name is the uploaded file's).
    "scan": R(capability(NETWORK), own_record(NETWORK)),
    "scan_progress": R(capability(NETWORK), own_record(NETWORK)),
}


def post_viewers(c: Case) -> bool:
    return c.who == "teacher" or c.who in APPROVERS  # the author, and those who approve


POSTING: dict[str, Rule] = {
    **{name: R(capability(workforce)) for name in (
        "check", "queues", "alerts", "spokespeople", "consent", "branding")},
    "post": R(capability(workforce), own_record(post_viewers)),
    "post_image": R(capability(workforce), own_record(post_viewers)),
    # Only the author edits and tags; the approvers who may see it are told so.
    **{name: R(capability(workforce), lambda c: ("200" if c.who == "teacher" else "403")
               if c.own and post_viewers(c) else "404") for name in ("post_edit", "post_tags")},
    # A draft is not exported: its viewers are sent back to it.
    "post_export": R(capability(workforce), own_record(post_viewers, ok="302")),
    **{name: R(capability(workforce), own_record(post_viewers), post_only=True) for name in (
        "post_check", "post_submit", "post_approve", "post_reject", "post_publish",
        "post_withdraw", "post_image_clean")},
    # The headteacher alone changes the spokespeople: anyone else is told so first.
    "spokesperson_change": R(capability(workforce), lambda c: own_record({"head"})(c)
                             if c.who == "head" else "403", post_only=True),
    # Consent is needed by whoever posts a photo; its bulk import changes records about
    # children: the DSL team and the headteacher.
    "consent_pupil": R(capability(workforce), own_record(workforce)),
    "consent_import": R(capability(DSL_TEAM)),
    "branding_decide": R(capability({"head"}), own_record({"head"})),
    "settings": R(capability({"head"})),
}

SIGNERS = frozenset({"head", "chair"})
VERSION_READERS = frozenset({"head", "slt", "governor", "chair"})  # lead, governance, signers
SUBJECT_ACCESS = DSL_TEAM


def version_file(c: Case) -> str:
    """A draft's PDF and YAML: those who read versions, with the second factor."""
    if not c.own or c.who not in VERSION_READERS:
        return "404"
    return "200" if c.verified else "2fa"


REGISTERS: dict[str, Rule] = {
    **{name: R(register(workforce)) for name in (
        "home", "declarations", "declare", "policy", "advisories", "advise", "reminders")},
    # The teacher's declaration: theirs, and the leaders' and the DSL team's to read.
    "declaration": R(register(workforce),
                     own_record(frozenset({"teacher", "slt"}) | DSL_TEAM)),
    "acknowledge_declaration": R(register(LEADS), own_record(LEADS), post_only=True),
    "review_declaration": R(register(workforce), own_record({"teacher"})),
    # One's own profile review opens at once when one is open.
    "my_profile_review": R(register(workforce),
                           lambda c: "302" if c.who == "teacher" else "200"),
    "profile_reviews": R(register(LEADS)),
    "profile_review": R(register(workforce), own_record({"teacher"} | LEADS)),
    "coverage": R(register(LEADS | GOVERNANCE)),
    "versions": R(register(VERSION_READERS, second_factor=True)),
    "new_version": R(register(LEADS, second_factor=True)),
    "version": R(register(VERSION_READERS, second_factor=True), own_record(VERSION_READERS)),
    **{name: R(register(LEADS, second_factor=True), own_record(LEADS), post_only=True)
       for name in ("version_submit", "version_draft", "version_review_date",
                    "version_archive")},
    **{name: R(register(SIGNERS, second_factor=True), own_record(SIGNERS), post_only=True)
       for name in ("version_sign", "version_meeting")},
    "version_in_force": R(register({"head"}, second_factor=True), own_record({"head"}),
                          post_only=True),
    "version_pdf": R(register(workforce), version_file),
    "version_yaml": R(register(workforce), version_file),
    "oversight": R(register(LEADS | GOVERNANCE | DSL_TEAM)),
    # A professional judgement: who gave it and the headteacher it went to.
    "advisory": R(register(workforce), own_record({"teacher", "head"})),
    "governors": R(register(GOVERNANCE)),
    "governors_report": R(register(GOVERNANCE)),
    "governors_pdf": R(register(GOVERNANCE), post_after_door=True),  # queues it (EXPORTS)
    "settings": R(register(LEADS)),
    "access_requests": R(register(SUBJECT_ACCESS, second_factor=True)),
    "access_request": R(register(SUBJECT_ACCESS, second_factor=True), own_record(SUBJECT_ACCESS)),
    "access_bundle": R(register(SUBJECT_ACCESS, second_factor=True), own_record(SUBJECT_ACCESS)),
}


def person_of_a_school(c: Case) -> str | None:
    """smpolicy.jobs.views.signed_in_person: each kind of export asks for its own second
    factor, after the export is found."""
    if c.session.anonymous:
        return "login"
    return "403" if c.who is None else None


def own_export(c: Case) -> str:
    """The matrix's export is the DSL's child protection file: the DSL's alone (anyone else's
    404), with the second factor as for the file itself."""
    answer = own_record({"dsl"})(c)
    return "2fa" if answer == "200" and not c.verified else answer


# Files a worker builds for a page (smpolicy.jobs.exports): the page, its state, the download.
EXPORTS: dict[str, Rule] = {
    name: R(person_of_a_school, own_export) for name in (
        "export", "export_progress", "export_download")
}


def _not_signed_in(c: Case) -> str:
    return "200" if c.session.anonymous else "302"


SCHOOLS: dict[str, Rule] = {
    "home": R(signed_in),
    "login": R(public, _not_signed_in),
    "logout": R(public, post_only=True),
    "password_change": R(signed_in),
    "password_change_done": R(signed_in),
    # A reset link works for whoever holds it (it is a secret sent to one mailbox).
    "password_reset": R(public),
    "password_reset_done": R(public),
    "password_reset_confirm": R(public, status("302")),
    "password_reset_complete": R(public),
    # A superuser manages people in the admin: the site's pages need a school.
    "people": R(capability(LEADS)),
    "import_people": R(capability(LEADS)),
    # The people picker's search: whoever may use a form with a picker (Ask the policy, Check a
    # post, a report), only of their own school (the world's canary pupil, see QUERIES).
    "people_search": R(capability(workforce)),
    # The MIS sync: those who manage people, and the IT lead who connects systems.
    "mis_sync": R(capability(LEADS | {"it_lead"})),
    "api_keys": R(capability(API_KEYS)),
    "api_key_revoke": R(capability(API_KEYS), own_record(API_KEYS), post_only=True),
}

API: dict[str, Rule] = {
    "openapi-json": R(public),
    "openapi-view": R(public),
    "decisions": R(public, post_only=True),
    "check_post": R(public, post_only=True),
    "policy": R(lambda c: "401" if c.session.anonymous else None),
    "platforms": R(lambda c: "401" if c.session.anonymous else None),
    "api-root": R(public, status("404")),
}

SINGLE_SIGN_ON: dict[str, Rule] = {
    # allauth: the provider's login starts on a POST (a GET shows the button to press); the
    # callback without the provider's code and state is allauth's error page, 401.
    "openid_connect_login": R(public),
    "openid_connect_callback": R(public, status("401")),
    "socialaccount_login_cancelled": R(public),
    "socialaccount_login_error": R(public),
    # SAML, per school (its slug names the URLs): the button to press and the metadata its
    # identity provider reads are public; the assertion consumer hands a GET (no SAMLResponse)
    # on to its finish step, which is allauth's error page (401), as is a logout without a
    # request (400). Nothing there depends on who asks.
    "saml_login": R(public),
    "saml_metadata": R(public),
    "saml_acs": R(public, status("302")),
    "saml_finish_acs": R(public, status("401")),
    "saml_sls": R(public, status("400")),
}

SITE: dict[str, Rule] = {
    # For the reverse proxy and the monitoring: the same for everyone, and naming no school.
    # The matrix's deployment never ran escalation, so it is unhealthy (503) throughout.
    "healthz": R(public, status("503")),
}

# -- the admin ------------------------------------------------------------------------------------

# What the admin's own configuration refuses a superuser (has_add_permission and
# has_delete_permission): records that come from the app's own pages are never typed in, and
# nothing that keeps a register's history is deleted.
ADMIN_NO_ADD = frozenset({
    "asking_decisionrecord", "network_finding", "network_scanrun", "posting_spokesperson",
    "axes_accessattempt",
    "axes_accesslog", "axes_accessfailurelog",
})
ADMIN_NO_DELETE = frozenset({
    "posting_spokesperson", "posting_photoconsent",
})
# A person holding a post that opens safeguarding records, and their account, are not deleted
# in the admin, nor the account's password set there; the post itself is not shown at all.
GUARDED_NO_DELETE = frozenset({"schools_person", "auth_user"})


def admin_page(c: Case) -> str:
    name = c.route.removeprefix("admin:")
    if c.route == "admin:login":
        return "login"  # one sign-in page for the whole site
    if c.route in ("admin:logout",):
        return "405"
    if c.route == "admin:autocomplete":
        return "403"  # asked with no field to complete
    if c.route == "admin:view_on_site":
        return "404"  # a person has no page on the site
    if c.route == "admin:password_change" or c.route == "admin:password_change_done":
        return "200"
    if c.route.startswith("admin/"):  # unnamed: the catch-all, or a bare object URL
        if c.pattern == "admin/(?P<url>.*)$":
            return "404"
        return "302"  # a bare object URL sends on to its change page (or, not found, away)
    if c.route == "admin:auth_user_password_change":
        return "403" if c.variant == "guarded" else "200"
    model, _, page = name.rpartition("_")
    if page == "add":
        return "403" if model in ADMIN_NO_ADD else "200"
    if c.variant == "guarded" and model == "schools_position":
        return "302"  # not there: the admin does not have guarded posts
    if page == "delete" and (
        model in ADMIN_NO_DELETE or (c.variant == "guarded" and model in GUARDED_NO_DELETE)
    ):
        return "403"
    return "200"


def admin(c: Case) -> str:
    """The admin: anyone not signed in is sent to sign in; only a deployment's staff account
    gets in, and only with the second factor verified in this session."""
    if c.session.anonymous:
        return "login"
    if c.route == "admin:login":
        return "login"
    if not c.session.superuser:
        return "403"
    if not c.verified:
        return "2fa"
    return admin_page(c)


# -- lookup ---------------------------------------------------------------------------------------

GROUPS: dict[str, dict[str, Rule]] = {
    "safeguarding": SAFEGUARDING, "network": NETWORK_PAGES, "posting": POSTING,
    "registers": REGISTERS, "schools": SCHOOLS, "api": API, "jobs": EXPORTS, "asking": {
        "ask": R(capability(workforce)),
    },
}
# Routes named without a namespace (allauth's, the health check), by the part that answers.
UNNAMESPACED: dict[str, dict[str, Rule]] = {"sso": SINGLE_SIGN_ON, "site": SITE}


def group_of(route: str, pattern: str) -> str | None:
    """Which part of the oracle answers for a route; None: it says nothing (the test fails)."""
    if pattern.startswith("admin/"):
        return "admin"
    namespace, _, name = route.rpartition(":")
    if namespace in GROUPS and name in GROUPS[namespace]:
        return namespace
    return next((group for group, rules in UNNAMESPACED.items() if route in rules), None)


def rule_of(c: Case) -> Rule | None:
    group = group_of(c.route, c.pattern)
    if group in (None, "admin"):
        return None
    if group in UNNAMESPACED:
        return UNNAMESPACED[group][c.route]
    return GROUPS[group][c.route.rpartition(":")[2]]


def expected(c: Case) -> str:
    if group_of(c.route, c.pattern) == "admin":
        return admin(c)
    rule = rule_of(c)
    assert rule is not None
    if rule.post_only:
        return "405"
    refused = rule.door(c)
    if refused is not None:
        return refused
    return "405" if rule.post_after_door else rule.then(c)


# A POST, sent for the sessions a route refuses, must be refused by the same door. Not sent:
# the admin (its door is the GET's), the sign-in and public pages (a POST there is for
# everyone) and the API (its own tests post to it).
NOT_POSTED = frozenset({"api", "sso", "admin", "site"})
# Pages that read only: a POST past their door is refused as a method before any lookup.
GET_ONLY = frozenset({"safeguarding:evidence_file", "jobs:export", "jobs:export_progress",
                      "jobs:export_download"})


def expected_post(c: Case) -> str | None:
    """What a POST must get; None where none is sent (a session the route lets through)."""
    group = group_of(c.route, c.pattern)
    if group in NOT_POSTED or group is None:
        return None
    rule = rule_of(c)
    assert rule is not None
    refused = rule.door(c)
    if refused is not None:
        return refused
    if c.route in GET_ONLY:
        return "405"
    answer = rule.then(c)
    return answer if answer in REFUSALS else None


# -- who may see each record's canary in a page ---------------------------------------------------

SEES: dict[str, Callable[[Any], bool]] = {
    "report": lambda s: s.person == "teacher" or (s.person in DSL_TEAM and s.verified),
    "file": lambda s: s.person == "teacher" or (s.person in DSL_TEAM and s.verified),
    "allegation": lambda s: s.person in ("dsl", "chair") and s.verified,
    "case": lambda s: s.person in DSL_TEAM and s.verified,
    "action": lambda s: s.person in DSL_TEAM and s.verified,
    "transfer": lambda s: s.person in DSL_TEAM and s.verified,
    # A network finding's pupil: the DSL team with the second factor; never the IT lead.
    "finding": lambda s: s.person in DSL_TEAM and s.verified,
}
