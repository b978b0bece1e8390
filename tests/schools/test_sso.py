"""Single sign-on through each school's own Entra ID tenant or Google Workspace, against a real
OpenID provider on 127.0.0.1 (tests/signing_in.py): who gets in, who is refused, and that the
second factor is still asked for."""

from __future__ import annotations

import html
import uuid
from io import StringIO

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from signing_in import Client, IdpUser, OpenIDProvider, path_and_query, sign_in_at_provider
from smpolicy.schools import sso
from smpolicy.schools.models import SchoolSignIn

APP = "http://testserver"
TENANT_A = str(uuid.uuid4())  # Straits Primary's Entra tenant
TENANT_B = str(uuid.uuid4())  # Harbour Primary's
TRUST = "ourtrust.org.uk"  # a domain both schools of the trust use

# provider_id (see sso.provider_id_for) -> issuer name in the provider
APPS = {"entra-straits": "straits", "entra-harbour": "harbour", "google-straits": "google"}


def entra(issuer: str, login: str, email: str | None, tenant: str = TENANT_A, **extra) -> IdpUser:
    # Entra's ID token: tid, and email only as an optional claim, with no email_verified.
    claims = {"sub": f"entra-{uuid.uuid4().hex}", "tid": tenant, "name": login, **extra}
    if email is not None:
        claims["email"] = email
    return IdpUser(issuer, login, claims)


def google(login: str, email: str, hd: str | None = "straits.sch.uk", verified=True) -> IdpUser:
    claims = {"sub": str(uuid.uuid4().int)[:21], "email": email, "email_verified": verified}
    if hd is not None:
        claims["hd"] = hd
    return IdpUser("google", login, claims)


USERS = {
    "ada": entra("straits", "ada", "ada@straits.sch.uk"),
    "dora": entra("straits", "dora", "Dora.Lead@straits.sch.uk"),
    "stranger": entra("straits", "stranger", "nobody@straits.sch.uk"),
    "pupil": entra("straits", "pupil", "pupil@straits.sch.uk"),
    "trust_person_b": entra("straits", "trust_person_b", f"hana@{TRUST}"),
    "other_tenant": entra("straits", "other_tenant", "ada@straits.sch.uk", tenant=TENANT_B),
    "unverified_entra": entra("straits", "unverified_entra", "ada@straits.sch.uk",
                              email_verified=False),
    "gmail": entra("straits", "gmail", "ada.lovelace@gmail.com"),
    "no_email": entra("straits", "no_email", None),
    "hana": entra("harbour", "hana", f"hana@{TRUST}", tenant=TENANT_B),
    "gwen": google("gwen", "gwen@straits.sch.uk"),
    "gwen_consumer": google("gwen_consumer", "gwen@straits.sch.uk", hd=None),
    "gwen_other_workspace": google("gwen_other_workspace", "gwen@straits.sch.uk",
                                   hd="harbour.sch.uk"),
    "gwen_unverified": google("gwen_unverified", "gwen@straits.sch.uk", verified=False),
}


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    clients = {
        pid: Client(issuer, [f"{APP}/accounts/oidc/{pid}/login/callback/"])
        for pid, issuer in APPS.items()
    }
    provider = OpenIDProvider(
        tmp_path_factory.mktemp("oidc"),
        {"straits": f"/{TENANT_A}/v2.0", "harbour": f"/{TENANT_B}/v2.0", "google": ""},
        list(clients.values()),
        list(USERS.values()),
    )
    provider.clients = clients
    yield provider
    provider.stop()


