"""Threads racing on PostgreSQL: the one harness of every concurrency test.

``race`` releases its calls at the same moment and records what each returned, each refusal (a
``SeatActionError``, which a person reads as a message) and anything else raised (a crash, which
a test shows rather than hides). ``while_held`` makes one action wait for the lock another one
holds. Every thread closes its own database connection.
"""

import contextlib
import threading
import traceback
from collections.abc import Callable, Iterator

from celery import _state as celery_state
from django.db import connection, transaction

from core.errors import SeatActionError
from tests.support.waiting import DEADLINE, wait_for

# This machine's PostgreSQL allows 100 connections, shared with whatever else runs; racing
# threads take turns for these many, all released at the same moment.
DB_SLOTS = 40


class Race:
    """The outcome of racing calls: what they returned, the refusals a person would read, and
    anything else they raised, with its traceback."""

    def __init__(self):
        self.results, self.refusals, self.crashes = [], [], []
        self._lock = threading.Lock()

    def run(self, call: Callable) -> None:
        """Make ``call`` in this thread and record how it ended; then close the connection."""
        try:
            result = call()
        except SeatActionError as refusal:
            self._record(self.refusals, refusal)
        except Exception:
            self._record(self.crashes, traceback.format_exc())
        else:
            self._record(self.results, result)
        finally:
            connection.close()

    def _record(self, outcomes: list, value) -> None:
        with self._lock:
            outcomes.append(value)

    @property
    def messages(self) -> list[str]:
        """The refusals as a person reads them."""
        return [refusal.message for refusal in self.refusals]

    def assert_no_crash(self) -> None:
        assert not self.crashes, "\n\n".join(self.crashes)

    def settled(self) -> tuple[list, list[str]]:
        """(what the calls returned, the refusal messages); a crash fails the test."""
        self.assert_no_crash()
        return self.results, self.messages

    def returned(self) -> list:
        """What every call returned; a call that raised anything fails the test (for a request
        through the test client, a raise is a server error)."""
        self.assert_no_crash()
        assert not self.refusals, self.messages
        return self.results


def race(calls: list[Callable], *, slots: int = DB_SLOTS) -> Race:
    """Run each call in its own thread, all released together by a barrier; at most ``slots``
    hold a database connection at a time."""
    outcome = Race()
    barrier = threading.Barrier(len(calls))
    gate = threading.BoundedSemaphore(slots)

    def run(call):
        barrier.wait()
        with gate:
            outcome.run(call)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    with _celery_task_flag_kept():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=DEADLINE)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return outcome


def waiting_for_a_lock() -> bool:
    """Whether a connection to the test database waits for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def while_held(change: Callable, waiter: Callable) -> Race:
    """Run ``change`` in a transaction that stays open until ``waiter``, started in another
    thread, is blocked on a lock it holds; then commit it and let the waiter finish. Returns the
    waiter's outcome."""
    changed, release, outcome = threading.Event(), threading.Event(), Race()

    def hold():
        try:
            with transaction.atomic():
                change()
                changed.set()
                release.wait(DEADLINE)
        finally:
            changed.set()
            connection.close()

    holder = threading.Thread(target=hold)
    blocked = threading.Thread(target=outcome.run, args=(waiter,))
    with _celery_task_flag_kept():
        holder.start()
        changed.wait(DEADLINE)
        blocked.start()
        try:
            wait_for(waiting_for_a_lock, what="the second action to wait for the first one's lock")
        finally:
            release.set()
            holder.join(DEADLINE)
            blocked.join(DEADLINE)
    return outcome


@contextlib.contextmanager
def _celery_task_flag_kept() -> Iterator[None]:
    """An eager task (the emails an action queues) sets Celery's process-wide "inside a task" flag
    while it runs and restores it after; tasks in several threads at once can leave it set, and
    every later ``result.get()`` in this process would then refuse to run."""
    before = celery_state.task_join_will_block()
    try:
        yield
    finally:
        celery_state._set_task_join_will_block(before)
