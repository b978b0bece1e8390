"""The route matrix's world: two schools of one deployment, every record a route can name, and
a signed-in session for every role, post and second-factor state (tests/web/test_route_matrix.py).

Each school is tests/safeguarding/conftest.py's staffroom plus the posts it leaves out (an IT
lead, a senior leader, a business manager with no post). Records carry a canary in their text
(``canary(slug, what)``) so a test can tell whether a response shows them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from safeguarding.conftest import Staffroom, make_report, make_staffroom, png_bytes, upload
from smpolicy.safeguarding.testing import enrol, pass_second_factor
from smpolicy.schools import testing
from smpolicy.schools.models import Person, School

HOME, FOREIGN = "straits", "harbour"
PARENT_TOKEN = "a-parent-link-token-for-the-matrix"


def parent_token(slug: str) -> str:
    return f"{PARENT_TOKEN}-{slug}"


def canary(slug: str, what: str) -> str:
    return f"CANARY-{slug}-{what}-END"


@dataclass
class World:
    """One school's people and records, by the names the fillers use."""

    school: School
    room: Staffroom
    people: dict[str, Person]
    objects: dict[str, Any] = field(default_factory=dict)


def _png_image() -> tuple[bytes, int, int]:
    return png_bytes("matrix", size=(40, 30)), 40, 30


def build_school(name: str, slug: str) -> World:
    room = make_staffroom(name, slug)
    mk = testing.make_person
    extra = {
        "it_lead": mk(room.school, "staff", "Ian", f"Tech{slug.title()}", positions=["it_lead"]),
        "slt": mk(room.school, "staff", "Sue", f"Senior{slug.title()}",
                  positions=["senior_leadership"]),
        # The product has no business manager's post: a member of staff with no post at all.
        "business": mk(room.school, "staff", "Bea", f"Business{slug.title()}"),
    }
    for key, person in extra.items():
        testing.make_user(person, username=f"{key}.{slug}")
    people = {
        name: getattr(room, name)
        for name in ("head", "dsl", "deputy", "teacher", "colleague", "governor", "chair",
                     "volunteer", "pupil", "sibling", "parent")
    }
    people.update(extra)
    # A pupil whose name is a canary: the people search must find them only for their school.
    people["named_pupil"] = mk(room.school, "pupil", "Cara", canary(slug, "pupil"))
    world = World(room.school, room, people)
    _furnish(world)
    return world


