"""smpolicy sso add|list|disable: a school's single sign-on (Microsoft Entra ID, Google Workspace).

    smpolicy sso add --school straits --kind entra --tenant TENANT-ID --client-id ID --secret -
    smpolicy sso add --school straits --kind google --client-id ID.apps.googleusercontent.com \\
        --secret - --domain straits.sch.uk
    smpolicy sso list
    smpolicy sso disable --school straits --kind google

``--secret -`` reads the client secret from standard input, so it stays out of the shell's
history and the process list. Mistakes exit with code 2 and say what was wrong.
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.schools.models import School, SchoolSignIn
from smpolicy.schools.sso import callback_url, configure


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Set up a school's sign-in with Microsoft Entra ID or Google Workspace."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add or replace a school's sign-in")
        add.add_argument("--school", required=True, help="the school's slug")
        add.add_argument("--kind", required=True, choices=SchoolSignIn.Kind.values)
        add.add_argument("--tenant", default="", help="Entra ID: the directory (tenant) id")
        add.add_argument("--client-id", required=True)
        add.add_argument("--secret", required=True, help="the client secret, or - for stdin")
        add.add_argument(
            "--domain",
            action="append",
            dest="domains",
            help="an e-mail domain it may sign in (repeat); default: the school's domains",
        )
        add.add_argument("--server-url", default="", help="the issuer, for --kind oidc")
        sub.add_parser("list", help="list every school's sign-in")
        disable = sub.add_parser("disable", help="turn a school's sign-in off")
        disable.add_argument("--school", required=True)
        disable.add_argument("--kind", required=True, choices=SchoolSignIn.Kind.values)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
            return
        try:
            school = School.objects.get(slug=options["school"])
        except School.DoesNotExist:
            raise CommandError(
                f"No school has the slug {options['school']!r}.", returncode=2
            ) from None
        if action == "disable":
            changed = SchoolSignIn.objects.for_school(school).filter(kind=options["kind"]).update(
                enabled=False
            )
            if not changed:
                raise CommandError(f"{school} has no {options['kind']} sign-in.", returncode=2)
            self.stdout.write(f"Turned off {options['kind']} sign-in for {school}.")
            return
        secret = options["secret"]
        if secret == "-":
            secret = sys.stdin.readline().strip()
        try:
            sign_in = configure(
                school,
                options["kind"],
                client_id=options["client_id"],
                secret=secret,
                tenant=options["tenant"],
                domains=options["domains"],
                server_url=options["server_url"],
            )
        except ValidationError as error:
            raise CommandError(_messages(error), returncode=2) from error
        self.stdout.write(
            f"{sign_in} is set up (issuer {sign_in.app.settings['server_url']}, domains "
            f"{', '.join(sign_in.allowed_domains)}).\n"
            f"Register this redirect URI with the provider:\n  "
            f"{callback_url(settings.SITE_URL, sign_in.app.provider_id)}"
        )

    def _list(self) -> None:
        rows = SchoolSignIn.objects.select_related("school", "app")
        if not rows:
            self.stdout.write("No school has single sign-on set up.")
        for row in rows:
            state = "on" if row.enabled else "off"
            self.stdout.write(
                f"{row.school.slug}\t{row.kind}\t{state}\t{row.app.settings.get('server_url')}\t"
                f"{','.join(row.allowed_domains)}\t"
                f"{callback_url(settings.SITE_URL, row.app.provider_id)}"
            )


