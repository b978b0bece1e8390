"""Reading a school's MIS data from Wonde's REST API (https://docs.wonde.com/docs/api/sync).

Wonde sits between a school's MIS (SIMS, Arbor, Bromcom...) and the products the school uses: one
bearer token per school, JSON lists under ``data``, paged by ``meta.pagination.next`` (the URL of
the next page, null on the last). This module only reads: it fetches every page of the endpoints
the sync needs and hands back plain lists; ``smpolicy.schools.mis_sync`` decides what they mean.

No request leaves for anywhere but the Wonde API the school's connection names: a ``next`` link to
another host is refused, so a bad response cannot send the token elsewhere.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

DEFAULT_API_URL = "https://api.wonde.com/v1.0"
TIMEOUT_SECONDS = 30
PER_PAGE = 100
# A school of 3,000 pupils at 100 a page is 30 pages; more than this is a paging loop.
MAX_PAGES = 2_000

# Each endpoint with the includes the sync reads (all documented at docs.wonde.com).
ENDPOINTS: dict[str, str] = {
    "students": "students?include=contacts,year,education_details,groups",
    "leavers": "students-leaver?include=year,education_details",
    "employees": "employees?include=contact_details",
    "contacts": "contacts?include=contact_details",
    "classes": "classes?include=students",
    "deletions": "deletions",
}


class WondeError(Exception):
    """Wonde could not be read: the message says why, in words for the school's IT lead."""


@dataclass
class WondeData:
    """Every record the sync reads, each endpoint's items in the order Wonde gave them."""

    students: list[dict[str, Any]] = field(default_factory=list)
    leavers: list[dict[str, Any]] = field(default_factory=list)
    employees: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    classes: list[dict[str, Any]] = field(default_factory=list)
    deletions: list[dict[str, Any]] = field(default_factory=list)
    pages: int = 0


def api_url() -> str:
    """Wonde's API root: UK schools' api.wonde.com unless settings.WONDE_API_URL says otherwise
    (another region's domain, or the tests' server on 127.0.0.1)."""
    return str(getattr(settings, "WONDE_API_URL", "") or DEFAULT_API_URL).rstrip("/")


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.netloc


def _get(url: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "User-Agent": "smpolicy-mis-sync",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise WondeError(
                f"Wonde refused the token (HTTP {exc.code}): it is wrong, revoked, or not yet "
                "approved by the school in Wonde. Enter the school's current token."
            ) from None
        if exc.code == 404:
            raise WondeError(
                "Wonde has no such school for this token (HTTP 404): check the Wonde school id."
            ) from None
        if exc.code == 429:
            raise WondeError("Wonde asked us to slow down (HTTP 429); try again later.") from None
        raise WondeError(f"Wonde answered HTTP {exc.code} for {_path(url)}.") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WondeError(f"Wonde could not be reached ({reason}).") from None
    try:
        decoded = json.loads(body)
    except ValueError:
        raise WondeError(f"Wonde's answer for {_path(url)} is not JSON.") from None
    if not isinstance(decoded, dict) or not isinstance(decoded.get("data"), list):
        raise WondeError(f"Wonde's answer for {_path(url)} has no list of data.")
    return decoded


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def fetch_all(url: str, token: str) -> tuple[list[dict[str, Any]], int]:
    """Every item of a paged endpoint, following ``meta.pagination.next``; and the page count."""
    origin = _origin(url)
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    next_url: str | None = url
    while next_url:
        if next_url in seen or len(seen) >= MAX_PAGES:
            raise WondeError(f"Wonde's pages of {_path(url)} do not end (page {len(seen) + 1}).")
        if _origin(next_url) != origin:
            raise WondeError(f"Wonde's next page of {_path(url)} points to another server.")
        seen.add(next_url)
        body = _get(next_url, token)
        items += [item for item in body["data"] if isinstance(item, dict)]
        pagination = (body.get("meta") or {}).get("pagination") or {}
        next_url = pagination.get("next") if isinstance(pagination, dict) else None
        if next_url is not None and not isinstance(next_url, str):
            raise WondeError(f"Wonde's next page of {_path(url)} is not a link.")
    return items, len(seen)


def fetch_school(mis_school_id: str, token: str) -> WondeData:
    """Everything the sync reads about one school; WondeError before anything is returned if any
    endpoint cannot be read, so a sync never works from half the data."""
    if not token:
        raise WondeError("There is no Wonde token for this school yet.")
    school_id = urllib.parse.quote(mis_school_id.strip(), safe="")
    if not school_id:
        raise WondeError("There is no Wonde school id for this school yet.")
    data = WondeData()
    for name, path in ENDPOINTS.items():
        joiner = "&" if "?" in path else "?"
        url = f"{api_url()}/schools/{school_id}/{path}{joiner}per_page={PER_PAGE}"
        items, pages = fetch_all(url, token)
        setattr(data, name, items)
        data.pages += pages
    return data
