"""gunicorn's settings for `smpolicy serve` (options on the command line override them)."""

from __future__ import annotations

import logging
import os

from smpolicy.web.logconfig import logging_config

wsgi_app = "smpolicy.web.wsgi:application"
bind = os.environ.get("SMPOLICY_BIND", "127.0.0.1:8000")
# gunicorn's own reading of WEB_CONCURRENCY wins when set; 3 fits two cores.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Uploads of evidence and logs take time on a school's line; a page is never held this long.
timeout = 120
graceful_timeout = 30
# The reverse proxy's address is trusted through TRUSTED_PROXIES, not gunicorn's own list.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"

# The app's own log lines (JSON in production), for gunicorn's messages and access lines too.
logconfig_dict = logging_config(
    os.environ.get("LOG_FORMAT", "").strip().lower()
    or ("json" if os.environ.get("SMPOLICY_MODE", "").strip().lower() == "production" else "text"),
    os.environ.get("LOG_LEVEL", "").strip().upper() or "WARNING",
)
if logconfig_dict["formatters"]["main"].get("()"):
    logging.captureWarnings(True)
