"""`smpolicy backup` and `smpolicy restore`, drilled as an IT lead would after losing a server:
a school with reports, evidence and a DSL's second factor is backed up; the backup is restored by
the `smpolicy` command into a fresh database of the suite's kind (PostgreSQL when DATABASE_URL is)
and an empty data folder; `smpolicy verify-evidence` passes there, the sealed secrets open, the
append-only guards are back.

And attacked: a backup with a byte changed or cut short, a server with other keys, a restore over
a school's records without --force: each is refused and changes nothing. The keys are never in
the backup itself."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import secrets
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from fresh_database import FreshDatabase
from safeguarding.conftest import make_report, make_staffroom, png_bytes, upload
from smpolicy.backup import archive, sealed
from smpolicy.safeguarding import evidence
from smpolicy.safeguarding.models import Evidence
from smpolicy.safeguarding.testing import enrol

pytestmark = pytest.mark.django_db(transaction=True)

SMPOLICY = str(Path(sys.executable).parent / "smpolicy")
PASS = "the tide comes in at noon"


@pytest.fixture
def keys(settings):
    """Keys of this test's own, set before any record is made (the chains and seals use them)."""
    settings.SECRET_KEY = "drill-secret-" + secrets.token_urlsafe(48)
    settings.SMPOLICY_CHAIN_KEY = "drill-chain-" + secrets.token_urlsafe(32)
    settings.SMPOLICY_SEALING_KEYS = [Fernet.generate_key().decode()]
    return settings


@pytest.fixture
def school(guarded_db, keys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    room = make_staffroom("Straits Primary School", "straits")
    report = make_report(room, account="Pip sent me a snap after school.", alert=False)
    item = evidence.add_file(report, upload("snap.png", png_bytes("hello miss")),
                             added_by=room.teacher, read_text=False)
    factor = enrol(room.dsl.user)
    return {"room": room, "report": report, "item": item, "factor": factor}


@pytest.fixture
def target(tmp_path):
    made = FreshDatabase(tmp_path, "restored")
    yield made
    made.drop()


def environment(settings, target: FreshDatabase, data: Path, **changes: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "SMPOLICY_", "CELERY_"))
           and key not in {"DATABASE_URL", "MIGRATION_DATABASE_URL", "MEDIA_ROOT"}}
    env.update(
        SECRET_KEY=settings.SECRET_KEY,
        SMPOLICY_CHAIN_KEY=settings.SMPOLICY_CHAIN_KEY,
        SMPOLICY_SEALING_KEYS=",".join(settings.SMPOLICY_SEALING_KEYS),
        SMPOLICY_DATA_DIR=str(data),
        SMPOLICY_BACKUP_PASSPHRASE=PASS,
        DATABASE_URL=target.url,
    )
    env.update(changes)
    return env


