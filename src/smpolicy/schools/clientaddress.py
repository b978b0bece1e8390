"""The address of the person's computer, read so that nobody can choose what is recorded.

Behind a reverse proxy (nginx, a load balancer) every request comes from the proxy, and the
proxy adds the client's address to X-Forwarded-For. Anyone can send that header too, so it is
believed only when the deployment names its proxies in the TRUSTED_PROXIES setting (addresses or
networks, e.g. ``127.0.0.1,10.0.0.0/8``) and the request really came from one of them. The
header is then read right to left: each proxy appends the address it saw, so the entries on the
right were written by our proxies and the first address that is not one of them is the client.
Whatever a client put further left is its own claim and is ignored.

The audit log and sign-in throttling (django-axes, ``AXES_CLIENT_IP_CALLABLE``) both call
``client_address``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR networks; ValueError names the first that is neither."""
    networks: list[Network] = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(
                f"{text!r} is not an IP address or network (e.g. 10.0.0.0/8)"
            ) from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


def _address(text: str) -> Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:51000"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request: Any) -> str:
    """The client's IP address as text ("" when even REMOTE_ADDR is missing or not an address)."""
    meta = request.META
    remote = _address(str(meta.get("REMOTE_ADDR") or ""))
    if remote is None:
        return ""
    networks = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Something our own proxy chain would never write: stop believing the header here.
            break
        if not _is_trusted(address, networks):
            return str(address)
    # Only proxies in the chain (or nothing readable): the last proxy is the best we know.
    return str(remote)
