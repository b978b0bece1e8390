"""Single sign-on through each school's own Microsoft Entra ID tenant or Google Workspace, or
its SAML 2.0 identity provider.

django-allauth's OpenID Connect provider does that protocol (discovery, state, PKCE, the code
exchange, the ID token's signature, issuer, audience and expiry); its SAML provider (python3-saml)
does SAML's (the AuthnRequest, the POST binding's Response: its XML signature against the
school's certificate, issuer, audience, destination, times, and InResponseTo against the request
this browser started). This module decides who that token or assertion lets in, on every
sign-in, not only the first:

- the token's ``iss`` is the issuer configured for the school's app (for Entra also its ``tid``
  is the school's tenant), so a token from another tenant or a multi-tenant endpoint is refused;
- its ``email`` is in one of the app's allowed domains, and verified: Google and other providers
  must say ``email_verified: true``; Google Workspace's ``hd`` (hosted domain) must be one of the
  school's domains, so a consumer gmail.com account or another Workspace is refused;
  Entra ID does not send ``email_verified`` in its ID tokens, so for Entra the address counts as
  verified only because the tenant is the school's own and the domain is one the tenant has
  verified (an ``email_verified`` or ``xms_edov`` that Entra does send must not be false);
- SAML: the assertion must be signed (not only the Response around it), the e-mail address is
  the emailaddress attribute or a NameID in the emailAddress format, and counts as verified
  because the identity provider is the school's own, as for Entra; it must be in one of the
  app's allowed domains, and an email_verified attribute that is sent must not be false;
- the address belongs to exactly one person at *that app's* school, in a role that works for the
  school (no pupils or parents): no self-registration. Their account is created on first sign-in
  (with no usable password: SSO users cannot set one by a reset) and linked to the Person.

A signed-in session is not second-factor verified: smpolicy.safeguarding.access still asks the
DSL team and the headteacher for their code, whichever way they signed in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse

from smpolicy.policy.vocabulary import SCHOOL_REPRESENTATIVES
from smpolicy.schools.models import Person, School, SchoolSignIn
from smpolicy.schools.sealing import SealError, seal, unseal

log = logging.getLogger(__name__)

ISSUERS: dict[str, str] = {
    SchoolSignIn.Kind.ENTRA: "https://login.microsoftonline.com/{tenant}/v2.0",
    SchoolSignIn.Kind.GOOGLE: "https://accounts.google.com",
}
# Entra's shared endpoints let in any tenant's users: a school's app names its own tenant.
SHARED_ENTRA_TENANTS = frozenset({"common", "organizations", "consumers"})
_FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80, then a timestamp)


class Refused(Exception):
    """A sign-in the school's records do not allow, with what to tell the person."""

    def __init__(self, reason: str, *, email: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.email = email


# -- configuring a school's app -------------------------------------------------------------------


def provider_id_for(school: School, kind: str) -> str:
    return f"{kind}-{school.slug}"


def issuer_for(kind: str, tenant: str = "", server_url: str = "") -> str:
    if server_url:
        return server_url.rstrip("/")
    if kind == SchoolSignIn.Kind.ENTRA:
        return ISSUERS[kind].format(tenant=tenant)
    if kind in ISSUERS:
        return ISSUERS[kind]
    raise ValidationError({"server_url": "Another OpenID Connect provider needs its issuer URL."})


def callback_url(site_url: str, provider_id: str) -> str:
    """The redirect URI to register with Entra or Google for this app."""
    path = reverse("openid_connect_callback", kwargs={"provider_id": provider_id})
    return f"{site_url.rstrip('/')}{path}"


def saml_sp_urls(site_url: str, school: School) -> dict[str, str]:
    """What the school's IT lead gives its SAML identity provider for this site: the service
    provider's entity id (Identifier) and the assertion consumer service (Reply URL)."""
    site = site_url.rstrip("/")
    return {
        "entity_id": site + reverse("saml_metadata", kwargs={"organization_slug": school.slug}),
        "acs_url": site + reverse("saml_acs", kwargs={"organization_slug": school.slug}),
    }


def _check_kind(kind: str) -> None:
    if kind not in SchoolSignIn.Kind.values:
        kinds = ", ".join(SchoolSignIn.Kind.values)
        raise ValidationError({"kind": f"Kind must be one of {kinds}."})


def store_sign_in(
    school: School,
    kind: str,
    app_fields: dict[str, Any],
    *,
    tenant: str = "",
    domains: list[str] | None = None,
) -> SchoolSignIn:
    """Add or replace ``school``'s sign-in of ``kind``: one SocialApp per school and kind."""
    provider_id = provider_id_for(school, kind)
    sign_in = SchoolSignIn.objects.filter(app__provider_id=provider_id).first()
    app = sign_in.app if sign_in else SocialApp(provider_id=provider_id)
    app.name = f"{SchoolSignIn.Kind(kind).label[:20]} ({school.slug})"[:40]
    for name, value in app_fields.items():
        setattr(app, name, value)
    if sign_in is None:
        sign_in = SchoolSignIn(school=school, kind=kind)
    sign_in.tenant = tenant
    sign_in.allowed_domains = list(domains or school.email_domains)
    sign_in.enabled = True
    sign_in.app = app
    sign_in.full_clean(exclude=["app"])
    app.save()
    sign_in.app = app
    sign_in.save()
    return sign_in


@transaction.atomic
def configure(
    school: School,
    kind: str,
    *,
    client_id: str,
    secret: str,
    tenant: str = "",
    domains: list[str] | None = None,
    server_url: str = "",
) -> SchoolSignIn:
    """Add or replace ``school``'s OpenID Connect sign-in of ``kind``; the client secret is
    stored sealed."""
    _check_kind(kind)
    if kind == SchoolSignIn.Kind.SAML:
        raise ValidationError(
            {"kind": "SAML has no client id or secret: give the identity provider's entity id, "
             "and its metadata or its sign-in URL and certificate."}
        )
    tenant = tenant.strip()
    if kind == SchoolSignIn.Kind.ENTRA and tenant.lower() in SHARED_ENTRA_TENANTS:
        raise ValidationError(
            {"tenant": f"'{tenant}' lets any organisation's users in: give the school's own "
             "tenant (directory) id."}
        )
    if not client_id.strip() or not secret.strip():
        raise ValidationError({"client_id": "Both the client id and the client secret are needed."})
    settings = {
        "server_url": issuer_for(kind, tenant, server_url),
        # The claims checked below come from the signed ID token; Entra's userinfo endpoint is
        # Microsoft Graph's and would need a Graph-scoped token.
        "fetch_userinfo": False,
        "oauth_pkce_enabled": True,
        "token_auth_method": "client_secret_post",
    }
    return store_sign_in(
        school,
        kind,
        {"provider": "openid_connect", "client_id": client_id.strip(),
         "secret": seal(secret.strip()), "settings": settings},
        tenant=tenant,
        domains=domains,
    )


def open_secret(stored: str) -> str:
    """The client secret as allauth needs it; one typed into the admin in clear stays as is."""
    return unseal(stored) if stored.startswith(_FERNET_PREFIX) else stored


@dataclass(frozen=True)
class Choice:
    """One button on the sign-in page."""

    school: School
    label: str
    url: str


def sign_in_choices(next_url: str = "") -> list[Choice]:
    from django.utils.http import urlencode

    query = urlencode({"process": "login", **({"next": next_url} if next_url else {})})
    return [
        Choice(sign_in.school, sign_in.button_label, f"{login_path(sign_in)}?{query}")
        for sign_in in SchoolSignIn.objects.filter(enabled=True).select_related("school", "app")
    ]


def login_path(sign_in: SchoolSignIn) -> str:
    if sign_in.kind == SchoolSignIn.Kind.SAML:
        return reverse("saml_login", kwargs={"organization_slug": sign_in.app.client_id})
    return reverse("openid_connect_login", kwargs={"provider_id": sign_in.app.provider_id})


def identity_provider(sign_in: SchoolSignIn) -> str:
    """Who the school's sign-in trusts: the OpenID issuer, or the SAML identity provider's
    entity id."""
    if sign_in.kind == SchoolSignIn.Kind.SAML:
        return str(sign_in.app.settings.get("idp", {}).get("entity_id", ""))
    return str(sign_in.app.settings.get("server_url", ""))


def return_url(site_url: str, sign_in: SchoolSignIn) -> str:
    """Where the identity provider sends people back: the redirect URI (OpenID Connect) or the
    assertion consumer service (SAML)."""
    if sign_in.kind == SchoolSignIn.Kind.SAML:
        return saml_sp_urls(site_url, sign_in.school)["acs_url"]
    return callback_url(site_url, sign_in.app.provider_id)


# -- who a token lets in ---------------------------------------------------------------------------


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _falsy(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def verified_email(sign_in: SchoolSignIn, claims: dict[str, Any]) -> str:
    """The e-mail address the ID token vouches for, or Refused saying why not."""
    issuer = str(sign_in.app.settings.get("server_url", "")).rstrip("/")
    if str(claims.get("iss", "")).rstrip("/") != issuer:
        raise Refused("The sign-in came from an identity provider this school does not use.")
    email = str(claims.get("email") or "").strip()
    domains = [d.lower() for d in sign_in.allowed_domains]
    kind = sign_in.kind
    if kind == SchoolSignIn.Kind.ENTRA:
        if str(claims.get("tid", "")).lower() != sign_in.tenant.lower():
            raise Refused("The Microsoft account belongs to another organisation's directory.")
        if not email:
            raise Refused(
                "Microsoft did not send an e-mail address for this account. The school's IT "
                "lead needs to add the optional 'email' claim to the app registration."
            )
        if _falsy(claims.get("email_verified")) or _falsy(claims.get("xms_edov")):
            raise Refused("Microsoft says this e-mail address is not verified.", email=email)
    else:
        if not _truthy(claims.get("email_verified")):
            raise Refused("The identity provider did not verify this e-mail address.", email=email)
    if kind == SchoolSignIn.Kind.GOOGLE:
        hosted = str(claims.get("hd") or "").lower()
        if hosted not in domains:
            raise Refused(
                "This Google account is not one of the school's Google Workspace accounts.",
                email=email,
            )
    return school_address(sign_in, email)


def school_address(sign_in: SchoolSignIn, email: str) -> str:
    """``email``, if it is in one of the domains the school's sign-in may let in."""
    domain = email.rpartition("@")[2].lower()
    if "@" not in email or domain not in {d.lower() for d in sign_in.allowed_domains}:
        raise Refused(
            "This e-mail address is not one of the school's addresses.", email=email
        )
    return email


def saml_email(sign_in: SchoolSignIn, sociallogin: SocialLogin) -> str:
    """The e-mail address a SAML assertion vouches for, or Refused saying why not.

    python3-saml has already checked the assertion's signature against the school's certificate,
    its issuer, audience and times. allauth takes the address from the emailaddress attribute,
    or from a NameID in the emailAddress format; it counts as verified because the identity
    provider is the school's own (as for Entra), unless an email_verified attribute says not."""
    email = next((a.email for a in sociallogin.email_addresses if a.email), "")
    if not email:
        raise Refused(
            "The identity provider did not send an e-mail address for this account. The school's "
            "IT lead needs to send it as the NameID in the emailAddress format, or as the "
            "attribute http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress."
        )
    mapping = sign_in.app.settings.get("attribute_mapping") or (
        SAMLProvider.default_attribute_mapping
    )
    attributes = sociallogin.account.extra_data or {}
    for name in mapping.get("email_verified", []):
        values = attributes.get(name) or []
        if values and str(values[0]).strip().lower() not in {"true", "1"}:
            raise Refused("The identity provider says this e-mail address is not verified.",
                          email=email)
    return school_address(sign_in, email)


def person_for_email(school: School, email: str) -> Person:
    """The one person at ``school`` who works for it with this address."""
    found = list(
        Person.objects.for_school(school)
        .filter(email__iexact=email, role__in=sorted(SCHOOL_REPRESENTATIVES))
        .select_related("user")[:2]
    )
    if not found:
        raise Refused(
            f"Nobody with this e-mail address is on {school}'s records for staff and governors, "
            "so it cannot sign in here. There is no sign-up: ask the person who manages "
            "accounts at your school to add you.",
            email=email,
        )
    if len(found) > 1:
        raise Refused(
            f"More than one person on {school}'s records has this e-mail address. Ask the "
            "person who manages accounts at your school to correct the records.",
            email=email,
        )
    return found[0]


def _new_username(email: str) -> str:
    users = get_user_model().objects
    base = email.lower()[:140]
    username, number = base, 1
    while users.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


def user_for(person: Person, email: str) -> AbstractBaseUser:
    """The person's account, made on their first sign-in (locked against a parallel one)."""
    with transaction.atomic():
        # No select_related: PostgreSQL cannot lock the nullable side of an outer join.
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.user_id is not None:
            return person.user
        user = get_user_model()(
            username=_new_username(email),
            email=email,
            first_name=(person.preferred_name or person.first_name)[:150],
            last_name=person.last_name[:150],
        )
        user.set_unusable_password()
        user.save()
        person.user = user
        person.save(update_fields=["user"])
        log.info("Made the sign-in account of person %s on their first single sign-on", person.pk)
        return user


def refused_page(request: HttpRequest, refused: Refused, school: School | None) -> Any:
    return render(
        request,
        "registration/sso_refused.html",
        {"reason": refused.reason, "email": refused.email, "sso_school": school},
        status=403,
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's hooks: who may sign in, and the client secret unsealed for the exchange."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False  # accounts come from the school's records (see pre_social_login)

    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        opened = []
        for app in super().list_apps(request, provider=provider, client_id=client_id):
            if app.pk is not None:
                try:
                    app.secret = open_secret(app.secret)  # in memory only: the row stays sealed
                except SealError:
                    # A changed SMPOLICY_SEALING_KEYS: that app is unusable (allauth answers 404)
                    # until `smpolicy sso add` stores its secret again.
                    log.error("The client secret of %s cannot be unsealed", app.provider_id)
                    continue
            opened.append(app)
        return opened

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        sign_in = (
            SchoolSignIn.objects.select_related("school", "app")
            .filter(app__provider_id=sociallogin.account.provider)
            .first()
        )
        try:
            user = self._allowed_user(request, sign_in, sociallogin)
        except Refused as refused:
            log.warning(
                "Single sign-on refused (%s): %s", sociallogin.account.provider, refused.reason
            )
            raise ImmediateHttpResponse(
                refused_page(request, refused, sign_in.school if sign_in else None)
            ) from refused
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)

    def _allowed_user(
        self, request: HttpRequest, sign_in: SchoolSignIn | None, sociallogin: SocialLogin
    ) -> AbstractBaseUser:
        if sign_in is None or not sign_in.enabled:
            raise Refused("Signing in this way is turned off for this school.")
        if sociallogin.state.get("process") == "connect":
            raise Refused("Accounts are linked on first sign-in: there is nothing to connect.")
        if sign_in.kind == SchoolSignIn.Kind.SAML:
            email = saml_email(sign_in, sociallogin)
        else:
            email = verified_email(sign_in, sociallogin.account.extra_data.get("id_token") or {})
        person = person_for_email(sign_in.school, email)
        if sociallogin.is_existing:
            user = sociallogin.user
            if person.user_id != user.pk:
                raise Refused(
                    "This account is linked to someone else on the school's records. Ask the "
                    "person who manages accounts at your school.",
                    email=email,
                )
        else:
            user = user_for(person, email)
        if not user.is_active:
            raise Refused(
                "Your account at this school is turned off. Ask the person who manages accounts "
                "at your school.",
                email=email,
            )
        return user


class AccountAdapter(DefaultAccountAdapter):
    """No self-registration: every account comes from a school's records."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
