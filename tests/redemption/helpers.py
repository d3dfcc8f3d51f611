"""The redemption link helpers, which live in ``tests.support.links``; the notification tests
still import them from here."""

from tests.support.links import link_in, link_path, open_link

__all__ = ["link_in", "link_path", "open_link"]
