"""The sealed container a backup (and its keys file) is written in: "SMPBK1".

A passphrase is stretched with scrypt into an AES-256-GCM key; the content is cut into chunks of
1 MiB, each sealed on its own (so a backup of many gigabytes is never held in memory) with a nonce
made of a random prefix, the chunk's number and whether it is the last one. Each chunk's tag also
covers the header. So a byte changed anywhere, chunks swapped, dropped or cut off at the end, a
keys file given where a backup is expected, or the wrong passphrase: each is refused before a
byte of the content is used.

Layout: ``SMPBK1`` | version (1) | kind (1: 1 backup, 2 keys) | scrypt log2 N, r, p (3) |
salt (16) | nonce prefix (7) | chunks, each a 4-byte big-endian length (top bit: the last chunk)
and the sealed chunk.

Plain Python: no Django here.
"""

from __future__ import annotations

import os
import struct
from types import TracebackType
from typing import IO, Self

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"SMPBK1"
VERSION = 1
KIND_BACKUP = 1
KIND_KEYS = 2
KIND_NAMES = {KIND_BACKUP: "a backup", KIND_KEYS: "a keys file"}
CHUNK = 1024 * 1024
LAST = 0x8000_0000
# OWASP's scrypt parameters: 128 MiB and about half a second to try one passphrase.
LOG2_N, R, P = 17, 8, 1
SALT_BYTES, PREFIX_BYTES = 16, 7
HEADER = struct.Struct(f">{len(MAGIC)}sBBBBB{SALT_BYTES}s{PREFIX_BYTES}s")
MIN_PASSPHRASE = 12


class SealedError(Exception):
    """The container cannot be opened or is not whole; the message says which."""


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise SealedError(
            f"the backup passphrase has {len(passphrase)} characters; it needs at least "
            f"{MIN_PASSPHRASE} (a phrase of four or more words is good)"
        )


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> AESGCM:
    if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
        raise SealedError("the file's key-stretching settings are not ones smpolicy writes")
    stretched = Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p).derive(
        passphrase.encode("utf-8")
    )
    return AESGCM(stretched)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


class SealedWriter:
    """A write-only file that seals what is written to ``out`` (buffered into chunks)."""

    def __init__(self, out: IO[bytes], passphrase: str, kind: int = KIND_BACKUP) -> None:
        check_passphrase(passphrase)
        salt, prefix = os.urandom(SALT_BYTES), os.urandom(PREFIX_BYTES)
        self._header = HEADER.pack(MAGIC, VERSION, kind, LOG2_N, R, P, salt, prefix)
        self._aead = _key(passphrase, salt, LOG2_N, R, P)
        self._prefix = prefix
        self._out = out
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        out.write(self._header)

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed sealed file")
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        if self._counter >= LAST:
            raise SealedError("the backup is too large for one file")
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), chunk,
                                    self._header)
        self._out.write(struct.pack(">I", len(sealed) | (LAST if last else 0)))
        self._out.write(sealed)
        self._counter += 1

    def close(self) -> None:
        """Seal what is left as the last chunk (a file without one is known to be cut off)."""
        if not self._closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True

    def flush(self) -> None:
        self._out.flush()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:
            self.close()


class SealedReader:
    """A read-only file of what a SealedWriter sealed; every chunk is checked before it is given
    out, and reaching the end without the last chunk is an error, not an end."""

    def __init__(self, source: IO[bytes], passphrase: str, kind: int = KIND_BACKUP) -> None:
        header = source.read(HEADER.size)
        if len(header) < HEADER.size or not header.startswith(MAGIC):
            raise SealedError("this is not an smpolicy backup file (it does not start SMPBK1)")
        _magic, version, found_kind, log2_n, r, p, salt, prefix = HEADER.unpack(header)
        if version != VERSION:
            raise SealedError(f"this backup file is version {version}; this smpolicy reads "
                              f"version {VERSION}")
        if found_kind != kind:
            raise SealedError(
                f"this file is {KIND_NAMES.get(found_kind, 'of an unknown kind')}, not "
                f"{KIND_NAMES[kind]}"
            )
        self._header = header
        self._aead = _key(passphrase, salt, log2_n, r, p)
        self._prefix = prefix
        self._source = source
        self._counter = 0
        self._buffer = b""
        self._pos = 0  # what of the buffer has been read: slicing it each read would be quadratic
        self._ended = False

    def _next_chunk(self) -> None:
        raw = self._source.read(4)
        if len(raw) < 4:
            raise SealedError("the backup file is cut off: its last part is missing")
        (length,) = struct.unpack(">I", raw)
        last = bool(length & LAST)
        length &= ~LAST
        if length > CHUNK + 16:
            raise SealedError("the backup file is damaged (a part's length is impossible)")
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise SealedError("the backup file is cut off: its last part is missing")
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, self._counter, last), sealed,
                                       self._header)
        except InvalidTag:
            if self._counter == 0:
                raise SealedError(
                    "the passphrase is wrong, or the backup file has been changed"
                ) from None
            raise SealedError(
                f"the backup file has been changed or damaged (part {self._counter + 1} does "
                "not match its seal)"
            ) from None
        self._counter += 1
        if last:
            if self._source.read(1):
                raise SealedError("the backup file has bytes after its last part")
            self._ended = True
        self._buffer = self._buffer[self._pos:] + plain
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        while not self._ended and (size < 0 or len(self._buffer) - self._pos < size):
            self._next_chunk()
        end = len(self._buffer) if size < 0 else self._pos + size
        out = self._buffer[self._pos:end]
        self._pos += len(out)
        return out

    def read_to_end(self) -> None:
        """Check every chunk to the last (what a reader that stopped early has not)."""
        while not self._ended:
            self._next_chunk()
            self._buffer, self._pos = b"", 0
