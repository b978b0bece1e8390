"""Optional error reporting through sentry-sdk, with personal data scrubbed before it leaves.

The app holds children's safeguarding records, so an error report carries where the code went
wrong and nothing of what it was working on: no request body, cookies, headers or query string,
no user, no local variables, no log messages' arguments, no breadcrumbs, and an exception's type
without its text (an IntegrityError or a template error can quote a row).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

SCRUBBED = "[scrubbed]"
REQUEST_KEPT = ("method", "url")


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """sentry-sdk's ``before_send``: the event with everything personal taken out."""
    event.pop("user", None)
    event.pop("extra", None)
    event.pop("server_name", None)
    event["breadcrumbs"] = {"values": []}
    request = event.get("request")
    if isinstance(request, dict):
        kept = {k: request[k] for k in REQUEST_KEPT if k in request}
        if "url" in kept:
            kept["url"] = str(kept["url"]).split("?", 1)[0]
        event["request"] = kept
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        # The message's template stays ("alert %s: e-mail try %s failed"); its values go.
        event["logentry"] = {"message": logentry.get("message", "")}
    for exception in (event.get("exception") or {}).get("values", []):
        if exception.get("value"):
            exception["value"] = SCRUBBED
        _strip_frames(exception)
    for thread in (event.get("threads") or {}).get("values", []):
        _strip_frames(thread)
    return event


def _strip_frames(holder: dict[str, Any]) -> None:
    for frame in (holder.get("stacktrace") or {}).get("frames", []):
        for key in ("vars", "pre_context", "context_line", "post_context"):
            frame.pop(key, None)


def start(dsn: str, *, environment: str) -> None:
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install 'smpolicy[sentry]'"
        ) from None
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,
        include_source_context=False,  # the lines around the error: code, but kept out too
        max_request_body_size="never",
        max_breadcrumbs=0,
        before_send=scrub,
        traces_sample_rate=0,
    )
