"""What seats announce. Apps above seats (webhooks) subscribe in their ``AppConfig.ready()``;
seats never calls them."""

from django.dispatch import Signal

events_recorded = Signal()
"""Sent with ``events`` (a list of ``events.Event``, each with its id) inside the transaction
that wrote them, once per statement that wrote them, so that what a subscriber writes commits or
rolls back with the action, and a bulk import's batch of thousands is one announcement, answered
with a handful of statements rather than one per seat."""
