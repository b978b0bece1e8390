"""Who is behind an address: the school's networks (networks.yaml) and its people (people.csv).

``networks.yaml`` maps address ranges to a network kind of the decisions contract::

    networks:
      - name: Guest WiFi
        kind: guest_wifi          # guest_wifi, staff_network or pupil_network
        ranges: [10.30.0.0/16]

Each network may also say ``role`` (who an address that people.csv does not name is taken to be),
``device`` (``personal`` or ``school``) and ``on_premises`` (true unless it is, say, a VPN for
laptops at home). Unnamed clients default by kind: a parent or visitor on the guest WiFi (the
log-scan contract), a pupil on the pupil network, staff on the staff network.

``people.csv`` has a header with ``login`` and/or ``address`` and ``role``, and optionally ``age``
and ``name``. A login in the log wins over an address.

Plain Python: no Django here.
"""

from __future__ import annotations

import csv
import io
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from smpolicy.policy.vocabulary import NETWORKS, ROLES

__all__ = [
    "DEFAULT_ROLES",
    "DirectoryError",
    "Network",
    "Networks",
    "People",
    "PersonEntry",
]

#: Who an address that people.csv does not name is taken to be, by network kind.
DEFAULT_ROLES: dict[str, str] = {
    "guest_wifi": "parent",
    "pupil_network": "pupil",
    "staff_network": "staff",
}
#: Where the device is known from the network alone (visitors bring their own).
DEFAULT_DEVICES: dict[str, str] = {"guest_wifi": "personal"}
DEVICES: tuple[str, ...] = ("personal", "school")

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class DirectoryError(ValueError):
    """networks.yaml or people.csv cannot be used; the message names the file and the place."""


@dataclass(frozen=True, slots=True)
class Network:
    name: str
    kind: str
    ranges: tuple[IPNetwork, ...]
    role: str
    device: str | None = None
    on_premises: bool = True


class Networks:
    """Address ranges to networks; the most specific range wins. Answers are remembered."""

    def __init__(self, networks: Iterable[Network] = (), source: str = "<networks>") -> None:
        self.networks: tuple[Network, ...] = tuple(networks)
        self.source = source
        pairs = [(r, n) for n in self.networks for r in n.ranges]
        # Longest prefix first, so a /24 carved out of a /16 wins.
        pairs.sort(key=lambda pair: -pair[0].prefixlen)
        self._ranges = pairs
        self._cache: dict[str, Network | None] = {}

    def __len__(self) -> int:
        return len(self.networks)

    def __repr__(self) -> str:
        return f"<Networks {self.source!r}: {len(self.networks)}>"

    def lookup(self, address: str) -> Network | None:
        """The network an address belongs to; None when it is in no range or not an address."""
        found = self._cache.get(address, _MISS)
        if found is not _MISS:
            return found  # type: ignore[no-any-return]
        found = None
        try:
            ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
        except ValueError:
            ip = None
        if ip is not None:
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
                ip = ip.ipv4_mapped
            for net, network in self._ranges:
                if ip.version == net.version and ip in net:
                    found = network
                    break
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[address] = found
        return found

    @classmethod
    def load(cls, path: str | Path) -> Networks:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise DirectoryError(f"{path}: cannot read: {exc.strerror}") from exc
        return cls.from_yaml(text, str(path))

    @classmethod
    def from_yaml(cls, text: str, source: str = "<networks.yaml>") -> Networks:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise DirectoryError(f"{source}: not valid YAML: {exc}") from exc
        return cls.from_data(data, source)

    @classmethod
    def from_data(cls, data: Any, source: str = "<networks>") -> Networks:
        if data is None:
            return cls((), source)
        if isinstance(data, Mapping):
            data = data.get("networks")
        if not isinstance(data, list):
            raise DirectoryError(
                f"{source}: expected 'networks:' followed by a list of networks, each with "
                "name, kind and ranges"
            )
        problems: list[str] = []
        networks = [
            network
            for index, entry in enumerate(data)
            if (network := _network(index, entry, problems)) is not None
        ]
        if problems:
            raise DirectoryError(f"{source}: " + "; ".join(problems))
        return cls(networks, source)


