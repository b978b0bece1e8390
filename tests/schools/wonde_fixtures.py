"""A Wonde-shaped API on 127.0.0.1 for the MIS sync tests, and records in Wonde's shapes.

Where each shape is documented (Wonde's "School Data Sync" reference,
https://docs.wonde.com/docs/api/sync):

- Paging, every list endpoint: ``{"data": [...], "meta": {"pagination": {"next": URL or null,
  "previous": URL or null, "more": bool, "per_page": n, "current_page": n}}}`` ("Pagination").
- Dates: ``{"date": "2016-03-12 00:00:00.000000", "timezone_type": 3, "timezone": "..."}``.
- ``GET /v1.0/schools/{id}/students?include=contacts,year,education_details,groups``
  ("Students": the student object; includes "contacts" (contact objects with a ``relationship``
  object), "year" (``{"data": {"id", "code", "name", "description"}}``), "education_details"
  (``admission_date``, ``leaving_date``) and "groups" (``type`` REGISTRATION, YEAR, HOUSE...)).
- ``GET /v1.0/schools/{id}/students-leaver?include=year,education_details`` ("Student Leavers").
- ``GET /v1.0/schools/{id}/employees?include=contact_details`` ("Employees"; "Contact Details":
  ``{"data": {"emails": {"email", "primary", "home", "work"}, "phones": {...}}}``).
- ``GET /v1.0/schools/{id}/contacts?include=contact_details`` ("Contacts").
- ``GET /v1.0/schools/{id}/classes?include=students`` ("Classes").
- ``GET /v1.0/schools/{id}/deletions`` ("Deletions": ``id``, ``type``, ``mis_id``, ``restored``,
  ``deleted_at``, ``restored_at``).
- Authentication: ``Authorization: Bearer TOKEN``; a refused token is HTTP 401 ("Authentication").
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SCHOOL_ID = "A1930499544"
TOKEN = "7e76896f9aca62569048c667db292d72dd84f224"


def when(day: str | None) -> dict[str, Any] | None:
    if day is None:
        return None
    return {"date": f"{day} 00:00:00.000000", "timezone_type": 3, "timezone": "Europe/London"}


def contact(wonde_id: str, forename: str, surname: str, relationship: str = "Mother",
            email: str = "") -> dict[str, Any]:
    return {
        "id": wonde_id, "mis_id": wonde_id.removeprefix("C"), "upi": f"upi-{wonde_id}",
        "title": "Mrs", "initials": forename[0], "surname": surname, "forename": forename,
        "middle_names": None, "legal_surname": surname, "legal_forename": forename,
        "gender": None, "date_of_birth": None,
        "relationship": {
            "relationship": relationship, "bill_payer": None, "lives_with_pupil": True,
            "parental_responsibility": True, "priority": 1, "pupil_report": True,
        },
        "contact_details": {"data": {
            "emails": {"email": email or None, "primary": None, "home": None, "work": None},
            "phones": {"phone": None, "primary": None, "home": None, "work": None,
                       "mobile": None},
        }},
        "created_at": when("2024-09-01"), "updated_at": when("2026-11-01"),
    }


def student(wonde_id: str, mis_id: str, forename: str, surname: str, born: str, year: str,
            registration: str = "", contacts: tuple[dict, ...] = (),
            admitted: str = "2022-09-01", left: str | None = None,
            known_as: str = "") -> dict[str, Any]:
    groups = [{"id": f"G{year}", "mis_id": year, "name": f"Year {year}", "code": year,
               "type": "YEAR", "description": f"Year {year}"}]
    if registration:
        groups.append({"id": f"G{registration}", "mis_id": registration, "name": registration,
                       "code": registration, "type": "REGISTRATION", "description": None})
    return {
        "id": wonde_id, "upi": f"upi-{wonde_id}", "mis_id": mis_id, "initials": forename[0],
        "surname": surname, "forename": known_as or forename, "middle_names": None,
        "legal_surname": surname, "legal_forename": forename, "gender": "F",
        "date_of_birth": when(born), "restored_at": None,
        "created_at": when("2022-09-01"), "updated_at": when("2026-11-01"),
        "year": {"data": {"id": f"Y{year}", "code": year, "name": f"Year {year}",
                          "description": f"Year {year}", "type": "YEAR"}},
        "education_details": {"data": {"admission_date": when(admitted),
                                       "leaving_date": when(left), "upn": f"UPN{mis_id}"}},
        "groups": {"data": groups},
        "contacts": {"data": list(contacts)},
    }


def employee(wonde_id: str, forename: str, surname: str, email: str) -> dict[str, Any]:
    return {
        "id": wonde_id, "upi": f"upi-{wonde_id}", "mis_id": wonde_id.removeprefix("E"),
        "staff_code": forename[:1] + surname[:2], "title": "Ms", "initials": forename[0],
        "surname": surname, "forename": forename, "middle_names": None,
        "legal_surname": surname, "legal_forename": forename, "gender": None,
        "date_of_birth": None,
        "contact_details": {"data": {"emails": {"email": email, "primary": None, "home": None,
                                                "work": email}}},
        "created_at": when("2020-09-01"), "updated_at": when("2026-11-01"),
    }


def school_class(wonde_id: str, name: str, students: list[str]) -> dict[str, Any]:
    return {
        "id": wonde_id, "mis_id": wonde_id, "name": name, "code": name, "description": name,
        "subject": None, "alternative": False, "priority": None,
        "students": {"data": [{"id": s} for s in students]},
        "created_at": when("2026-09-01"), "updated_at": when("2026-09-01"),
    }


def deletion(wonde_id: str, kind: str, day: str, restored: bool = False) -> dict[str, Any]:
    return {"id": wonde_id, "type": kind, "mis_id": wonde_id[1:], "restored": restored,
            "deleted_at": when(day), "restored_at": when(day) if restored else None}


class WondeServer:
    """A real HTTP server on 127.0.0.1 answering Wonde's endpoints for one school, from
    ``self.endpoints`` (a name to its items), ``per_page`` items a page."""

    def __init__(self, per_page: int = 100) -> None:
        self.per_page = per_page
        self.token = TOKEN
        self.endpoints: dict[str, list[dict[str, Any]]] = {
            "students": [], "students-leaver": [], "employees": [], "contacts": [],
            "classes": [], "deletions": [],
        }
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                if self.headers.get("Authorization") != f"Bearer {server.token}":
                    self._send(401, {"error": "Unauthenticated."})
                    return
                parts = urllib.parse.urlsplit(self.path)
                prefix = f"/v1.0/schools/{SCHOOL_ID}/"
                name = parts.path.removeprefix(prefix).strip("/")
                if not parts.path.startswith(prefix) or name not in server.endpoints:
                    self._send(404, {"error": "Not found"})
                    return
                query = urllib.parse.parse_qs(parts.query)
                page = int(query.get("page", ["1"])[0])
                size = server.per_page
                items = server.endpoints[name]
                chunk = items[(page - 1) * size: page * size]
                more = page * size < len(items)
                query["page"] = [str(page + 1)]
                next_url = (f"{server.url}{parts.path}?{urllib.parse.urlencode(query, doseq=True)}"
                            if more else None)
                self._send(200, {"data": chunk, "meta": {"pagination": {
                    "next": next_url, "previous": None, "more": more, "per_page": size,
                    "current_page": page}, "includes": []}})

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> WondeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
