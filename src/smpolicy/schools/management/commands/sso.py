"""smpolicy sso add|list|disable: a school's single sign-on (Microsoft Entra ID, Google Workspace,
another OpenID Connect provider, or a SAML 2.0 identity provider).

    smpolicy sso add --school straits --kind entra --tenant TENANT-ID --client-id ID --secret -
    smpolicy sso add --school straits --kind google --client-id ID.apps.googleusercontent.com \\
        --secret - --domain straits.sch.uk
    smpolicy sso add --school straits --kind saml --metadata-url https://idp.example/metadata \\
        --entity-id https://idp.example/entity
    smpolicy sso add --school straits --kind saml --metadata idp-metadata.xml
    smpolicy sso add --school straits --kind saml --entity-id ID --sso-url URL \\
        --certificate idp-signing.pem
    smpolicy sso list
    smpolicy sso disable --school straits --kind google

``--secret -`` reads the client secret from standard input, so it stays out of the shell's
history and the process list. SAML has no secret: its metadata or certificate is read once,
when the command runs (run it again when the identity provider changes its certificate).
Mistakes exit with code 2 and say what was wrong.
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.schools.models import School, SchoolSignIn
from smpolicy.schools.saml import configure_saml
from smpolicy.schools.sso import configure, identity_provider, return_url, saml_sp_urls


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Set up a school's sign-in with Microsoft Entra ID, Google Workspace, or SAML."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add or replace a school's sign-in")
        add.add_argument("--school", required=True, help="the school's slug")
        add.add_argument("--kind", required=True, choices=SchoolSignIn.Kind.values)
        add.add_argument("--tenant", default="", help="Entra ID: the directory (tenant) id")
        add.add_argument("--client-id", default="", help="OpenID Connect: the client id")
        add.add_argument(
            "--secret", default="", help="OpenID Connect: the client secret, or - for stdin"
        )
        add.add_argument("--entity-id", default="", help="SAML: the identity provider's entity id")
        add.add_argument("--sso-url", default="", help="SAML: the identity provider's sign-in URL")
        add.add_argument(
            "--certificate", default="", help="SAML: a file holding the IdP's signing certificate"
        )
        add.add_argument("--metadata-url", default="", help="SAML: the IdP's metadata URL")
        add.add_argument("--metadata", default="", help="SAML: a file holding the IdP's metadata")
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
        if options["kind"] == SchoolSignIn.Kind.SAML:
            self._add_saml(school, options)
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
            f"{return_url(settings.SITE_URL, sign_in)}"
        )

    def _add_saml(self, school: School, options: dict[str, Any]) -> None:
        def read(option: str) -> str:
            name = options[option]
            if not name:
                return ""
            try:
                with open(name, encoding="utf-8") as file:
                    return file.read()
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(
                    f"--{option} {name}: cannot be read ({error}).", returncode=2
                ) from error

        try:
            sign_in, expires = configure_saml(
                school,
                site_url=settings.SITE_URL,
                entity_id=options["entity_id"],
                sso_url=options["sso_url"],
                certificate=read("certificate"),
                metadata_url=options["metadata_url"],
                metadata_xml=read("metadata"),
                domains=options["domains"],
            )
        except ValidationError as error:
            raise CommandError(_messages(error), returncode=2) from error
        sp = saml_sp_urls(settings.SITE_URL, school)
        idp = sign_in.app.settings["idp"]
        self.stdout.write(
            f"{sign_in} is set up (identity provider {idp['entity_id']}, sign-in at "
            f"{idp['sso_url']}, certificate valid until {expires:%Y-%m-%d}, domains "
            f"{', '.join(sign_in.allowed_domains)}).\n"
            "Give the identity provider these (or the metadata URL):\n"
            f"  Identifier (entity id): {sp['entity_id']}\n"
            f"  Reply URL (assertion consumer service, HTTP-POST): {sp['acs_url']}\n"
            f"  Metadata: {sp['entity_id']}\n"
            "It must sign the assertion and send the person's school e-mail address as the "
            "NameID (emailAddress format) or as the emailaddress attribute."
        )

    def _list(self) -> None:
        rows = SchoolSignIn.objects.select_related("school", "app")
        if not rows:
            self.stdout.write("No school has single sign-on set up.")
        for row in rows:
            state = "on" if row.enabled else "off"
            self.stdout.write(
                f"{row.school.slug}\t{row.kind}\t{state}\t{identity_provider(row)}\t"
                f"{','.join(row.allowed_domains)}\t{return_url(settings.SITE_URL, row)}"
            )


