"""Single sign-on through a school's SAML 2.0 identity provider, against a real one on 127.0.0.1
(tests/fixtures/saml/idp.mjs, samlify; tests/signing_in.py): the AuthnRequest goes out with the
HTTP-Redirect binding, the signed Response comes back with the HTTP-POST binding, and this site
checks it with python3-saml through django-allauth. Who gets in, who is refused, that the second
factor is still asked for, and that a tampered, unsigned or forged answer signs nobody in."""

from __future__ import annotations

import base64
import html
import re
from io import StringIO

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from signing_in import (
    EMAIL_ATTRIBUTE,
    SamlIdentityProvider,
    SamlIdp,
    SamlSp,
    SamlUser,
    path_and_query,
    sign_in_at_saml_idp,
    signing_key_and_certificate,
)
from smpolicy.schools import saml, sso
from smpolicy.schools.models import SchoolSignIn

APP = "http://testserver"
TRUST = "ourtrust.org.uk"  # a domain both schools of the trust use
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
VERIFIED = "http://schemas.auth0.com/email_verified"
# Entra ID's SAML issuer is https://sts.windows.net/{tenant}/; these stand in for two tenants.
STRAITS_IDP = "https://sts.windows.net/11111111-aaaa-4bbb-8ccc-000000000001/"
HARBOUR_IDP = "https://sts.windows.net/22222222-aaaa-4bbb-8ccc-000000000002/"


def sp_for(idp: str, slug: str) -> SamlSp:
    # The service provider's entity id is fixed from SITE_URL when `sso add` runs; the ACS is
    # where this test's client (http://testserver) receives the POST.
    return SamlSp(
        idp,
        f"{django_settings.SITE_URL}/accounts/saml/{slug}/metadata/",
        f"{APP}/accounts/saml/{slug}/acs/",
    )


def entra_like(idp: str, login: str, email: str, **extra) -> SamlUser:
    # Entra's default: NameID the user principal name (emailAddress format), and the mail
    # address as the emailaddress attribute.
    return SamlUser(idp, login, email, {EMAIL_ATTRIBUTE: email}, **extra)


USERS = {
    "ada": entra_like("straits", "ada", "ada@straits.sch.uk"),
    "dora": entra_like("straits", "dora", "Dora.Lead@straits.sch.uk"),
    # Google Workspace's custom SAML app by default: the primary address as NameID only.
    "gwen": SamlUser("straits", "gwen", "gwen@straits.sch.uk"),
    "stranger": entra_like("straits", "stranger", "nobody@straits.sch.uk"),
    "pupil": entra_like("straits", "pupil", "pupil@straits.sch.uk"),
    "hana_at_straits": entra_like("straits", "hana_at_straits", f"hana@{TRUST}"),
    "outsider": entra_like("straits", "outsider", "ada.lovelace@gmail.com"),
    "no_email": SamlUser("straits", "no_email", "a1b2c3d4", name_id_format=PERSISTENT),
    "opaque_with_attribute": SamlUser(
        "straits", "opaque_with_attribute", "e5f6a7b8", {EMAIL_ATTRIBUTE: "ada@straits.sch.uk"},
        name_id_format=PERSISTENT,
    ),
    "unverified": SamlUser(
        "straits", "unverified", "ada@straits.sch.uk",
        {EMAIL_ATTRIBUTE: "ada@straits.sch.uk", VERIFIED: "false"},
    ),
    "unsigned": entra_like("straits", "unsigned", "ada@straits.sch.uk", signed=False),
    "hana": entra_like("harbour", "hana", f"hana@{TRUST}"),
    # Claims to be Straits' identity provider (same entity id) but signs with its own key.
    "impostor_ada": entra_like("impostor", "impostor_ada", "ada@straits.sch.uk"),
}


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    provider = SamlIdentityProvider(
        tmp_path_factory.mktemp("saml"),
        [SamlIdp("straits", STRAITS_IDP), SamlIdp("harbour", HARBOUR_IDP),
         SamlIdp("impostor", STRAITS_IDP)],
        [sp_for("straits", "straits"), sp_for("harbour", "harbour"),
         sp_for("impostor", "straits")],
        list(USERS.values()),
    )
    yield provider
    provider.stop()


