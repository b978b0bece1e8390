"""What a host in a log is: a social media platform (and whether a visit, its app, its CDN or a
widget embedded in another site), a category the school counts as inappropriate, or nothing the
policy cares about.

A widget is never a visit (a page that embeds a Like button is not a visit to Facebook), so a
widget host is nothing here, and nor is a request for an embed's path on a platform's own site
host (``embedded``: www.youtube.com/embed/..., where a log keeps the path). A CDN host is
kept: it counts towards a platform only where the same client also reached the platform's site
or app in the same window (see scanner.py).

Plain Python: no Django here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smpolicy.monitoring.lists import CategoryLists
from smpolicy.platforms import Catalogue, Platform, default_catalogue

__all__ = ["Classifier", "Target", "normal_host"]

#: What a host is: its name, its targets, and for each target the scanner's grouping key
#: (("platform", id) or ("category", name)) and whether a hit is a visit.
Classified = tuple[str, tuple["Target", ...], tuple[tuple[tuple[str, str], bool], ...]]

#: Distinct hosts remembered before the memory starts afresh (flat memory on any log).
CACHE_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class Target:
    """One thing a host stands for: a platform seen as ``kind``, or a content ``category``."""

    platform: Platform | None = None
    kind: str = ""
    category: str = ""

    @property
    def visit(self) -> bool:
        """Whether a hit shows a person used the platform (its site or app), or else reached
        categorised content."""
        return self.platform is None or self.kind in ("site", "app")


def normal_host(raw: str) -> str:
    """The host name in a log field ("Host:443", "user@host", "host."), lower-cased; "" for an
    address or anything without a dot."""
    host = raw.strip().lower()
    if "@" in host:
        host = host.rpartition("@")[2]
    if host.startswith("["):
        return ""  # an IPv6 literal
    if ":" in host:
        head, _, port = host.rpartition(":")
        if port.isdigit() or not port:
            host = head
        if ":" in host:
            return ""  # a bare IPv6 address
    host = host.rstrip(".")
    if "." not in host or host.replace(".", "").isdigit():
        return ""
    return host


class Classifier:
    """Raw log host -> ``(host, targets)`` or None; answers are remembered (bounded)."""

    __slots__ = ("cache", "catalogue", "lists")

    def __init__(
        self, catalogue: Catalogue | None = None, lists: CategoryLists | None = None
    ) -> None:
        self.catalogue = catalogue or default_catalogue()
        self.lists = lists
        self.cache: dict[str, Any] = {}

    def lookup(self, raw: str) -> Classified | None:
        found = self.cache.get(raw, _MISS)
        if found is _MISS:
            found = self.classify(raw)
            if len(self.cache) >= CACHE_LIMIT:
                self.cache.clear()
            self.cache[raw] = found
        return found  # type: ignore[no-any-return]

    def embedded(self, host: str, path: str) -> bool:
        """Whether ``path`` (with its query) on ``host`` is another site's embed of a platform,
        as the catalogue's ``embeds`` say (only asked of hosts ``lookup`` keeps)."""
        return self.catalogue.embedded(normal_host(host), path)

    def classify(self, raw: str) -> Classified | None:
        host = normal_host(raw)
        if not host:
            return None
        targets: list[Target] = []
        match = self.catalogue.match_domain(host)
        if match is not None and match[1] != "widget":
            targets.append(Target(match[0], match[1]))
        if self.lists is not None:
            targets.extend(Target(category=c) for c in self.lists.categories_of(host))
        if not targets:
            return None
        keys = tuple(
            (("platform", t.platform.id) if t.platform else ("category", t.category), t.visit)
            for t in targets
        )
        return host, tuple(targets), keys


_MISS: Any = object()
