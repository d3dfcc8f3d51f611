"""An IPv6 address that carries an IPv4 address is as public as the address it carries: NAT64
to a public server is a receiver like any other."""

import pytest

from webhooks.addresses import AddressRefused, resolve


def test_nat64_to_a_public_address_is_a_receiver(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    assert resolve("http://[64:ff9b::808:808]/hooks").address == "64:ff9b::808:808"


def test_nat64_to_a_private_address_is_refused(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    with pytest.raises(AddressRefused, match="private, loopback or link-local"):
        resolve("http://[64:ff9b::a00:1]/hooks")
