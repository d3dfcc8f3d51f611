"""Waiting for what another thread or process does, within one generous bound."""

import time
from collections.abc import Callable

DEADLINE = 60  # seconds: a generous bound for a process to start or a batch to be sent


def wait_for(condition: Callable, *, what: str, timeout: float = DEADLINE, explain=None):
    """Poll ``condition`` until it returns something true, or fail after ``timeout`` seconds
    saying what did not happen (and ``explain()``, e.g. a process's log)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            detail = f"\n{explain()}" if explain else ""
            raise AssertionError(f"{what}: not within {timeout} s{detail}")
        time.sleep(0.05)
