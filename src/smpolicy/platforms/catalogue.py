"""The platform catalogue: which social media platforms exist, their policy category, minimum age
and the host names that show they are in use.

The data is ``platforms.yaml`` next to this module (the school can load its own, extended copy with
:meth:`Catalogue.from_yaml`). Loading validates every entry, so a mistake is a clear
:class:`CatalogueError` naming the file, the entry, the field and the allowed values.

:meth:`Catalogue.match_domain` is on the network-log scanner's hot path: it walks the label
suffixes of a host name with dictionary look-ups (longest listed domain wins) and remembers recent
answers in a bounded cache, so its memory stays flat whatever the size of the log.

Plain Python: no Django here.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

__all__ = [
    "CATEGORIES",
    "DOMAIN_KINDS",
    "Catalogue",
    "CatalogueError",
    "Platform",
    "PlatformDomain",
    "default_catalogue",
]

#: The policy's own kinds of social media ("Scope"), in the policy's order; ``collaborative`` is
#: the policy's "collaborative spaces" (social networks) and ``virtual_world`` covers games.
CATEGORIES: tuple[str, ...] = (
    "blog",
    "forum",
    "messaging",
    "collaborative",
    "media_sharing",
    "micro_blogging",
    "virtual_world",
)

#: What seeing a host says: ``site`` a person visited the platform, ``app`` the app is in use,
#: ``cdn`` its static content or media was fetched, ``widget`` another site embeds it.
DOMAIN_KINDS: tuple[str, ...] = ("site", "app", "cdn", "widget")

_REQUIRED_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "category",
    "min_age",
    "age_source",
    "age_checked",
    "domains",
)
_OPTIONAL_FIELDS: tuple[str, ...] = ("aliases", "note", "age_note", "embeds")
_DOMAIN_FIELDS: tuple[str, ...] = ("domain", "kind")

_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_LABEL_RE = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

#: How many recent answers :meth:`Catalogue.match_domain` remembers (then it starts afresh).
_CACHE_LIMIT = 1 << 16
_MISS: Any = object()

_SHIPPED = "platforms.yaml"


class CatalogueError(ValueError):
    """A catalogue that cannot be used.

    The message names the source file, each offending entry (index and id), the field and, where
    there is a fixed vocabulary, the allowed values. ``problems`` holds one line per problem.
    """

    def __init__(self, source: str, problems: list[str] | tuple[str, ...]) -> None:
        self.source = source
        self.problems: tuple[str, ...] = tuple(problems)
        if len(self.problems) == 1:
            message = f"{source}: {self.problems[0]}"
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            message = f"{source}: {len(self.problems)} problems:\n{lines}"
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class PlatformDomain:
    """A host name (covering its subdomains) and what seeing it means (one of DOMAIN_KINDS)."""

    domain: str
    kind: str


@dataclass(frozen=True, slots=True)
class Platform:
    """One platform. ``min_age`` is None where the terms set no fixed minimum (see the notes)."""

    id: str
    name: str
    category: str
    min_age: int | None
    age_source: str
    age_checked: str
    domains: tuple[PlatformDomain, ...]
    aliases: tuple[str, ...] = ()
    note: str = ""
    age_note: str = ""
    #: URL paths on the platform's own site and app hosts that another site's embed loads
    #: ("/embed", "/p/*/embed": ``*`` is one path segment, or part of one); a request for one
    #: is a widget.
    embeds: tuple[str, ...] = ()


def embed_pattern(paths: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regular expression for a platform's embed paths: each matches the path itself or
    anything under it ("/embed" matches "/embed/v2/1" but not "/embedded"), the query aside;
    ``*`` stands for one or more characters within a segment ("/@*/*/embed", "/v*/plugins")."""
    if not paths:
        return None
    alternatives = ["[^/?#]+".join(re.escape(piece) for piece in path.split("*"))
                    for path in paths]
    return re.compile(f"(?:{'|'.join(alternatives)})(?:[/?#]|$)")


