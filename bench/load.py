"""Pages under load at trust size: signed-in users on PostgreSQL and `smpolicy serve`.

    python bench/load.py [--schools 5] [--users 50] [--seconds 60] [--keep]

Generates a trust (bench/trust.py: per school 400 pupils, 600 parents, 40 staff, 200 safeguarding
reports with their alerts, a tenth of them about one pupil, 100 official posts, 1,500 network
findings; `--schools 50` is issue 11's size) in a fresh PostgreSQL database, starts
`smpolicy serve --workers 3` on it with production settings, and drives `--users` concurrent
signed-in users with think time (locust's library, headless, for `--seconds`): home, Ask the
policy (GET and POST), the DSL's report list and alerts, a report, a pupil's chronology, network
findings, official posts, POST /api/decisions with the school's API key, and Check a post (GET
and POST). The DSL team signs in with their second factor (a TOTP code from pyotp, as an
authenticator app would). Prints count, failures, median, p95 and p99 per page, the login page's
in the same run, and the date and machine. Aim (issue 11): every page's p95 under 150 ms and
within 10 times the login page's.
"""

from __future__ import annotations

# locust's gevent patches the standard library: first, before anything opens a socket.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import pyotp  # noqa: E402
from locust import HttpUser, between, task  # noqa: E402
from locust.clients import HttpSession  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SMPOLICY = Path(sys.executable).with_name("smpolicy")
SIZES = {"pupils": 400, "parents": 600, "staff": 40, "reports": 200, "posts": 100,
         "findings": 1500}