@pytest.fixture
def trust(school, other_school, idp, make_person):
    straits, harbour = school, other_school
    people = {
        "ada": make_person(straits, "staff", "Ada", "Lovelace", email="ada@straits.sch.uk"),
        "dora": make_person(straits, "staff", "Dora", "Lead", email="dora.lead@straits.sch.uk",
                            positions=["dsl"]),
        "gwen": make_person(straits, "staff", "Gwen", "Google", email="gwen@straits.sch.uk"),
        "pupil": make_person(straits, "pupil", "Pip", "Pupil", email="pupil@straits.sch.uk"),
        "hana": make_person(harbour, "staff", "Hana", "Harbour", email=f"hana@{TRUST}"),
    }
    for school_, name in ((straits, "straits"), (harbour, "harbour")):
        saml.configure_saml(
            school_, site_url=django_settings.SITE_URL, entity_id=idp.idps[name].entity_id,
            sso_url=idp.urls[name]["sso_url"], certificate=idp.idps[name].certificate,
            domains=[*school_.email_domains, TRUST],
        )
    return {"people": people, "straits": straits, "harbour": harbour}


def start_sign_in(client, slug, next_url=""):
    query = "process=login" + (f"&next={next_url}" if next_url else "")
    start = client.post(f"/accounts/saml/{slug}/login/?{query}")
    assert start.status_code == 302, start.content[:300]
    assert "SAMLRequest=" in start["Location"]
    return start["Location"]


def post_to_acs(client, action, fields):
    """The browser's POST of the identity provider's form, then the redirect allauth answers."""
    assert action.startswith(f"{APP}/accounts/saml/"), action
    response = client.post(path_and_query(action), fields)
    assert response.status_code == 302, response.content[:300]
    return client.get(response["Location"])


def saml_sign_in(client, slug, who, next_url=""):
    action, fields = sign_in_at_saml_idp(start_sign_in(client, slug, next_url), USERS[who])
    return post_to_acs(client, action, fields)


def signed_in_user(client):
    return get_user_model().objects.filter(pk=client.session.get("_auth_user_id")).first()


def xml_of(fields) -> str:
    return base64.b64decode(fields["SAMLResponse"]).decode()


def with_xml(fields, xml: str) -> dict[str, str]:
    return {**fields, "SAMLResponse": base64.b64encode(xml.encode()).decode()}


def test_a_teacher_signs_in_through_saml_and_gets_an_account_linked_to_their_person(
    client, trust
):
    ada = trust["people"]["ada"]
    assert ada.user is None
    response = saml_sign_in(client, "straits", "ada")
    assert response.status_code == 302 and response["Location"] == reverse("schools:home")
    ada.refresh_from_db()
    user = signed_in_user(client)
    assert user is not None and ada.user == user
    assert not user.has_usable_password()  # the identity provider holds the password
    account = SocialAccount.objects.get(user=user)
    assert account.provider == "saml-straits" and account.uid == "ada@straits.sch.uk"
    assert "Ada Lovelace" in client.get(reverse("schools:home")).content.decode()
    # The second time, the linked account signs in the same user; no second one is made.
    client.logout()
    saml_sign_in(client, "straits", "ada")
    assert signed_in_user(client) == user
    assert get_user_model().objects.filter(person=ada).count() == 1


def test_the_address_may_come_as_the_nameid_alone_or_as_the_attribute_alone(client, trust):
    saml_sign_in(client, "straits", "gwen")  # Google-like: NameID only, no attributes
    trust["people"]["gwen"].refresh_from_db()
    assert signed_in_user(client) == trust["people"]["gwen"].user
    client.logout()
    saml_sign_in(client, "straits", "opaque_with_attribute")  # persistent NameID + attribute
    trust["people"]["ada"].refresh_from_db()
    assert signed_in_user(client) == trust["people"]["ada"].user


