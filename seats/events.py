"""The one way seat events are written: ``record_events`` saves them and announces them
(``signals.events_recorded``) in the caller's transaction."""

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from django.utils import timezone

from core.bulk_sql import insert_rows

from .models import SeatEvent
from .signals import events_recorded


class Event(NamedTuple):
    """What happened to a seat, by the columns of its ``SeatEvent``. A tuple, not a model
    instance: a bulk action records thousands, and building as many instances took longer than
    writing them. ``record_events`` fills in ``created_at`` and ``pk``."""

    seat_id: int
    action: str
    from_status: str
    to_status: str
    actor_id: int | None
    details: dict
    created_at: datetime | None = None
    pk: int | None = None


_GIVEN = Event._fields[:6]  # what the caller says; the time and the id are the database's


def record_events(events: Sequence[Event], now: datetime | None = None) -> list[Event]:
    """Write the events of one action (one row) or of a bulk action's batch (one set-based
    statement), all at ``now``, then announce them with their ids."""
    if not events:
        return []
    now = now or timezone.now()
    ids = insert_rows(
        SeatEvent,
        _GIVEN,
        [event[:6] for event in events],
        constants={"created_at": now},
        returning="id",
    )
    recorded = [Event(*event[:6], now, pk) for event, pk in zip(events, ids, strict=True)]
    events_recorded.send(sender=SeatEvent, events=recorded)
    return recorded
