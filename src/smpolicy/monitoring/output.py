"""Writing findings: JSON Lines (the contract's objects, then the summary line), CSV (the
contract's fields as columns, the situation as JSON in its cell; the summary goes to standard
error so the file stays a table), or a table for people to read.

Plain Python: no Django here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO, Any

import orjson

from smpolicy.monitoring.scanner import FINDING_FIELDS, Finding

__all__ = ["OUTPUTS", "Writer", "summary_text"]

OUTPUTS: tuple[str, ...] = ("jsonl", "csv", "table")


class Writer:
    """Writes findings as they come (the table waits for all of them, to size its columns)."""

    def __init__(self, kind: str, out: IO[bytes], err: IO[str]) -> None:
        if kind not in OUTPUTS:
            raise ValueError(f"{kind!r} is not an output; use one of {', '.join(OUTPUTS)}")
        self.kind = kind
        self.out = out
        self.err = err
        self._rows: list[dict[str, Any]] = []
        if kind == "csv":
            self._csv_line(FINDING_FIELDS)

    def _csv_line(self, values: Iterable[Any]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(_cell(v) for v in values)
        self.out.write(buffer.getvalue().encode())

    def write(self, findings: Iterable[Finding]) -> None:
        if self.kind == "jsonl":
            self.out.write(b"".join(orjson.dumps(f.as_dict()) + b"\n" for f in findings))
        elif self.kind == "csv":
            for finding in findings:
                self._csv_line(finding.as_dict().values())
        else:
            self._rows.extend(f.as_dict() for f in findings)

    def close(self, summary: dict[str, Any]) -> None:
        if self.kind == "jsonl":
            self.out.write(orjson.dumps(summary) + b"\n")
        elif self.kind == "csv":
            self.err.write(summary_text(summary) + "\n")
        else:
            self.out.write(_table(self._rows).encode())
            self.out.write(("\n" + summary_text(summary) + "\n").encode())
        self.out.flush()


def _cell(value: Any) -> Any:
    """A CSV cell: nothing for None, JSON for true/false and the situation (an object)."""
    if value is None:
        return ""
    if isinstance(value, bool | dict):
        return orjson.dumps(value).decode()
    return value


_TABLE_COLUMNS = (
    ("first_seen", "First seen"),
    ("last_seen", "Last seen"),
    ("clause", "Clause"),
    ("verdict", "Verdict"),
    ("network", "Network"),
    ("client", "Client"),
    ("user", "User"),
    ("role", "Role"),
    ("platform", "Platform"),
    ("category", "Category"),
    ("domain", "Domain"),
    ("requests", "Requests"),
)


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No findings.\n"
    cells = [[h for _, h in _TABLE_COLUMNS]] + [
        ["-" if row[k] is None else str(row[k]) for k, _ in _TABLE_COLUMNS] for row in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(_TABLE_COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def summary_text(summary: dict[str, Any]) -> str:
    s = summary["summary"]
    text = (
        f"{s['lines']} lines, {s['parsed']} parsed, {s['unparsed']} not understood, "
        f"{s['blocked']} blocked by the filter, {s['findings']} findings in {s['seconds']} s"
    )
    for sample in s.get("unparsed_samples", []):
        where = f"line {sample['line']}" if sample["line"] is not None else "file"
        text += f"\n  {sample['file']} {where}: {sample['text']}"
    return text
