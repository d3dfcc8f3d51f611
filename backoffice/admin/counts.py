"""Seat counts per status as list columns, for lists of things that have seats (orders, order
lines, purchasing groups). Counted from the seat rows at read time, never stored."""

from django.contrib import admin

from seats.models import Seat
from seats.selectors import annotate_status_counts


class SeatCountsMixin:
    """A ``<status>_count`` column per status (``SEAT_COUNT_COLUMNS``) and ``seat_count``."""

    seat_fk = "order"

    def get_queryset(self, request):
        return annotate_status_counts(super().get_queryset(request), self.seat_fk)


def _seat_count_column(status: Seat.Status):
    name = f"{status.value}_count"

    @admin.display(description=status.label, ordering=name)
    def column(self, obj):
        return getattr(obj, name)

    return name, column


SEAT_COUNT_COLUMNS = tuple(f"{status.value}_count" for status in Seat.Status)
for _status in Seat.Status:
    setattr(SeatCountsMixin, *_seat_count_column(_status))
