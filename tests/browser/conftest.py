"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Playwright's own browser download cannot reach the internet here, so the browser is
/usr/bin/chromium (Makefile's `browser` target installs it). The flags keep Chromium from reaching
for Google's services, which this closed network refuses.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from smpolicy.schools import testing

# Playwright's sync API runs an event loop in this thread; Django's ORM would then refuse to run
# here, though the tests only touch the database between browser steps, never concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        raise RuntimeError(
            f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium) first"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def school(transactional_db):
    return testing.make_school("Straits Primary School", slug="straits")


@pytest.fixture
def teacher(school):
    person = testing.make_person(school, "staff", "Ada", "Lovelace")
    testing.make_user(person, username="ada.lovelace")
    return person


def sign_in(page: Page, base_url: str, username: str, password: str = testing.TEST_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def accessibility_violations(page: Page) -> list[str]:
    """WCAG 2.2 A and AA violations axe-core finds on the page (axe ships inside the package)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag",
                             "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}},
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} element(s): "
        f"{', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]