@pytest.fixture
def trust(school, other_school, idp, make_person, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    straits, harbour = school, other_school
    people = {
        "ada": make_person(straits, "staff", "Ada", "Lovelace", email="ada@straits.sch.uk"),
        "dora": make_person(straits, "staff", "Dora", "Lead", email="dora.lead@straits.sch.uk",
                            positions=["dsl"]),
        "gwen": make_person(straits, "staff", "Gwen", "Google", email="gwen@straits.sch.uk"),
        "pupil": make_person(straits, "pupil", "Pip", "Pupil", email="pupil@straits.sch.uk"),
        "hana": make_person(harbour, "staff", "Hana", "Harbour", email=f"hana@{TRUST}"),
    }
    apps = {
        "entra-straits": sso.configure(
            straits, "entra", client_id=idp.clients["entra-straits"].client_id,
            secret=idp.clients["entra-straits"].client_secret, tenant=TENANT_A,
            domains=["straits.sch.uk", TRUST], server_url=idp.issuers["straits"],
        ),
        "entra-harbour": sso.configure(
            harbour, "entra", client_id=idp.clients["entra-harbour"].client_id,
            secret=idp.clients["entra-harbour"].client_secret, tenant=TENANT_B,
            domains=["harbour.sch.uk", TRUST], server_url=idp.issuers["harbour"],
        ),
        "google-straits": sso.configure(
            straits, "google", client_id=idp.clients["google-straits"].client_id,
            secret=idp.clients["google-straits"].client_secret,
            server_url=idp.issuers["google"],
        ),
    }
    return {"people": people, "apps": apps, "straits": straits, "harbour": harbour}


def sso_sign_in(client, provider_id, who, next_url=""):
    query = "process=login" + (f"&next={next_url}" if next_url else "")
    start = client.post(f"/accounts/oidc/{provider_id}/login/?{query}")
    assert start.status_code == 302, start.content[:300]
    back = sign_in_at_provider(start["Location"], USERS[who], APP)
    return client.get(path_and_query(back))


def signed_in_user(client):
    return get_user_model().objects.filter(pk=client.session.get("_auth_user_id")).first()


def test_a_teacher_signs_in_with_entra_and_gets_an_account_linked_to_their_person(client, trust):
    ada = trust["people"]["ada"]
    assert ada.user is None
    response = sso_sign_in(client, "entra-straits", "ada")
    assert response.status_code == 302 and response["Location"] == reverse("schools:home")
    ada.refresh_from_db()
    user = signed_in_user(client)
    assert user is not None and ada.user == user
    assert not user.has_usable_password()  # the tenant holds the password, not this site
    assert SocialAccount.objects.get(user=user).provider == "entra-straits"
    home = client.get(reverse("schools:home"))
    assert "Ada Lovelace" in home.content.decode()
    # The second time, the linked account signs in the same user; no second one is made.
    client.logout()
    sso_sign_in(client, "entra-straits", "ada")
    assert signed_in_user(client) == user
    assert get_user_model().objects.filter(person=ada).count() == 1


def test_a_person_with_a_password_account_gets_it_linked_not_a_second_one(client, trust,
                                                                           make_user):
    ada = trust["people"]["ada"]
    existing = make_user(ada, username="ada.lovelace")
    sso_sign_in(client, "entra-straits", "ada")
    assert signed_in_user(client) == existing
    assert get_user_model().objects.count() == 1


def test_the_email_case_does_not_matter(client, trust):
    # Entra sends the address as the directory has it; the school's roster has it in lower case.
    sso_sign_in(client, "entra-straits", "dora")
    trust["people"]["dora"].refresh_from_db()
    assert signed_in_user(client) == trust["people"]["dora"].user


def test_the_dsl_signed_in_by_sso_is_still_asked_for_the_second_factor(client, trust):
    response = sso_sign_in(client, "entra-straits", "dora", next_url="/safeguarding/")
    assert response.status_code == 302 and response["Location"] == "/safeguarding/"
    page = client.get("/safeguarding/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("safeguarding:second_factor_setup"))


def test_a_google_workspace_account_signs_in(client, trust):
    response = sso_sign_in(client, "google-straits", "gwen")
    assert response.status_code == 302
    trust["people"]["gwen"].refresh_from_db()
    assert signed_in_user(client) == trust["people"]["gwen"].user


@pytest.mark.parametrize(
    ("provider_id", "who", "says"),
    [
        ("entra-straits", "stranger", "There is no sign-up: ask the person who manages accounts"),
        ("entra-straits", "pupil", "Nobody with this e-mail address is on Straits"),
        ("entra-straits", "trust_person_b", "Nobody with this e-mail address is on Straits"),
        ("entra-straits", "other_tenant", "another organisation's directory"),
        ("entra-straits", "unverified_entra", "not verified"),
        ("entra-straits", "gmail", "not one of the school's addresses"),
        ("entra-straits", "no_email", "optional 'email' claim"),
        ("google-straits", "gwen_consumer", "not one of the school's Google Workspace accounts"),
        ("google-straits", "gwen_other_workspace", "not one of the school's Google Workspace"),
        ("google-straits", "gwen_unverified", "did not verify this e-mail address"),
    ],
)
def test_refused_sign_ins_say_why_and_sign_nobody_in(client, trust, provider_id, who, says):
    users_before = get_user_model().objects.count()
    response = sso_sign_in(client, provider_id, who)
    body = html.unescape(response.content.decode())
    assert response.status_code == 403, body[:500]
    assert "You cannot sign in this way" in body and says in body
    assert signed_in_user(client) is None
    assert get_user_model().objects.count() == users_before
    assert not SocialAccount.objects.exists()


def test_a_person_of_school_b_signs_in_through_school_b_but_not_school_a(client, trust):
    # Hana is on Harbour's records with the trust's shared domain. Straits' tenant (which also
    # allows that domain) refuses her (see above); Harbour's own tenant lets her in.
    sso_sign_in(client, "entra-harbour", "hana")
    trust["people"]["hana"].refresh_from_db()
    assert signed_in_user(client) == trust["people"]["hana"].user


def test_an_account_linked_before_is_refused_once_the_roster_no_longer_has_the_address(
    client, trust
):
    sso_sign_in(client, "entra-straits", "ada")
    client.logout()
    ada = trust["people"]["ada"]
    ada.email = "ada.left@straits.sch.uk"
    ada.save()
    response = sso_sign_in(client, "entra-straits", "ada")
    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_a_turned_off_account_is_refused(client, trust, make_user):
    make_user(trust["people"]["ada"], is_active=False)
    response = sso_sign_in(client, "entra-straits", "ada")
    assert response.status_code == 403 and "turned off" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_turned_off_school_sign_in_refuses_and_shows_no_button(client, trust):
    SchoolSignIn.objects.filter(app__provider_id="entra-straits").update(enabled=False)
    login = client.get(reverse("schools:login")).content.decode()
    assert "/accounts/oidc/entra-straits/" not in login
    assert "/accounts/oidc/google-straits/" in login
    response = sso_sign_in(client, "entra-straits", "ada")
    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_connecting_another_account_while_signed_in_is_refused(client, trust, make_user):
    # allauth's "connect" process would link the IdP account to whoever is signed in.
    gwen_user = make_user(trust["people"]["gwen"])
    client.force_login(gwen_user)
    start = client.post("/accounts/oidc/entra-straits/login/?process=connect")
    back = sign_in_at_provider(start["Location"], USERS["ada"], APP)
    response = client.get(path_and_query(back))
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def test_a_forged_or_replayed_callback_signs_nobody_in(client, trust):
    start = client.post("/accounts/oidc/entra-straits/login/?process=login")
    back = sign_in_at_provider(start["Location"], USERS["ada"], APP)
    forged = path_and_query(back).replace("state=", "state=x")
    response = client.get(forged)
    assert response.status_code == 401 and "Sign-in did not work" in response.content.decode()
    assert signed_in_user(client) is None
    # The real callback still works in the browser that started it, once: replayed after
    # signing out, its state and code are spent.
    assert client.get(path_and_query(back)).status_code == 302
    trust["people"]["ada"].refresh_from_db()
    assert signed_in_user(client) == trust["people"]["ada"].user
    client.post(reverse("schools:logout"))
    assert client.get(path_and_query(back)).status_code == 401
    assert signed_in_user(client) is None
    # No state at all, and an unknown app: clear pages, never a 500.
    response = client.get("/accounts/oidc/entra-straits/login/callback/?code=abc")
    assert response.status_code == 401 and "Sign-in did not work" in response.content.decode()
    assert client.get("/accounts/oidc/entra-nowhere/login/callback/?code=abc").status_code == 404


def test_the_sign_in_page_shows_each_schools_buttons_and_the_password_form(client, trust):
    page = client.get(reverse("schools:login")).content.decode()
    assert page.count("Sign in with Microsoft") == 2  # one per school of the trust
    assert page.count("Sign in with Google") == 1
    assert "Straits Primary School" in page and "Harbour Primary School" in page
    assert 'name="username"' in page and 'name="password"' in page
    # The next page rides along to the provider and back, but only a local one.
    page = client.get(reverse("schools:login") + "?next=/safeguarding/").content.decode()
    assert "next=%2Fsafeguarding%2F" in page
    page = client.get(reverse("schools:login") + "?next=https://evil.example/").content.decode()
    assert "evil.example" not in page.split('name="username"')[0]


def test_the_client_secret_is_sealed_at_rest(trust, idp):
    app = SocialApp.objects.get(provider_id="entra-straits")
    assert app.secret != idp.clients["entra-straits"].client_secret
    assert sso.open_secret(app.secret) == idp.clients["entra-straits"].client_secret


def test_an_sso_account_gets_no_password_reset_link(client, trust):
    sso_sign_in(client, "entra-straits", "ada")
    client.logout()
    response = client.post(reverse("schools:password_reset"), {"email": "ada@straits.sch.uk"})
    assert response.status_code == 302
    assert mail.outbox == []


# -- the command ----------------------------------------------------------------------------------


def test_sso_add_sets_up_an_entra_tenant_and_prints_the_redirect_uri(school, settings):
    settings.SITE_URL = "https://policy.straits.sch.uk"
    out = StringIO()
    call_command(
        "sso", "add", "--school", "straits", "--kind", "entra", "--tenant", TENANT_A,
        "--client-id", "11111111-2222-3333-4444-555555555555", "--secret", "s3cret", stdout=out,
    )
    sign_in = SchoolSignIn.objects.get(school=school)
    assert sign_in.app.settings["server_url"] == (
        f"https://login.microsoftonline.com/{TENANT_A}/v2.0"
    )
    assert sign_in.allowed_domains == ["straits.sch.uk"]  # the school's own, by default
    assert sign_in.app.secret != "s3cret"
    assert (
        "https://policy.straits.sch.uk/accounts/oidc/entra-straits/login/callback/"
        in out.getvalue()
    )
    # Adding again replaces it (a new secret), rather than making a second app.
    call_command(
        "sso", "add", "--school", "straits", "--kind", "entra", "--tenant", TENANT_A,
        "--client-id", "11111111-2222-3333-4444-555555555555", "--secret", "n3w", stdout=out,
    )
    assert SocialApp.objects.count() == 1
    assert sso.open_secret(SocialApp.objects.get().secret) == "n3w"
    call_command("sso", "list", stdout=out)
    assert f"straits\tentra\ton\thttps://login.microsoftonline.com/{TENANT_A}/v2.0" in (
        out.getvalue()
    )


def test_sso_add_google_uses_googles_issuer(school):
    call_command(
        "sso", "add", "--school", "straits", "--kind", "google", "--client-id",
        "123.apps.googleusercontent.com", "--secret", "x", "--domain", "straits.sch.uk",
        stdout=StringIO(),
    )
    assert SocialApp.objects.get().settings["server_url"] == "https://accounts.google.com"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--kind", "entra", "--tenant", "common"], "lets any organisation's users in"),
        (["--kind", "entra"], "needs the tenant"),
        (["--kind", "oidc"], "needs its issuer URL"),
        (["--kind", "google", "--domain", "nodot"], "Give at least one e-mail domain"),
    ],
)
def test_sso_add_refuses_mistakes_saying_what_was_wrong(school, args, says):
    with pytest.raises(CommandError, match=says) as raised:
        call_command(
            "sso", "add", "--school", "straits", "--client-id", "c", "--secret", "s", *args,
            stdout=StringIO(),
        )
    assert raised.value.returncode == 2
    assert not SocialApp.objects.exists()