def smpolicy(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SMPOLICY, *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


CHECK_RESTORED = """
import os
from smpolicy.safeguarding.models import Evidence, Report, SecondFactor
factor = SecondFactor.objects.get(pk=int(os.environ["DRILL_FACTOR"]))
print(factor.secret == os.environ["DRILL_SECRET"], Report.objects.count(), Evidence.objects.count())
"""


def test_the_restore_drill_into_a_fresh_database_passes_verify_evidence(
        school, settings, target, tmp_path):
    made = archive.make(tmp_path / "b.smpbk", PASS, keys_out=tmp_path / "keys.smpbk")
    assert made.media_files == 1 and made.path.stat().st_mode & 0o077 == 0
    data = tmp_path / "restored"
    env = environment(settings, target, data)

    done = smpolicy(env, "restore", str(made.path))
    assert done.returncode == 0, done.stderr
    assert "Restored the backup" in done.stdout and "1 media file" in done.stdout

    checked = smpolicy(env, "verify-evidence")
    assert checked.returncode == 0, checked.stderr
    assert "1 file(s) checked, 0 problem(s)" in checked.stdout
    item: Evidence = school["item"]
    assert (data / "media" / item.file_path).read_bytes() == item.absolute_path().read_bytes()
    opened = smpolicy({**env, "DRILL_FACTOR": str(school["factor"].pk),
                       "DRILL_SECRET": school["factor"].secret}, "shell", "-c", CHECK_RESTORED)
    assert opened.stdout.splitlines()[-1].split() == ["True", "1", "1"], opened.stderr
    # The triggers came back with the tables: restored evidence cannot be deleted either.
    with pytest.raises(Exception, match=r"cannot be deleted|may not be deleted|smpolicy"):
        target.query("DELETE FROM safeguarding_evidence")
    assert target.query("SELECT count(*) FROM safeguarding_evidence") == [(1,)]


def test_a_server_with_other_keys_is_refused_and_nothing_is_restored(
        school, settings, target, tmp_path):
    made = archive.make(tmp_path / "b.smpbk", PASS)
    env = environment(settings, target, tmp_path / "restored",
                      SMPOLICY_CHAIN_KEY="another-chain-key-" + secrets.token_urlsafe(16))
    done = smpolicy(env, "restore", str(made.path))
    assert done.returncode == 2
    assert "Nothing was restored" in done.stderr and "SMPOLICY_CHAIN_KEY" in done.stderr
    assert "SMPOLICY_SEALING_KEYS" not in done.stderr  # only the key that differs is named
    assert "Traceback" not in done.stderr
    assert target.tables() == 0
    assert not (tmp_path / "restored" / "media").exists()


def test_the_keys_file_puts_the_keys_back(school, settings, target, tmp_path):
    made = archive.make(tmp_path / "b.smpbk", PASS, keys_out=tmp_path / "keys.smpbk")
    bare = environment(settings, target, tmp_path / "restored")
    for name in ("SECRET_KEY", "SMPOLICY_CHAIN_KEY", "SMPOLICY_SEALING_KEYS"):
        bare.pop(name)
    refused = smpolicy(bare, "restore", str(made.path))
    assert refused.returncode == 2 and "keys file" in refused.stderr

    wrote = smpolicy(bare, "restore", "--keys", str(made.keys_path), "--env-out",
                     str(tmp_path / "keys.env"))
    assert wrote.returncode == 0, wrote.stderr
    assert (tmp_path / "keys.env").stat().st_mode & 0o077 == 0
    lines = dict(line.split("=", 1) for line in (tmp_path / "keys.env").read_text().splitlines())
    given = {name: value.strip('"') for name, value in lines.items()}
    assert given == {"SECRET_KEY": settings.SECRET_KEY,
                     "SMPOLICY_CHAIN_KEY": settings.SMPOLICY_CHAIN_KEY,
                     "SMPOLICY_SEALING_KEYS": settings.SMPOLICY_SEALING_KEYS[0]}
    again = smpolicy(bare, "restore", "--keys", str(made.keys_path), "--env-out",
                     str(tmp_path / "keys.env"))
    assert again.returncode == 2 and "exists already" in again.stderr

    done = smpolicy({**bare, **given}, "restore", str(made.path))
    assert done.returncode == 0, done.stderr


def test_the_keys_are_not_in_the_backup(school, settings, tmp_path):
    made = archive.make(tmp_path / "b.smpbk", PASS, keys_out=tmp_path / "keys.smpbk")
    reader = sealed.SealedReader(made.path.open("rb"), PASS)
    contents = b""
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(reader.read())), mode="r:") as tar:
        names = tar.getnames()
        for member in tar.getmembers():
            contents += tar.extractfile(member).read()
    assert names[0] == "about.json" and names[-1] == "manifest.json"
    for secret in (settings.SECRET_KEY, settings.SMPOLICY_CHAIN_KEY,
                   settings.SMPOLICY_SEALING_KEYS[0]):
        assert secret.encode() not in contents
        assert secret.encode() not in made.path.read_bytes()
    assert archive.read_keys(tmp_path / "keys.smpbk", PASS)["SECRET_KEY"] == settings.SECRET_KEY


