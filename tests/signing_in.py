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


class OpenIDProvider:
    """One node process serving every issuer of a test, each on its own port."""

    def __init__(
        self,
        workdir: Path,
        issuers: dict[str, str],
        clients: list[Client],
        users: list[IdpUser],
    ) -> None:
        node = shutil.which("node")
        if node is None or not (FIXTURE_DIR / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError(
                "node and tests/fixtures/oidc/node_modules are needed: run `make install-test`"
            )
        config = {
            "issuers": [{"name": name, "path": path} for name, path in issuers.items()],
            "clients": [vars(c) for c in clients],
            "users": [vars(u) for u in users],
        }
        config_path = workdir / "oidc-config.json"
        config_path.write_text(json.dumps(config))
        self._stderr = (workdir / "oidc-provider.log").open("w")
        self.process = subprocess.Popen(
            [node, str(SCRIPT), str(config_path)],
            cwd=FIXTURE_DIR,
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
            log = (workdir / "oidc-provider.log").read_text()
            raise RuntimeError(f"the OpenID provider did not start:\n{log}")
        self.issuers: dict[str, str] = json.loads(line[0])["issuers"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stderr.close()


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
