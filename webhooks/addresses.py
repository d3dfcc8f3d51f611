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


def _public(address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
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