def _network(index: int, entry: Any, problems: list[str]) -> Network | None:
    where = f"networks[{index}]"
    if not isinstance(entry, Mapping):
        problems.append(f"{where}: expected a mapping with name, kind and ranges")
        return None
    before = len(problems)
    allowed = {"name", "kind", "ranges", "role", "device", "on_premises"}
    for key in entry:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            problems.append(f"{where}: unknown field {key!r}; allowed: {known}")
    name = str(entry.get("name") or entry.get("kind") or where)
    kind = entry.get("kind")
    if kind not in NETWORKS:
        problems.append(f"{where}.kind: {kind!r} is not one of {', '.join(NETWORKS)}")
    raw_ranges = entry.get("ranges")
    if isinstance(raw_ranges, str):
        raw_ranges = [raw_ranges]
    ranges: list[IPNetwork] = []
    if not isinstance(raw_ranges, list) or not raw_ranges:
        problems.append(f"{where}.ranges: give a list of address ranges such as 10.30.0.0/16")
    else:
        for i, text in enumerate(raw_ranges):
            try:
                ranges.append(ipaddress.ip_network(str(text).strip(), strict=False))
            except ValueError:
                problems.append(f"{where}.ranges[{i}]: {text!r} is not an address range")
    role = entry.get("role", DEFAULT_ROLES.get(str(kind), "public"))
    if role not in ROLES:
        problems.append(f"{where}.role: {role!r} is not one of {', '.join(ROLES)}")
    device = entry.get("device", DEFAULT_DEVICES.get(str(kind)))
    if device is not None and device not in DEVICES:
        problems.append(f"{where}.device: {device!r} is not one of {', '.join(DEVICES)}")
    on_premises = entry.get("on_premises", True)
    if not isinstance(on_premises, bool):
        problems.append(f"{where}.on_premises: give true or false")
    if len(problems) > before:
        return None
    return Network(name, kind, tuple(ranges), role, device, on_premises)


_MISS: Any = object()


@dataclass(frozen=True, slots=True)
class PersonEntry:
    role: str
    age: int | None = None
    name: str = ""
    login: str = ""
    address: str = ""
    key: str = ""  # an id the caller chose (the web app puts the Person's pk here)


class People:
    """Logins and addresses to people. Logins are compared without regard to case, and a
    ``DOMAIN\\user`` or ``user@domain`` login also matches the bare ``user``."""

    def __init__(self, entries: Iterable[PersonEntry] = (), source: str = "<people>") -> None:
        self.source = source
        self.by_login: dict[str, PersonEntry] = {}
        self.by_address: dict[str, PersonEntry] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: PersonEntry) -> None:
        if entry.login:
            self.by_login.setdefault(entry.login.casefold(), entry)
        if entry.address:
            self.by_address.setdefault(_normal_address(entry.address), entry)

    def __len__(self) -> int:
        return len(set(self.by_login.values()) | set(self.by_address.values()))

    def find(self, login: str | None, address: str) -> PersonEntry | None:
        if login:
            folded = login.casefold()
            found = self.by_login.get(folded)
            if found is None:
                bare = folded.rpartition("\\")[2].partition("@")[0]
                found = self.by_login.get(bare)
            if found is not None:
                return found
        return self.by_address.get(address) or self.by_address.get(_normal_address(address))

    @classmethod
    def load(cls, path: str | Path) -> People:
        path = Path(path)
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                return cls.from_csv(handle, str(path))
        except OSError as exc:
            raise DirectoryError(f"{path}: cannot read: {exc.strerror}") from exc

    @classmethod
    def from_csv(cls, handle: Iterable[str] | str, source: str = "<people.csv>") -> People:
        if isinstance(handle, str):
            handle = io.StringIO(handle)
        reader = csv.DictReader(handle)
        columns = {c.strip().lower() for c in reader.fieldnames or ()}
        if "role" not in columns or not columns & {"login", "address"}:
            raise DirectoryError(
                f"{source}: the header needs 'role' and 'login' and/or 'address' "
                f"(found: {', '.join(sorted(columns)) or 'nothing'})"
            )
        problems: list[str] = []
        people = cls(source=source)
        for row in reader:
            line = reader.line_num
            cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            login, address = cells.get("login", ""), cells.get("address", "")
            if not login and not address:
                if any(cells.values()):
                    problems.append(f"line {line}: give a login or an address")
                continue
            role = cells.get("role", "")
            if role not in ROLES:
                problems.append(f"line {line}: role {role!r} is not one of {', '.join(ROLES)}")
                continue
            age: int | None = None
            if cells.get("age"):
                try:
                    age = int(cells["age"])
                    if not 0 <= age < 130:
                        raise ValueError
                except ValueError:
                    problems.append(f"line {line}: age {cells['age']!r} is not a whole number")
                    continue
            people.add(PersonEntry(role, age, cells.get("name", ""), login, address))
        if problems:
            raise DirectoryError(f"{source}: " + "; ".join(problems[:20]))
        return people


def _normal_address(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return address.strip().lower()