class Catalogue:
    """A validated, immutable set of platforms with fast look-up by name and by host."""

    __slots__ = ("_by_domain", "_by_id", "_by_key", "_cache", "_embeds", "_platforms", "source")

    def __init__(self, platforms: tuple[Platform, ...], source: str = "<data>") -> None:
        """Index already-built platforms; use :meth:`from_data` or :meth:`from_yaml` to validate."""
        self.source = source
        self._platforms = platforms
        self._by_id: dict[str, Platform] = {p.id: p for p in platforms}
        self._by_key: dict[str, Platform] = {}
        # Every listed domain, and every shorter suffix (of two labels or more) of one, maps to
        # (the match there or None, whether a longer listed domain ends with it). Walking a host
        # from its last two labels leftwards then stops at the first suffix nothing extends.
        found: dict[str, tuple[Platform, str]] = {}
        for p in platforms:
            for key in (p.id, p.name, *p.aliases):
                self._by_key.setdefault(key.casefold(), p)
            for d in p.domains:
                found[d.domain] = (p, d.kind)
        deeper: set[str] = set()
        for domain in found:
            labels = domain.split(".")
            deeper.update(".".join(labels[i:]) for i in range(1, len(labels) - 1))
        self._by_domain: dict[str, tuple[tuple[Platform, str] | None, bool]] = {
            suffix: (found.get(suffix), suffix in deeper) for suffix in found.keys() | deeper
        }
        self._cache: dict[str, tuple[Platform, str] | None] = {}
        self._embeds: dict[str, re.Pattern[str] | None] = {
            p.id: embed_pattern(p.embeds) for p in platforms
        }

    # -- loading ---------------------------------------------------------------------------------

    @classmethod
    def from_yaml(cls, path: str | Path) -> Catalogue:
        """Load and validate a catalogue file (a ``platforms:`` list, or a bare list)."""
        path = Path(path)
        return cls._from_text(path.read_text(encoding="utf-8"), str(path))

    @classmethod
    def _from_text(cls, text: str, source: str) -> Catalogue:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            data = yaml.load(text, Loader=loader)
        except yaml.YAMLError as exc:
            raise CatalogueError(source, [f"not valid YAML: {exc}"]) from exc
        if isinstance(data, Mapping):
            unknown = sorted(str(k) for k in data if k != "platforms")
            if unknown or "platforms" not in data:
                raise CatalogueError(
                    source,
                    [
                        "the top level must be 'platforms:' followed by a list of platforms"
                        + (f" (unknown key(s): {', '.join(unknown)})" if unknown else "")
                    ],
                )
            data = data["platforms"]
        return cls.from_data(data, source=source)

    @classmethod
    def from_data(cls, data: list[dict[str, Any]], source: str = "<data>") -> Catalogue:
        """Validate a list of platform mappings (as in platforms.yaml) and build the catalogue.

        Every problem found is reported at once in a single :class:`CatalogueError`.
        """
        if not isinstance(data, list):
            raise CatalogueError(source, [f"expected a list of platforms, got {_type_name(data)}"])
        problems: list[str] = []
        platforms: list[Platform] = []
        seen_ids: dict[str, int] = {}
        seen_keys: dict[str, str] = {}
        seen_domains: dict[str, str] = {}
        for index, entry in enumerate(data):
            platform = _parse_entry(index, entry, problems)
            if platform is None:
                continue
            where = f"platforms[{index}] (id {platform.id!r})"
            if platform.id in seen_ids:
                problems.append(
                    f"{where}: field 'id': duplicate id {platform.id!r} "
                    f"(already used by platforms[{seen_ids[platform.id]}])"
                )
                continue
            seen_ids[platform.id] = index
            clash = False
            own_keys = {k.casefold() for k in (platform.id, platform.name, *platform.aliases)}
            for key in sorted(own_keys):
                other = seen_keys.get(key)
                if other is not None:
                    problems.append(
                        f"{where}: field 'id'/'name'/'aliases': {key!r} already names platform "
                        f"{other!r}; ids, names and aliases must be unique (case-insensitive)"
                    )
                    clash = True
            for d in platform.domains:
                other = seen_domains.get(d.domain)
                if other is not None:
                    problems.append(
                        f"{where}: field 'domains': duplicate domain {d.domain!r} "
                        f"(already listed for platform {other!r}); a host may belong to one "
                        "platform only"
                    )
                    clash = True
            if clash:
                continue
            for key in own_keys:
                seen_keys[key] = platform.id
            for d in platform.domains:
                seen_domains[d.domain] = platform.id
            platforms.append(platform)
        if problems:
            raise CatalogueError(source, problems)
        return cls(tuple(platforms), source)

    # -- look-up ---------------------------------------------------------------------------------

    def get(self, key: str) -> Platform | None:
        """The platform named by ``key``: an id, alias or name (case-insensitive), or else a
        domain, host name or URL ("m.facebook.com", "https://www.facebook.com/x"), resolved by
        :meth:`match_domain`. None if nothing matches."""
        if not isinstance(key, str):
            return None
        text = key.strip()
        found = self._by_key.get(text.casefold())
        if found is not None:
            return found
        host = _host_of(text)
        if not host:
            return None
        match = self.match_domain(host)
        return match[0] if match is not None else None

    def match_domain(self, host: str) -> tuple[Platform, str] | None:
        """``(platform, kind)`` for the longest listed domain that ``host`` is or is under.

        Case-insensitive; a trailing dot and a ``:port`` are ignored. "notfacebook.com" does not
        match "facebook.com": only whole DNS labels are compared. Returns None for anything else
        (other hosts, IP addresses, the empty string).
        """
        cache = self._cache
        found = cache.get(host, _MISS)
        if found is not _MISS:
            return found  # type: ignore[no-any-return]
        found = self._walk(host)
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[host] = found
        return found

    def embedded(self, host: str, path: str) -> bool:
        """Whether a request for ``path`` (with its query, if any) on ``host`` is another site's
        embed of a platform: a post, video or button shown inside a news site or a blog is
        served from the platform's own site host, and only the path tells it from a visit."""
        match = self.match_domain(host)
        if match is None or match[1] not in ("site", "app"):
            return False
        pattern = self._embeds.get(match[0].id)
        return pattern is not None and pattern.match(path) is not None

    def _walk(self, host: str) -> tuple[Platform, str] | None:
        name = host.lower()
        if ":" in name:
            head, _, port = name.rpartition(":")
            if port.isdigit():
                name = head
        if name.endswith("."):
            name = name[:-1]
        # From the last two labels leftwards, one dictionary look-up a label, keeping the longest
        # match, until no listed domain is longer than the suffix reached.
        dot = name.rfind(".")
        if dot <= 0:
            return None  # one label (or none): never a listed domain
        dot = name.rfind(".", 0, dot)
        table = self._by_domain
        best: tuple[Platform, str] | None = None
        while True:
            entry = table.get(name[dot + 1 :])
            if entry is None:
                return best
            if entry[0] is not None:
                best = entry[0]
            if dot < 0 or not entry[1]:
                return best
            dot = name.rfind(".", 0, dot)

    # -- the collection --------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Platform]:
        return iter(self._platforms)

    def __len__(self) -> int:
        return len(self._platforms)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, Platform):
            return self._by_id.get(key.id) == key
        if isinstance(key, str):
            return self.get(key) is not None
        return False

    def __repr__(self) -> str:
        return f"<Catalogue {self.source!r}: {len(self._platforms)} platforms>"

    def ids(self) -> list[str]:
        """The platform ids, in the order of the file."""
        return [p.id for p in self._platforms]


