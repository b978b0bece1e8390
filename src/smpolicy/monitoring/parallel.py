"""Scanning one large log file on every core.

The file is cut into segments of about 16 MiB at line ends; worker processes (forked, so they
share the loaded catalogue, lists and engine) parse and count a segment each and send back its
counts, which are small: one entry per client, user, host and window. The counts come back in
the file's order, so the scanner merges them and closes old windows as it goes, exactly as when it
reads the file in one stream: memory stays flat whatever the size of the file, and the findings
are the same.

Only for plain (not gzip) files in the formats whose lines stand alone (Squid, dnsmasq, the
firewalls' key=value and CEF lines): a gzip stream cannot be entered in the middle, and Zeek's,
CSV's and W3C's lines need the header above them.

Plain Python: no Django here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from smpolicy.monitoring.classify import Classifier
from smpolicy.monitoring.formats import COUNTERS, Counts, ParseOptions, Tally
from smpolicy.monitoring.reading import GZIP_MAGIC, read_lines

__all__ = ["PARALLEL_FORMATS", "SEGMENT", "eligible", "segment_counts", "segments"]

SEGMENT = 16 << 20
PARALLEL_FORMATS = frozenset({"squid", "dnsmasq", "fortigate", "sophos", "cef"})
#: Smaller files are read in one stream: starting workers would cost more than it saves.
MINIMUM = 2 * SEGMENT

_job: dict[str, Any] = {}


def workers() -> int:
    try:
        return min(len(os.sched_getaffinity(0)), 8)
    except AttributeError:  # not on Linux
        return min(os.cpu_count() or 1, 8)


def eligible(path: str, format: str) -> bool:
    if format not in PARALLEL_FORMATS or path == "-" or workers() < 2:
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        if not os.path.isfile(path) or os.path.getsize(path) < MINIMUM:
            return False
        with open(path, "rb") as handle:
            return handle.read(2) != GZIP_MAGIC
    except OSError:
        return False


def segments(path: str, size: int = SEGMENT) -> list[tuple[int, int]]:
    """(start, end) byte ranges covering the file, each ending just after a line end."""
    total = os.path.getsize(path)
    cuts = [0]
    with open(path, "rb") as handle:
        while cuts[-1] + size < total:
            handle.seek(cuts[-1] + size)
            handle.readline()
            position = handle.tell()
            if position >= total:
                break
            cuts.append(position)
    cuts.append(total)
    return list(pairwise(cuts))


def _count_segment(segment: tuple[int, int]) -> tuple[Any, ...]:
    from smpolicy.monitoring.scanner import group_counts

    start, end = segment
    tally = Tally(name=_job["name"])
    counts = Counts(_job["width"])
    with open(_job["path"], "rb") as handle:
        handle.seek(start)
        lines = read_lines(handle, tally, end - start)
        for _ in COUNTERS[_job["format"]](
            lines, _job["classifier"], tally, _job["options"], counts
        ):
            pass
    grouped = {
        index: group_counts(bucket, _job["classifier"]) for index, bucket in counts.buckets.items()
    }
    return grouped, tally.lines, tally.unparsed, tally.blocked, tally.samples, tally.error


def segment_counts(
    path: str,
    name: str,
    format: str,
    classifier: Classifier,
    options: ParseOptions,
    width: int,
) -> Iterator[tuple[Any, ...]]:
    """Each segment's (grouped windows, lines, unparsed, blocked, samples, error), in file
    order: the workers group their counts per client and platform, the heavier half of
    closing a window, so the scanner only merges and decides."""
    _job.update(path=path, name=name, format=format, classifier=classifier, options=options,
                width=width)
    context = multiprocessing.get_context("fork")
    with context.Pool(workers()) as pool:
        yield from pool.imap(_count_segment, segments(path), chunksize=1)
