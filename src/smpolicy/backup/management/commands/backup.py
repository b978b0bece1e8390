"""``smpolicy backup OUT``: the database, then the media, sealed with a passphrase into one file.

Run it nightly (deploy/smpolicy-backup.timer). OUT may be a folder: the file is then named for the
time (smpolicy-20261204T023000Z.smpbk) and ``--keep N`` removes all but the newest N there. The
keys go only in ``--keys-out FILE``, kept apart: without them a restored school's chains cannot be
checked nor its sealed secrets opened, and with them beside the backup a thief has both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smpolicy.backup import archive, sealed
from smpolicy.backup.passphrase import passphrase
from smpolicy.words import counted


class Command(BaseCommand):
    help = "Back up the database and the media into one file sealed with a passphrase."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="the backup file to write, or a folder to write a dated "
                            "one in")
        parser.add_argument("--passphrase-file", help="a file holding the passphrase (else "
                            "SMPOLICY_BACKUP_PASSPHRASE)")
        parser.add_argument("--keys-out", help="also write the keys (SECRET_KEY, "
                            "SMPOLICY_CHAIN_KEY, SMPOLICY_SEALING_KEYS) to this file, sealed; "
                            "keep it somewhere else than the backups")
        parser.add_argument("--keys-passphrase-file", help="the keys file's own passphrase "
                            "(else SMPOLICY_KEYS_PASSPHRASE, else the backup's)")
        parser.add_argument("--keep", type=int, help="with a folder: keep only the newest N "
                            "backups there")

    def handle(self, *args: Any, **options: Any) -> None:
        secret = passphrase(options["passphrase_file"], "SMPOLICY_BACKUP_PASSPHRASE")
        keys_secret = None
        if options["keys_out"]:
            keys_secret = passphrase(options["keys_passphrase_file"],
                                     "SMPOLICY_KEYS_PASSPHRASE", fallback=secret)
        keep = options["keep"]
        out = Path(options["out"])
        if keep is not None and (keep < 1 or not out.is_dir()):
            raise CommandError("--keep needs a number of 1 or more, and OUT to be a folder",
                               returncode=2)
        try:
            made = archive.make(out, secret,
                                keys_out=Path(options["keys_out"]) if options["keys_out"] else None,
                                keys_passphrase=keys_secret, keep=keep)
        except (archive.BackupError, sealed.SealedError) as exc:
            raise CommandError(f"No backup was made: {exc}", returncode=2) from None
        except OSError as exc:
            raise CommandError(f"No backup was made: {exc.filename or out}: {exc.strerror}",
                               returncode=2) from None
        self.stdout.write(
            f"Backed up to {made.path} ({made.size:,} bytes): the database and "
            f"{counted(made.media_files, 'media file')}."
        )
        if made.keys_path:
            self.stdout.write(f"The keys are in {made.keys_path}: keep it apart from the backups.")
        for path in made.removed:
            self.stdout.write(f"Removed the older backup {path.name}.")