SITUATION = {
    "actor": {"role": "staff", "age": 34},
    "action": "connect",
    "counterpart": {"role": "pupil", "age": 12, "on_roll": "current"},
    "channel": {"account": "personal", "platform": "instagram"},
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def production_env(database_url: str, data_dir: Path, port: int) -> dict[str, str]:
    """What a production start needs (as tests/jobs/test_end_to_end.py starts it); the broker is
    the embedded one on the data directory, as no worker runs here: alerts wait in it."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "EMAIL_", "SMPOLICY_", "SENTRY_"))
        and key not in {"DATABASE_URL", "MIGRATION_DATABASE_URL"}
    }
    env.update(
        SMPOLICY_MODE="production", SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false",
        SITE_URL=f"http://127.0.0.1:{port}", DATABASE_URL=database_url,
        SMPOLICY_DATA_DIR=str(data_dir), EMAIL_HOST="127.0.0.1", EMAIL_PORT="1",
        EMAIL_USE_TLS="false", EMAIL_TIMEOUT="5", LOG_LEVEL="WARNING",
        DEFAULT_FROM_EMAIL="smpolicy@trust.example",
    )
    return env


def generate(env: dict[str, str], schools: int, leads: int) -> list[dict[str, Any]]:
    subprocess.run([str(SMPOLICY), "migrate", "--noinput", "-v", "0"], env=env, check=True)
    sizes = {**SIZES, "schools": schools, "leads": leads}
    code = f"import runpy; runpy.run_path({str(ROOT / 'bench' / 'trust.py')!r})"
    done = subprocess.run(
        [str(SMPOLICY), "shell", "-c", code], env={**env, "BENCH_TRUST": json.dumps(sizes)},
        check=True, capture_output=True, text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])["accounts"]


def wait_for(base: str, seconds: float = 120) -> None:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        try:
            with urllib.request.urlopen(base + "/accounts/login/", timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("smpolicy serve did not answer")


class Staff(HttpUser):
    """A member of the DSL team or the headteacher (both with their second factor), or a teacher,
    each on their own account: a TOTP code is used once."""

    wait_time = between(1, 3)
    accounts: Any = None  # an iterator over the generated accounts, set before the run
    visitor: HttpSession | None = None

    def on_start(self) -> None:
        self.me = next(self.accounts)
        self.login()
        self.sign_in()

    def login(self) -> None:
        page = self.get("/accounts/login/", "login page")
        self.post("/accounts/login/", "login (POST)", page.text, expect=302,
                  username=self.me["username"], password=self.me["password"])

    def behind_the_proxy(self) -> None:
        """Production's cookies are Secure; plain HTTP reaches gunicorn here, as it does from the
        reverse proxy that ends TLS, so the cookies are sent as the browser would over HTTPS."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path: str, name: str) -> Any:
        """A page, a failure unless it answers 200 itself (a redirect to sign-in is not the
        page)."""
        self.behind_the_proxy()
        with self.client.get(path, name=name, allow_redirects=False,
                             catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code} {answer.headers.get('Location', '')}")
            return answer

    def post(self, path: str, name: str, form: str, expect: int = 200, **data: Any) -> Any:
        self.behind_the_proxy()
        with self.client.post(
            path, name=name, allow_redirects=False, catch_response=True,
            data={**data, "csrfmiddlewaretoken": self.token(form)},
            headers={"Referer": self.host + path},
        ) as answer:
            if answer.status_code != expect:
                answer.failure(f"{answer.status_code} {answer.headers.get('Location', '')}")
            return answer

    def sign_in(self) -> None:
        if "totp" not in self.me:
            return
        url = "/safeguarding/second-factor/verify/?next=/safeguarding/"
        page = self.get(url, "second factor")
        self.post(url, "second factor (POST)", page.text, expect=302,
                  code=pyotp.TOTP(self.me["totp"]).now())

    def token(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else self.client.cookies.get("csrftoken", "")

    def staff_only(self) -> bool:
        return self.me["kind"] == "teacher"

    @task(3)
    def home(self) -> None:
        self.get("/", "home")

    @task(2)
    def login_page(self) -> None:
        # The yardstick: a page that does almost nothing, measured under the same load, asked
        # for by a visitor not signed in (a signed-in one is sent home).
        if self.visitor is None:
            self.visitor = HttpSession(self.host, self.environment.events.request, self)
        with self.visitor.get("/accounts/login/", name="login page", allow_redirects=False,
                              catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(str(answer.status_code))

    @task(2)
    def ask(self) -> None:
        page = self.get("/ask/", "ask")
        self.post("/ask/", "ask (POST)", page.text, role="staff", action="connect",
                  counterpart="pupil", account="personal", platform="instagram")

    @task(2)
    def check_a_post(self) -> None:
        page = self.get("/posts/check/", "check a post")
        self.post("/posts/check/", "check a post (POST)", page.text,
                  text=f"Well done to Year 5 at sports day! {random.randint(1, 10**6)}",
                  account="official", platform="facebook")

    @task(2)
    def decisions_api(self) -> None:
        self.behind_the_proxy()
        self.client.post("/api/decisions", name="POST /api/decisions", json=SITUATION,
                         headers={"Authorization": f"Bearer {self.me['api_key']}"})

    @task(2)
    def report_list(self) -> None:
        if not self.staff_only():
            self.get("/safeguarding/records/", "reports (DSL)")

    @task(2)
    def alerts(self) -> None:
        if not self.staff_only():
            self.get("/safeguarding/alerts/", "alerts (DSL)")

    @task(1)
    def report(self) -> None:
        if not self.staff_only() and self.me["report"]:
            self.get(f"/safeguarding/reports/{self.me['report']}/", "a report")

    @task(1)
    def chronology(self) -> None:
        if not self.staff_only():
            self.get(f"/safeguarding/people/{self.me['pupil']}/chronology/", "a chronology")

    @task(1)
    def findings(self) -> None:
        if not self.staff_only():
            self.get("/network/", "findings")

    @task(2)
    def official_posts(self) -> None:
        self.get("/posts/", "official posts")


def table(env: Environment) -> list[str]:
    rows = [f"{'page':<26} {'count':>7} {'fails':>6} {'median':>8} {'p95':>7} {'p99':>7}"]
    entries = sorted(env.stats.entries.values(), key=lambda e: e.name)
    for entry in entries:
        if not entry.num_requests:
            continue  # a sign-in step that happened only in the warm-up
        rows.append(
            f"{entry.name:<26} {entry.num_requests:>7} {entry.num_failures:>6} "
            f"{entry.get_response_time_percentile(0.5):>6.0f}ms "
            f"{entry.get_response_time_percentile(0.95):>5.0f}ms "
            f"{entry.get_response_time_percentile(0.99):>5.0f}ms"
        )
    total = env.stats.total
    rows.append(f"{'all':<26} {total.num_requests:>7} {total.num_failures:>6} "
                f"{total.get_response_time_percentile(0.5):>6.0f}ms "
                f"{total.get_response_time_percentile(0.95):>5.0f}ms "
                f"{total.get_response_time_percentile(0.99):>5.0f}ms")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=5, help="50 is issue 11's trust")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=15,
                        help="seconds of load before measuring: sign-ins, each worker's start")
    parser.add_argument("--database-url",
                        default="postgres://postgres@127.0.0.1:5432/smpolicy_load")
    parser.add_argument("--keep", action="store_true", help="leave the database in place")
    args = parser.parse_args()

    before = f"{os.getloadavg()[0]:.1f}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="smpolicy-load-") as tmp:
        env = production_env(args.database_url, Path(tmp) / "data", port)
        fresh_database(args.database_url)
        started = time.monotonic()
        # Enough signed-in accounts that no two users share one: a TOTP code is used once.
        leads = max(1, -(-args.users // args.schools) - 1)
        accounts = generate(env, args.schools, leads)
        print(f"trust: {args.schools} schools, {len(accounts)} accounts, generated in "
              f"{time.monotonic() - started:.0f} s", flush=True)
        server = subprocess.Popen(
            [str(SMPOLICY), "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers)],
            env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=(Path(tmp) / "web.log").open("w"),
            start_new_session=True,
        )
        try:
            wait_for(base)
            Staff.accounts = itertools.cycle(accounts)
            Staff.host = base
            runner_env = Environment(user_classes=[Staff], host=base)
            runner = runner_env.create_local_runner()
            runner.start(args.users, spawn_rate=max(1, args.users / 10))
            # Signing in (a password hash each) and each gunicorn worker's first requests are
            # not what is measured: the counts start once everyone is in and working.
            gevent.sleep(args.warmup)
            runner_env.stats.reset_all()
            gevent.sleep(args.seconds)
            runner.quit()
            lines = table(runner_env)
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
            if not args.keep:
                fresh_database(args.database_url)
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores (nproc "
          f"{len(os.sched_getaffinity(0))}); Python {platform.python_version()}; "
          f"{args.schools} schools, {args.users} users, {args.seconds} s after "
          f"{args.warmup} s warm-up, "
          f"{args.workers} gunicorn workers; load average before {before}, after "
          f"{os.getloadavg()[0]:.1f} (other work on the machine shares its cores)")
    print("\n".join(lines))
    for entry in runner_env.stats.errors.values():
        print(f"error: {entry.method} {entry.name}: {entry.error} ({entry.occurrences}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
