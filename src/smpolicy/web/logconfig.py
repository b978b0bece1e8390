"""Logs as JSON lines (one object a line: time, level, logger, message), for the web app, the
workers, beat and gunicorn alike; or plain text lines, the demo's default. No Django import:
gunicorn's configuration reads it before Django starts."""

from __future__ import annotations

import json
import logging
from typing import Any

FIELDS = {"asctime": "time", "levelname": "level", "name": "logger"}


class SmallJsonFormatter(logging.Formatter):
    """The same lines where python-json-logger is missing."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def json_formatter() -> logging.Formatter:
    try:
        from pythonjsonlogger.json import JsonFormatter
    except ImportError:  # an older python-json-logger, or none
        try:
            from pythonjsonlogger.jsonlogger import JsonFormatter  # type: ignore[no-redef]
        except ImportError:
            return SmallJsonFormatter()
    return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", rename_fields=FIELDS)


def logging_config(fmt: str, level: str) -> dict[str, Any]:
    """``logging.config.dictConfig``'s dictionary: ``fmt`` "json" or "text"."""
    formatter = (
        {"()": "smpolicy.web.logconfig.json_formatter"}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "main"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # gunicorn's own loggers (its configuration passes this dictionary on)
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
