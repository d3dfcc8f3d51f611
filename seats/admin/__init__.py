"""The seats admin, by topic: seats and their transitions, the returns queue, enrollments and
their results, the records the services leave behind. Importing the modules registers them."""

from . import records, returns, seat

__all__ = ["records", "returns", "seat"]