def test_the_email_case_does_not_matter(client, trust):
    saml_sign_in(client, "straits", "dora")
    trust["people"]["dora"].refresh_from_db()
    assert signed_in_user(client) == trust["people"]["dora"].user


def test_the_dsl_signed_in_through_saml_is_still_asked_for_the_second_factor(client, trust):
    response = saml_sign_in(client, "straits", "dora", next_url="/safeguarding/")
    assert response.status_code == 302 and response["Location"] == "/safeguarding/"
    assert signed_in_user(client) is not None
    page = client.get("/safeguarding/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("safeguarding:second_factor_setup"))


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("stranger", "There is no sign-up: ask the person who manages accounts"),
        ("pupil", "Nobody with this e-mail address is on Straits"),
        # Hana's address is in a domain Straits allows, but she is on Harbour's records.
        ("hana_at_straits", "Nobody with this e-mail address is on Straits"),
        ("outsider", "not one of the school's addresses"),
        ("no_email", "did not send an e-mail address"),
        ("unverified", "says this e-mail address is not verified"),
    ],
)
def test_refused_sign_ins_say_why_and_sign_nobody_in(client, trust, who, says):
    users_before = get_user_model().objects.count()
    response = saml_sign_in(client, "straits", who)
    body = html.unescape(response.content.decode())
    assert response.status_code == 403, body[:500]
    assert "You cannot sign in this way" in body and says in body
    assert signed_in_user(client) is None
    assert get_user_model().objects.count() == users_before
    assert not SocialAccount.objects.exists()


def test_a_person_of_another_school_signs_in_only_through_their_own_schools_provider(
    client, trust
):
    hana = trust["people"]["hana"]
    # Harbour's own identity provider lets her in to Harbour's app.
    saml_sign_in(client, "harbour", "hana")
    hana.refresh_from_db()
    assert signed_in_user(client) == hana.user
    client.logout()
    # Harbour's signed answer, taken to Straits' app (its ACS), is refused: another issuer,
    # audience and certificate, and no request of Straits' app it answers.
    start_sign_in(client, "straits")
    action, fields = sign_in_at_saml_idp(start_sign_in(client, "harbour"), USERS["hana"])
    response = post_to_acs(client, action.replace("/saml/harbour/", "/saml/straits/"), fields)
    assert response.status_code == 401 and "Sign-in did not work" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_tampered_assertion_signs_nobody_in(client, trust):
    action, fields = sign_in_at_saml_idp(start_sign_in(client, "straits"), USERS["ada"])
    xml = xml_of(fields)
    assert "<ds:Signature" in xml and "ada@straits.sch.uk" in xml
    # Someone between the identity provider and the site changes who the assertion names.
    tampered = with_xml(fields, xml.replace("ada@straits.sch.uk", "dora.lead@straits.sch.uk"))
    response = post_to_acs(client, action, tampered)
    assert response.status_code == 401 and "Sign-in did not work" in response.content.decode()
    assert signed_in_user(client) is None
    assert get_user_model().objects.count() == 0


def test_an_assertion_with_its_signature_removed_signs_nobody_in(client, trust):
    action, fields = sign_in_at_saml_idp(start_sign_in(client, "straits"), USERS["ada"])
    stripped = re.sub(r"<ds:Signature\b.*?</ds:Signature>", "", xml_of(fields), flags=re.S)
    assert "Signature" not in stripped
    response = post_to_acs(client, action, with_xml(fields, stripped))
    assert response.status_code == 401
    assert signed_in_user(client) is None


def test_an_unsigned_response_from_the_identity_provider_signs_nobody_in(client, trust):
    action, fields = sign_in_at_saml_idp(start_sign_in(client, "straits"), USERS["unsigned"])
    assert "Signature" not in xml_of(fields)  # the identity provider really sent it unsigned
    response = post_to_acs(client, action, fields)
    assert response.status_code == 401
    assert signed_in_user(client) is None


