"""Error reports (sentry-sdk) leave with nothing personal in them: sent to a real HTTP server on
127.0.0.1 standing in for Sentry, and read there."""

from __future__ import annotations

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk

from mailserver import free_port
from smpolicy.web.errorreporting import SCRUBBED, scrub, start


@pytest.fixture
def sentry_server():
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            received.append(body)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://publickey@127.0.0.1:{server.server_port}/1", received
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # off again for the rest of the suite
    server.shutdown()
    server.server_close()


def test_an_error_report_carries_no_child_s_name_no_request_and_no_local_values(sentry_server):
    dsn, received = sentry_server
    start(dsn, environment="test")
    pupil = "Pip Pupilstraits"  # a local variable the frame would otherwise carry
    with sentry_sdk.new_scope() as scope:
        scope.set_user({"email": "dsl@straits.sch.uk", "username": "dora"})
        scope.set_extra("account", f"{pupil} sent a snap")
        sentry_sdk.add_breadcrumb(message=f"opened report about {pupil}")
        try:
            raise ValueError(f"duplicate key: reporter {pupil}")
        except ValueError:
            sentry_sdk.capture_exception()
        sentry_sdk.get_client().flush(10)
    assert received, "nothing reached the stand-in for Sentry"
    sent = b"".join(received).decode()
    assert "ValueError" in sent and "test_error_reporting" in sent  # where it went wrong
    for personal in ("Pip", "Pupilstraits", "dsl@straits.sch.uk", "dora", "snap"):
        assert personal not in sent, personal
    assert SCRUBBED in sent


def test_scrub_keeps_the_method_and_path_only():
    event = {
        "request": {
            "method": "POST", "url": "https://policy.example/safeguarding/reports/new/?kind=x",
            "data": {"account": "Pip"}, "cookies": {"sessionid": "s"},
            "headers": {"Cookie": "s"}, "query_string": "kind=x",
        },
        "logentry": {"message": "alert %s failed", "params": ["Pip"], "formatted": "alert Pip"},
        "user": {"ip_address": "10.0.0.1"},
    }
    assert scrub(event) == {
        "request": {"method": "POST", "url": "https://policy.example/safeguarding/reports/new/"},
        "logentry": {"message": "alert %s failed"},
        "breadcrumbs": {"values": []},
    }
