"""The deployment end to end: gunicorn, a Celery worker and beat started by the command lines of
deploy/'s systemd units, on production settings, against a database of the suite's kind (a
PostgreSQL database of its own when DATABASE_URL is PostgreSQL, else an SQLite file) and Redis.

A teacher reports over HTTP; the DSL's alert e-mail reaches a real SMTP server (aiosmtpd); with
that server stopped the alert is tried again until it is back; escalation fires 15 minutes later
by a fixed clock (`smpolicy escalate-alerts --now`, the command run by hand); `/healthz` is
healthy while beat runs and turns unhealthy once beat has stopped."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import TEST_REDIS_PREFIX, TEST_REDIS_URL, empty_test_redis
from fresh_database import FreshDatabase
from mailserver import MailServer, body_of, free_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SMPOLICY = str(Path(sys.executable).parent / "smpolicy")


def unit_command(unit: str, port: int | None = None) -> list[str]:
    """The unit's ExecStart, with this virtual environment's smpolicy and, for the web app, a
    free port in place of 8000 (another process on this machine may hold it)."""
    line = next(
        line for line in (DEPLOY / unit).read_text().splitlines() if line.startswith("ExecStart=")
    )
    argv = shlex.split(line.removeprefix("ExecStart="))
    assert argv[0] == "/opt/smpolicy/bin/smpolicy"
    argv[0] = SMPOLICY
    if port is not None:
        at = argv.index("--bind")
        assert argv[at + 1] == "127.0.0.1:8000"
        argv[at + 1] = f"127.0.0.1:{port}"
    return argv


def test_the_units_run_smpolicy_serve_worker_and_beat():
    assert unit_command("smpolicy-web.service")[1:] == [
        "serve", "--bind", "127.0.0.1:8000", "--workers", "3",
    ]
    assert unit_command("smpolicy-worker.service")[1:] == ["worker", "--concurrency", "2"]
    assert unit_command("smpolicy-beat.service")[1:] == ["beat"]
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_pass http://127.0.0.1:8000;" in nginx and "client_max_body_size 410m;" in nginx


class Database(FreshDatabase):
    """The deployment's own database."""

    def age_escalation(self) -> None:
        """As if escalation last ran 5 minutes ago (rather than waiting 5 minutes)."""
        ago = (
            "datetime('now', '-5 minutes')" if self.vendor == "sqlite"
            else "now() - interval '5 minutes'"
        )
        self.query(f"UPDATE jobs_jobrun SET succeeded_at = {ago} WHERE name = 'escalate-alerts'")


