"""Category lists in the UT1 layout: ``DIR/<category>/domains``, one domain a line, each covering
its subdomains.

UT1's ``adult`` list alone holds millions of domains; a Python set of them would take more memory
than the whole scan may. Each domain is kept as a 64-bit hash instead, in 256 sorted arrays by the
hash's top byte (8 bytes a domain, and no sort ever holds more than a 256th of the list at once).
A false match needs two different domains to share 64 bits of hash: about one in 10^12 look-ups
for a list of millions. Python's string hash is seeded per process, which is fine: the arrays are
built and read in the same process.

Plain Python: no Django here.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = [
    "DEFAULT_INAPPROPRIATE",
    "CategoryLists",
    "ListsError",
]

#: The categories counted as inappropriate unless the school says otherwise (where present).
DEFAULT_INAPPROPRIATE: tuple[str, ...] = ("adult", "gambling", "drugs", "violence", "hate")


class ListsError(ValueError):
    """A lists folder or a category that cannot be used."""


class _HashSet:
    __slots__ = ("_buckets", "size")

    def __init__(self, domains: Iterable[str]) -> None:
        pending: list[array] = [array("q") for _ in range(256)]
        for domain in domains:
            h = hash(domain)
            pending[(h >> 56) & 0xFF].append(h)
        self._buckets: list[array] = [array("q", sorted(set(b))) for b in pending]
        self.size = sum(len(b) for b in self._buckets)

    def __contains__(self, domain: str) -> bool:
        h = hash(domain)
        bucket = self._buckets[(h >> 56) & 0xFF]
        i = bisect_left(bucket, h)
        return i < len(bucket) and bucket[i] == h


def read_domains(path: Path) -> Iterator[str]:
    """The domains of one list file: lower-cased, without comments, blanks or a leading dot."""
    with path.open("rb") as handle:
        for raw in handle:
            line = raw.strip()
            if not line or line[:1] == b"#":
                continue
            text = line.decode("utf-8", "replace").lower().lstrip(".").rstrip(".")
            if text:
                yield text


class CategoryLists:
    """Some of the categories of a lists folder, ready to answer which a host is in."""

    def __init__(self, root: str | Path, categories: Iterable[str] | None = None) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise ListsError(f"{self.root}: not a folder of category lists")
        available = self.available(self.root)
        if categories is None:
            chosen = [c for c in DEFAULT_INAPPROPRIATE if c in available]
        else:
            chosen = [c.strip() for c in categories if c.strip()]
            unknown = [c for c in chosen if c not in available]
            if unknown:
                raise ListsError(
                    f"{self.root}: no list for {', '.join(unknown)} "
                    f"(there are: {', '.join(available) or 'none'})"
                )
        self.categories: tuple[str, ...] = tuple(dict.fromkeys(chosen))
        self._sets: list[tuple[str, _HashSet]] = [
            (c, _HashSet(read_domains(self.root / c / "domains"))) for c in self.categories
        ]

    @staticmethod
    def available(root: str | Path) -> list[str]:
        """The categories a folder holds (those with a ``domains`` file), sorted."""
        root = Path(root)
        if not root.is_dir():
            return []
        return sorted(p.parent.name for p in root.glob("*/domains") if p.is_file())

    def sizes(self) -> dict[str, int]:
        return {name: hashes.size for name, hashes in self._sets}

    def domains(self, category: str) -> Iterator[str]:
        """The domains of one chosen category, as the file lists them (for block lists)."""
        return read_domains(self.root / category / "domains")

    def categories_of(self, host: str) -> tuple[str, ...]:
        """The chosen categories that list ``host`` or one of its parent domains."""
        if not self._sets:
            return ()
        suffixes = [host]
        dot = host.find(".")
        while dot >= 0:
            rest = host[dot + 1 :]
            if "." not in rest:
                break  # a bare top-level domain is never a listed site
            suffixes.append(rest)
            dot = host.find(".", dot + 1)
        return tuple(
            name for name, hashes in self._sets if any(s in hashes for s in suffixes)
        )
