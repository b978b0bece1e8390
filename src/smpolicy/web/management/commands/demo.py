"""manage.py demo: set up the demo school and serve it on http://127.0.0.1:8000/."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from smpolicy.posting.demo import load_demo_posting
from smpolicy.registers.demo import load_demo_registers
from smpolicy.schools.demo import load_demo_school

DEFAULT_ADDRPORT = "127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Migrate the database, load the demo school (Straits Primary School) with its demo "
        "logins, print them, and run the site on 127.0.0.1:8000."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="set everything up, but do not run the server"
        )
        parser.add_argument(
            "--addrport",
            default=DEFAULT_ADDRPORT,
            help=f"where to serve (default {DEFAULT_ADDRPORT})",
        )

    def handle(self, *args: Any, no_serve: bool, addrport: str, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "The demo school has public passwords; it is refused when SMPOLICY_MODE=production."
            )
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WhiteNoise serves from the finders in the demo, but looks for STATIC_ROOT all the same.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        # The demo's own steps (a post submitted for approval...) send e-mails; they are part of
        # making the demo, not news for the person starting it.
        # Their e-mails are sent here and now (tasks run at once), not handed to the worker.
        from smpolicy.jobs.celery import app

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                logins = load_demo_school()
                load_demo_posting()
                load_demo_registers()
        finally:
            app.conf.task_always_eager = eager

        host, _, port = addrport.rpartition(":")
        url = f"http://{host or '127.0.0.1'}:{port}/"
        width = max(len(username) for username, _, _ in logins)
        pwidth = max(len(password) for _, password, _ in logins)
        self.stdout.write(
            "Demo school: Straits Primary School. Demo logins (public, for the demo only):"
        )
        self.stdout.write(f"  {'username':<{width}}  {'password':<{pwidth}}  who")
        for username, password, who in logins:
            self.stdout.write(f"  {username:<{width}}  {password:<{pwidth}}  {who}")
        self.stdout.write(f"\nOpen {url} and sign in.")
        if no_serve:
            return
        # Alerts, escalation and the scheduled jobs run in a worker with its scheduler (beat)
        # beside the server, through the broker in the data directory: nothing else to start.
        worker = subprocess.Popen(
            [sys.executable, "-m", "smpolicy", "worker", "--beat", "--concurrency", "1"],
            env=os.environ.copy(),
        )
        self.stdout.write(f"Worker and scheduler started (process {worker.pid}).")
        # Stopped by a signal (a service manager, `timeout`), the server's finally still stops
        # the worker; Ctrl-C reaches both anyway.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