def test_sso_add_for_an_unknown_school_says_so(db):
    with pytest.raises(CommandError, match="No school has the slug 'nowhere'"):
        call_command(
            "sso", "add", "--school", "nowhere", "--kind", "google", "--client-id", "c",
            "--secret", "s", stdout=StringIO(),
        )


def test_a_secret_sealed_under_a_lost_key_turns_that_sign_in_off_without_a_500(
    client, trust, settings
):
    from cryptography.fernet import Fernet

    settings.SMPOLICY_SEALING_KEYS = [Fernet.generate_key().decode()]
    response = client.post("/accounts/oidc/entra-straits/login/?process=login")
    assert response.status_code == 404
    assert signed_in_user(client) is None


def test_one_sign_in_of_each_kind_per_school(trust):
    from django.core.exceptions import ValidationError

    duplicate = SchoolSignIn(
        school=trust["straits"], kind="entra", tenant=TENANT_A, allowed_domains=["straits.sch.uk"],
        app=SocialApp.objects.create(provider="openid_connect", provider_id="x", name="x"),
    )
    with pytest.raises(ValidationError, match="already has a sign-in of this kind"):
        duplicate.full_clean()


def test_a_cancelled_or_failed_sign_in_gets_the_sites_page_not_a_500(client):
    # allauth's own views for these reverse "account_login", which the site does not mount.
    for name in ("socialaccount_login_cancelled", "socialaccount_login_error"):
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert reverse("schools:login") in page.content.decode()  # a way back
