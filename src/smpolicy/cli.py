"""The `smpolicy` command.

`smpolicy decide` runs the policy engine with no Django and no database, so it starts fast and
streams. Every other sub-command is the Django project's management command of that name
(`smpolicy demo`, `smpolicy migrate`, `smpolicy import-people ...`), so one console script serves.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import IO, Any

USAGE = """usage: smpolicy COMMAND [ARGS]

Commands:
  decide [FILE|-]     answer situations from the policy (JSON in, JSON Lines out)
  check-post [FILE|-] check posts (text and images) before they are published
  scan-logs FILE...   scan web filter, proxy or DNS logs against the policy
  check-pack FILE     validate a school's own policy pack (YAML) and summarise it
  send-reminders      send the registers' reminders (run it from cron, hourly)
  expire-approvals    lapse official-post approvals past their time (cron, every few minutes)
  escalate-alerts     escalate urgent safeguarding alerts nobody opened (beat does it each minute)
  remind-actions      remind owners of overdue safeguarding case actions, once (beat: hourly)
  verify-evidence     re-check evidence files and the audit/evidence hash chains (cron, nightly)
  backup OUT          the database and media, sealed with a passphrase (--keys-out: the keys apart)
  restore FILE        a backup into an empty database and media folder (--check: only read it)
  teams-webhook       the Teams channel a school's alerts also go to (--school SLUG --url -)
  db-roles            the PostgreSQL role the app runs as (cannot drop triggers; --app-role NAME)
  audit               print the safeguarding audit log
  expire-findings     delete network findings past the school's retention (cron, daily)
  demo                set up and serve the demo school on http://127.0.0.1:8000/ (and its worker)
  serve [GUNICORN-OPTIONS]  the web app under gunicorn (default --bind 127.0.0.1:8000)
  worker [CELERY-OPTIONS]   a Celery worker: alerts, escalation, the scheduled jobs
  beat [CELERY-OPTIONS]     the scheduler that sends the scheduled jobs to the workers
  import-people FILE  import people from an MIS export, CSV or Excel (--school SLUG)
  import-consent FILE import pupils' photo consents exported from the MIS (--school SLUG)
  mis-sync            sync a school's people from its MIS through Wonde (--school SLUG, --dry-run)
  help                Django's list of every management command