@cache
def default_catalogue() -> Catalogue:
    """The catalogue shipped with the package (platforms.yaml), loaded and validated once."""
    text = resources.files(__package__).joinpath(_SHIPPED).read_text(encoding="utf-8")
    return Catalogue._from_text(text, f"{__package__}/{_SHIPPED}")


# -- validation helpers ---------------------------------------------------------------------------


def _type_name(value: object) -> str:
    if value is None:
        return "nothing (null)"
    return {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _parse_entry(index: int, entry: object, problems: list[str]) -> Platform | None:
    """Build one Platform, appending a line to ``problems`` for everything wrong with it."""
    if not isinstance(entry, Mapping):
        problems.append(
            f"platforms[{index}]: expected a mapping with the fields "
            f"{', '.join(_REQUIRED_FIELDS)}, got {_type_name(entry)}"
        )
        return None
    raw_id = entry.get("id")
    where = f"platforms[{index}]" + (f" (id {raw_id!r})" if isinstance(raw_id, str) else "")
    before = len(problems)

    def bad(field: str, message: str) -> None:
        problems.append(f"{where}: field {field!r}: {message}")

    allowed = (*_REQUIRED_FIELDS, *_OPTIONAL_FIELDS)
    for key in entry:
        if key not in allowed:
            bad(str(key), f"unknown field; allowed fields: {', '.join(allowed)}")
    for key in _REQUIRED_FIELDS:
        if key not in entry:
            bad(key, "missing (required)")

    pid = entry.get("id")
    if "id" in entry and not (isinstance(pid, str) and _ID_RE.fullmatch(pid)):
        bad(
            "id",
            f"{pid!r} is not a valid id: use lowercase letters, digits, '_' and '-', "
            "starting with a letter or digit",
        )
    name = entry.get("name")
    if "name" in entry and not (isinstance(name, str) and name.strip()):
        bad("name", f"must be a non-empty string, got {name!r}")

    category = entry.get("category")
    if "category" in entry and category not in CATEGORIES:
        bad("category", f"{category!r} is not allowed; allowed values: {', '.join(CATEGORIES)}")

    min_age = entry.get("min_age")
    if (
        "min_age" in entry
        and min_age is not None
        and (isinstance(min_age, bool) or not isinstance(min_age, int) or min_age < 0)
    ):
        bad(
            "min_age",
            f"must be a whole number >= 0, or null where the terms set none; got {min_age!r}",
        )

    age_source = entry.get("age_source")
    if "age_source" in entry and not (
        isinstance(age_source, str) and age_source.startswith(("https://", "http://"))
    ):
        bad("age_source", f"must be the http(s) address of the terms page, got {age_source!r}")

    age_checked = _parse_date(entry.get("age_checked"))
    if "age_checked" in entry and age_checked is None:
        bad(
            "age_checked",
            f"must be a real date written YYYY-MM-DD, got {entry.get('age_checked')!r}",
        )

    aliases: list[str] = []
    raw_aliases = entry.get("aliases", [])
    if raw_aliases is None:
        raw_aliases = []
    if not isinstance(raw_aliases, list):
        bad("aliases", f"must be a list of names, got {_type_name(raw_aliases)}")
    else:
        for alias in raw_aliases:
            if isinstance(alias, str) and alias.strip():
                aliases.append(alias.strip())
            else:
                bad("aliases", f"each alias must be a non-empty string, got {alias!r}")

    texts: dict[str, str] = {}
    for key in ("note", "age_note"):
        value = entry.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            bad(key, f"must be text, got {_type_name(value)}")
            value = ""
        texts[key] = value.strip()

    if "min_age" in entry and min_age is None and not (texts["note"] or texts["age_note"]):
        bad("min_age", "is null: explain in 'age_note' (or 'note') what the terms say instead")

    domains = _parse_domains(entry.get("domains"), "domains" in entry, bad)

    embeds: list[str] = []
    raw_embeds = entry.get("embeds") or []
    if not isinstance(raw_embeds, list):
        bad("embeds", f"must be a list of URL paths such as '/embed', got {_type_name(raw_embeds)}")
    else:
        for path in raw_embeds:
            if (isinstance(path, str) and path.startswith("/") and len(path) > 1
                    and not any(c in path for c in " ?#") and path.strip() == path):
                embeds.append(path)
            else:
                bad("embeds", f"each must be a URL path starting with '/' (no query; '*' for one "
                    f"segment), such as '/p/*/embed'; got {path!r}")

    if len(problems) > before:
        return None
    return Platform(
        id=pid,
        name=name.strip(),
        category=category,
        min_age=min_age,
        age_source=age_source,
        age_checked=age_checked,  # type: ignore[arg-type]
        domains=domains,
        aliases=tuple(aliases),
        note=texts["note"],
        age_note=texts["age_note"],
        embeds=tuple(embeds),
    )


def _parse_date(value: object) -> str | None:
    # YAML reads an unquoted 2024-04-11 as a date; a quoted one is a string.
    if isinstance(value, _dt.datetime):
        return None
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return _dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def _parse_domains(
    raw: object, present: bool, bad: Callable[[str, str], None]
) -> tuple[PlatformDomain, ...]:
    if not present:
        return ()
    if not isinstance(raw, list) or not raw:
        bad(
            "domains",
            "must be a non-empty list of {domain: ..., kind: ...} "
            f"(kind one of {', '.join(DOMAIN_KINDS)}), got {_type_name(raw)}",
        )
        return ()
    out: list[PlatformDomain] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        field = f"domains[{i}]"
        if not isinstance(item, Mapping):
            bad(
                field,
                f"must be a mapping {{domain: ..., kind: ...}}, got {_type_name(item)} {item!r}",
            )
            continue
        for key in item:
            if key not in _DOMAIN_FIELDS:
                bad(field, f"unknown key {key!r}; allowed keys: domain, kind")
        domain = item.get("domain")
        kind = item.get("kind")
        if kind not in DOMAIN_KINDS:
            bad(
                f"{field}.kind",
                f"{kind!r} is not allowed; allowed values: {', '.join(DOMAIN_KINDS)}",
            )
        problem = _domain_problem(domain)
        if problem:
            bad(f"{field}.domain", problem)
            continue
        assert isinstance(domain, str)
        domain = domain.strip().lower()
        if domain in seen:
            bad(f"{field}.domain", f"{domain!r} is listed twice")
            continue
        seen.add(domain)
        if kind in DOMAIN_KINDS:
            out.append(PlatformDomain(domain, kind))
    return tuple(out)


def _domain_problem(domain: object) -> str:
    if not isinstance(domain, str) or not domain.strip():
        return f"must be a host name such as 'facebook.com', got {domain!r}"
    text = domain.strip().lower()
    if "/" in text or ":" in text or "@" in text or "*" in text:
        return (
            f"{domain!r} must be a bare host name such as 'facebook.com' (no scheme, path, "
            "port or wildcard: a domain already covers its subdomains)"
        )
    labels = text.split(".")
    if len(labels) < 2 or len(text) > 253 or not all(_LABEL_RE.fullmatch(x) for x in labels):
        return (
            f"{domain!r} is not a valid host name: it needs at least two dot-separated labels of "
            "letters, digits and '-'"
        )
    if labels[-1].isdigit():
        return f"{domain!r} looks like an IP address; list host names only"
    return ""


def _host_of(text: str) -> str:
    """The host part of a URL or of "host[:port][/path]"; empty if there is none."""
    if "://" in text or text.startswith("//"):
        try:
            parts = urlsplit(text if "://" in text else "http:" + text)
            return parts.hostname or ""
        except ValueError:
            return ""
    if " " in text:
        return ""
    for sep in "/?#":
        cut = text.find(sep)
        if cut >= 0:
            text = text[:cut]
    if "@" in text:
        text = text.rpartition("@")[2]
    return text if "." in text else ""
