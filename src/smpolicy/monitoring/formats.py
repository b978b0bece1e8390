"""Log formats: Squid's native access.log, dnsmasq and Pi-hole query logs, Pi-hole FTL's query
export (CSV), Zeek's dns.log and ssl.log (TSV with a #fields header, or JSON), CSV with a header
(filters' exports among them: Smoothwall's web filter log, Lightspeed's activity log),
FortiGate's and Sophos Firewall's key=value syslog lines, CEF (as FortiGate and Sophos send it),
and W3C extended logs with a ``#Fields:`` line (IIS, and proxies that write it).

Every parser has the same shape: it takes the lines of one file (str, without line ends), a
:class:`~smpolicy.monitoring.classify.Classifier` and a :class:`Tally`, and yields
``(raw host, time, client, user)`` for each request to a host the classifier cares about; every
other line is only counted. A line that is not the format is counted in the tally, with the first
few kept with their line numbers: a parser never raises on a line.

Speed matters here (a school's proxy writes millions of lines a day): the Squid parser, the one
the benchmark measures, splits with str methods, asks the classifier's dict before anything else
and reads the time only for the lines it keeps.

A request the filter refused (Squid's TCP_DENIED, a Pi-hole or dnsmasq block, a sinkholed DNS
answer) is not a visit: it is counted as blocked and yields nothing. Where a log keeps the URL's
path, a request for a platform's embed on its own site host (www.youtube.com/embed/...: the
catalogue's ``embeds``) is a widget, so it yields nothing either.

Plain Python: no Django here.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from smpolicy.monitoring.classify import Classifier

__all__ = [
    "COUNTERS",
    "FORMATS",
    "PARSERS",
    "Counts",
    "Event",
    "ParseOptions",
    "Tally",
    "detect",
]

FORMATS: tuple[str, ...] = (
    "squid", "dnsmasq", "pihole", "zeek", "csv", "fortigate", "sophos", "cef", "w3c"
)
#: How many bad lines a file keeps as samples.
SAMPLES = 5
SAMPLE_CHARS = 200

Event = tuple[str, float, str, str]  # raw host, POSIX time, client address, user ("-" if none)
_MISS: Any = object()
DIGITS = "0123456789"
# Times outside these (POSIX seconds: 1990 to 2100) are not a log's: the line is not understood.
EARLIEST, LATEST = 631152000.0, 4102444800.0


@dataclass
class Tally:
    """What one file held: lines read, lines not understood (with samples), blocked requests."""

    name: str = "-"
    format: str = ""
    lines: int = 0
    unparsed: int = 0
    blocked: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    def bad(self, number: int, line: str) -> None:
        self.unparsed += 1
        if len(self.samples) < SAMPLES:
            text = line if len(line) <= SAMPLE_CHARS else line[:SAMPLE_CHARS] + "…"
            self.samples.append({"file": self.name, "line": number, "text": text})

    def broke(self, reason: str) -> None:
        """The file could not be read to its end (kept as a sample with no line number)."""
        self.error = reason
        self.samples.append({"file": self.name, "line": None, "text": f"[{reason}]"})

    @property
    def parsed(self) -> int:
        return self.lines - self.unparsed


@dataclass
class ParseOptions:
    """How to read times that carry no zone or year (syslog stamps, naive CSV times)."""

    timezone: dt.tzinfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    year: int | None = None  # syslog stamps have none: the year that puts them in the past
    now: float | None = None


Parser = Callable[[Iterable[str], Classifier, Tally, ParseOptions], Iterator[Event]]


class Counts:
    """Requests counted per window (``ts // width``) and (client, user, host):
    ``[requests, first time, last time]``. ``newest`` is the latest window opened."""

    __slots__ = ("buckets", "newest", "width")

    def __init__(self, width: int) -> None:
        self.width = width
        self.buckets: dict[float, dict[tuple[str, str, str], list[Any]]] = {}
        self.newest = float("-inf")

    def add(self, host: str, ts: float, client: str, user: str) -> bool:
        """Count one request; True when it opened a window newer than any before."""
        index = ts // self.width
        bucket = self.buckets.get(index)
        opened = False
        if bucket is None:
            bucket = self.buckets[index] = {}
            if index > self.newest:
                self.newest = index
                opened = True
        key = (client, user, host)
        use = bucket.get(key)
        if use is None:
            bucket[key] = [1, ts, ts]
        else:
            use[0] += 1
            if ts > use[2]:
                use[2] = ts
            elif ts < use[1]:
                use[1] = ts
        return opened


def counted(events: Iterator[Event], counts: Counts) -> Iterator[float]:
    """Count a parser's events; yield each newly opened window."""
    add = counts.add
    for host, ts, client, user in events:
        if add(host, ts, client, user):
            yield counts.newest


# -- Squid native -----------------------------------------------------------------------------
# time elapsed client code/status bytes method URL user hierarchy/peer type
# 1763627467.123    245 10.30.0.17 TCP_TUNNEL/200 5234 CONNECT www.facebook.com:443 - \
#   HIER_DIRECT/157.240.221.35 -


def count_squid(
    lines: Iterable[str],
    classifier: Classifier,
    tally: Tally,
    options: ParseOptions,
    counts: Counts,
) -> Iterator[float]:
    """The hot loop: parses, classifies and counts in one pass, and yields only when a newer
    window opens (so the scanner may close old ones)."""
    get = classifier.cache.get
    lookup = classifier.lookup
    embedded = classifier.embedded
    bad = tally.bad
    miss = _MISS
    width = counts.width
    buckets = counts.buckets
    current_index = None
    current: dict[tuple[str, str, str], list[Any]] = {}
    number = 0
    blocked = 0
    for number, line in enumerate(lines, 1):
        # The fields right of the URL are single-spaced (only the elapsed time is padded), so
        # splitting from the right finds the URL at a third of the cost of splitting it all.
        try:
            head, url, user, _peer, _type = line.rstrip().rsplit(" ", 4)
        except ValueError:
            if line.strip():
                bad(number, line)
            continue
        path = ""
        if "/" in url:  # http://host[:port]/path; a CONNECT's is host:port
            parts = url.split("/", 3)
            if len(parts) > 2 and not parts[1]:
                host = parts[2]
                if len(parts) > 3:
                    path = parts[3]
            else:
                host = parts[0]
        else:
            host = url
        found = get(host, miss)
        if found is miss:
            found = lookup(host)
        if found is None:
            if line[0] not in DIGITS:
                bad(number, line)
            continue
        p = head.split()  # time, elapsed, client, code/status, bytes, method
        try:
            ts = float(p[0]) if len(p) == 6 else 0.0
        except ValueError:
            ts = 0.0
        if not EARLIEST < ts < LATEST:  # also refuses nan and inf
            bad(number, line)
            continue
        code = p[3]
        if "DENIED" in code or code.endswith(("/403", "/407")):
            blocked += 1
            continue
        if path and embedded(host, "/" + path):
            continue
        index = ts // width
        if index != current_index:
            current = buckets.get(index)  # type: ignore[assignment]
            if current is None:
                current = buckets[index] = {}
                if index > counts.newest:
                    counts.newest = index
                    yield index
            current_index = index
        key = (p[2], user, host)
        use = current.get(key)
        if use is None:
            current[key] = [1, ts, ts]
        else:
            use[0] += 1
            if ts > use[2]:
                use[2] = ts
            elif ts < use[1]:
                use[1] = ts
    tally.lines = number
    tally.blocked += blocked


# -- dnsmasq and Pi-hole's pihole.log ---------------------------------------------------------
# Nov 20 08:41:07 dnsmasq[1234]: query[A] www.facebook.com from 10.30.0.17
# Nov 20 08:41:07 dnsmasq[1234]: 17 10.30.0.17/53422 query[A] ... (log-queries=extra)
# 2026-11-20T08:41:07.123+00:00 gw dnsmasq[1234]: query[A] ...   (rsyslog's precise stamps)

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_BLOCK_ANSWERS = frozenset({"0.0.0.0", "::", "NXDOMAIN", "NODATA", "blocked", "REFUSED"})
_PENDING = 256


class _Stamps:
    """Syslog and ISO stamps to POSIX times, remembered (a busy second repeats many times)."""

    def __init__(self, options: ParseOptions) -> None:
        self.options = options
        self.cache: dict[str, float | None] = {}
        now = options.now if options.now is not None else dt.datetime.now(dt.UTC).timestamp()
        self.now = now
        self.this_year = dt.datetime.fromtimestamp(now, options.timezone).year

    def syslog(self, stamp: str) -> float | None:
        found = self.cache.get(stamp, _MISS)
        if found is _MISS:
            found = self._syslog(stamp)
            if len(self.cache) > 100_000:
                self.cache.clear()
            self.cache[stamp] = found
        return found  # type: ignore[no-any-return]

    def _syslog(self, stamp: str) -> float | None:
        month = _MONTHS.get(stamp[:3])
        try:
            day = int(stamp[4:6])
            hour, minute, second = (int(x) for x in stamp[7:15].split(":"))
        except ValueError:
            return None
        if month is None:
            return None
        year = self.options.year or self.this_year
        try:
            moment = dt.datetime(year, month, day, hour, minute, second,
                                 tzinfo=self.options.timezone)
        except ValueError:
            return None
        if self.options.year is None and moment.timestamp() > self.now + 86_400:
            try:  # a stamp "in the future" is from last year (a December log read in January)
                moment = moment.replace(year=year - 1)
            except ValueError:
                return None
        return moment.timestamp()


def parse_dnsmasq(
    lines: Iterable[str], classifier: Classifier, tally: Tally, options: ParseOptions
) -> Iterator[Event]:
    lookup = classifier.lookup
    bad = tally.bad
    stamps = _Stamps(options)
    # A query is held back until its answer shows whether the filter blocked it.
    pending: dict[str, Event] = {}
    number = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line[:3] in _MONTHS and line[3:4] == " ":
            stamp_end = 15
            ts = stamps.syslog(line[:15])
        elif line[:4].isdigit() and line[4:5] == "-":
            stamp_end = line.find(" ")
            ts = _iso_time(line[:stamp_end] if stamp_end > 0 else line, options)
        else:
            bad(number, line)
            continue
        colon = line.find(": ", stamp_end)
        if ts is None or stamp_end < 0 or colon < 0:
            bad(number, line)
            continue
        words = line[colon + 2 :].split()
        if words and words[0].isdigit() and len(words) > 2 and "/" in words[1]:
            words = words[2:]  # log-queries=extra: a serial and the client/port first
        if not words:
            continue
        if words[0].startswith("query["):
            if len(words) < 4 or words[2] != "from":
                bad(number, line)
                continue
            host = words[1]
            if lookup(host) is None:
                continue
            if host in pending:
                yield pending.pop(host)
            pending[host] = (host, ts, words[3], "-")
            if len(pending) > _PENDING:
                yield pending.pop(next(iter(pending)))
        elif pending and len(words) >= 3:
            host = words[-3] if words[-2] == "is" else words[1]
            event = pending.pop(host, None)
            if event is None:
                continue
            head = words[0]
            if words[-2] == "is" and words[-1] in _BLOCK_ANSWERS and head not in (
                "reply", "cached", "forwarded", "validation", "dnssec-query"
            ):
                tally.blocked += 1  # gravity blocked, regex blacklisted, config (address=)...
            else:
                yield event
    yield from pending.values()
    tally.lines = number


# -- Zeek dns.log and ssl.log -----------------------------------------------------------------


def parse_zeek(
    lines: Iterable[str], classifier: Classifier, tally: Tally, options: ParseOptions
) -> Iterator[Event]:
    """TSV with #fields headers, or JSON lines; the two may not be mixed in one file."""
    lookup = classifier.lookup
    bad = tally.bad
    separator = "\t"
    columns: dict[str, int] = {}
    width = 0
    host_column = -1
    number = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line[:1] == "{":
            event = _zeek_json(line, options)
            if event is None:
                bad(number, line)
            elif event is not _SKIP and lookup(event[0]) is not None:
                if event[3] == "blocked":
                    tally.blocked += 1
                else:
                    yield event
            continue
        if line[:1] == "#":
            if line.startswith("#separator"):
                token = line[len("#separator") :].strip()
                found = _zeek_separator(token)
                if found is None:
                    bad(number, line)
                else:
                    separator = found
            elif line.startswith("#fields"):
                names = line.rstrip("\r").split(separator)[1:]
                columns = {name: i for i, name in enumerate(names)}
                width = len(names)
                host_column = columns.get("query", columns.get("server_name", -1))
            continue
        cells = line.rstrip("\r").split(separator)
        if not columns or len(cells) != width or "ts" not in columns or host_column < 0:
            bad(number, line)
            continue
        host = cells[host_column]
        try:
            ts = _sane(float(cells[columns["ts"]]))
        except ValueError:
            ts = _iso_time(cells[columns["ts"]], options)
        if ts is None:
            bad(number, line)
            continue
        if host in ("-", "(empty)", "") or lookup(host) is None:
            continue
        client = cells[columns["id.orig_h"]] if "id.orig_h" in columns else "-"
        if _zeek_blocked({k: cells[i] for k, i in columns.items() if k in _BLOCK_KEYS}):
            tally.blocked += 1
            continue
        yield host, ts, client, "-"
    tally.lines = number


def _zeek_separator(token: str) -> str | None:
    """The separator a "#separator \\x09" line names; None when it names none ("\\x0")."""
    if not token:
        return "\t"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an unknown escape ("\\=") is not a separator either
        try:
            found = token.encode().decode("unicode_escape")
        except (UnicodeDecodeError, DeprecationWarning):
            return None
    return found or None


_SKIP: Any = ("", 0.0, "", "")
_BLOCK_KEYS = frozenset({"answers", "rejected"})


def _zeek_blocked(record: dict[str, Any]) -> bool:
    rejected = record.get("rejected")
    if rejected in ("T", True):
        return True
    answers = record.get("answers")
    if isinstance(answers, str):
        answers = [] if answers in ("-", "(empty)") else answers.split(",")
    return bool(answers) and all(a in ("0.0.0.0", "::") for a in answers)


def _zeek_json(line: str, options: ParseOptions) -> Any:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(record, dict) or "ts" not in record:
        return None
    raw_ts = record["ts"]
    if isinstance(raw_ts, int | float) and not isinstance(raw_ts, bool):
        ts: float | None = _sane(float(raw_ts))
    elif isinstance(raw_ts, str):
        ts = _iso_time(raw_ts, options)
    else:
        ts = None
    if ts is None:
        return None
    host = record.get("query", record.get("server_name"))
    if not isinstance(host, str) or not host:
        return _SKIP
    client = record.get("id.orig_h", "-")
    if not isinstance(client, str):
        client = "-"
    return (host, ts, client, "blocked" if _zeek_blocked(record) else "-")


# -- CSV with a header, and Pi-hole FTL's query export ----------------------------------------

# Header names after normal_header(): lower case, spaces as "_" ("Source IP" is source_ip).
_TIME_COLUMNS = ("timestamp", "time", "ts", "datetime", "date_time", "date", "@timestamp",
                 "date_and_time", "access_time")
_CLIENT_COLUMNS = ("client", "client_ip", "clientip", "src_ip", "source_ip", "src", "source",
                   "ip", "address", "ip_address", "id.orig_h", "c-ip")
_USER_COLUMNS = ("user", "username", "login", "user_name", "cs-username")
_HOST_COLUMNS = ("domain", "host", "hostname", "query", "server_name", "sni", "site", "url",
                 "dest_host", "cs-host", "destination")
_ACTION_COLUMNS = ("action", "status", "result", "disposition", "verdict")
# An HTTP status the filter answered with in place of the site (Smoothwall's "Code" column).
_CODE_COLUMNS = ("code", "status_code", "http_status", "sc-status")
_REFUSED_CODES = frozenset({"403", "407"})
_BLOCK_WORDS = frozenset({"blocked", "block", "denied", "deny", "refused", "reject", "rejected",
                          "dropped", "drop", "filtered", "tcp_denied",
                          # Lightspeed: sent to the block page (or elsewhere) instead of the site
                          "redirected"})
# Pi-hole FTL query statuses that mean the query was blocked (FTL's documentation, "Query status").
_FTL_BLOCKED = frozenset({"1", "4", "5", "6", "7", "8", "9", "10", "11", "15", "16"})


def _column(header: list[str], names: tuple[str, ...]) -> int:
    for name in names:
        if name in header:
            return header.index(name)
    return -1


def normal_header(name: str) -> str:
    """A column's name as the scanner looks it up: case and runs of spaces ignored."""
    return "_".join(name.lower().split())


def csv_columns(header_line: str) -> dict[str, int] | None:
    """The columns this scanner reads, by position; None when the header lacks a time, a
    client or a host."""
    try:
        header = [normal_header(c) for c in next(csv.reader([header_line]))]
    except (csv.Error, StopIteration):
        return None
    time = _column(header, _TIME_COLUMNS)
    found = {
        "time": time,
        # A date and a time in columns of their own are read together.
        "date": header.index("date") if time >= 0 and header[time] == "time"
        and "date" in header else -1,
        "code": _column(header, _CODE_COLUMNS),
        "client": _column(header, _CLIENT_COLUMNS),
        "user": _column(header, _USER_COLUMNS),
        "host": _column(header, _HOST_COLUMNS),
        "action": _column(header, _ACTION_COLUMNS),
        "width": len(header),
        "ftl": int({"timestamp", "domain", "client", "status"} <= set(header)),
    }
    if found["time"] < 0 or found["host"] < 0 or found["client"] < 0:
        return None
    return found


def parse_csv(
    lines: Iterable[str], classifier: Classifier, tally: Tally, options: ParseOptions
) -> Iterator[Event]:
    lookup = classifier.lookup
    bad = tally.bad
    columns: dict[str, int] | None = None
    number = 0
    for number, line in enumerate(lines, 1):
        if not line.strip() or line[:1] == "#":
            continue
        if columns is None:
            columns = csv_columns(line)
            if columns is None:
                bad(number, line)
            continue
        try:
            row = next(csv.reader([line]))
        except (csv.Error, StopIteration):
            bad(number, line)
            continue
        if len(row) < max(columns["time"], columns["client"], columns["host"],
                          columns["date"]) + 1:
            bad(number, line)
            continue
        stamp = row[columns["time"]]
        if columns["date"] >= 0:
            stamp = f"{row[columns['date']].strip()} {stamp.strip()}"
        ts = _any_time(stamp, options)
        if ts is None:
            bad(number, line)
            continue
        host, path = url_parts(row[columns["host"]])
        if not host or lookup(host) is None or (path and classifier.embedded(host, path)):
            continue
        if 0 <= columns["code"] < len(row) and row[columns["code"]].strip() in _REFUSED_CODES:
            tally.blocked += 1
            continue
        if columns["action"] >= 0 and len(row) > columns["action"]:
            action = row[columns["action"]].strip().lower()
            if action in _BLOCK_WORDS or "denied" in action or (
                columns["ftl"] and action in _FTL_BLOCKED
            ):
                tally.blocked += 1
                continue
        user = row[columns["user"]].strip() if 0 <= columns["user"] < len(row) else ""
        yield host, ts, row[columns["client"]].strip(), user or "-"
    tally.lines = number


def url_parts(text: str) -> tuple[str, str]:
    """The host and the path (with its query) of a URL ("https://host:443/path?q",
    "host/path", "host"; "/path" has no host); the path is "" when there is none."""
    text = text.strip()
    if text[:1] == "/" and text[1:2] != "/":
        return "", text
    if "/" not in text:
        return text, ""
    parts = text.split("/", 3)
    if len(parts) > 2 and not parts[1]:  # scheme://host/path or //host/path
        return parts[2], "/" + parts[3] if len(parts) > 3 else ""
    host, _, rest = text.partition("/")
    return host, "/" + rest


def parse_pihole(
    lines: Iterable[str], classifier: Classifier, tally: Tally, options: ParseOptions
) -> Iterator[Event]:
    """pihole.log (dnsmasq's syntax) or FTL's query export (CSV), whichever the file is."""
    iterator = iter(lines)
    head: list[str] = []
    for line in iterator:
        head.append(line)
        if line.strip():
            break
    first = head[-1] if head else ""
    parser = parse_csv if csv_columns(first) is not None else parse_dnsmasq
    return parser(_chain(head, iterator), classifier, tally, options)


def _chain(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest


# -- FortiGate and Sophos Firewall: key=value syslog lines ------------------------------------
# date=2026-11-20 time=08:41:07 devname="FGT60F" logid="0316013057" type="utm" \
#   subtype="webfilter" eventtime=1795164067... srcip=10.30.0.17 hostname="www.facebook.com" \
#   action="passthrough" url="https://www.facebook.com/" user="" ...          (FortiOS)
# device="SFW" date=2026-11-20 time=08:41:07 timezone="GMT" log_type="Content Filtering" \
#   log_subtype="Allowed" user_name="" src_ip=10.30.0.17 url="https://www.facebook.com/" \
#   domain=www.facebook.com ...                                               (Sophos Firewall)
# A syslog prefix ("Nov 20 08:41:07 fw ", "<189>") may come first.

_PAIR = re.compile(r'([A-Za-z_][\w.\-]*)=("(?:[^"\\]|\\.)*"|\S*)')
_KV_CLIENT = ("srcip", "src_ip", "src")
_KV_USER = ("user", "user_name", "unauthuser", "srcuser")
_KV_HOST = ("hostname", "qname", "domain", "fqdn", "url")
# FortiGate's action and utmaction, Sophos's log_subtype ("Denied") and status ("Deny").
_KV_ACTION = ("action", "utmaction", "log_subtype", "status")
_FORTIGATE_KEYS = frozenset({"logid", "devname", "devid", "eventtime", "vd"})
_SOPHOS_KEYS = frozenset({"log_type", "log_component", "log_subtype", "device_name", "log_id"})
_OFFSET = re.compile(r"[+-]\d{2}:?\d{2}$")


def key_values(line: str) -> dict[str, str]:
    """The ``key=value`` and ``key="quoted value"`` pairs of a line, quotes taken off."""
    pairs: dict[str, str] = {}
    for key, value in _PAIR.findall(line):
        if len(value) > 1 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1].replace('\\"', '"')
        pairs[key] = value
    return pairs


def field_value(line: str, key: str, start: int = 0) -> str | None:
    """The value of one ``key=value`` (or ``key="quoted"``) in a line, without parsing the rest
    of it: most lines of a firewall's log are about hosts the scanner does not care about, and
    finding one field is a fraction of the cost of reading them all. None when it is not there."""
    token = key + "="
    at = line.find(token, start)
    while at > 0 and line[at - 1] not in " \t>|":  # "user_name=" is not "name="
        at = line.find(token, at + 1)
    if at < 0:
        return None
    begin = at + len(token)
    if line[begin : begin + 1] == '"':
        end = line.find('"', begin + 1)
        while end > 0 and line[end - 1] == "\\":
            end = line.find('"', end + 1)
        return line[begin + 1 : end].replace('\\"', '"') if end > 0 else line[begin + 1 :]
    end = line.find(" ", begin)
    return line[begin:] if end < 0 else line[begin:end]


def _first(record: dict[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        value = record.get(name)
        if value and value != "-":
            return value
    return ""


def _refused(value: str) -> bool:
    value = value.strip().lower()
    return value in _BLOCK_WORDS or "denied" in value or value.startswith("deny")


def _kv_time(record: dict[str, str], options: ParseOptions) -> float | None:
    if record.get("eventtime"):
        return _epoch(record["eventtime"])
    if record.get("timestamp"):
        return _any_time(record["timestamp"], options)
    date, time = record.get("date", ""), record.get("time", "")
    if not date or not time:
        return None
    zone = record.get("tz", "")  # FortiOS: tz="+0000"
    stamp = f"{date}T{time}"
    if _OFFSET.match(zone):
        stamp += zone
    return _any_time(stamp, options)


def parse_keyvalue(
    lines: Iterable[str], classifier: Classifier, tally: Tally, options: ParseOptions
) -> Iterator[Event]:
    """FortiGate's and Sophos Firewall's logs: one record of key=value pairs a line."""
    lookup = classifier.lookup
    bad = tally.bad
    number = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        # The host first, read alone: the whole record only for a host the classifier keeps.
        for name in _KV_HOST:
            raw = field_value(line, name)
            if raw and raw != "-":
                break
        else:
            raw = ""
        if raw:
            quick = url_parts(raw)[0]
            if quick and lookup(quick) is None:
                continue
        elif "=" in line:
            continue  # a record about no host (a traffic log's session): nothing to look at
        record = key_values(line)
        ts = _kv_time(record, options) if len(record) >= 3 else None
        if ts is None:
            bad(number, line)
            continue
        host, path = url_parts(_first(record, _KV_HOST))
        if not path:  # FortiGate's url is the path alone ("/bizsquads"), beside its hostname
            path = url_parts(record.get("url", ""))[1]
        if not host or lookup(host) is None or (path and classifier.embedded(host, path)):
            continue
        if any(_refused(record.get(name, "")) for name in _KV_ACTION):
            tally.blocked += 1
            continue
        yield host, ts, _first(record, _KV_CLIENT) or "-", _first(record, _KV_USER) or "-"
    tally.lines = number


# -- CEF (ArcSight's Common Event Format) -----------------------------------------------------
# [syslog prefix] CEF:0|Fortinet|Fortigate|v7.2.5|13312|utm:webfilter ftgd_allow passthrough|3|\
#   FTNTFGTeventtime=1795164067 src=10.30.0.17 duser=bob dhost=www.facebook.com act=passthrough
# CEF:0|sophos|sophos central|1.0|Event::Endpoint::WebFilteringBlocked|Access to \
#   'www.instagram.com' was blocked by policy|5|rt=2026-11-20T08:53:30.000Z suser=... \
#   source_info_ip=10.30.0.21 dhost=PUPIL-LAPTOP-07
# Header fields are split on "|" (escaped as "\|"); the extension's values run to the next
# " key=" ("=" in a value is escaped as "\="). The site is the extension's dhost or request;
# Sophos Central names it only in the event's name, quoted (its dhost is the computer).

_CEF_SPLIT = re.compile(r"(?<!\\)\|")
_CEF_KEY = re.compile(r"(?:^|(?<=\s))([\w.\[\]-]+)=")
_CEF_TIME = ("rt", "end", "start", "FTNTFGTeventtime", "deviceReceiptTime")
_CEF_CLIENT = ("src", "source_info_ip")
_CEF_USER = ("suser", "duser")
_CEF_QUOTED = re.compile(r"'([^' ]+)'")
_CEF_DATE = re.compile(r"([A-Z][a-z]{2}) (\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})")


def cef_extension(text: str) -> dict[str, str]:
    """A CEF extension's key=value pairs, unescaped."""
    found: dict[str, str] = {}
    matches = list(_CEF_KEY.finditer(text))
    for match, after in zip(matches, [*matches[1:], None], strict=False):
        end = after.start() if after is not None else len(text)
        value = text[match.end() : end].strip()
        if "\\" in value:
            value = (value.replace("\\=", "=").replace("\\n", " ").replace("\\r", " ")
                     .replace("\\\\", "\\"))
        found[match.group(1)] = value
    return found


def _cef_time(record: dict[str, str], prefix: str, stamps: _Stamps,
              options: ParseOptions) -> float | None:
    for name in _CEF_TIME:
        text = record.get(name, "")
        if not text:
            continue
        if text.isdigit():
            return _epoch(text)
        match = _CEF_DATE.match(text)  # "Nov 20 2026 08:41:07" (CEF's other time form)
        month = _MONTHS.get(match.group(1)) if match else None
        if match and month:
            try:
                moment = dt.datetime(int(match.group(3)), month, int(match.group(2)),
                                     *(int(g) for g in match.groups()[3:]),
                                     tzinfo=dt.UTC if text.endswith(("UTC", "GMT", "Z"))
                                     else options.timezone)
                return _sane(moment.timestamp())
            except (ValueError, OverflowError):
                return None
        return _any_time(text, options)
    prefix = prefix.strip()
    if prefix[:1] == "<":  # a syslog priority, "<189>"
        prefix = prefix.partition(">")[2]
    if prefix[:3] in _MONTHS and prefix[3:4] == " ":
        return stamps.syslog(prefix[:15])
    if prefix[:4].isdigit():
        return _iso_time(prefix.split()[0], options)
    return None


def parse_cef(
    lines: Iterable[str], classifier: Classifier, tally: Tally, options: ParseOptions
) -> Iterator[Event]:
    lookup = classifier.lookup
    bad = tally.bad
    stamps = _Stamps(options)
    number = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        at = line.find("CEF:")
        header = _CEF_SPLIT.split(line[at + 4 :], 7) if at >= 0 else []
        if len(header) < 8 or not header[0].strip().isdigit():
            bad(number, line)
            continue
        # The site first, read alone (dhost, request, or a name's quoted host): the whole
        # extension only for a site the classifier keeps.
        ext = header[7]
        dhost = field_value(ext, "dhost")
        request = field_value(ext, "request")
        quoted = _CEF_QUOTED.search(header[5])
        candidates = [c for c in (dhost, url_parts(request.replace("\\=", "="))[0]
                                  if request else None, url_parts(quoted.group(1))[0]
                                  if quoted else None) if c]
        if candidates and all(lookup(c) is None for c in candidates):
            continue
        record = cef_extension(ext)
        ts = _cef_time(record, line[:at], stamps, options)
        if ts is None:
            bad(number, line)
            continue
        # FortiGate's request is the path alone beside dhost; others' is the whole URL.
        requested, path = url_parts(record.get("request", ""))
        host = record.get("dhost", "")
        if not host or lookup(host) is None:
            host = requested
        if not host or lookup(host) is None:
            quoted = _CEF_QUOTED.search(header[5])
            host, path = url_parts(quoted.group(1)) if quoted else ("", "")
        if not host or lookup(host) is None or (path and classifier.embedded(host, path)):
            continue
        if _refused(record.get("act", "")) or "blocked" in header[4].lower():
            tally.blocked += 1
            continue
        yield host, ts, _first(record, _CEF_CLIENT) or "-", _first(record, _CEF_USER) or "-"
    tally.lines = number


# -- W3C extended log format (IIS, and proxies that write it) -------------------------------
# #Software: Microsoft Internet Information Services 10.0
# #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip ...
# 2026-11-20 08:41:07 10.0.0.1 GET / - 443 - 10.30.0.17 ...
# Times are UTC (the W3C's working draft says so, and IIS writes them so); "-" is an empty
# field; a value with spaces is quoted (Blue Coat) or has "+" for them (IIS).

_W3C_HOST = ("cs-host", "cs(host)", "r-host", "x-host", "cs-uri")
_W3C_PATH = ("cs-uri-stem", "cs-uri-path", "cs-uri")
_W3C_ACTION = ("s-action", "sc-filter-result", "x-action", "action")


def _w3c_columns(names: list[str]) -> dict[str, int] | None:
    index = {name.lower(): i for i, name in enumerate(names)}
    host = next((index[n] for n in _W3C_HOST if n in index), -1)
    if "time" not in index or "c-ip" not in index or host < 0:
        return None
    return {
        "date": index.get("date", -1), "time": index["time"], "client": index["c-ip"],
        "host": host, "user": index.get("cs-username", -1), "width": len(names),
        "path": next((index[n] for n in _W3C_PATH if n in index), -1),
        "actions": [index[n] for n in _W3C_ACTION if n in index],  # type: ignore[dict-item]
    }


def parse_w3c(
    lines: Iterable[str], classifier: Classifier, tally: Tally, options: ParseOptions
) -> Iterator[Event]:
    lookup = classifier.lookup
    bad = tally.bad
    columns: dict[str, Any] | None = None
    day = ""  # the #Date directive's, for logs with a time but no date field
    number = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line[:1] == "#":
            directive = line[:8].lower()
            if directive == "#fields:":
                columns = _w3c_columns(line[8:].split())
                if columns is None:  # no time, client or host: nothing here can be read
                    bad(number, line)
            elif directive.startswith("#date:"):
                day = line[6:].strip().split(" ")[0]
            continue
        if columns is None:
            bad(number, line)
            continue
        if '"' in line:
            try:
                cells = next(csv.reader([line.strip()], delimiter=" ", skipinitialspace=True))
            except (csv.Error, StopIteration):
                bad(number, line)
                continue
        else:
            cells = line.split()
        if len(cells) != columns["width"]:
            bad(number, line)
            continue
        date = cells[columns["date"]] if columns["date"] >= 0 else day
        ts = _iso_time(f"{date}T{cells[columns['time']]}+00:00", options) if date else None
        if ts is None:
            bad(number, line)
            continue
        host = url_parts(cells[columns["host"]])[0]
        if host in ("-", "") or lookup(host) is None:
            continue
        path = cells[columns["path"]] if columns["path"] >= 0 else ""
        if path[:1] != "/":  # cs-uri, the whole URL
            path = url_parts(path)[1]
        if path and classifier.embedded(host, path):
            continue
        if any(_refused(cells[i]) for i in columns["actions"]):
            tally.blocked += 1
            continue
        user = cells[columns["user"]] if columns["user"] >= 0 else "-"
        yield host, ts, cells[columns["client"]], user or "-"
    tally.lines = number


# -- times ------------------------------------------------------------------------------------


def _iso_time(text: str, options: ParseOptions) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=options.timezone)
    try:
        return _sane(moment.timestamp())
    except (OverflowError, ValueError):
        return None


def _any_time(text: str, options: ParseOptions) -> float | None:
    """A POSIX time (seconds, or milli-, micro- or nanoseconds when it is that large), an ISO
    8601 time, or a UK one: day first ("24/11/2026 10:00", "24-11-2026 10:00:05", "24.11.2026")."""
    text = text.strip()
    if text[:1].isdigit() and ("-" not in text and ":" not in text and "/" not in text
                               and text.count(".") <= 1):
        return _epoch(text)
    found = _iso_time(text, options)
    if found is None and text[:1].isdigit():
        found = _day_first(text, options)
    return found


def _epoch(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    # Milliseconds (Pi-hole, CEF's rt), micro- or nanoseconds (FortiOS 7's eventtime).
    if value > 1e17:
        value /= 1e9
    elif value > 1e14:
        value /= 1e6
    elif value > 1e11:
        value /= 1e3
    return _sane(value)


_DAY_FIRST = re.compile(
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*([AaPp][Mm])?)?$"
)


def _day_first(text: str, options: ParseOptions) -> float | None:
    """A UK date, day first, with or without a time (in the school's zone: a filter's export
    writes the time the school reads)."""
    match = _DAY_FIRST.match(text)
    if match is None:
        return None
    day, month, year, hour, minute, second, fraction, half = match.groups()
    hours = int(hour or 0)
    if half:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if half.lower() == "pm" else 0)
    try:
        moment = dt.datetime(int(year), int(month), int(day), hours, int(minute or 0),
                             int(second or 0), int((fraction or "0").ljust(6, "0")),
                             tzinfo=options.timezone)
        return _sane(moment.timestamp())
    except (ValueError, OverflowError):
        return None


def _sane(ts: float) -> float | None:
    """The time if a log could hold it (1990 to 2100); None for nan, inf and nonsense."""
    return ts if EARLIEST < ts < LATEST else None


# -- detection --------------------------------------------------------------------------------

CountingParser = Callable[
    [Iterable[str], Classifier, Tally, ParseOptions, Counts], Iterator[float]
]
# Parsers that yield events; Squid's, on the hot path, counts as it parses instead.
PARSERS: dict[str, Parser] = {
    "dnsmasq": parse_dnsmasq,
    "pihole": parse_pihole,
    "zeek": parse_zeek,
    "csv": parse_csv,
    "fortigate": parse_keyvalue,
    "sophos": parse_keyvalue,
    "cef": parse_cef,
    "w3c": parse_w3c,
}


def _counting(parse: Parser) -> CountingParser:
    def count(
        lines: Iterable[str],
        classifier: Classifier,
        tally: Tally,
        options: ParseOptions,
        counts: Counts,
    ) -> Iterator[float]:
        return counted(parse(lines, classifier, tally, options), counts)

    return count


#: Every format's parser, counting into :class:`Counts` and yielding each newly opened window.
COUNTERS: dict[str, CountingParser] = {
    "squid": count_squid,
    **{name: _counting(parse) for name, parse in PARSERS.items()},
}


def detect(sample: list[str]) -> str | None:
    """The format of a file from its first lines; None when nothing fits."""
    lines = [line for line in sample if line.strip()]
    if not lines:
        return None
    if any(line[:8].lower() == "#fields:" or line.startswith(("#Software:", "#Version:"))
           for line in lines):
        return "w3c"
    if any(line.startswith(("#separator", "#fields", "#path")) for line in lines):
        return "zeek"
    data = [line for line in lines if not line.startswith("#")] or lines
    first = data[0]
    if first.lstrip()[:1] == "{":
        return "zeek" if '"id.orig_h"' in first or '"ts"' in first else None
    head = data[:20]
    if sum("CEF:" in line for line in head) * 2 > len(head):
        return "cef"
    keys = [set(key_values(line)) for line in head if line.count("=") >= 3]
    if len(keys) * 2 > len(head):
        if sum(bool(k & _SOPHOS_KEYS) for k in keys) * 2 > len(keys):
            return "sophos"
        if sum(bool(k & _FORTIGATE_KEYS) for k in keys) * 2 > len(keys):
            return "fortigate"
    columns = csv_columns(first)
    if columns is not None:
        return "pihole" if columns["ftl"] else "csv"
    votes = {"squid": 0, "dnsmasq": 0}
    for line in head:
        if " query[" in line or "dnsmasq[" in line or "pihole-FTL[" in line:
            votes["dnsmasq"] += 1
        p = line.split(None, 8)
        if len(p) >= 7 and p[0].replace(".", "", 1).isdigit() and "/" in p[3]:
            votes["squid"] += 1
    best = max(votes, key=lambda k: votes[k])
    return best if votes[best] else None
