"""The one way seat events are written: ``record_events`` saves them and announces them
(``signals.events_recorded``) in the caller's transaction."""

from core.bulk_sql import insert_objects

from .models import SeatEvent
from .signals import events_recorded


def record_events(events: list[SeatEvent]) -> list[SeatEvent]:
    """Write the events of one action (one row) or of a bulk action's batch (one set-based
    statement), then announce them."""
    if not events:
        return events
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        events = insert_objects(events)
    events_recorded.send(sender=SeatEvent, events=events)
    return events