class Browser:
    """Just enough of a browser: cookies (kept by hand: the production cookies are Secure, and
    this talks plain HTTP to gunicorn as the proxy would) and the CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Referer"] = self.base + path
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=60)
        except urllib.error.HTTPError as answer:
            response = answer
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.read().decode(), dict(response.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


SEED = """
import json
from smpolicy.schools import testing
school = testing.make_school("Straits Primary School", slug="straits")
mk = testing.make_person
head = mk(school, "staff", "Helen", "Head", positions=["headteacher"], email="head@straits.sch.uk")
dsl = mk(school, "staff", "Dora", "Lead", positions=["dsl"], email="dsl@straits.sch.uk")
teacher = mk(school, "staff", "Ada", "Teacher", email="ada@straits.sch.uk")
pupil = mk(school, "pupil", "Pip", "Pupil", date_of_birth=testing.born_aged(10))
testing.make_user(teacher, username="ada", password="ada-e2e-password-1")
print(json.dumps({"pupil": pupil.pk}))
"""


def wait_until(what: str, check, seconds: float):
    give_up = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > give_up:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.5)


def health(base: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as answer:
        return answer.code, json.loads(answer.read())
    except OSError:
        return 0, {}


@pytest.fixture
def deployment(tmp_path):
    empty_test_redis()
    database = Database(tmp_path, "e2e")
    smtp = MailServer().start()
    port = free_port()
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "EMAIL_", "SMPOLICY_", "SENTRY_"))
        and key not in {"DATABASE_URL", "MIGRATION_DATABASE_URL"}
    }
    env.update(
        SMPOLICY_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SITE_URL=f"http://127.0.0.1:{port}",
        DATABASE_URL=database.url,
        SMPOLICY_DATA_DIR=str(tmp_path / "data"),
        CELERY_BROKER_URL=TEST_REDIS_URL,
        SMPOLICY_REDIS_PREFIX=TEST_REDIS_PREFIX,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        EMAIL_USE_TLS="false",
        EMAIL_TIMEOUT="5",
        SMPOLICY_DELIVERY_BACKOFF_SECONDS="1",
        SMPOLICY_DELIVERY_TRIES="30",
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
        DEFAULT_FROM_EMAIL="smpolicy@straits.sch.uk",
    )
    subprocess.run([SMPOLICY, "migrate", "--noinput", "-v", "0"], env=env, check=True,
                   timeout=600)
    seeded = subprocess.run([SMPOLICY, "shell", "-c", SEED], env=env, check=True, timeout=120,
                            capture_output=True, text=True)
    ids = json.loads(seeded.stdout.strip().splitlines()[-1])
    processes: dict[str, subprocess.Popen] = {}
    logs: dict[str, Path] = {}
    for name, argv in (
        ("web", unit_command("smpolicy-web.service", port)),
        ("worker", unit_command("smpolicy-worker.service")),
        ("beat", unit_command("smpolicy-beat.service")),
    ):
        logs[name] = tmp_path / f"{name}.log"
        processes[name] = subprocess.Popen(
            argv, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
            stderr=logs[name].open("w"), start_new_session=True,
        )
    try:
        yield {
            "base": f"http://127.0.0.1:{port}", "env": env, "smtp": smtp, "db": database,
            "processes": processes, "logs": logs, "ids": ids,
        }
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        smtp.stop()
        database.drop()


def report(browser: Browser, pupil: int, account: str) -> int:
    url = "/safeguarding/reports/new/?kind=pupil_contact"
    status, _, _ = browser.request(url)
    assert status == 200
    status, body, headers = browser.request(url, {
        "occurred_date": "2026-11-30", "occurred_time": "19:45", "pupils": [pupil],
        "platform": "snapchat", "channel_account": "personal", "account": account,
        "dsl_told_in_person": "no", "categories": ["online_contact"],
    })
    assert status == 302, body[:2000]
    return int(headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_a_report_over_http_alerts_the_dsl_through_the_worker_and_beat_keeps_it_healthy(
    deployment,
):
    base, smtp, db = deployment["base"], deployment["smtp"], deployment["db"]
    wait_until("gunicorn answers", lambda: health(base)[0] in (200, 503), 120)
    # beat sends escalation within its first minute; then the deployment is healthy
    status, body = wait_until("healthy", lambda: (h := health(base))[0] == 200 and h, 180)
    assert body["database"]["ok"] and body["broker"]["ok"] and body["escalation"]["ok"]

    browser = Browser(base)
    browser.request("/accounts/login/")
    status, _, _ = browser.request(
        "/accounts/login/", {"username": "ada", "password": "ada-e2e-password-1"}
    )
    assert status == 302
    first = report(browser, deployment["ids"]["pupil"], "Pip sent me a snap saying hello miss.")
    [alert] = smtp.wait_for("dsl@straits.sch.uk", seconds=60)
    text = body_of(alert)
    assert f"{base}/safeguarding/reports/{first}/" in text and "Pip" not in text

    smtp.stop()  # the mail server goes down
    second = report(browser, deployment["ids"]["pupil"], "Pip messaged me again tonight.")
    wait_until(
        "a failed try recorded",
        lambda: db.query(
            "SELECT count(*) FROM safeguarding_deliveryattempt "
            f"WHERE report_id = {second} AND delivered = {'0' if db.vendor == 'sqlite' else 'false'}"
        )[0][0] >= 2,
        60,
    )
    smtp.start()  # and comes back
    smtp.wait_for("dsl@straits.sch.uk", count=2, seconds=90)

    # 15 minutes later by a fixed clock, nobody has opened either: the headteacher is alerted
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)).isoformat()

    def escalated() -> str | None:
        # Run by hand, as an operator would, again if a worker held the job at that moment.
        done = subprocess.run(
            [SMPOLICY, "escalate-alerts", "--now", later], env=deployment["env"],
            capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout if "escalated to 1 more people" in done.stdout else None

    assert wait_until("escalation", escalated, 60).count("escalated to 1 more people") == 2
    assert len(smtp.wait_for("head@straits.sch.uk", count=2, seconds=60)) == 2

    # beat keeps escalation fresh: aged, it is refreshed within a minute...
    db.age_escalation()
    assert health(base)[0] == 503
    wait_until("beat refreshes escalation", lambda: health(base)[0] == 200, 100)
    # ...and once beat stops, /healthz turns unhealthy and stays so
    beat = deployment["processes"]["beat"]
    beat.terminate()
    beat.wait(30)
    db.age_escalation()
    time.sleep(65)
    status, body = health(base)
    assert status == 503 and body["escalation"]["ok"] is False and body["database"]["ok"]

    # every line gunicorn wrote is a JSON log line, its access lines too
    lines = [line for line in deployment["logs"]["web"].read_text().splitlines() if line.strip()]
    parsed = [json.loads(line) for line in lines]
    assert all({"time", "level", "logger", "message"} <= set(p) for p in parsed)
    assert any(p["logger"] == "gunicorn.access" and "/healthz" in p["message"] for p in parsed)
    worker_lines = [
        json.loads(line) for line in deployment["logs"]["worker"].read_text().splitlines()
        if line.startswith("{")
    ]
    assert any(
        p["logger"] == "smpolicy.safeguarding.delivery" and "failed" in p["message"]
        for p in worker_lines
    )
