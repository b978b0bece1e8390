"""The guest WiFi block list, in the forms school filters take.

What goes in: every social media platform's site, app and CDN domains from the catalogue (the
policy's community.wifi: parents may not use the school WiFi for social media), and the domains of
the category lists the school counts as inappropriate. Widget domains are left out unless asked
for: blocking them stops no one using social media, and breaks other sites that embed a post.

Each listed domain covers its subdomains in every form but ``hosts`` (a hosts file can only list
names exactly, so ``www.`` is added beside each platform domain there). A platform domain under
another listed one is dropped, since the parent covers it (Squid refuses such overlaps).

Forms: ``dnsmasq`` (``address=/d/``: NXDOMAIN), ``unbound`` (``local-zone: "d." always_nxdomain``),
``hosts`` (``0.0.0.0 d``), ``pihole`` (regex deny list lines), ``adguard`` (AdGuard Home rules
``||d^``, optionally limited to the guest network with ``$client``), ``squid`` (a ``dstdomain``
file: ``.d``).

Plain Python: no Django here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from smpolicy.monitoring.lists import CategoryLists
from smpolicy.platforms import CATEGORIES, Catalogue, default_catalogue

__all__ = ["BLOCKLIST_FORMATS", "blocklist", "blocklist_domains", "platform_domains"]

BLOCKLIST_FORMATS: dict[str, str] = {
    "dnsmasq": "dnsmasq (address=/domain/)",
    "unbound": "Unbound (local-zone always_nxdomain)",
    "hosts": "hosts file (0.0.0.0 name)",
    "pihole": "Pi-hole regex deny list",
    "adguard": "AdGuard Home filtering rules",
    "squid": "Squid dstdomain ACL file",
}
EXTENSIONS: dict[str, str] = {
    "dnsmasq": "conf",
    "unbound": "conf",
    "hosts": "hosts",
    "pihole": "txt",
    "adguard": "txt",
    "squid": "acl",
}
_COMMENT = {"dnsmasq": "#", "unbound": "#", "hosts": "#", "pihole": "#", "adguard": "!",
            "squid": "#"}


def platform_domains(
    catalogue: Catalogue | None = None,
    categories: Iterable[str] = CATEGORIES,
    include_widgets: bool = False,
) -> list[str]:
    """The catalogue's platform domains of these policy categories, without any a listed parent
    already covers, sorted by their names read from the right (facebook.com by fb.com...)."""
    wanted = set(categories)
    kinds = {"site", "app", "cdn"} | ({"widget"} if include_widgets else set())
    found = {
        d.domain
        for p in (catalogue or default_catalogue())
        if p.category in wanted
        for d in p.domains
        if d.kind in kinds
    }
    return _without_covered(found)


def _without_covered(domains: Iterable[str]) -> list[str]:
    ordered = sorted(domains, key=lambda d: d.split(".")[::-1])
    kept: list[str] = []
    covered: set[str] = set()
    for domain in ordered:
        labels = domain.split(".")
        if any(".".join(labels[i:]) in covered for i in range(1, len(labels) - 1)):
            continue
        covered.add(domain)
        kept.append(domain)
    return kept


def blocklist_domains(
    catalogue: Catalogue | None = None,
    lists: CategoryLists | None = None,
    include_widgets: bool = False,
) -> Iterator[tuple[str, str]]:
    """``(source, domain)``: the platforms' domains first, then each chosen category's, streamed
    from its file (a category list can hold millions)."""
    for domain in platform_domains(catalogue, include_widgets=include_widgets):
        yield "social media", domain
    if lists is not None:
        for category in lists.categories:
            for domain in lists.domains(category):
                yield category, domain


def _line(form: str, domain: str, clients: Sequence[str]) -> Iterator[str]:
    if form == "dnsmasq":
        yield f"address=/{domain}/"
    elif form == "unbound":
        yield f'local-zone: "{domain}." always_nxdomain'
    elif form == "hosts":
        yield f"0.0.0.0 {domain}"
    elif form == "pihole":
        yield "(\\.|^)" + domain.replace(".", "\\.") + "$"
    elif form == "adguard":
        limit = f"$client={'|'.join(clients)}" if clients else ""
        yield f"||{domain}^{limit}"
    elif form == "squid":
        yield f".{domain}"
    else:
        raise ValueError(f"{form!r} is not a block list form; use one of "
                         f"{', '.join(BLOCKLIST_FORMATS)}")


def blocklist(
    form: str,
    catalogue: Catalogue | None = None,
    lists: CategoryLists | None = None,
    *,
    include_widgets: bool = False,
    clients: Sequence[str] = (),
    school: str = "",
    now: dt.datetime | None = None,
) -> Iterator[str]:
    """The block list as lines (without line ends), a comment header first.

    ``clients`` (address ranges, AdGuard Home only) limits the rules to the guest network.
    """
    if form not in BLOCKLIST_FORMATS:
        raise ValueError(f"{form!r} is not a block list form; use one of "
                         f"{', '.join(BLOCKLIST_FORMATS)}")
    mark = _COMMENT[form]
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    yield f"{mark} Guest WiFi block list{' for ' + school if school else ''}, made by smpolicy"
    yield f"{mark} on {stamp}: social media platforms (policy clause community.wifi)"
    if lists is not None and lists.categories:
        yield f"{mark} and inappropriate content: {', '.join(lists.categories)}"
    if form == "unbound":
        yield f"{mark} Include this file inside the server: clause."
    elif form == "hosts":
        yield f"{mark} A hosts file lists names exactly: subdomains other than www. are not "
        yield f"{mark} covered. Prefer a DNS form that blocks whole domains."
    elif form == "squid":
        yield f'{mark} acl guest_blocked dstdomain "/etc/squid/smpolicy-guest.acl"'
        yield f"{mark} http_access deny guest_network guest_blocked"
    elif form == "pihole":
        yield f"{mark} Add these to the regex deny list of the guest WiFi's group."
    elif form == "dnsmasq":
        yield f"{mark} Serve this to the guest WiFi only (a separate dnsmasq instance or tag)."
    source = ""
    for origin, domain in blocklist_domains(catalogue, lists, include_widgets):
        if origin != source:
            source = origin
            yield f"{mark} {origin}"
        yield from _line(form, domain, clients)
        if form == "hosts" and origin == "social media" and not domain.startswith("www."):
            yield f"0.0.0.0 www.{domain}"