@pytest.mark.parametrize("damage", ["a changed byte", "cut short"])
def test_a_damaged_backup_is_refused_and_changes_nothing(
        school, settings, target, tmp_path, damage):
    made = archive.make(tmp_path / "b.smpbk", PASS)
    blob = bytearray(made.path.read_bytes())
    if damage == "a changed byte":
        blob[len(blob) // 2] ^= 0x20
    else:
        del blob[-200:]
    made.path.write_bytes(bytes(blob))
    env = environment(settings, target, tmp_path / "restored")
    for args in (["restore", "--check", str(made.path)], ["restore", str(made.path)]):
        done = smpolicy(env, *args)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        assert ("been changed" if damage == "a changed byte" else "cut off") in done.stderr
    assert target.tables() == 0
    assert not (tmp_path / "restored" / "media").exists()


def test_a_restore_over_records_needs_force_and_keeps_the_old_media(
        school, settings, target, tmp_path):
    made = archive.make(tmp_path / "b.smpbk", PASS)
    data = tmp_path / "restored"
    env = environment(settings, target, data)
    assert smpolicy(env, "restore", str(made.path)).returncode == 0
    (data / "media" / "note.txt").write_text("written after the restore")

    again = smpolicy(env, "restore", str(made.path))
    assert again.returncode == 2
    assert "table(s)" in again.stderr and "--force" in again.stderr

    forced = smpolicy(env, "restore", "--force", str(made.path))
    assert forced.returncode == 0, forced.stderr
    kept = [p for p in data.iterdir() if p.name.startswith("media.before-restore-")]
    assert len(kept) == 1 and (kept[0] / "note.txt").exists()
    assert not (data / "media" / "note.txt").exists()
    assert smpolicy(env, "verify-evidence").returncode == 0


def test_check_reads_a_backup_through_and_says_what_is_in_it(school, settings, target, tmp_path):
    made = archive.make(tmp_path / "b.smpbk", PASS)
    done = smpolicy(environment(settings, target, tmp_path / "elsewhere"), "restore", "--check",
                    str(made.path))
    assert done.returncode == 0, done.stderr
    assert "is whole" in done.stdout and "1 media file" in done.stdout
    assert "1 safeguarding report in 1 school" in done.stdout
    assert target.tables() == 0


def test_a_folder_keeps_the_newest_backups_only(school, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup: never removed")
    start = dt.datetime(2026, 12, 1, 2, 30, tzinfo=dt.UTC)
    for night in range(4):
        archive.make(folder, PASS, keep=2, now=start + dt.timedelta(days=night))
    assert sorted(p.name for p in folder.iterdir()) == [
        "notes.txt", "smpolicy-20261203T023000Z.smpbk", "smpolicy-20261204T023000Z.smpbk",
    ]


def test_bad_input_is_named(school, tmp_path, monkeypatch):
    monkeypatch.delenv("SMPOLICY_BACKUP_PASSPHRASE", raising=False)
    with pytest.raises(CommandError, match="no passphrase"):
        call_command("backup", str(tmp_path / "b.smpbk"))
    short = tmp_path / "short"
    short.write_text("tiny\n")
    with pytest.raises(CommandError, match=r"No backup was made: .*at least 12"):
        call_command("backup", str(tmp_path / "b.smpbk"), "--passphrase-file", str(short))
    with pytest.raises(CommandError, match="cannot read the passphrase file"):
        call_command("backup", str(tmp_path / "b.smpbk"), "--passphrase-file",
                     str(tmp_path / "missing"))
    monkeypatch.setenv("SMPOLICY_BACKUP_PASSPHRASE", PASS)
    with pytest.raises(CommandError, match="--keep needs"):
        call_command("backup", str(tmp_path / "b.smpbk"), "--keep", "3")
    with pytest.raises(CommandError, match="there is no file"):
        call_command("restore", "--check", str(tmp_path / "nothing.smpbk"))
    assert not any(p.name.endswith(".partial") for p in tmp_path.iterdir())


DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_nightly_unit_makes_a_backup_with_its_own_command_line(school, tmp_path):
    """deploy/smpolicy-backup.service's ExecStart, with the folder and the systemd credential
    moved into the test's own folder; the timer starts that service nightly."""
    import shlex

    unit = (DEPLOY / "smpolicy-backup.service").read_text()
    line = next(li for li in unit.splitlines() if li.startswith("ExecStart="))
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "backup-passphrase").write_text(PASS + "\n")
    folder = tmp_path / "backups"
    folder.mkdir()
    argv = shlex.split(line.removeprefix("ExecStart=")
                       .replace("${CREDENTIALS_DIRECTORY}", str(credentials))
                       .replace("/var/backups/smpolicy", str(folder)))
    assert argv[:2] == ["/opt/smpolicy/bin/smpolicy", "backup"]
    call_command(*argv[1:])
    made = list(folder.iterdir())
    assert len(made) == 1 and archive.NAME_PATTERN.match(made[0].name)
    assert archive.check(made[0], PASS)[1] == 1
    timer = (DEPLOY / "smpolicy-backup.timer").read_text()
    assert "OnCalendar=*-*-* 02:30:00" in timer and "Persistent=true" in timer
