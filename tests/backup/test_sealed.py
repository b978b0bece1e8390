"""The sealed container: what comes out is what went in, or nothing does.

Attacked as someone holding a copy of a backup would: the wrong passphrase, a byte changed,
parts swapped, dropped or cut off the end, a keys file passed off as a backup."""

from __future__ import annotations

import io
import os
import struct

import pytest

from smpolicy.backup import sealed
from smpolicy.backup.sealed import SealedError, SealedReader, SealedWriter

PASS = "four words are enough here"


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    # Small chunks, so a few kilobytes make many parts to swap and cut.
    monkeypatch.setattr(sealed, "CHUNK", 1024)


def seal(data: bytes, kind: int = sealed.KIND_BACKUP) -> bytes:
    out = io.BytesIO()
    with SealedWriter(out, PASS, kind) as writer:
        for start in range(0, len(data), 700):
            writer.write(data[start:start + 700])
    return out.getvalue()


def unseal(blob: bytes, passphrase: str = PASS, kind: int = sealed.KIND_BACKUP) -> bytes:
    reader = SealedReader(io.BytesIO(blob), passphrase, kind)
    got = b""
    while block := reader.read(333):
        got += block
    return got


def parts(blob: bytes) -> list[tuple[int, int]]:
    """(start, end) of each sealed part after the header, its length field included."""
    found, at = [], sealed.HEADER.size
    while at < len(blob):
        (length,) = struct.unpack(">I", blob[at:at + 4])
        end = at + 4 + (length & ~sealed.LAST)
        found.append((at, end))
        at = end
    return found


DATA = os.urandom(5000)


def test_what_is_sealed_comes_back_whole():
    blob = seal(DATA)
    assert DATA not in blob and DATA[:64] not in blob
    assert len(parts(blob)) == 5  # four full parts of 1,024 bytes and the last of 904
    assert unseal(blob) == DATA


def test_an_empty_file_has_its_last_part():
    assert unseal(seal(b"")) == b""


def test_the_wrong_passphrase_is_refused():
    with pytest.raises(SealedError, match="passphrase is wrong"):
        unseal(seal(DATA), "another four words here")


@pytest.mark.parametrize("where", [sealed.HEADER.size - 1, sealed.HEADER.size + 40, -5])
def test_a_changed_byte_anywhere_is_found(where):
    blob = bytearray(seal(DATA))
    blob[where] ^= 0x01
    with pytest.raises(SealedError, match=r"changed|wrong"):
        unseal(bytes(blob))


def test_parts_swapped_are_found():
    blob = seal(DATA)
    (a0, a1), (b0, b1) = parts(blob)[1:3]
    swapped = blob[:a0] + blob[b0:b1] + blob[a0:a1] + blob[b1:]
    with pytest.raises(SealedError, match="part 2 does not match"):
        unseal(swapped)


def test_a_file_cut_off_at_a_part_is_found():
    blob = seal(DATA)
    start, _ = parts(blob)[-1]
    with pytest.raises(SealedError, match="cut off"):
        unseal(blob[:start])


def test_a_middle_part_dropped_is_found():
    blob = seal(DATA)
    (a0, a1) = parts(blob)[2]
    with pytest.raises(SealedError, match="does not match"):
        unseal(blob[:a0] + blob[a1:])


def test_the_last_flag_cannot_be_moved_to_cut_a_file_short():
    blob = bytearray(seal(DATA))
    start, _ = parts(bytes(blob))[1]
    blob[start] |= 0x80  # say the second part is the last
    with pytest.raises(SealedError, match="does not match"):
        unseal(bytes(blob))


def test_bytes_after_the_last_part_are_refused():
    with pytest.raises(SealedError, match="after its last part"):
        unseal(seal(DATA) + b"more")


def test_a_keys_file_is_not_a_backup():
    with pytest.raises(SealedError, match="is a keys file, not a backup"):
        unseal(seal(b"{}", sealed.KIND_KEYS))


def test_something_else_is_not_a_backup():
    with pytest.raises(SealedError, match="does not start SMPBK1"):
        unseal(b"PK\x03\x04 a zip file")


def test_a_short_passphrase_is_refused_when_sealing():
    with pytest.raises(SealedError, match="at least 12"):
        SealedWriter(io.BytesIO(), "short")
