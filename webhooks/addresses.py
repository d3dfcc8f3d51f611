"""Where a webhook may be sent: never to this network's own machines (private, loopback,
link-local, reserved addresses), unless ``WEBHOOK_ALLOWED_NETWORKS`` lists them (development and
tests deliver to loopback). Checked when an endpoint is registered and again before every attempt,
since a name may resolve elsewhere by then; the request then goes to the address that was checked,
so the name cannot be switched in between."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


class AddressRefused(Exception):
    """The URL may not receive webhooks; the message says why, for the form or the log."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    address: str
    """The checked IP address the request goes to."""
    path: str


def _allowed_networks() -> list:
    return [ipaddress.ip_network(net, strict=False) for net in settings.WEBHOOK_ALLOWED_NETWORKS]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NOT_PUBLIC = [
    ipaddress.ip_network(net)
    for net in (
        "192.0.0.0/24",  # IETF protocol assignments; Python calls some of them global
        "64:ff9b:1::/48",  # NAT64 for a site's own networks
    )
]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, which is where its packets end up: mapped,
    IPv4-compatible, 6to4, Teredo (its client) and NAT64 addresses each reach one."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _public(address) -> bool:
    """A global unicast address, and so is any IPv4 address it carries."""
    if any(address in net for net in _NOT_PUBLIC):
        return False
    inner = _embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
    if inner and not _public(inner):
        return False
    return address.is_global and not address.is_multicast


def resolve(url: str) -> Target:
    """The address to send ``url``'s requests to, or AddressRefused. Every address the name
    resolves to must be allowed: a name with one public and one private address is refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("Enter an http:// or https:// URL.")
    if parts.username or parts.password:
        raise AddressRefused("Leave the user name and password out of the URL.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise AddressRefused("The URL's port is not valid.") from error
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"{parts.hostname} could not be found.") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    allowed = _allowed_networks()
    for address in addresses:
        if not _public(address) and not any(address in net for net in allowed):
            where = "" if parts.hostname.strip("[]") == str(address) else f" ({address})"
            raise AddressRefused(
                f"{parts.hostname} is a private, loopback or link-local address{where}; "
                "webhooks go to public addresses only."
            )
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return Target(parts.scheme, parts.hostname, port, str(addresses[0]), path)
