"""``smpolicy restore FILE``: a backup back into an empty database and media folder.

Stop the web, worker and beat first. Everything is checked before anything is changed: the
passphrase, every part's seal and hash, the database engine, that this smpolicy knows the
backup's migrations, and that this server holds the keys the records were made with. ``--force``
restores over a school that has records (its media folder is kept beside the new one).
``--check`` only reads the file through: the drill an IT lead can run any day.
``--keys KEYSFILE --env-out PATH`` writes the keys from a keys file as environment lines.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.backup import archive, sealed
from smpolicy.backup.passphrase import passphrase
from smpolicy.words import counted


class Command(BaseCommand):
    help = "Restore a backup made by `smpolicy backup` (stop the web, worker and beat first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the backup file")
        parser.add_argument("--passphrase-file", help="a file holding the passphrase (else "
                            "SMPOLICY_BACKUP_PASSPHRASE, or SMPOLICY_KEYS_PASSPHRASE with "
                            "--keys)")
        parser.add_argument("--force", action="store_true", help="replace a database and media "
                            "folder that already hold records")
        parser.add_argument("--check", action="store_true", help="read the backup through and "
                            "check every part; change nothing")
        parser.add_argument("--keys", help="a keys file (from backup --keys-out) to write out")
        parser.add_argument("--env-out", help="with --keys: the environment file to write the "
                            "keys to (made readable only by its owner; never overwritten)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["keys"]:
            return self._keys(options)
        if not options["file"]:
            raise CommandError("name the backup file: smpolicy restore FILE", returncode=2)
        secret = passphrase(options["passphrase_file"], "SMPOLICY_BACKUP_PASSPHRASE")
        path = Path(options["file"])
        try:
            if options["check"]:
                about, media = archive.check(path, secret)
                self.stdout.write(
                    f"{path} is whole: made {about['created']} by smpolicy {about['smpolicy']} "
                    f"from {about['engine']}, with {counted(media, 'media file')} and "
                    f"{counted(about['counts']['reports'], 'safeguarding report')} in "
                    f"{counted(about['counts']['schools'], 'school')}."
                )
                return None
            done = archive.restore(path, secret, force=options["force"])
        except (archive.BackupError, sealed.SealedError) as exc:
            raise CommandError(f"Nothing was restored: {exc}", returncode=2) from None
        except OSError as exc:
            raise CommandError(f"Nothing was restored: {exc.filename or path}: {exc.strerror}",
                               returncode=2) from None
        self.stdout.write(
            f"Restored the backup made {done.about['created']}: the database and "
            f"{counted(done.media_files, 'media file')}."
        )
        if done.media_kept:
            self.stdout.write(f"The media folder that was there is kept at {done.media_kept}.")
        if done.migrate_needed:
            self.stdout.write("This smpolicy is newer than the backup: run `smpolicy migrate`.")
        if done.about["engine"] == "postgresql":
            self.stdout.write("Grant the app's role its rights again: `smpolicy db-roles`.")
        anchor = Path(settings.SMPOLICY_ANCHOR_FILE)
        if anchor.exists():
            self.stdout.write(
                f"The nightly check's anchor ({anchor}) holds the chains' heads from before the "
                "restore: records made after the backup are gone, and `smpolicy verify-evidence "
                "--anchor` will say so. Keep that file as the record of it, and move it aside."
            )
        self.stdout.write("Then check it: `smpolicy verify-evidence`.")
        return None

    def _keys(self, options: dict[str, Any]) -> None:
        if not options["env_out"]:
            raise CommandError("with --keys, name where to write them: --env-out PATH",
                               returncode=2)
        secret = passphrase(options["passphrase_file"], "SMPOLICY_KEYS_PASSPHRASE",
                            fallback=os.environ.get("SMPOLICY_BACKUP_PASSPHRASE") or None)
        out = Path(options["env_out"])
        try:
            keys = archive.read_keys(Path(options["keys"]), secret)
        except (archive.BackupError, sealed.SealedError) as exc:
            raise CommandError(f"The keys were not written: {exc}", returncode=2) from None
        try:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"The keys were not written: {out} exists already",
                               returncode=2) from None
        except OSError as exc:
            raise CommandError(f"The keys were not written: {out}: {exc.strerror}",
                               returncode=2) from None
        with os.fdopen(fd, "w", encoding="utf-8") as env_file:
            env_file.write(archive.env_lines(keys))
        self.stdout.write(f"Wrote the keys to {out}: add its lines to the environment file the "
                          "units read, then restore the backup.")
