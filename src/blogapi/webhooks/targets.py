"""Where a webhook may be sent: the SSRF guard.

A URL is checked when it is saved (`check_url`: scheme, userinfo, port, length, and every
address its host resolves to) and again on the address actually dialled: the HTTP client's
network backend (`GuardedBackend`) resolves the host itself, checks every address and
connects to a checked one, so a name that resolves elsewhere by the time of delivery (DNS
rebinding) is refused too. Host names in WEBHOOK_ALLOWED_PRIVATE_HOSTS (exact) skip the
address, scheme and port rules: the operator vouches for a self-hosted receiver.
"""

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpcore
from httpcore import AsyncNetworkBackend, AsyncNetworkStream

from blogapi.core.config import Environment, Settings

MAX_URL_LENGTH = 2000
ALLOWED_PORTS = frozenset({80, 443, 8080, 8443})
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges `is_global` lets through that are no receiver's: multicast, and NAT64 (whose
# embedded IPv4 address may be private), 6to4 and Teredo, which embed one too.
_NOT_RECEIVERS = [
    ipaddress.ip_network(n)
    for n in ("224.0.0.0/4", "ff00::/8", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16")
]
_TEREDO = ipaddress.ip_network("2001::/32")
# A host written as a number in any form inet_aton accepts: 2130706433, 0x7f000001, 127.1.
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)


class BlockedTarget(Exception):
    """A URL or an address webhooks may not be sent to; the message says why."""


class UnresolvableHost(Exception):
    """The host name does not resolve."""


def is_public(address: IPAddress) -> bool:
    """An address on the public internet: no loopback, private, link-local, shared (100.64/10),
    this-network, multicast, reserved, or IPv6 forms of those (mapped, NAT64, 6to4...)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)
    if address in _TEREDO or any(address in network for network in _NOT_RECEIVERS):
        return False
    return address.is_global and not (
        address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_private
    )


def literal_address(host: str) -> IPAddress | None:
    """The address a host names when it is a number rather than a name, in any spelling."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (tests replace this to play a resolver's tricks)."""
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnresolvableHost(f"{host} does not resolve") from error
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def is_allowed_private(settings: Settings, host: str) -> bool:
    return host.lower().strip("[]") in {h.lower() for h in settings.webhook_allowed_private_hosts}


def check_addresses(host: str, addresses: Iterable[IPAddress]) -> list[IPAddress]:
    checked = list(addresses)
    if not checked:
        raise UnresolvableHost(f"{host} does not resolve")
    for address in checked:
        if not is_public(address):
            raise BlockedTarget(f"{host} resolves to a non-public address ({address})")
    return checked


def parse_target(settings: Settings, url: str) -> tuple[str, int]:
    """The host and port of a URL webhooks may use; BlockedTarget with the reason if not."""
    if len(url) > MAX_URL_LENGTH:
        raise BlockedTarget(f"at most {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise BlockedTarget("no spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise BlockedTarget(f"not a URL ({error})") from None
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise BlockedTarget("an absolute http(s) URL with a host")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise BlockedTarget("no user name or password in the URL")
    port = port or (443 if parts.scheme == "https" else 80)
    if is_allowed_private(settings, host):
        return host, port
    literal = literal_address(host)
    if literal is not None and not is_public(literal):
        raise BlockedTarget(f"{host} is not a public address ({literal})")
    if parts.scheme == "http" and settings.environment is not Environment.DEVELOPMENT:
        raise BlockedTarget("https only")
    if port not in ALLOWED_PORTS:
        raise BlockedTarget("the port must be 80, 443, 8080 or 8443")
    return host, port


async def check_url(settings: Settings, url: str) -> None:
    """Refuse (BlockedTarget, UnresolvableHost) a URL that is not a public receiver's."""
    host, port = parse_target(settings, url)
    addresses = await resolve(host, port)
    if not is_allowed_private(settings, host):
        check_addresses(host, addresses)
    elif not addresses:
        raise UnresolvableHost(f"{host} does not resolve")


class GuardedBackend(AsyncNetworkBackend):
    """httpcore's network backend, but only ever connecting to a checked address."""

    def __init__(self, settings: Settings, inner: AsyncNetworkBackend | None = None) -> None:
        self.settings = settings
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        addresses = await resolve(host, port)
        if not is_allowed_private(self.settings, host):
            addresses = check_addresses(host, addresses)
        last_error: Exception = UnresolvableHost(f"{host} does not resolve")
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,  # noqa: ARG002
        timeout: float | None = None,  # noqa: ARG002, ASYNC109
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,  # noqa: ARG002
    ) -> AsyncNetworkStream:
        raise BlockedTarget("webhooks go over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
