"""The seats admin, by topic: seats and their transitions, the returns queue, enrollments and
their results, the records the services leave behind. Importing the modules registers them."""

from . import enrollments, records, returns, seat

__all__ = ["enrollments", "records", "returns", "seat"]
