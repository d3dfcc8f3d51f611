"""What the outbox announces. It knows nothing of what its emails are about: an email may carry
a ``topic``, a string its sender chose (say "redemption:12"), and whenever something happens to
emails with topics the outbox sends ``delivery_changed`` for them. Subscribers (connected in
their ``AppConfig.ready()``) keep their own state from it; nothing calls back into the outbox."""

import enum
from collections.abc import Iterable

from django.dispatch import Signal

from .models import OutboundEmail


class DeliveryEvent(enum.StrEnum):
    # The outbox's own doing:
    QUEUED = "queued"
    """Handed to the broker (again)."""
    UNQUEUED = "unqueued"
    """The broker could not take it; the sweep will hand it over."""
    SENT = "sent"
    """The mail server accepted it."""
    FAILED = "failed"
    """Given up on: refused for good, out of attempts, or no longer worth sending."""
    # What the provider reports later, late and out of order:
    PROVIDER_SENT = "provider_sent"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    REJECTED = "rejected"
    PROVIDER_FAILED = "provider_failed"


delivery_changed = Signal()
"""Sent with ``event`` (a ``DeliveryEvent``) and ``topics`` (a list: the topic of every email it
happened to, once per email), inside the transaction that records it, so that what a subscriber
writes commits or rolls back with it. One signal covers a whole batch: a subscriber answers with
one statement, not one per email."""


def announce(event: DeliveryEvent, topics: Iterable[str]) -> None:
    """Send ``delivery_changed`` for the emails with these topics ("" for none: left out)."""
    if topics := [topic for topic in topics if topic]:
        delivery_changed.send(sender=OutboundEmail, event=event, topics=topics)
