"""The learning system as the seat logic sees it. Seats call ``campus()`` and nothing else of
Campus: the class named in the CAMPUS_BACKEND setting (the stand-in ``campus.client.LocalCampus``
by default, or a real LMS client) implements ``Campus``. Loaded by name, so the seat logic
imports no Campus code."""

from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Campus(Protocol):
    def enroll(self, *, learner, product, seat):
        """Enroll the learner in the product for this seat; returns the new Enrollment."""

    def enroll_many(self, product, holders: list[tuple[int, int]]) -> list[int]:
        """Enroll each (learner id, seat id) in the product; returns the enrollment ids."""

    def withdraw(self, enrollment) -> None:
        """The seat went back: the learner no longer takes the course on it."""


@cache
def campus() -> Campus:
    return import_string(settings.CAMPUS_BACKEND)()
