"""Who is asking, and over what: the client address and scheme of a request, proxies considered.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are set by whoever sends the request, so they are
believed only when the peer that connected is a configured trusted proxy. The client is then the
right-most forwarded address that is not itself a trusted proxy (the left-most is whatever the
client chose to send). Without trusted proxies the headers are ignored: the Secure flag of the
sign-in cookie and the per-client sign-in limit then depend on the connection alone.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(spec: str) -> tuple[Network, ...]:
    """Comma- or space-separated addresses and CIDR ranges, e.g. ``127.0.0.1, 10.0.0.0/8``."""
    networks = []
    for item in spec.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or CIDR range: {item!r}") from None
    return tuple(networks)


def _within(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


@dataclass(frozen=True, slots=True)
class Origin:
    client: str
    https: bool


def origin(
    peer: str | None,
    scheme: str,
    *,
    forwarded_for: str | None,
    forwarded_proto: str | None,
    trusted: Sequence[Network],
) -> Origin:
    """The request's client address and whether it reached the first trusted hop over HTTPS."""
    peer = peer or "unknown"
    if not _within(peer, trusted):
        return Origin(peer, scheme == "https")
    client = peer
    for hop in reversed((forwarded_for or "").split(",")):
        hop = hop.strip()
        if not hop:
            continue
        client = hop
        if not _within(hop, trusted):
            break
    proto = (forwarded_proto or scheme).split(",")[0].strip().lower()
    return Origin(client, proto == "https")
