"""The scan: log lines in, findings out, every verdict and clause from the policy engine.

How a finding is made (../shared/contracts/log-scan.md):

1. A parser (formats.py) yields ``(host, time, client, user)`` for each request to a host the
   classifier cares about: a platform's site, app or CDN, or a category chosen as inappropriate.
2. Requests are counted per window (``--window``, aligned to the epoch in UTC, so the same log
   always makes the same windows), client, user and host. Nothing else is kept per line: memory
   depends on how many clients reach how many such hosts in a window, never on the log's length.
   A window is closed, and its findings made, once the log has moved a whole window past its end
   (a little disorder between lines is normal in proxy and DNS logs).
3. For each closed window, each client's hosts are grouped by platform and by category. A client
   *used* a platform only if it reached the platform's site or app: a widget never counts (a Like
   button embedded in a news site is not a visit to Facebook), and CDN requests alone do not
   either (a shared link's picture is not a visit). Where there was a visit, the CDN requests of
   that platform in the same window are added to the request count: they are part of the same
   use of the platform, and the count is what a reviewer reads as "how much".
4. Who the client is comes from people.csv (a login in the log wins over an address), else from
   the network the address is in (networks.yaml: a parent or visitor on the guest WiFi).
5. Each distinct situation is put to the decision engine once; a finding is reported when the
   verdict is not ``allowed``. The finding keeps that situation (``situation``, with the
   network's ``on_premises`` and the device): recording and routing decide from it, so a finding
   is never decided twice, differently. Staff use of social media on school IT is ``allowed`` citing
   ``monitoring``: it is reported, with that clause, only when asked for (``staff=True``).

Plain Python: no Django here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from smpolicy.monitoring import parallel
from smpolicy.monitoring.classify import Classifier
from smpolicy.monitoring.directory import Networks, People, PersonEntry
from smpolicy.monitoring.formats import COUNTERS, SAMPLES, Counts, ParseOptions, Tally, detect
from smpolicy.monitoring.lists import CategoryLists
from smpolicy.monitoring.reading import open_log, read_lines
from smpolicy.platforms import Catalogue, default_catalogue
from smpolicy.policy import Engine, default_engine

__all__ = [
    "FINDING_FIELDS",
    "Finding",
    "Scanner",
    "parse_window",
    "scan",
]

#: The contract's finding fields, in its order.
FINDING_FIELDS: tuple[str, ...] = (
    "clause",
    "verdict",
    "network",
    "client",
    "user",
    "role",
    "platform",
    "category",
    "domain",
    "requests",
    "first_seen",
    "last_seen",
    # Added to the contract (fields are only ever added): where and on what, and the situation
    # the engine decided; every later step decides from it.
    "device",
    "on_premises",
    "situation",
)
DEFAULT_WINDOW = 3600
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400, "day": 86400}
_DETECT_LINES = 20


def parse_window(text: str | int | float) -> int:
    """Seconds in a window written "1h", "30m", "90s", "1d" or a number of seconds."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        seconds = int(text)
    else:
        raw = str(text).strip().lower()
        number = raw.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = raw[len(number) :] or "s"
        if unit not in _UNITS or not number:
            raise ValueError(f"{text!r} is not a window: write it as 90s, 30m, 1h or 1d")
        try:
            seconds = int(float(number) * _UNITS[unit])
        except ValueError:
            raise ValueError(f"{text!r} is not a window: write it as 90s, 30m, 1h or 1d") from None
    if seconds < 1:
        raise ValueError(f"{text!r} is not a window: it must be at least one second")
    return seconds


_ISO: dict[int, str] = {}


def iso(ts: float) -> str:
    """ISO 8601 in UTC to the second; remembered, since a busy log repeats its seconds."""
    second = int(ts)
    found = _ISO.get(second)
    if found is None:
        if len(_ISO) > 100_000:
            _ISO.clear()
        found = _ISO[second] = dt.datetime.fromtimestamp(second, dt.UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
    return found


@dataclass(slots=True)
class Finding:
    """One finding: the contract's fields (``as_dict``), and what the app needs besides: the
    person's name and age where known, the engine's obligations, the window and a fingerprint
    that is the same whenever the same log is scanned again. ``situation`` is the one the engine
    decided: shared by findings of the same situation, so never changed in place."""

    clause: str
    verdict: str
    network: str | None
    client: str
    user: str | None
    role: str
    platform: str | None
    category: str
    domain: str
    requests: int
    first_seen: float
    last_seen: float
    window_start: float
    window: int
    name: str = ""
    age: int | None = None
    person_key: str = ""
    device: str | None = None
    obligations: tuple[Mapping[str, str], ...] = ()
    clauses: tuple[str, ...] = ()
    on_premises: bool = True
    situation: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "verdict": self.verdict,
            "network": self.network,
            "client": self.client,
            "user": self.user,
            "role": self.role,
            "platform": self.platform,
            "category": self.category,
            "domain": self.domain,
            "requests": self.requests,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "device": self.device,
            "on_premises": self.on_premises,
            "situation": copy_situation(self.situation),
        }

    @property
    def fingerprint(self) -> str:
        """Who, what, which clause and which window: the same finding from a re-scan of the
        same log (or an overlapping one) has the same fingerprint."""
        key = "\x1f".join(
            (
                self.clause,
                self.client,
                (self.user or "").casefold(),
                self.platform or "",
                self.category,
                str(int(self.window_start)),
                str(self.window),
            )
        )
        return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:40]


