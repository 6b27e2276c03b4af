"""The address of the client that sent a request, proxy-aware but not gullible.

``X-Forwarded-For`` is a list any client can write. Only the hops appended by
proxies we run can be believed, so the header is read from the right: starting
at the socket peer (``REMOTE_ADDR``), each address that is a trusted proxy
(``settings.TRUSTED_PROXIES``, IPs or CIDRs) hands over to the one before it,
and the first untrusted address is the client. A spoofed left-most entry is
never reached while a real, untrusted hop stands to its right.

>>> from rustforge.conf import settings
>>> env = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}
>>> with settings.override(TRUSTED_PROXIES=["10.0.0.0/8"]):
...     client_ip(dict(env))
'203.0.113.7'
>>> with settings.override(TRUSTED_PROXIES=[]):   # the proxy is not ours
...     client_ip(dict(env))
'10.0.0.2'

The answer is cached in the environ, so it is computed once per request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from rustforge.conf import settings
from rustforge.exceptions import ImproperlyConfigured

__all__ = ["client_ip", "is_trusted_proxy"]

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# Cached on the WSGI environ so several middleware asking per request pay once.
_ENV_KEY = "rustforge.client_ip"


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[_Network, ...]:
    networks = []
    for entry in proxies:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES entry {entry!r} is not an IP address or CIDR network"
            ) from None
    return tuple(networks)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    # Some proxies append a port ("1.2.3.4:5678", "[::1]:443"); keep the address.
    if value.startswith("["):
        value = value[1:value.find("]")] if "]" in value else value[1:]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks: Iterable[_Network]) -> bool:
    return any(address in network for network in networks)


def is_trusted_proxy(address: str, proxies: Iterable[str] | None = None) -> bool:
    """Whether ``address`` is one of ``proxies`` (default ``TRUSTED_PROXIES``)."""
    parsed = _parse(address)
    if parsed is None:
        return False
    if proxies is None:
        proxies = settings.TRUSTED_PROXIES
    return _trusted(parsed, _networks(tuple(proxies)))


def client_ip(req: Any) -> str:
    """The client's IP address for a falcon request or a WSGI environ.

    Returns ``REMOTE_ADDR`` unless it is a trusted proxy; then walks
    ``X-Forwarded-For`` right to left past trusted proxies. A malformed hop
    stops the walk at the last address known good (never the attacker's pick).
    Returns ``""`` only when the server gave no peer address at all.
    """
    env: Mapping[str, Any] = req if isinstance(req, Mapping) else req.env
    cached = env.get(_ENV_KEY)
    if cached is not None:
        return cached
    remote = env.get("REMOTE_ADDR") or ""
    result = remote
    proxies = settings.TRUSTED_PROXIES
    if proxies and remote:
        networks = _networks(tuple(proxies))
        current = _parse(remote)
        forwarded = env.get("HTTP_X_FORWARDED_FOR", "")
        if current is not None and forwarded and _trusted(current, networks):
            for hop in reversed(forwarded.split(",")):
                address = _parse(hop)
                if address is None:
                    break
                current = address
                if not _trusted(address, networks):
                    break
            result = str(current)
    if isinstance(env, dict):
        env[_ENV_KEY] = result
    return result
