"""A whole school (or trust) into one sealed file and back: the database, then the media (the
evidence files), with what it was made from and a SHA-256 of every part.

Inside the sealed container (``smpolicy.backup.sealed``) is a gzipped tar read and written as a
stream: ``about.json`` first (what a restore must know before it touches anything: the database
engine, the migrations applied, a check that this server holds the keys the records were made
with), then the database, then ``media/...``, and ``manifest.json`` last with every part's hash.

The keys never go in it. They go, when asked, in a keys file of their own (sealed the same way,
best with a passphrase of its own, and kept somewhere else): whoever finds a backup cannot forge
the chains or open sealed secrets with it alone.

A restore checks everything first and changes nothing until the whole file has been read and
found whole: the database is loaded in one transaction (or the SQLite file swapped in whole), and
the media folder it replaces is kept beside it, not deleted.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

import smpolicy
from smpolicy.backup import database, sealed
from smpolicy.backup.sealed import SealedError

FORMAT = "smpolicy-backup"
FORMAT_VERSION = 1
KEY_CHECK = "smpolicy backup key check"
KEY_CHECK_PURPOSE = "smpolicy backup check v1"
NAME_PATTERN = re.compile(r"^smpolicy-\d{8}T\d{6}Z\.smpbk$")
KEY_SETTINGS = ("SECRET_KEY", "SMPOLICY_CHAIN_KEY", "SMPOLICY_SEALING_KEYS")


class BackupError(Exception):
    """The backup or restore cannot go on; the message names what was wrong. Nothing was
    changed."""


@dataclass
class Made:
    path: Path
    size: int
    parts: int
    media_files: int
    keys_path: Path | None = None
    removed: list[Path] = field(default_factory=list)


@dataclass
class Restored:
    about: dict[str, Any]
    media_files: int
    media_kept: Path | None = None
    migrate_needed: bool = False


# -- what a restore must know first --------------------------------------------------------------


def _key_check() -> dict[str, str]:
    from smpolicy.safeguarding import integrity
    from smpolicy.schools import sealing

    return {"chain": integrity.mac(KEY_CHECK, purpose=KEY_CHECK_PURPOSE),
            "sealed": sealing.seal(KEY_CHECK)}


def _keys_match(check: dict[str, str]) -> list[str]:
    """The keys of this server that differ from those the backup's records were made with."""
    import hmac

    from smpolicy.safeguarding import integrity
    from smpolicy.schools import sealing

    wrong = []
    if not hmac.compare_digest(str(check.get("chain", "")),
                               integrity.mac(KEY_CHECK, purpose=KEY_CHECK_PURPOSE)):
        wrong.append("SMPOLICY_CHAIN_KEY (or SECRET_KEY, where it is unset)")
    try:
        opened = sealing.unseal(str(check.get("sealed", "")))
    except sealing.SealError:
        opened = ""
    if opened != KEY_CHECK:
        wrong.append("SMPOLICY_SEALING_KEYS (or SECRET_KEY, where it is unset)")
    return wrong


def _applied(alias: str = "default") -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _about() -> dict[str, Any]:
    from smpolicy.safeguarding.models import Evidence, Report
    from smpolicy.schools.models import School

    engine = database.engine_of(connection.settings_dict)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "smpolicy": smpolicy.__version__,
        "engine": engine,
        "database": database.member_name(engine),
        "migrations": _applied(),
        "key_check": _key_check(),
        "counts": {
            "schools": School.objects.count(),
            "reports": Report.objects.count(),
            "evidence_files": Evidence.objects.exclude(file_path="").count(),
        },
    }


# -- making one ----------------------------------------------------------------------------------


def default_name(now: dt.datetime) -> str:
    return f"smpolicy-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.smpbk"


@contextmanager
def _atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A file that appears at ``path`` whole or not at all, readable only by its owner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, staged = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(staged, path)
    except BaseException:
        Path(staged).unlink(missing_ok=True)
        raise