def _furnish(world: World) -> None:
    from smpolicy.network.models import Finding
    from smpolicy.posting import recording as posting_records
    from smpolicy.posting import workflow
    from smpolicy.posting.models import PhotoConsent, PostImage
    from smpolicy.registers import declarations, profiles, sar, versions
    from smpolicy.registers.models import JudgementAdvisory
    from smpolicy.safeguarding import access_changes, evidence
    from smpolicy.safeguarding.models import Case, CaseAction, EmailVerification, Report, Transfer
    from smpolicy.schools import apikeys

    room, slug, o = world.room, world.school.slug, world.objects
    p = world.people
    today = timezone.localdate()

    # Safeguarding: the teacher's report about a pupil, with a file; an allegation against the
    # headteacher (hidden from them, routed to the Chair); a case, an action, a transfer.
    report = make_report(room, account=f"Pip wrote to me. {canary(slug, 'report')}")
    o["report"] = report
    o["evidence"] = evidence.add_file(
        report, upload(f"{canary(slug, 'file')}.png", png_bytes("x")), added_by=room.teacher,
        read_text=False,
    )
    o["about_head"] = make_report(
        room, "staff_breach", reporter=room.dsl, subject=room.head,
        account=f"The head posted trip photos. {canary(slug, 'allegation')}",
        details={"breach": "pupil_images"},
    )
    case = Case.objects.create(
        school=world.school, title=canary(slug, "case"), opened_by=room.dsl, lead=room.dsl
    )
    Report.objects.filter(pk=report.pk).update(case=case, status="in_case")
    report.refresh_from_db()
    o["case"] = case
    o["action"] = CaseAction.objects.create(
        case=case, description=canary(slug, "action"), owner=room.deputy, due_on=today,
        created_by=room.dsl,
    )
    o["transfer"] = Transfer.objects.create(
        school=world.school, pupil=room.pupil, to_school=canary(slug, "transfer"),
        to_contact="DSL", method="by hand", sent_on=today, sent_by=room.deputy,
    )
    o["access_change"] = access_changes.request_change(
        world.school, "grant_post", room.teacher, requested_by=room.dsl,
        reason="Cover for the deputy", post="deputy_dsl",
    )
    EmailVerification.objects.create(
        school=world.school, email=f"parent@{slug}.example",
        token_hash=hashlib.sha256(parent_token(slug).encode()).hexdigest(), client_hash="matrix",
    )

    # Posting: the teacher's post with an image, a spokesperson, consent, a branding request.
    post = workflow.create_post(room.teacher, platform="facebook",
                                text=f"Sports day! {canary(slug, 'post')}")
    data, width, height = _png_image()
    o["post"] = post
    o["post_image"] = PostImage.objects.create(
        school=world.school, post=post, position=0, name="a.png", content_type="image/png",
        data=data, sha256=hashlib.sha256(data).hexdigest(), width=width, height=height,
    )
    o["spokesperson"] = posting_records.approve_spokesperson(room.head, p["slt"])
    PhotoConsent.objects.create(
        school=world.school, pupil=room.pupil, use="social_media", status="granted",
        given_by=room.parent, given_on=today - dt.timedelta(days=3),
    )
    o["branding"] = posting_records.request_branding(
        room.teacher, uses=["name"], purpose=canary(slug, "branding")
    )

    # Registers: a declaration, a profile review, a policy version, a judgement advisory, a
    # subject access request (about the teacher, who is the subject of no allegation).
    o["declaration"] = declarations.declare(
        room.teacher, [room.parent], canary(slug, "declaration"), ["facebook"]
    )
    o["profile_review"] = profiles.open_review(room.teacher, today + dt.timedelta(days=14))
    o["version"] = versions.new_version(world.school, room.head, canary(slug, "version"))
    o["advisory"] = JudgementAdvisory.objects.create(
        school=world.school, advised_by=room.teacher, advised_to=room.head, when="before",
        situation=canary(slug, "advisory"), justification="Judgement",
    )
    o["access_request"] = sar.start(room.teacher, today, room.head)
    o["api_key"] = apikeys.create(world.school, "MIS", ["decisions"], room.head.user).key

    # Network: a finding about a pupil on the school's Wi-Fi.
    now = timezone.now()
    o["finding"] = Finding.objects.create(
        school=world.school, fingerprint=f"matrix-{slug}", clause="community.wifi",
        verdict="prohibited", network="pupil_wifi", client="10.0.0.9", role="pupil",
        person=room.pupil, person_name=f"Pip {canary(slug, 'finding')}", platform="tiktok",
        category="social", domain="tiktok.com", requests=3, first_seen=now, last_seen=now,
        window_start=now, window_seconds=3600,
    )
    from smpolicy.network.models import LogScan

    o["log_scan"] = LogScan.objects.create(school=world.school,
                                           name=f"{canary(slug, 'log_scan')}.log", size=100)
    # The transfer's file as a worker built it, asked for by the DSL (an export is its
    # requester's alone).
    from smpolicy.jobs import exports
    from smpolicy.jobs.models import Export

    o["export"] = exports.run(Export.objects.create(
        school=world.school, requested_by=room.dsl.user, kind="cp_file",
        params={"transfer": o["transfer"].pk}).pk)
    # What the admin lists for a school, so each of its change pages has an id of each school.
    from smpolicy.asking.models import DecisionRecord
    from smpolicy.network.models import FilteringReview, NetworkSettings, ScanRun
    from smpolicy.registers.models import (
        Acknowledgement,
        RegisterSettings,
        Reminder,
        Responsibility,
    )
    from smpolicy.schools import sso

    o["sign_in"] = sso.configure(world.school, "entra", client_id=f"client-{slug}",
                                 secret="a-client-secret", tenant=f"tenant-{slug}",
                                 domains=[f"{slug}.sch.uk"])
    # Besides OpenID Connect, the school's SAML identity provider (its URLs name the school).
    from signing_in import signing_key_and_certificate
    from smpolicy.schools import saml

    saml.configure_saml(
        world.school, site_url="https://policy.example.sch.uk",
        entity_id=f"https://idp.{slug}.example/saml", sso_url=f"https://idp.{slug}.example/sso",
        certificate=signing_key_and_certificate(slug)[1], domains=[f"{slug}.sch.uk"],
    )
    DecisionRecord.objects.create(
        school=world.school, source="web", situation={"actor": {"role": "staff"}},
        decision={"verdict": "allowed"}, verdict="allowed", pack="straits-primary",
        pack_version="1",
    )
    ScanRun.objects.create(school=world.school)
    o["review"] = FilteringReview.objects.create(school=world.school, reviewers="Ian",
                                                 checked="All", outcome="Fine")
    NetworkSettings.objects.create(school=world.school)
    RegisterSettings.objects.create(school=world.school)
    Acknowledgement.objects.create(school=world.school, person=room.teacher,
                                   version=o["version"])
    Responsibility.objects.create(school=world.school, kind="filtering_leader", person=p["slt"])
    Reminder.objects.create(school=world.school, recipient=room.teacher, key=f"matrix-{slug}",
                            kind="declaration_review", title="Review your declaration")
    # A password reset link for someone no session signs in as (signing in spends a link).
    user = testing.make_user(mk_newcomer(world.school, slug), username=f"newcomer.{slug}")
    o["reset"] = (urlsafe_base64_encode(force_bytes(user.pk)),
                  default_token_generator.make_token(user))