Any Django management command also works: `smpolicy migrate`, `smpolicy createsuperuser`, ...
"""

EXIT_BAD_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return 0
    command, rest = args[0], args[1:]
    if command == "decide":
        return decide_command(rest)
    if command == "check-pack":
        return check_pack_command(rest)
    if command == "check-post":
        from smpolicy.content.command import main as check_post

        return check_post(rest)
    if command == "scan-logs":
        from smpolicy.monitoring.command import main as scan_logs

        return scan_logs(rest, record=record_scanned)
    if command == "serve":
        return serve_command(rest)
    if command in ("worker", "beat"):
        return celery_command(command, rest)
    return django_command(command, rest)


def record_scanned(
    found: list[Any], school: str | None, source: str, summary: dict[str, Any]
) -> str:
    """`scan-logs --into-db`: the network app records what the Django-free scanner found."""
    from smpolicy.network.recording import record_findings

    return str(record_findings(found, school=school, source=source, summary=summary))


# -- smpolicy serve, worker, beat: the processes a deployment runs (deploy/ has their units) ----


def serve_command(rest: list[str]) -> int:
    """gunicorn with smpolicy's own configuration (smpolicy.web.gunicorn_conf); options given
    after `serve` override it (`--bind`, `--workers`...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpolicy.web.settings")
    from gunicorn.app.wsgiapp import WSGIApplication

    sys.argv = ["smpolicy serve", "--config", "python:smpolicy.web.gunicorn_conf", *rest]
    WSGIApplication("%(prog)s [OPTIONS]").run()
    return 0


def celery_command(command: str, rest: list[str]) -> int:
    """`celery worker` or `celery beat` for smpolicy's Celery app, logging at INFO."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpolicy.web.settings")
    import django

    django.setup()
    from smpolicy.jobs.celery import app

    app.start([command, "--loglevel", "INFO", *rest])
    return 0


# Commands run as the role that owns the tables (MIGRATION_DATABASE_URL), not the app's own role,
# which may not alter them (see `smpolicy db-roles`): a restore makes the tables and triggers.
OWNER_COMMANDS = frozenset({"migrate", "db_roles", "backup", "restore"})


def database_url_for(name: str, environ: dict[str, str]) -> str | None:
    """The DATABASE_URL a management command runs with: the owner's for migrations."""
    owner = environ.get("MIGRATION_DATABASE_URL", "").strip()
    if name in OWNER_COMMANDS and owner:
        return owner
    return environ.get("DATABASE_URL")


def django_command(command: str, rest: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpolicy.web.settings")
    from django.core.management import execute_from_command_line

    name = command.replace("-", "_") if command != "help" else command
    url = database_url_for(name, dict(os.environ))
    if url:
        os.environ["DATABASE_URL"] = url
    execute_from_command_line(["smpolicy", name, *rest])
    return 0


# -- smpolicy check-pack --------------------------------------------------------------------------


def check_pack_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="smpolicy check-pack",
        description="Validate a policy pack and say what it holds; exit code 2 names the mistake.",
    )
    parser.add_argument("file", help="the pack's YAML file")
    options = parser.parse_args(argv)
    from smpolicy.policy import Engine, PackError, load_pack

    try:
        pack = load_pack(options.file)
        Engine(pack)  # compiling the plan is the last check a pack must pass
    except PackError as exc:
        sys.stderr.write(f"smpolicy check-pack: {exc}\n")
        return EXIT_BAD_INPUT
    binding = [c for c in pack.clauses.values() if c.binding]
    applied = {r.clause for r in pack.rules} | {c for r in pack.rules for c in r.cites}
    applied |= {o.clause for r in pack.rules for o in r.obligations}
    applied |= {o.clause for f in pack.follow_ups for o in f.obligations}
    applied |= {m.clause for m in pack.modifiers} | {pack.fallback.clause}
    unapplied = [c.id for c in binding if c.id not in applied]
    sys.stdout.write(
        f"{pack.title or pack.id}, version {pack.version}: {len(pack.clauses)} clauses "
        f"({len(binding)} binding), {len(pack.rules)} rules, {len(pack.modifiers)} modifiers, "
        f"{len(pack.follow_ups)} follow-ups.\n"
    )
    if unapplied:
        sys.stdout.write(f"Binding clauses no rule applies yet: {', '.join(unapplied)}\n")
    return 0


# -- smpolicy decide ---------------------------------------------------------------------------


def decide_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="smpolicy decide",
        description="Decide situations against the school's social media policy. Reads one "
        "situation object, a JSON array of them, or JSON Lines; prints one decision a line.",
    )
    parser.add_argument("file", nargs="?", default="-", help="input file, or - for standard input")
    parser.add_argument("--pack", help="a policy pack YAML file (default: the shipped pack)")
    options = parser.parse_args(argv)

    import orjson

    from smpolicy.jsonitems import BadItem, read_items
    from smpolicy.policy import Engine, PackError, SituationError, load_pack

    try:
        engine = Engine(load_pack(options.pack)) if options.pack else Engine()
    except PackError as exc:
        sys.stderr.write(f"smpolicy decide: {exc}\n")
        return EXIT_BAD_INPUT
    # The compiled plan lives as long as the process: keep the collector from rescanning it.
    gc.collect()
    gc.freeze()

    try:
        stream: IO[bytes] = (
            sys.stdin.buffer if options.file == "-" else open(options.file, "rb")  # noqa: SIM115
        )
    except OSError as exc:
        sys.stderr.write(f"smpolicy decide: cannot read {options.file}: {exc.strerror}\n")
        return EXIT_BAD_INPUT

    out = sys.stdout.buffer
    failed = 0
    batch: list[bytes] = []
    with stream:
        for number, item in read_items(stream):
            if isinstance(item, BadItem):
                line = orjson.dumps({"error": f"item {number}: {item.message}", "item": number})
                failed += 1
            else:
                try:
                    line = engine.decide_json(item)
                except SituationError as exc:
                    line = orjson.dumps({"error": str(exc), "field": exc.field, "item": number})
                    failed += 1
            batch.append(line)
            if len(batch) >= 4096:
                out.write(b"\n".join(batch) + b"\n")
                batch.clear()
        if batch:
            out.write(b"\n".join(batch) + b"\n")
    out.flush()
    if failed:
        sys.stderr.write(
            f"smpolicy decide: {failed} item(s) could not be decided; see their lines\n"
        )
        return EXIT_BAD_INPUT
    return 0
