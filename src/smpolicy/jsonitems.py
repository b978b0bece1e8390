"""Reading JSON input the way every smpolicy command takes it: one object, a JSON array, or JSON
Lines. A bad item becomes a BadItem in its place, so a batch answers every good item and says
which were not; nothing is lost and nothing crashes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import orjson

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class BadItem:
    """An item that could not be read; `message` says why, in words a person can act on."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def read_items(stream: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """Yield (item number, item or BadItem). JSON Lines stream a line at a time; an array or a
    pretty-printed object is read whole."""
    first = stream.readline()
    while first and not first.strip():
        first = stream.readline()
    if not first:
        return
    if first.startswith(UTF16_BOMS):
        yield 1, BadItem("the input is UTF-16; send it as UTF-8")
        return
    first = first.removeprefix(UTF8_BOM)
    if first.lstrip()[:1] == b"[":
        whole = first + stream.read()
        try:
            items = orjson.loads(whole)
        except orjson.JSONDecodeError as exc:
            yield 1, BadItem(_explain(exc))
            return
        yield from enumerate(items, start=1)
        return
    try:
        first_item = orjson.loads(first)
    except orjson.JSONDecodeError:
        # Not a line of JSON on its own: one object spread over several lines, or else JSON
        # Lines whose first line is broken (then that line's error, and the rest answered).
        whole = first + stream.read()
        try:
            yield 1, orjson.loads(whole)
        except orjson.JSONDecodeError:
            yield from _lines(iter(whole.splitlines()), start=0)
        return
    yield 1, first_item
    yield from _lines(stream, start=1)


def _lines(lines: Iterator[bytes] | IO[bytes], start: int) -> Iterator[tuple[int, Any]]:
    number = start
    for line in lines:
        if not line.strip():
            continue
        number += 1
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield number, BadItem(_explain(exc))


def _explain(exc: Exception) -> str:
    message = str(exc)
    if "utf-8" in message.lower():
        return f"not UTF-8 text: send JSON as UTF-8 ({message})"
    return f"not valid JSON: {message}"
