"""Signing in through a school's SAML identity provider in a real browser (tests/signing_in.py:
samlify on 127.0.0.1): the HTTP-Redirect binding out, the identity provider's own page posting the
signed Response back (HTTP-POST binding, across sites, as from Microsoft or Google), the second
factor still asked of the DSL, and the pages on the way accessible."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Page, expect

from browsing import accessibility_violations
from signing_in import EMAIL_ATTRIBUTE, SamlIdentityProvider, SamlIdp, SamlSp, SamlUser
from smpolicy.schools import saml, testing

IDP_ENTITY = "https://sts.windows.net/33333333-aaaa-4bbb-8ccc-000000000003/"
SHOTS = "/tmp/smpolicy-saml-sign-in"

USERS = {
    "ada": SamlUser("straits", "ada", "ada@straits.sch.uk", {EMAIL_ATTRIBUTE: "ada@straits.sch.uk"}),
    "dora": SamlUser("straits", "dora", "dsl@straits.sch.uk"),
    "stranger": SamlUser("straits", "stranger", "new@straits.sch.uk"),
}


@pytest.fixture(scope="module")
def idp(tmp_path_factory, live_server):
    # live_server is http://localhost:PORT and the identity provider http://127.0.0.1:PORT: two
    # sites, so the Response's POST carries no SameSite=Lax session cookie, as in production.
    provider = SamlIdentityProvider(
        tmp_path_factory.mktemp("saml"),
        [SamlIdp("straits", IDP_ENTITY)],
        [SamlSp("straits", f"{django_settings.SITE_URL}/accounts/saml/straits/metadata/",
                f"{live_server.url}/accounts/saml/straits/acs/")],
        list(USERS.values()),
    )
    yield provider
    provider.stop()


@pytest.fixture
def staff(school, idp):
    people = {
        "ada": testing.make_person(school, "staff", "Ada", "Lovelace", email="ada@straits.sch.uk"),
        "dora": testing.make_person(
            school, "staff", "Dora", "Lead", email="dsl@straits.sch.uk", positions=["dsl"]
        ),
    }
    saml.configure_saml(
        school, site_url=django_settings.SITE_URL, entity_id=IDP_ENTITY,
        sso_url=idp.urls["straits"]["sso_url"], certificate=idp.idps["straits"].certificate,
        domains=["straits.sch.uk"],
    )
    return people


def through_the_identity_provider(page: Page, base_url: str, who: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("link", name="Sign in with your school account").click()
    expect(page.get_by_role("heading", name="Sign in with your school account", level=1)).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile("Test SAML identity provider"))).to_be_visible()
    page.get_by_label("Account").fill(USERS[who].login)
    page.get_by_label("Secret").fill(USERS[who].password)
    page.get_by_role("button", name="Continue").click()
    # The identity provider's page posts the Response to the ACS, which redirects: the first page
    # of this site's that commits is the answer (home, or the page saying why not).
    page.wait_for_url(re.compile(f"^{re.escape(base_url)}/"))
    page.wait_for_load_state()


def test_a_teacher_signs_in_through_saml(page: Page, live_server, staff) -> None:
    through_the_identity_provider(page, live_server.url, "ada")
    expect(page.get_by_text("Signed in as Ada Lovelace.")).to_be_visible()
    assert page.url == f"{live_server.url}/"
    staff["ada"].refresh_from_db()
    assert staff["ada"].user is not None
    page.screenshot(path=f"{SHOTS}-home.png")


def test_the_dsl_signed_in_through_saml_is_asked_for_the_second_factor(
    page: Page, live_server, staff
) -> None:
    through_the_identity_provider(page, live_server.url, "dora")
    expect(page.get_by_text("Signed in as Dora Lead.")).to_be_visible()
    page.goto(f"{live_server.url}/safeguarding/")
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    assert page.url.startswith(f"{live_server.url}/safeguarding/second-factor/?next=")


def test_someone_not_on_the_records_is_refused_and_the_pages_are_accessible(
    page: Page, live_server, staff
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="Sign in with your school account").click()
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
    assert accessibility_violations(page) == []
    through_the_identity_provider(page, live_server.url, "stranger")
    expect(page.get_by_role("heading", name="You cannot sign in this way")).to_be_visible()
    expect(page.get_by_text("There is no sign-up: ask the person who manages accounts")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    page.screenshot(path=f"{SHOTS}-refused.png", full_page=True)
    assert accessibility_violations(page) == []
