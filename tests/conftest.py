"""Fixtures for the whole suite: one Chromium for every browser test (see browsing.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from browsing import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} is missing: run `make debian-packages` (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM would then refuse to
    # run here, though tests touch the database only between browser steps, never concurrently.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _own_upload_spool(settings, tmp_path) -> None:
    """Each test's uploads (and the logs queued for a scan, kept beside them) in a folder of its
    own: a file one test leaves would be swept, and reported, by another's catch-up."""
    spool = tmp_path / "upload-spool" / "uploads"
    spool.mkdir(parents=True, exist_ok=True)
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Counters kept in the cache (password-reset limits) start at nothing in every test."""
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def transactional_db(transactional_db) -> Iterator[None]:
    """Guarded tables (safeguarding.dbguard, posting.history) refuse the DELETE a transactional
    test's flush sends, and on PostgreSQL a TRUNCATE of a table that holds rows. Afterwards the
    guards are lifted for a moment, as only a database owner could, every table emptied, and the
    guards put back; the flush that follows finds nothing guarded left to remove."""
    yield
    from django.core.management import call_command
    from django.db import connection

    from smpolicy.posting import history
    from smpolicy.safeguarding import dbguard

    dbguard.remove(connection, dbguard.ALL_GUARDS)
    history.remove_from(connection)
    try:
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    finally:
        dbguard.install(connection, dbguard.ALL_GUARDS)
        history.install_on(connection)


@pytest.fixture
def guarded_db(transactional_db) -> Iterator[None]:  # for tests that create safeguarding records
    """A transactional test that leaves guarded rows behind (see transactional_db above)."""
    yield


# -- the task queue (smpolicy.jobs) ------------------------------------------------------------
# Tests run tasks in the sending process at once, as the demo's worker would a moment later; the
# tests of the queue itself start a real Celery worker on Redis (`redis_worker`).
TEST_REDIS_URL = os.environ.get("SMPOLICY_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
# Runs sharing that Redis database (SQLite and PostgreSQL at once) keep apart by a key prefix.
TEST_REDIS_PREFIX = os.environ.get("SMPOLICY_TEST_REDIS_PREFIX", "smpolicy-test:")


def empty_test_redis() -> None:
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    for key in client.scan_iter(match=f"{TEST_REDIS_PREFIX}*"):
        client.delete(key)


@pytest.fixture(autouse=True)
def _tasks_at_once() -> Iterator[None]:
    from smpolicy.jobs.celery import app

    app.conf.task_always_eager = True
    yield


def _fresh_connections(app: object) -> None:
    # The broker's connection and producer pools are made on first use, from the settings then,
    # and kombu keeps producer pools in a registry of its own: all of them go.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_broker() -> Iterator[str]:
    """The app's tasks sent to Redis (its test database, emptied first), not run at once."""
    from smpolicy.jobs.celery import app

    empty_test_redis()
    saved = {k: app.conf[k] for k in ("broker_url", "broker_transport_options")}
    app.conf.task_always_eager = False
    app.conf.broker_url = TEST_REDIS_URL
    app.conf.broker_transport_options = {
        "visibility_timeout": 3600, "global_keyprefix": TEST_REDIS_PREFIX,
    }
    _fresh_connections(app)
    yield TEST_REDIS_URL
    _fresh_connections(app)
    app.conf.update(saved)
    app.conf.task_always_eager = True


@pytest.fixture
def redis_worker(redis_broker, transactional_db) -> Iterator[object]:
    """A real Celery worker (threads) in this process, taking tasks from Redis, with its own
    database connections to the test database."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connection

    from smpolicy.jobs.celery import app

    def close_connection(**kwargs: object) -> None:
        # Each task's thread closes its connection: one left open in the pool's threads would
        # hold SQLite's shared-cache table locks against the tests that follow.
        connection.close()

    task_postrun.connect(close_connection, weak=False)
    try:
        with start_worker(
            app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING",
            shutdown_timeout=30,
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_connection)
        # The pool's threads have ended; their connections close once collected.
        import gc

        gc.collect()
