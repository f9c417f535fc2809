"""URLs that point at the public internet: no userinfo, and a host that is a public name or a
public address (never loopback, private, link-local, reserved or another local form)."""

import ipaddress
import re
from urllib.parse import urlsplit

# A DNS name with at least two labels and a letter-only top-level label: numeric tricks such
# as `2130706433`, `0x7f000001` or `127.1`, which resolvers turn into addresses, never match.
_HOST_NAME = re.compile(
    r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.IGNORECASE
)
# Names that mean "this machine" or "this network" whatever DNS says.
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa")


def is_public_address(text: str) -> bool:
    """An IP address literal that is globally routable (IPv4-mapped forms judged as IPv4)."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def is_public_host(host: str) -> bool:
    """A public DNS name or a public address literal."""
    host = host.lower().rstrip(".")
    if _HOST_NAME.fullmatch(host):
        return host != "localhost" and not host.endswith(LOCAL_SUFFIXES)
    return is_public_address(host)


def public_url_problem(url: str, *, schemes: tuple[str, ...] = ("https",)) -> str | None:
    """Why `url` is not a public URL of one of `schemes`, or None when it is."""
    if any(ord(c) < 33 or c in '"<>\\^`{|}' for c in url):
        return "must be a URL without spaces, quotes or angle brackets"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "must be a valid URL"
    if parts.scheme not in schemes:
        return f"must be a {' or '.join(schemes)} URL"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password"
    if not parts.hostname or not is_public_host(parts.hostname):
        return "must point at a public host name or address"
    if port == 0:
        return "must not name port 0"
    return None