def mk_newcomer(school: School, slug: str) -> Person:
    return testing.make_person(school, "staff", "Nia", f"Newcomer{slug.title()}")


def build_deployment() -> dict[str, World]:
    worlds = {
        HOME: build_school("Straits Primary School", HOME),
        FOREIGN: build_school("Harbour Primary School", FOREIGN),
    }
    # What the admin lists that belongs to no school, so its change pages have an id too.
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount, SocialToken
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    Group.objects.create(name="Matrix group")
    browser = {"user_agent": "matrix", "http_accept": "*/*", "path_info": "/accounts/login/",
               "username": "someone.else", "ip_address": "192.0.2.1"}
    # Dated ahead: each sign-in has axes delete attempts older than its cool-off (15 minutes),
    # and the walk takes longer than that; the row would go before the superuser's turn.
    attempt = AccessAttempt.objects.create(**browser, get_data="", post_data="",
                                           failures_since_start=1)
    AccessAttempt.objects.filter(pk=attempt.pk).update(  # attempt_time is auto_now_add
        attempt_time=timezone.now() + dt.timedelta(days=1))
    AccessLog.objects.create(**browser)
    AccessFailureLog.objects.create(**browser)
    teacher = worlds[HOME].people["teacher"].user
    EmailAddress.objects.create(user=teacher, email="ada@straits.sch.uk")
    account = SocialAccount.objects.create(user=teacher, provider="entra-straits", uid="ada")
    SocialToken.objects.create(account=account, app=worlds[HOME].objects["sign_in"].app,
                               token="a-token")
    return worlds


# -- sessions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """Who is signed in: ``person`` of ``school`` (None: anonymous, or a superuser with no
    person), and whether the session has passed the second factor."""

    name: str
    school: str | None = None
    person: str | None = None
    verified: bool = False
    superuser: bool = False

    @property
    def anonymous(self) -> bool:
        return self.person is None and not self.superuser


# The DSL team, the headteacher and the Chair are asked for the second factor (the README):
# each is tried with it and without it; everyone else as they usually sign in.
SECOND_FACTOR_PEOPLE = ("head", "dsl", "deputy", "chair")
PLAIN_PEOPLE = ("teacher", "colleague", "business", "volunteer", "governor", "it_lead", "slt",
                "pupil", "parent")


def sessions() -> list[Session]:
    found = [Session("anonymous")]
    found += [Session(name, HOME, name) for name in PLAIN_PEOPLE]
    for name in SECOND_FACTOR_PEOPLE:
        found.append(Session(f"{name}+2fa", HOME, name, verified=True))
        found.append(Session(f"{name}-2fa", HOME, name, verified=False))
    found.append(Session("superuser+2fa", superuser=True, verified=True))
    found.append(Session("superuser-2fa", superuser=True, verified=False))
    # The other school's DSL with the second factor: everything of the home school is foreign.
    found.append(Session("harbour-dsl+2fa", FOREIGN, "dsl", verified=True))
    return found


def client_for(session: Session, worlds: dict[str, World]) -> Client:
    client = Client()
    if session.anonymous:
        return client
    if session.superuser:
        user = get_user_model().objects.filter(username="matrix-root").first()
        if user is None:
            user = get_user_model().objects.create_superuser(
                "matrix-root", "root@deployment.example", testing.TEST_PASSWORD
            )
    else:
        assert session.school is not None and session.person is not None
        user = worlds[session.school].people[session.person].user
    if session.superuser or session.person in SECOND_FACTOR_PEOPLE:
        enrol(user)  # they have an authenticator app, whichever of their sessions comes first
    client.force_login(user)
    if session.verified:
        pass_second_factor(client, user)
    return client
