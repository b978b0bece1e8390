"""What every browser test shares: Playwright driving Debian's Chromium, signing in, axe-core.

Playwright's own browser download cannot reach the internet here, so the browser is
/usr/bin/chromium (the Makefile's `debian-packages` target installs it). The flags keep Chromium from
reaching for Google's services, which this closed network refuses. One browser serves the whole
run (tests/conftest.py): Playwright's sync API allows one instance per thread.
"""

from __future__ import annotations

import os

from playwright.sync_api import Page

from smpolicy.schools import testing

CHROMIUM = os.environ.get("SMPOLICY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def sign_in(page: Page, base_url: str, username: str, password: str = testing.TEST_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def accessibility_violations(page: Page) -> list[str]:
    """WCAG 2.2 A and AA violations axe-core finds on the page (axe ships inside the package)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} element(s): "
        f"{', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def enter_code(page: Page, factor: object) -> None:
    """On the second-factor page, type the authenticator's code for ``factor`` (a SecondFactor).
    A code is refused once used, so when this step's code was spent (an earlier sign-in in the
    same 30 seconds) the next step's is typed: the window allows one step either side."""
    import time

    import pyotp

    factor.refresh_from_db()  # type: ignore[attr-defined]
    generator = pyotp.TOTP(factor.secret)  # type: ignore[attr-defined]
    now = time.time()
    if generator.timecode(dt_from(now)) <= factor.last_step:  # type: ignore[attr-defined]
        now += generator.interval
    page.get_by_label("The 6-digit code from your authenticator app").fill(generator.at(now))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def dt_from(seconds: float) -> object:
    import datetime as dt

    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
