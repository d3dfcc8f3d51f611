"""A clock a test moves by hand: ``time.time()`` everywhere (rate-limit windows, the local
cache's expiry, signed links, authenticator codes) reads it, so waiting costs nothing."""

import time


class Clock:
    def __init__(self, monkeypatch, start: float | None = None):
        self.now = time.time() if start is None else start
        monkeypatch.setattr(time, "time", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds
