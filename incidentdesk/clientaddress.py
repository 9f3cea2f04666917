"""The client's address, one function for everything that needs it: the reporting channel's rate limit, the
sign-in lock-out (django-axes, ``AXES_CLIENT_IP_CALLABLE``) and the record of failed sign-ins.

Behind the TLS-terminating proxy the README asks for, ``REMOTE_ADDR`` is the proxy's address for every
client: keyed on it, five bad passwords locked a username for everyone and the report limit became global.
``X-Forwarded-For`` names the real client, but anyone can send that header, so it is read only when the
request comes from a proxy named in ``INCIDENTDESK_TRUSTED_PROXIES`` (addresses or networks, comma
separated; empty by default: no proxy is trusted and the header is ignored). Each proxy appends the address
it saw, so the entries a client wrote come first: walking from the right, the first entry that is not a
trusted proxy is the client. An entry that is not an address stops the walk at the last trusted proxy (the
header is damaged; the proxy's own address is the safe answer: never a value a client chose).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> Address | None:
    """An address as a proxy writes it; IPv4 mapped into IPv6 (``::ffff:10.0.0.1``) is read as IPv4."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent ``request``, as far as the trusted proxies vouch for it.

    None when the request has no address (a Unix socket, a request built in code): django-axes stores the
    address in an IP column, which takes nothing else.
    """
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    closest = remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return str(closest)
        if not _trusted(address, networks):
            return str(address)
        closest = address
    return str(closest)  # every hop is a trusted proxy: the request came from inside


def named_address(request: HttpRequest) -> str:
    """The client's address as the audit log writes it: ``client_address``, or "unknown" for a request that
    came with none (a Unix socket, a request built in code)."""
    return client_address(request) or "unknown"
