"""A school's SAML 2.0 identity provider, stored as the SocialApp django-allauth's SAML provider
signs in with (provider "saml", client_id the school's slug, which names its URLs:
/accounts/saml/<slug>/login/, acs/, metadata/).

The identity provider's entity id, sign-in URL and signing certificate are read once, when
`smpolicy sso add --kind saml` runs: from its metadata (a file or a URL) or as given. Nothing is
fetched while people sign in, so a slow or unreachable metadata URL never breaks a sign-in;
when the identity provider changes its certificate, run the same `sso add` again.
Who an assertion lets in is decided in smpolicy.schools.sso, as for OpenID Connect.
"""

from __future__ import annotations

import base64
import datetime as dt
import textwrap
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from smpolicy.schools.models import School, SchoolSignIn
from smpolicy.schools.sso import saml_sp_urls, store_sign_in

# python3-saml's checks, as allauth passes them on (its "advanced" settings). allauth's defaults
# would accept an assertion that is not signed itself when the Response around it is, and ask
# for an AttributeStatement that an identity provider sending the address as the NameID does
# not send.
ADVANCED: dict[str, Any] = {
    "strict": True,  # issuer, audience, destination, times and signature are all checked
    "want_assertion_signed": True,  # the assertion, which names the person, carries a signature
    "want_message_signed": False,  # Entra signs the assertion only, by default
    "want_name_id": True,  # allauth names the account by the NameID; without one, refuse
    "want_attribute_statement": False,
    "reject_deprecated_algorithm": True,  # no SHA-1 signatures
    "reject_idp_initiated_sso": True,  # only an answer to a request this browser started
    # python3-saml checks the form of this site's own URLs; a school's intranet host may have no
    # dot (http://smpolicy/), as the tests' http://testserver has none.
    "allow_single_label_domains": True,
}
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
METADATA_TIMEOUT = 10  # seconds, for `sso add --metadata-url`


def _url(value: str, field: str, what: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.hostname and (
        parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS)
    ):
        return value
    raise ValidationError({field: f"The {what} must be an https:// URL (given: {value!r})."})


def certificate_body(text: str) -> tuple[str, dt.datetime]:
    """The certificate as python3-saml stores it (base64 DER, no PEM lines), and its expiry."""
    text = text.strip()
    if "BEGIN CERTIFICATE" not in text:
        body = "".join(text.split())
        text = "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n".format(
            "\n".join(textwrap.wrap(body, 64))
        )
    try:
        cert = x509.load_pem_x509_certificate(text.encode("ascii", "replace"))
    except ValueError:
        raise ValidationError(
            {"certificate": "This is not an X.509 certificate: give the identity provider's "
             "signing certificate (PEM, or its base64 text)."}
        ) from None
    return base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii"), (
        cert.not_valid_after_utc
    )


def _from_metadata(parsed: dict[str, Any], entity_id: str) -> dict[str, str]:
    idp = parsed.get("idp") or {}
    if not idp.get("entityId"):
        raise ValidationError(
            {"metadata": f"The metadata describes no identity provider {entity_id!r}: check the "
             "entity id (Identifier) the identity provider shows."}
            if entity_id
            else {"metadata": "The metadata describes no identity provider."}
        )
    sso_url = (idp.get("singleSignOnService") or {}).get("url", "")
    if not sso_url:
        raise ValidationError(
            {"metadata": "The metadata offers no sign-in service with the HTTP-Redirect binding."}
        )
    certificate = idp.get("x509cert") or next(
        iter((idp.get("x509certMulti") or {}).get("signing") or []), ""
    )
    if not certificate:
        raise ValidationError({"metadata": "The metadata holds no signing certificate."})
    return {"entity_id": idp["entityId"], "sso_url": sso_url, "certificate": certificate}


def read_metadata(*, xml: str = "", url: str = "", entity_id: str = "") -> dict[str, str]:
    """The entity id, sign-in URL and signing certificate an identity provider's metadata gives.

    When the metadata lists more than one signing certificate (during a change of certificate),
    the first is taken; pass --certificate to choose another."""
    try:
        if url:
            parsed = OneLogin_Saml2_IdPMetadataParser.parse_remote(
                _url(url, "metadata_url", "metadata URL"),
                timeout=METADATA_TIMEOUT,
                entity_id=entity_id or None,
            )
        else:
            parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id or None)
    except ValidationError:
        raise
    except Exception as error:  # urllib's, lxml's and python3-saml's own: all mean "unusable"
        where = f"from {url}" if url else "given"
        raise ValidationError(
            {"metadata": f"The identity provider's metadata {where} could not be read: {error}"}
        ) from None
    return _from_metadata(parsed, entity_id)


@transaction.atomic
def configure_saml(
    school: School,
    *,
    site_url: str,
    entity_id: str = "",
    sso_url: str = "",
    certificate: str = "",
    metadata_url: str = "",
    metadata_xml: str = "",
    domains: list[str] | None = None,
) -> tuple[SchoolSignIn, dt.datetime]:
    """Add or replace ``school``'s SAML sign-in. Returns it and when its certificate expires."""
    entity_id = entity_id.strip()
    if metadata_url or metadata_xml:
        found = read_metadata(xml=metadata_xml, url=metadata_url, entity_id=entity_id)
        entity_id = found["entity_id"]
        sso_url = sso_url or found["sso_url"]
        certificate = certificate or found["certificate"]
    missing = [
        name
        for name, value in (
            ("--entity-id", entity_id), ("--sso-url", sso_url), ("--certificate", certificate)
        )
        if not value.strip()
    ]
    if missing:
        raise ValidationError(
            {"idp": "SAML needs the identity provider's metadata (--metadata-url or --metadata) "
             f"or all of --entity-id, --sso-url and --certificate; missing: {', '.join(missing)}."}
        )
    body, expires = certificate_body(certificate)
    sp = saml_sp_urls(site_url, school)
    settings = {
        "idp": {
            "entity_id": entity_id,
            "sso_url": _url(sso_url, "sso_url", "identity provider's sign-in URL"),
            "x509cert": body,
        },
        # Fixed here, not taken from each request's Host header: the audience every assertion
        # must name, as registered with the identity provider.
        "sp": {"entity_id": sp["entity_id"]},
        "advanced": dict(ADVANCED),
        # Ours, for `sso list` (allauth reads only idp, sp, advanced and attribute_mapping).
        "metadata_url": metadata_url.strip(),
        "certificate_expires": expires.date().isoformat(),
    }
    sign_in = store_sign_in(
        school,
        SchoolSignIn.Kind.SAML,
        {"provider": "saml", "client_id": school.slug, "secret": "", "settings": settings},
        domains=domains,
    )
    return sign_in, expires


class HostHeaderMiddleware:
    """allauth's SAML views read request.META["HTTP_HOST"] directly (for the URLs python3-saml
    checks the answer's Destination against), and fail with a 500 when a client sends no Host
    header (HTTP/1.0). Django's own get_host() knows the fallback, and refuses a host not in
    ALLOWED_HOSTS with a 400, so the SAML paths get that."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/accounts/saml/") and "HTTP_HOST" not in request.META:
            request.META["HTTP_HOST"] = request.get_host()
        return self.get_response(request)
