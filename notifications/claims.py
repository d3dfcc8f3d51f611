"""Which worker sends which email (docs/decisions/0003).

A worker claims a batch with PostgreSQL session-level advisory locks, one per email, in one
statement. They are held across the batch without holding a transaction open, so each email's
"sent" is committed the moment the mail server accepts it; and PostgreSQL drops them itself when
a worker dies (its connection closes), so a redelivered batch can be claimed again at once.
Session locks need a session: behind a connection pooler, use session pooling for workers.

While it holds a batch the session also stops waiting for each commit to reach the disk
(``synchronous_commit = off``): every outcome is visible to everyone at once and on disk within
a fraction of a second; only a crash of the database server itself in that fraction could forget
that an email was sent, and it would then be sent again, never lost. That wait was a third of
the worker's time per email.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection

LOCK_SPACE = 0x5EA7
"""The first key of the outbox's two-key advisory locks; the second is the email id modulo
2**31, so two emails share a lock only when their ids are 2**31 apart and both are in flight."""


@contextmanager
def claimed(email_ids: Sequence[int]) -> Iterator[list[int]]:
    """The ids of ``email_ids`` no other worker holds, held until the block ends. Other
    databases (the embedded SQLite default) run tasks eagerly in one process: nothing to claim."""
    if connection.vendor != "postgresql":
        yield list(email_ids)
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(
            "SELECT id FROM unnest(%s::bigint[]) AS id "
            "WHERE pg_try_advisory_lock(%s, (id %% 2147483648)::int)",
            [list(email_ids), LOCK_SPACE],
        )
        held = [row[0] for row in cursor.fetchall()]
    try:
        yield held
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, (id %% 2147483648)::int) "
                "FROM unnest(%s::bigint[]) AS id",
                [LOCK_SPACE, held],
            )