def test_an_assertion_signed_with_another_key_signs_nobody_in(client, trust, idp):
    # Same issuer (entity id) as Straits' identity provider, but not its certificate: the
    # request this browser started is answered by another server that has its own key.
    redirect = start_sign_in(client, "straits").replace(
        idp.urls["straits"]["sso_url"], idp.urls["impostor"]["sso_url"]
    )
    action, fields = sign_in_at_saml_idp(redirect, USERS["impostor_ada"])
    assert STRAITS_IDP in xml_of(fields) and "<ds:Signature" in xml_of(fields)
    response = post_to_acs(client, action, fields)
    assert response.status_code == 401
    assert signed_in_user(client) is None


def test_a_replayed_or_unrequested_response_signs_nobody_in(client, trust):
    action, fields = sign_in_at_saml_idp(start_sign_in(client, "straits"), USERS["ada"])
    assert post_to_acs(client, action, fields).status_code == 302
    assert signed_in_user(client) is not None
    client.post(reverse("schools:logout"))
    # The same response again: the request it answers is spent.
    response = post_to_acs(client, action, fields)
    assert response.status_code == 403
    assert signed_in_user(client) is None
    # In another browser that never asked: an answer to no request of its own.
    from django.test import Client

    other = Client()
    response = post_to_acs(other, action, fields)
    assert response.status_code == 403
    assert signed_in_user(other) is None


def test_bad_posts_to_the_acs_get_a_clear_page_not_a_500(client, trust):
    for fields in ({}, {"SAMLResponse": "not base64 !!"},
                   {"SAMLResponse": base64.b64encode(b"<not-saml/>").decode()}):
        response = post_to_acs(client, f"{APP}/accounts/saml/straits/acs/", fields)
        assert response.status_code == 401, fields
        assert "Sign-in did not work" in response.content.decode()
    assert client.get("/accounts/saml/nowhere/login/").status_code == 404
    assert client.get("/accounts/saml/straits/sls/").status_code == 400


def test_the_sign_in_page_shows_the_saml_button_and_a_turned_off_one_refuses(client, trust):
    page = client.get(reverse("schools:login")).content.decode()
    assert "/accounts/saml/straits/login/?process=login" in page
    assert "/accounts/saml/harbour/login/?process=login" in page
    assert page.count("Sign in with your school account") == 2
    SchoolSignIn.objects.filter(school=trust["straits"], kind="saml").update(enabled=False)
    page = client.get(reverse("schools:login")).content.decode()
    assert "/accounts/saml/straits/" not in page and "/accounts/saml/harbour/" in page
    response = saml_sign_in(client, "straits", "ada")
    assert response.status_code == 403 and "turned off" in response.content.decode()
    assert signed_in_user(client) is None