def copy_situation(situation: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a situation to hand out (its parts are one level deep: actor, channel...)."""
    return {k: dict(v) if isinstance(v, Mapping) else v for k, v in situation.items()}


# (client, user) -> ("platform", id) or ("category", name) ->
#   [visits, requests, first time, last time, {host: visits}]
Grouped = dict[tuple[str, str], dict[tuple[str, str], list[Any]]]


def group_counts(counts: dict[tuple[str, str, str], list[Any]], classifier: Classifier) -> Grouped:
    """One window's counts per host, grouped per client and platform or category."""
    lookup = classifier.lookup
    grouped: Grouped = {}
    for (client, user, host), (number, first, last) in counts.items():
        found = lookup(host)
        if found is None:
            continue
        name, _targets, keys = found
        uses = grouped.get((client, user))
        if uses is None:
            uses = grouped[(client, user)] = {}
        for key, visit in keys:
            use = uses.get(key)
            if use is None:
                use = uses[key] = [0, 0, first, last, {}]
            use[1] += number
            if first < use[2]:
                use[2] = first
            if last > use[3]:
                use[3] = last
            if visit:
                use[0] += number
                use[4][name] = use[4].get(name, 0) + number
    return grouped


def merge_grouped(into: Grouped, more: Grouped) -> None:
    for who, uses in more.items():
        mine = into.get(who)
        if mine is None:
            into[who] = uses
            continue
        for key, use in uses.items():
            have = mine.get(key)
            if have is None:
                mine[key] = use
                continue
            have[0] += use[0]
            have[1] += use[1]
            have[2] = min(have[2], use[2])
            have[3] = max(have[3], use[3])
            for host, number in use[4].items():
                have[4][host] = have[4].get(host, 0) + number


class Scanner:
    """Scans one or more logs in turn (a client's use runs on across rotated files).

    ``feed`` yields findings as their windows close; ``finish`` yields the rest. ``tallies``
    holds each file's counts, ``summary()`` the contract's summary.
    """

    def __init__(
        self,
        networks: Networks | None = None,
        people: People | None = None,
        *,
        lists: CategoryLists | None = None,
        window: int = DEFAULT_WINDOW,
        staff: bool = False,
        engine: Engine | None = None,
        catalogue: Catalogue | None = None,
        options: ParseOptions | None = None,
    ) -> None:
        self.networks = networks or Networks()
        self.people = people or People()
        self._engine = engine
        self.classifier = Classifier(
            catalogue or (engine.catalogue if engine else default_catalogue()), lists
        )
        self.window = window
        self.staff = staff
        self.options = options or ParseOptions()
        self.tallies: list[Tally] = []
        self.findings = 0
        self.started = time.perf_counter()
        self._counts = Counts(window)
        # Windows counted by parallel workers, already grouped (see group_counts).
        self._grouped: dict[float, Grouped] = {}
        self._decisions: dict[tuple[Any, ...], Any] = {}
        self._whos: dict[tuple[str, str], tuple[Any, ...]] = {}

    @property
    def engine(self) -> Engine:
        # Built on first use: a parallel scan's workers never need it, and the scanner builds
        # it while they start on the file.
        if self._engine is None:
            self._engine = default_engine()
        return self._engine

    # -- reading ----------------------------------------------------------------------------

    def feed(
        self,
        lines: Iterable[str],
        name: str = "-",
        format: str = "auto",
        tally: Tally | None = None,
    ) -> Iterator[Finding]:
        """Scan the lines of one file (str, line ends already removed)."""
        tally = tally or Tally(name=name)
        self.tallies.append(tally)
        iterator = iter(lines)
        head: list[str] = []
        if format == "auto":
            for line in iterator:
                head.append(line)
                if len(head) >= _DETECT_LINES:
                    break
            found = detect(head)
            if found is None:
                # Nothing to go on: every line is reported as not understood.
                tally.format = "unknown"
                number = 0
                for number, line in enumerate(chain(head, iterator), 1):
                    if line.strip():
                        tally.bad(number, line)
                tally.lines = number
                return
            format = found
        tally.format = format
        counter = COUNTERS[format]
        for opened in counter(
            chain(head, iterator) if head else iterator,
            self.classifier,
            tally,
            self.options,
            self._counts,
        ):
            yield from self._close_before(opened - 1)

    def feed_path(
        self, path: str, format: str = "auto", tally: Tally | None = None
    ) -> Iterator[Finding]:
        """Scan a log file (gzip or not; ``-`` is standard input). A large plain file is read
        by every core (parallel.py); the findings are the same. Raises OSError when the file
        cannot be opened."""
        tally = tally or Tally(name=path)
        if path != "-" and format == "auto":
            with open_log(path) as stream:
                format = detect(list(islice(read_lines(stream), _DETECT_LINES))) or "auto"
        if not parallel.eligible(path, format):
            with open_log(path) as stream:
                yield from self.feed(read_lines(stream, tally), path, format, tally)
            return
        self.tallies.append(tally)
        tally.format = format
        counts = self._counts
        for grouped, lines, unparsed, blocked, samples, error in parallel.segment_counts(
            path, path, format, self.classifier, self.options, self.window
        ):
            for sample in samples:
                if len(tally.samples) < SAMPLES:
                    if sample["line"] is not None:
                        sample["line"] += tally.lines
                    tally.samples.append(sample)
            tally.lines += lines
            tally.unparsed += unparsed
            tally.blocked += blocked
            tally.error = tally.error or error
            for index, uses in grouped.items():
                counts.newest = max(counts.newest, index)
                into = self._grouped.get(index)
                if into is None:
                    self._grouped[index] = uses
                else:
                    merge_grouped(into, uses)
            yield from self._close_before(counts.newest - 1)

    def finish(self) -> Iterator[Finding]:
        """The findings of the windows still open at the end of the logs."""
        yield from self._close_before(float("inf"))

    # -- deciding ---------------------------------------------------------------------------

    def _close_before(self, limit: float) -> Iterator[Finding]:
        """Close every window before ``limit``, oldest first."""
        buckets = self._counts.buckets
        for index in sorted(i for i in {*buckets, *self._grouped} if i < limit):
            yield from self._close(index)

    def _close(self, index: float) -> Iterator[Finding]:
        uses = self._grouped.pop(index, {})
        counts = self._counts.buckets.pop(index, None)
        if counts:
            merge_grouped(uses, group_counts(counts, self.classifier))
        out: list[Finding] = []
        for (client, user), by_target in uses.items():
            who = self._who(client, user)
            for (kind, ident), use in by_target.items():
                if not use[0]:
                    continue  # CDN requests alone: not a visit
                finding = self._finding(who, client, kind, ident, use, int(index))
                if finding is not None:
                    out.append(finding)
        out.sort(key=lambda f: (f.first_seen, f.client, f.user or "", f.clause,
                                f.platform or "", f.category))
        self.findings += len(out)
        yield from out

    def _who(self, client: str, user: str) -> tuple[Any, ...]:
        found = self._whos.get((client, user))
        if found is None:
            if len(self._whos) > 100_000:
                self._whos.clear()
            found = self._whos[(client, user)] = self._identify(client, user)
        return found

    def _identify(self, client: str, user: str) -> tuple[Any, ...]:
        login = user if user and user != "-" else None
        entry: PersonEntry | None = self.people.find(login, client)
        network = self.networks.lookup(client)
        if entry is not None:
            role, age, name, key = entry.role, entry.age, entry.name, entry.key
        else:
            role = network.role if network is not None else "public"
            age, name, key = None, "", ""
        return (login, role, age, name, key, network)

    def _finding(
        self,
        who: tuple[Any, ...],
        client: str,
        kind: str,
        ident: str,
        use: list[Any],
        index: int,
    ) -> Finding | None:
        login, role, age, name, key, network = who
        platform = self.classifier.catalogue.get(ident) if kind == "platform" else None
        report, verdict, clauses, obligations, situation = self._decide(
            role, age, network, platform.id if platform else None
        )
        if not report:
            return None
        hosts = use[4]
        domain = next(iter(hosts)) if len(hosts) == 1 else min(
            hosts, key=lambda host: (-hosts[host], host)
        )
        return Finding(
            clause=clauses[0],
            verdict=verdict,
            network=network.kind if network is not None else None,
            client=client,
            user=login,
            role=role,
            platform=platform.id if platform else None,
            category=platform.category if platform else ident,
            domain=domain,
            requests=use[1],
            first_seen=use[2],
            last_seen=use[3],
            window_start=float(index * self.window),
            window=self.window,
            name=name,
            age=age,
            person_key=key,
            device=network.device if network is not None else None,
            obligations=obligations,
            clauses=clauses,
            on_premises=situation["on_premises"],
            situation=situation,
        )

    def _decide(
        self, role: str, age: int | None, network: Any, platform: str | None
    ) -> tuple[bool, str, tuple[str, ...], tuple[dict[str, str], ...], dict[str, Any]]:
        """(whether it is a finding, verdict, clauses, obligations, the situation), once per
        situation."""
        key = (role, age, id(network), platform)  # a Network's own hash is slow (its ranges)
        answer = self._decisions.get(key)
        if answer is None:
            actor: dict[str, Any] = {"role": role}
            if age is not None:
                actor["age"] = age
            situation: dict[str, Any] = {
                "actor": actor,
                "action": "access",
                "on_premises": network.on_premises if network is not None else True,
            }
            if network is not None:
                situation["network"] = network.kind
                if network.device:
                    situation["device"] = network.device
            if platform is not None:
                situation["channel"] = {"platform": platform}
            else:
                situation["content"] = {"inappropriate": True}
            decision = self.engine.decision(situation)
            monitoring = decision.clauses[:1] == ("monitoring",)
            report = decision.verdict != "allowed" or (self.staff and monitoring)
            answer = self._decisions[key] = (
                report,
                decision.verdict,
                decision.clauses,
                tuple(o.as_dict() for o in decision.obligations),
                situation,
            )
        return answer

    # -- the summary ------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        lines = sum(t.lines for t in self.tallies)
        unparsed = sum(t.unparsed for t in self.tallies)
        return {
            "summary": {
                "lines": lines,
                "parsed": lines - unparsed,
                "unparsed": unparsed,
                "findings": self.findings,
                "seconds": round(time.perf_counter() - self.started, 3),
                "blocked": sum(t.blocked for t in self.tallies),
                "formats": {t.name: t.format for t in self.tallies},
                "unparsed_samples": [s for t in self.tallies for s in t.samples][:10],
            }
        }


def _clean(lines: Iterable[str | bytes]) -> Iterator[str]:
    for line in lines:
        if isinstance(line, bytes):
            line = line.decode("utf-8", "replace")
        yield line.rstrip("\r\n")


def _networks(value: Any) -> Networks:
    if value is None or isinstance(value, Networks):
        return value or Networks()
    if isinstance(value, str | Path):
        return Networks.load(value)
    return Networks.from_data(value)


def _people(value: Any) -> People:
    if value is None or isinstance(value, People):
        return value or People()
    if isinstance(value, str | Path):
        return People.load(value)
    return People(value)


def scan(
    lines: Iterable[str | bytes],
    networks: Networks | str | Path | Mapping[str, Any] | list[Any] | None = None,
    people: People | str | Path | Iterable[PersonEntry] | None = None,
    *,
    format: str = "auto",
    lists: CategoryLists | str | Path | None = None,
    inappropriate: Iterable[str] | None = None,
    window: str | int = DEFAULT_WINDOW,
    staff: bool = False,
    engine: Engine | None = None,
    options: ParseOptions | None = None,
) -> Iterator[dict[str, Any]]:
    """Scan log lines against the policy: the contract's finding objects, one by one as their
    windows close, then ``{"summary": {...}}``.

    ``networks`` and ``people`` are loaded objects, or paths of networks.yaml and people.csv;
    ``lists`` a folder of UT1 category lists, of which ``inappropriate`` names the categories
    that count (default: adult, gambling, drugs, violence, hate where present).
    """
    if lists is not None and not isinstance(lists, CategoryLists):
        lists = CategoryLists(lists, inappropriate)
    scanner = Scanner(
        _networks(networks),
        _people(people),
        lists=lists,
        window=parse_window(window),
        staff=staff,
        engine=engine,
        options=options,
    )
    for finding in scanner.feed(_clean(lines), format=format):
        yield finding.as_dict()
    for finding in scanner.finish():
        yield finding.as_dict()
    yield scanner.summary()