class _Hashing:
    """A file-like that hashes what passes through it to the tar."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path,
              hashes: dict[str, dict[str, Any]]) -> None:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as source:
        hashing = _Hashing(source)
        tar.addfile(info, hashing)  # type: ignore[arg-type]
    hashes[name] = {"sha256": hashing.digest.hexdigest(), "size": hashing.size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def make(out: Path, passphrase: str, *, keys_out: Path | None = None,
         keys_passphrase: str | None = None, keep: int | None = None,
         now: dt.datetime | None = None) -> Made:
    """Write a backup to ``out`` (a file, or a folder to put a dated file in, keeping the newest
    ``keep`` of those there)."""
    sealed.check_passphrase(passphrase)
    if keys_passphrase is not None:
        sealed.check_passphrase(keys_passphrase)
    now = now or dt.datetime.now(dt.UTC)
    folder = out if out.is_dir() else None
    target = folder / default_name(now) if folder else out
    if keys_out is not None and keys_out.resolve() == target.resolve():
        raise BackupError("the keys file must not be the backup file: keep them apart")
    about = _about()
    media_root = Path(settings.MEDIA_ROOT)
    hashes: dict[str, dict[str, Any]] = {}
    media_count = 0
    with tempfile.TemporaryDirectory(prefix="smpolicy-backup-") as work:
        dumped = Path(work) / about["database"]
        try:
            database.dump(connection.settings_dict, dumped)
        except database.DatabaseError as exc:
            raise BackupError(str(exc)) from None
        # The rows first, then the files: every file a row names was written before the row, so
        # it is in the backup too (a file newer than the dump is only extra).
        with (
            _atomic_file(target) as raw,
            sealed.SealedWriter(raw, passphrase) as sealed_out,
            tarfile.open(fileobj=sealed_out, mode="w|gz") as tar,  # type: ignore[call-overload]
        ):
            _add_bytes(tar, "about.json", json.dumps(about, indent=1).encode())
            _add_file(tar, about["database"], dumped, hashes)
            for path in _media_files(media_root):
                _add_file(tar, "media/" + path.relative_to(media_root).as_posix(), path, hashes)
                media_count += 1
            _add_bytes(tar, "manifest.json", json.dumps({"files": hashes}, indent=1).encode())
    made = Made(path=target, size=target.stat().st_size, parts=len(hashes),
                media_files=media_count)
    if keys_out is not None:
        write_keys(keys_out, keys_passphrase or passphrase)
        made.keys_path = keys_out
    if folder is not None and keep:
        made.removed = _prune(folder, keep)
    return made


def _prune(folder: Path, keep: int) -> list[Path]:
    """Only files this command names (smpolicy-<time>.smpbk) are ever removed."""
    ours = sorted(p for p in folder.iterdir() if p.is_file() and NAME_PATTERN.match(p.name))
    removed = ours[:-keep] if keep > 0 else []
    for path in removed:
        path.unlink()
    return removed


# -- the keys, kept apart ------------------------------------------------------------------------


def write_keys(path: Path, passphrase: str) -> None:
    keys = {
        "SECRET_KEY": settings.SECRET_KEY,
        "SMPOLICY_CHAIN_KEY": getattr(settings, "SMPOLICY_CHAIN_KEY", "") or "",
        "SMPOLICY_SEALING_KEYS": ",".join(getattr(settings, "SMPOLICY_SEALING_KEYS", ()) or ()),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    with _atomic_file(path) as raw, sealed.SealedWriter(raw, passphrase,
                                                        sealed.KIND_KEYS) as out:
        out.write(json.dumps(keys).encode())


def read_keys(path: Path, passphrase: str) -> dict[str, str]:
    with _opened(path) as raw:
        reader = sealed.SealedReader(raw, passphrase, sealed.KIND_KEYS)
        keys = json.loads(reader.read())
    return {name: keys.get(name, "") for name in KEY_SETTINGS}


def env_lines(keys: dict[str, str]) -> str:
    """The keys as lines for the environment file the units read (systemd's quoting)."""
    lines = []
    for name in KEY_SETTINGS:
        value = keys.get(name, "")
        if value:
            quoted = value.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{name}="{quoted}"')
    return "\n".join(lines) + "\n"


# -- reading one back ----------------------------------------------------------------------------


@contextmanager
def _opened(path: Path) -> Iterator[IO[bytes]]:
    try:
        with path.open("rb") as raw:
            yield raw
    except FileNotFoundError:
        raise BackupError(f"there is no file {path}") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder; name the backup file in it") from None
    except SealedError as exc:
        raise BackupError(f"{path}: {exc}") from None


def _check_about(about: dict[str, Any], *, for_restore: bool) -> None:
    if about.get("format") != FORMAT or not isinstance(about.get("migrations"), dict):
        raise BackupError("this file's contents are not an smpolicy backup")
    if about.get("version") != FORMAT_VERSION:
        raise BackupError(f"this backup's format is version {about.get('version')}; this "
                          f"smpolicy reads version {FORMAT_VERSION}")
    if not for_restore:
        return
    here = database.engine_of(connection.settings_dict)
    if about.get("engine") != here:
        raise BackupError(
            f"this backup is of a {about.get('engine')} database and DATABASE_URL names a "
            f"{here} one: restore it into {about.get('engine')}"
        )
    applied = {(app, name) for app, names in about["migrations"].items() for name in names}
    unknown = sorted(applied - _known_migrations())
    if unknown:
        raise BackupError(
            f"this backup was made by a newer smpolicy ({about.get('smpolicy')}; migrations "
            f"this version does not have, e.g. {unknown[0][0]}.{unknown[0][1]}): upgrade "
            "smpolicy first, then restore"
        )
    wrong = _keys_match(about.get("key_check") or {})
    if wrong:
        raise BackupError(
            "this server's keys are not the ones the backup's records were made with: "
            + "; ".join(wrong)
            + ". Set them from the backup's keys file first (smpolicy restore --keys FILE "
            "--env-out PATH writes them out), then restore"
        )


def _safe_member(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def _read(path: Path, passphrase: str, staging: Path | None, *,
          for_restore: bool) -> tuple[dict[str, Any], int]:
    """Read the whole backup, checking each part against the manifest; with ``staging``, put the
    database and media there. Returns what about.json says and how many media files there were."""
    seen: dict[str, str] = {}
    about: dict[str, Any] | None = None
    manifest: dict[str, Any] | None = None
    media_files = 0
    with _opened(path) as raw:
        reader = sealed.SealedReader(raw, passphrase)
        try:
            with tarfile.open(fileobj=reader, mode="r|gz") as tar:  # type: ignore[call-overload]
                for member in tar:
                    name = member.name
                    if about is None:
                        if name != "about.json" or not member.isfile():
                            raise BackupError("this file's contents are not an smpolicy backup")
                        about = json.loads(_member_bytes(tar, member))
                        _check_about(about, for_restore=for_restore)
                        continue
                    if name == "manifest.json":
                        manifest = json.loads(_member_bytes(tar, member))
                        continue
                    if manifest is not None:
                        raise BackupError("the backup has parts after its manifest")
                    if not member.isfile() or not _safe_member(name) or not (
                        name == about["database"] or name.startswith("media/")
                    ):
                        raise BackupError(f"the backup holds a part smpolicy does not make: {name}")
                    seen[name] = _take(tar, member, staging)
                    media_files += name.startswith("media/")
            reader.read_to_end()
        except SealedError as exc:
            raise BackupError(f"{path}: {exc}") from None
        except (tarfile.TarError, gzip.BadGzipFile, EOFError, json.JSONDecodeError,
                UnicodeDecodeError) as exc:
            raise BackupError(f"{path}: the backup's contents are damaged ({exc})") from None
    if about is None:
        raise BackupError("this file's contents are not an smpolicy backup")
    if manifest is None:
        raise BackupError("the backup has no manifest: it was not finished")
    expected = {name: part["sha256"] for name, part in manifest.get("files", {}).items()}
    if expected != seen:
        missing = sorted(set(expected) - set(seen))
        changed = sorted(n for n in seen if n in expected and expected[n] != seen[n])
        raise BackupError(
            "the backup's parts do not match its manifest"
            + (f"; missing: {', '.join(missing[:5])}" if missing else "")
            + (f"; changed: {', '.join(changed[:5])}" if changed else "")
        )
    if about["database"] not in seen:
        raise BackupError("the backup holds no database")
    return about, media_files


def _take(tar: tarfile.TarFile, member: tarfile.TarInfo, staging: Path | None) -> str:
    """A part's SHA-256, and with ``staging`` the part written there under its own name."""
    source = tar.extractfile(member)
    assert source is not None
    digest = hashlib.sha256()
    out: IO[bytes] | None = None
    if staging is not None:
        destination = staging / member.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        out = destination.open("wb")
    try:
        while block := source.read(1024 * 1024):
            digest.update(block)
            if out is not None:
                out.write(block)
    finally:
        if out is not None:
            out.close()
    return digest.hexdigest()


def _member_bytes(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    if member.size > 16 * 1024 * 1024:
        raise BackupError(f"the backup's {member.name} is too large to be smpolicy's")
    source = tar.extractfile(member)
    assert source is not None
    return source.read()


def check(path: Path, passphrase: str) -> tuple[dict[str, Any], int]:
    """Read a backup through and check every part (a drill that changes nothing)."""
    return _read(path, passphrase, None, for_restore=False)


def restore(path: Path, passphrase: str, *, force: bool = False,
            now: dt.datetime | None = None) -> Restored:
    now = now or dt.datetime.now(dt.UTC)
    target = connection.settings_dict
    try:
        tables = database.tables_in(target)
    except database.DatabaseError as exc:
        raise BackupError(str(exc)) from None
    media_root = Path(settings.MEDIA_ROOT)
    media_present = any(True for _ in _media_files(media_root))
    if (tables or media_present) and not force:
        where = " and ".join(
            ([f"the database holds {tables} table(s)"] if tables else [])
            + ([f"{media_root} holds files"] if media_present else [])
        )
        raise BackupError(
            f"{where}: restore into an empty database and media folder, or add --force to "
            "replace them (the media folder is kept beside the new one)"
        )
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.restoring-",
                                    dir=media_root.parent))
    try:
        about, media_files = _read(path, passphrase, staging, for_restore=True)
        connection.close()
        try:
            database.restore(target, staging / about["database"], replace=bool(tables))
        except database.DatabaseError as exc:
            raise BackupError(str(exc)) from None
        kept: Path | None = None
        if media_root.exists():
            if media_present:
                kept = media_root.with_name(
                    f"{media_root.name}.before-restore-{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}")
                os.replace(media_root, kept)
            else:
                shutil.rmtree(media_root)
        staged_media = staging / "media"
        if staged_media.is_dir():
            os.replace(staged_media, media_root)
        else:
            media_root.mkdir()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    connection.close()
    pending = _known_migrations() - {
        (app, name) for app, names in about["migrations"].items() for name in names
    }
    return Restored(about=about, media_files=media_files, media_kept=kept,
                    migrate_needed=bool(pending))
