"""A real OpenID provider on 127.0.0.1 for the sign-in tests, and a person's trip through it.

`OpenIDProvider` runs tests/fixtures/oidc/provider.mjs (node's certified oidc-provider package,
installed by `make install-test` with `npm ci`) with the issuers, clients and users a test
gives; tests/fixtures/oidc/provider.mjs says where each claim's shape comes from. Nothing here
forges a token: the app under test fetches discovery, keys and tokens from the provider over
HTTP, as it would from Microsoft or Google.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "oidc"
SCRIPT = FIXTURE_DIR / "provider.mjs"
START_TIMEOUT = 30  # seconds; node loads oidc-provider and makes an RSA key per issuer


@dataclass
class IdpUser:
    """An account at one issuer: what the person types there, and the claims it vouches for."""

    issuer: str
    login: str
    claims: dict[str, Any]
    password: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class Client:
    issuer: str
    redirect_uris: list[str]
    client_id: str = field(default_factory=lambda: f"client-{uuid.uuid4().hex[:12]}")
    client_secret: str = field(default_factory=lambda: uuid.uuid4().hex)


class NodeFixture:
    """A node script of tests/fixtures started with a JSON config; it prints one JSON line when it
    is listening. The OpenID provider and the SAML identity provider both run this way."""

    process: subprocess.Popen[str]

    def _launch(self, script: Path, package: str, config: dict[str, Any], log: Path,
                what: str) -> dict[str, Any]:
        node = shutil.which("node")
        if node is None or not (script.parent / "node_modules" / package).is_dir():
            raise RuntimeError(
                f"node and {script.parent.relative_to(script.parents[3])}/node_modules are "
                "needed: run `make install-test`"
            )
        config_path = log.with_suffix(".config.json")
        config_path.write_text(json.dumps(config))
        self._log = log
        self._stderr = log.open("w")
        self.process = subprocess.Popen(
            [node, str(script), str(config_path)],
            cwd=script.parent,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()))
        reader.start()
        reader.join(START_TIMEOUT)
        if not line or not line[0].strip():
            self.stop()
            raise RuntimeError(f"the {what} did not start:\n{log.read_text()}")
        return json.loads(line[0])

    def log(self) -> str:
        return self._log.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stderr.close()


class OpenIDProvider(NodeFixture):
    """One node process serving every issuer of a test, each on its own port."""

    def __init__(
        self,
        workdir: Path,
        issuers: dict[str, str],
        clients: list[Client],
        users: list[IdpUser],
    ) -> None:
        config = {
            "issuers": [{"name": name, "path": path} for name, path in issuers.items()],
            "clients": [vars(c) for c in clients],
            "users": [vars(u) for u in users],
        }
        started = self._launch(
            SCRIPT, "oidc-provider", config, workdir / "oidc-provider.log", "OpenID provider"
        )
        self.issuers: dict[str, str] = started["issuers"]


def callback_path(provider_id: str) -> str:
    return f"/accounts/oidc/{provider_id}/login/callback/"


def sign_in_at_provider(authorize_url: str, user: IdpUser, app_origin: str) -> str:
    """What a browser does at the provider: open the authorization URL, type the account and its
    secret, and follow the redirects until they lead back to the app. Returns that URL (the
    app's callback with the code and state)."""
    session = requests.Session()
    response = session.get(authorize_url, allow_redirects=True, timeout=10)
    response.raise_for_status()
    action = re.search(r'<form method="post" action="([^"]+)"', response.text)
    assert action, response.text
    url = urljoin(response.url, action[1])
    response = session.post(
        url, data={"login": user.login, "password": user.password}, allow_redirects=False,
        timeout=10,
    )
    for _ in range(10):
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        url = urljoin(url, response.headers["Location"])
        if url.startswith(app_origin):
            return url
        response = session.get(url, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back to the app")


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


# -- SAML ------------------------------------------------------------------------------------------

SAML_FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "saml"
EMAIL_ATTRIBUTE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


def signing_key_and_certificate(common_name: str) -> tuple[str, str]:
    """A test identity provider's RSA key and self-signed certificate (PEM), made per run."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class SamlUser:
    """An account at one SAML identity provider: its NameID and the attributes it sends."""

    idp: str
    login: str
    name_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    name_id_format: str = EMAIL_FORMAT
    signed: bool = True
    password: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class SamlIdp:
    name: str
    entity_id: str
    private_key: str = ""
    certificate: str = ""

    def __post_init__(self) -> None:
        if not self.certificate:
            self.private_key, self.certificate = signing_key_and_certificate(self.name)


@dataclass
class SamlSp:
    """A service provider (a school's app on this site) that one identity provider serves."""

    idp: str
    entity_id: str
    acs_url: str


class SamlIdentityProvider(NodeFixture):
    """One node process serving every SAML identity provider of a test, each on its own port
    (tests/fixtures/saml/idp.mjs, on the samlify package, installed by `make install-test`)."""

    def __init__(
        self, workdir: Path, idps: list[SamlIdp], sps: list[SamlSp], users: list[SamlUser]
    ) -> None:
        self.idps = {idp.name: idp for idp in idps}
        config = {
            "idps": [vars(i) for i in idps],
            "sps": [vars(s) for s in sps],
            "users": [vars(u) for u in users],
        }
        started = self._launch(
            SAML_FIXTURE_DIR / "idp.mjs", "samlify", config, workdir / "saml-idp.log",
            "SAML identity provider",
        )
        # name -> {"sso_url": ..., "metadata_url": ...}
        self.urls: dict[str, dict[str, str]] = started["idps"]


def _form(page: str) -> tuple[str, dict[str, str]]:
    import html as html_lib

    action = re.search(r'<form method="post" action="([^"]+)"', page)
    assert action, page[:1000]
    fields = {
        html_lib.unescape(name): html_lib.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page
        )
    }
    return html_lib.unescape(action[1]), fields


def sign_in_at_saml_idp(redirect_url: str, user: SamlUser) -> tuple[str, dict[str, str]]:
    """What a browser does at the identity provider: follow the service provider's redirect (the
    AuthnRequest, HTTP-Redirect binding), type the account and its secret, and get the page
    that posts the Response back (HTTP-POST binding). Returns that form's action (the app's
    assertion consumer service) and its fields (SAMLResponse, RelayState)."""
    session = requests.Session()
    response = session.get(redirect_url, timeout=10)
    assert response.status_code == 200, (response.status_code, response.text[:500])
    action, fields = _form(response.text)
    response = session.post(
        urljoin(response.url, action),
        data={**fields, "login": user.login, "password": user.password},
        timeout=10,
    )
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return _form(response.text)
