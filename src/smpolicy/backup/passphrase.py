"""Where the commands find a passphrase: a file (systemd's LoadCredential puts one there), else
the environment. Never a command-line argument, which other users can read in `ps`."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import CommandError


def passphrase(file: str | None, variable: str, fallback: str | None = None) -> str:
    if file:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read the passphrase file {file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"the passphrase file {file} is not UTF-8 text") from None
        found = text.rstrip("\r\n")
        if not found:
            raise CommandError(f"the passphrase file {file} is empty")
        return found
    found = os.environ.get(variable, "")
    if found:
        return found
    if fallback is not None:
        return fallback
    raise CommandError(
        f"no passphrase: give --passphrase-file FILE or set {variable} in the environment"
    )