def test_the_service_providers_metadata_names_its_entity_id_and_acs(client, trust):
    response = client.get("/accounts/saml/straits/metadata/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'entityID="{django_settings.SITE_URL}/accounts/saml/straits/metadata/"' in body
    assert f'Location="{APP}/accounts/saml/straits/acs/"' in body
    assert 'WantAssertionsSigned="true"' in body


def test_the_confirm_page_may_redirect_to_the_identity_provider(client, trust):
    # The confirm page's form posts here and is redirected to the IdP: CSP's form-action.
    response = client.get("/accounts/saml/straits/login/?process=login")
    assert response.status_code == 200
    assert "http://127.0.0.1:*" in response["Content-Security-Policy"]


# -- the command ----------------------------------------------------------------------------------


def test_sso_add_saml_from_the_metadata_url_and_prints_what_the_idp_needs(
    school, idp, settings, tmp_path
):
    settings.SITE_URL = "https://policy.straits.sch.uk"
    out = StringIO()
    call_command(
        "sso", "add", "--school", "straits", "--kind", "saml",
        "--metadata-url", idp.urls["straits"]["metadata_url"], "--entity-id", STRAITS_IDP,
        stdout=out,
    )
    sign_in = SchoolSignIn.objects.get(school=school)
    assert sign_in.kind == "saml" and sign_in.app.provider == "saml"
    assert sign_in.app.client_id == "straits" and sign_in.app.provider_id == "saml-straits"
    stored = sign_in.app.settings
    assert stored["idp"]["entity_id"] == STRAITS_IDP
    assert stored["idp"]["sso_url"] == idp.urls["straits"]["sso_url"]
    pem_body = "".join(idp.idps["straits"].certificate.strip().splitlines()[1:-1])
    assert stored["idp"]["x509cert"] == pem_body
    assert stored["advanced"]["want_assertion_signed"] is True
    assert "metadata_url" not in stored["idp"]  # read now, never at sign-in
    text = out.getvalue()
    assert "https://policy.straits.sch.uk/accounts/saml/straits/metadata/" in text
    assert "https://policy.straits.sch.uk/accounts/saml/straits/acs/" in text
    call_command("sso", "list", stdout=out)
    assert (
        f"straits\tsaml\ton\t{STRAITS_IDP}\tstraits.sch.uk\t"
        "https://policy.straits.sch.uk/accounts/saml/straits/acs/" in out.getvalue()
    )
    # Adding again replaces it rather than making a second app.
    call_command(
        "sso", "add", "--school", "straits", "--kind", "saml", "--entity-id", STRAITS_IDP,
        "--sso-url", "https://login.microsoftonline.com/x/saml2", "--certificate",
        _write(tmp_path, "idp.pem", idp.idps["straits"].certificate), stdout=out,
    )
    assert SocialApp.objects.count() == 1
    assert SocialApp.objects.get().settings["idp"]["sso_url"].endswith("/x/saml2")


def _write(folder, name, text):
    path = folder / name
    path.write_text(text)
    return str(path)


def test_sso_add_saml_from_a_metadata_file(school, idp, tmp_path):
    import requests

    metadata = requests.get(idp.urls["harbour"]["metadata_url"], timeout=10).text
    call_command(
        "sso", "add", "--school", "straits", "--kind", "saml", "--metadata",
        _write(tmp_path, "metadata.xml", metadata), stdout=StringIO(),
    )
    assert SocialApp.objects.get().settings["idp"]["entity_id"] == HARBOUR_IDP


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--entity-id", STRAITS_IDP], "missing: --sso-url, --certificate"),
        (["--entity-id", STRAITS_IDP, "--sso-url", "http://idp.example/sso", "--certificate",
          "CERT"], "must be an https:// URL"),
        (["--entity-id", STRAITS_IDP, "--sso-url", "https://idp.example/sso", "--certificate",
          "NOTCERT"], "is not an X.509 certificate"),
        (["--metadata-url", "http://127.0.0.1:9/metadata"], "could not be read"),
        (["--metadata", "NOTXML"], "could not be read"),
        (["--metadata-url", "METADATA", "--entity-id", "https://elsewhere.example/"],
         "describes no identity provider 'https://elsewhere.example/'"),
        (["--metadata", "/nonexistent/idp.xml"], "cannot be read"),
    ],
)
def test_sso_add_saml_refuses_mistakes_saying_what_was_wrong(school, idp, tmp_path, args, says):
    files = {"CERT": idp.idps["straits"].certificate, "NOTCERT": "hello", "NOTXML": "<a><b>"}
    args = [
        _write(tmp_path, f"{a}.txt", files[a]) if a in files
        else idp.urls["straits"]["metadata_url"] if a == "METADATA" else a
        for a in args
    ]
    with pytest.raises(CommandError, match=re.escape(says)) as raised:
        call_command("sso", "add", "--school", "straits", "--kind", "saml", *args,
                     stdout=StringIO())
    assert raised.value.returncode == 2
    assert not SocialApp.objects.exists()


def test_oidc_kinds_still_need_their_client_id_and_saml_none(school):
    with pytest.raises(CommandError, match="Both the client id and the client secret"):
        call_command("sso", "add", "--school", "straits", "--kind", "google", stdout=StringIO())
    with pytest.raises(Exception, match="SAML has no client id"):
        sso.configure(school, "saml", client_id="c", secret="s")


def test_the_certificate_may_be_given_as_pem_or_as_its_base64_text():
    _, pem = signing_key_and_certificate("x")
    body, expires = saml.certificate_body(pem)
    assert saml.certificate_body("".join(pem.splitlines()[1:-1]))[0] == body
    assert expires.year >= 2026
