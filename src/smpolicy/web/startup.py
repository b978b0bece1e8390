"""What the app catches up on when it starts, and every minute after: temporary uploads a crash
left behind, and evidence whose text reading a restart interrupted. ``catch_up`` is the one entry
point (for the start-up thread, ``smpolicy escalate-alerts`` and, later, a task queue); each part
is idempotent and safe to run in several processes at once."""

from __future__ import annotations

import logging
import threading

from django.db import connection

logger = logging.getLogger("smpolicy.web.startup")


def catch_up() -> dict[str, int]:
    """Sweep stale temporary uploads and expired exports, read pending evidence text and send
    alerts a broker outage kept from a worker: how many of each."""
    from smpolicy.jobs.exports import sweep as sweep_exports
    from smpolicy.safeguarding.delivery import resend_untried
    from smpolicy.safeguarding.textreading import read_pending_text
    from smpolicy.web.tempfiles import sweep

    return {
        "temporary files deleted": sweep(),
        "expired exports deleted": sweep_exports(),
        "evidence texts read": read_pending_text(),
        "alerts sent again": resend_untried(),
    }


def _run() -> None:
    try:
        catch_up()
    except Exception:
        # Before migrations have run there are no tables yet: nothing to catch up on.
        logger.exception("catching up at start-up failed")
    finally:
        connection.close()  # this thread's own connection


def start_in_background() -> threading.Thread:
    """Catch up in a daemon thread, so the first requests are not held while images are read."""
    thread = threading.Thread(target=_run, name="smpolicy-catch-up", daemon=True)
    thread.start()
    return thread
