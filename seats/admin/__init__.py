"""The seats admin, by topic: seats and their transitions, the returns queue, the records the
services leave behind. Importing the modules registers them."""

from . import records, returns, seat

__all__ = ["records", "returns", "seat"]
