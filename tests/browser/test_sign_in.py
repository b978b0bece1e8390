"""Signing in as staff do at school, in a real browser: Microsoft (Entra ID) and Google through a
real OpenID provider on 127.0.0.1 (tests/signing_in.py), the second factor still asked of the DSL,
and a password reset by e-mail read from a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import email
import re
import socket
import uuid
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect

from browsing import accessibility_violations, sign_in
from signing_in import Client, IdpUser, OpenIDProvider
from smpolicy.schools import sso, testing

TENANT = str(uuid.uuid4())
SHOTS = "/tmp/smpolicy-sign-in"

USERS = {
    "ada": IdpUser(
        "straits", "ada", {"sub": "entra-ada", "tid": TENANT, "email": "ada@straits.sch.uk"}
    ),
    "dora": IdpUser(
        "straits", "dora", {"sub": "entra-dora", "tid": TENANT, "email": "dsl@straits.sch.uk"}
    ),
    "stranger": IdpUser(
        "straits", "stranger", {"sub": "entra-x", "tid": TENANT, "email": "new@straits.sch.uk"}
    ),
    "gwen": IdpUser(
        "google", "gwen",
        {"sub": "1081", "email": "gwen@straits.sch.uk", "email_verified": True,
         "hd": "straits.sch.uk"},
    ),
}


@pytest.fixture(scope="module")
def idp(tmp_path_factory, live_server):
    clients = {
        "entra-straits": Client(
            "straits", [f"{live_server.url}/accounts/oidc/entra-straits/login/callback/"]
        ),
        "google-straits": Client(
            "google", [f"{live_server.url}/accounts/oidc/google-straits/login/callback/"]
        ),
    }
    provider = OpenIDProvider(
        tmp_path_factory.mktemp("oidc"),
        {"straits": f"/{TENANT}/v2.0", "google": ""},
        list(clients.values()),
        list(USERS.values()),
    )
    provider.clients = clients
    yield provider
    provider.stop()


@pytest.fixture
def staff(school, idp):
    people = {
        "ada": testing.make_person(school, "staff", "Ada", "Lovelace", email="ada@straits.sch.uk"),
        "dora": testing.make_person(
            school, "staff", "Dora", "Lead", email="dsl@straits.sch.uk", positions=["dsl"]
        ),
        "gwen": testing.make_person(school, "staff", "Gwen", "Jones", email="gwen@straits.sch.uk"),
    }
    for kind, issuer in (("entra", "straits"), ("google", "google")):
        client = idp.clients[f"{kind}-straits"]
        sso.configure(
            school, kind, client_id=client.client_id, secret=client.client_secret,
            tenant=TENANT if kind == "entra" else "", domains=["straits.sch.uk"],
            server_url=idp.issuers[issuer],
        )
    return people


def through_the_provider(page: Page, base_url: str, button: str, who: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("link", name=button).click()
    expect(page.get_by_role("heading", name=button, level=1)).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile("Test identity provider"))).to_be_visible()
    page.get_by_label("Account").fill(USERS[who].login)
    page.get_by_label("Secret").fill(USERS[who].password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def test_a_teacher_signs_in_with_microsoft(page: Page, live_server, staff) -> None:
    through_the_provider(page, live_server.url, "Sign in with Microsoft", "ada")
    expect(page.get_by_text("Signed in as Ada Lovelace.")).to_be_visible()
    assert page.url == f"{live_server.url}/"
    page.screenshot(path=f"{SHOTS}-home-after-microsoft.png")


def test_a_teacher_signs_in_with_google(page: Page, live_server, staff) -> None:
    through_the_provider(page, live_server.url, "Sign in with Google", "gwen")
    expect(page.get_by_text("Signed in as Gwen Jones.")).to_be_visible()


def test_the_dsl_signed_in_with_microsoft_is_asked_for_the_second_factor(
    page: Page, live_server, staff
) -> None:
    through_the_provider(page, live_server.url, "Sign in with Microsoft", "dora")
    expect(page.get_by_text("Signed in as Dora Lead.")).to_be_visible()
    page.goto(f"{live_server.url}/safeguarding/")
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    assert page.url.startswith(f"{live_server.url}/safeguarding/second-factor/?next=")


def test_someone_not_on_the_schools_records_is_told_to_ask_the_school(
    page: Page, live_server, staff
) -> None:
    through_the_provider(page, live_server.url, "Sign in with Microsoft", "stranger")
    expect(page.get_by_role("heading", name="You cannot sign in this way")).to_be_visible()
    expect(page.get_by_text("There is no sign-up: ask the person who manages accounts")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    page.screenshot(path=f"{SHOTS}-refused.png", full_page=True)
    assert accessibility_violations(page) == []


def test_the_sign_in_pages_meet_wcag_2_2_aa(page: Page, live_server, staff) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("link", name="Sign in with Microsoft")).to_be_visible()
    page.screenshot(path=f"{SHOTS}-login.png", full_page=True)
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="Sign in with Google").click()
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
    assert accessibility_violations(page) == []


def test_the_password_form_still_signs_in_beside_the_sso_buttons(
    page: Page, live_server, staff
) -> None:
    testing.make_user(staff["ada"], username="ada.lovelace")
    sign_in(page, live_server.url, "ada.lovelace")
    expect(page.get_by_text("Signed in as Ada Lovelace.")).to_be_visible()


# -- password reset --------------------------------------------------------------------------------


class Inbox:
    """aiosmtpd's handler: keeps every message the app sends."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it so
        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(settings):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def test_a_password_reset_by_email(page: Page, live_server, teacher, inbox) -> None:
    teacher.email = "ada@straits.sch.uk"
    teacher.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_label("E-mail address").fill("ADA@straits.sch.uk")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert accessibility_violations(page) == []
    known_answer = page.locator("main").inner_text()

    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["X-Envelope-To"] == "ada@straits.sch.uk"  # the school's record of the address
    body = message.get_payload(decode=True).decode()
    links = re.findall(r"https?://\S+", body)
    assert len(links) == 1 and links[0].startswith(f"{live_server.url}/accounts/password/reset/")
    assert "ada.lovelace" not in body and "Lovelace" not in body  # the link, and nothing else

    # An unknown address gets the same answer, and no e-mail.
    page.goto(f"{live_server.url}/accounts/password/reset/")
    page.get_by_label("E-mail address").fill("nobody@straits.sch.uk")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert page.locator("main").inner_text() == known_answer
    assert len(inbox.messages) == 1

    page.goto(links[0])
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_label("New password:", exact=True).fill("short")
    page.get_by_label("New password confirmation").fill("short")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("New password:", exact=True).fill("harbour-lights-at-dusk-7")
    page.get_by_label("New password confirmation").fill("harbour-lights-at-dusk-7")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()

    sign_in(page, live_server.url, "ada.lovelace", "harbour-lights-at-dusk-7")
    expect(page.get_by_text("Signed in as Ada Lovelace.")).to_be_visible()

    # The link worked once.
    page.context.clear_cookies()
    page.goto(links[0])
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    assert accessibility_violations(page) == []


def test_a_trusts_sign_in_page_has_each_schools_buttons_under_its_name(
    page: Page, live_server, staff
) -> None:
    harbour = testing.make_school("Harbour Primary School", slug="harbour")
    sso.configure(
        harbour, "entra", client_id="harbour-client", secret="harbour-secret",
        tenant=str(uuid.uuid4()), domains=["harbour.sch.uk"],
    )
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Harbour Primary School", level=3)).to_be_visible()
    expect(page.get_by_role("heading", name="Straits Primary School", level=3)).to_be_visible()
    # Each link names its school to a screen reader as well.
    harbour_link = page.get_by_role("link", name="Sign in with Microsoft (Harbour Primary School)")
    expect(harbour_link).to_have_attribute("href", re.compile("/accounts/oidc/entra-harbour/login/"))
    expect(page.get_by_role("link", name="Sign in with Microsoft")).to_have_count(2)
    page.screenshot(path=f"{SHOTS}-trust.png", full_page=True)
    assert accessibility_violations(page) == []
