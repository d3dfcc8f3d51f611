"""Which worker sends which email (docs/decisions/0003).

A worker claims a batch with PostgreSQL session-level advisory locks, one per email, in one
statement. They are held across the batch without holding a transaction open, so each email's
"sent" is committed the moment the mail server accepts it; and PostgreSQL drops them itself when
a worker dies (its connection closes), so a redelivered batch can be claimed again at once.
Session locks need a session: behind a connection pooler, use session pooling for workers.

The same statement takes the claimed emails off the broker's books (``queued_at`` empty): they
are in a worker's hands now, no longer in a message. Should the worker die, its locks go and
those emails are pending, unqueued and unclaimed, which the next outbox sweep hands over again
at once, instead of waiting for the broker to give up on the lost message. Every outcome writes
the old ``queued_at`` back; what is still pending when the batch ends is marked queued again
(Celery's retry carries it). The session also asks PostgreSQL to notice within half a minute a
worker whose machine vanished without closing the connection (TCP keepalives), so the locks of
a dead machine go too.

While it holds a batch the session also stops waiting for each commit to reach the disk
(``synchronous_commit = off``): every outcome is visible to everyone at once and on disk within
a fraction of a second; only a crash of the database server itself in that fraction could forget
that an email was sent, and it would then be sent again, never lost. That wait was a third of
the worker's time per email.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.db import connection

from core.sessions import end_with_its_process

from .models import OutboundEmail

LOCK_SPACE = 0x5EA7
"""The first key of the outbox's two-key advisory locks; the second is the email id modulo
2**31, so two emails share a lock only when their ids are 2**31 apart and both are in flight."""
_KEY = "(id %% 2147483648)::int"
_TABLE = OutboundEmail._meta.db_table
_PENDING = OutboundEmail.Status.PENDING

_CLAIM = (
    f"WITH held AS (SELECT id FROM unnest(%s::bigint[]) AS id "  # noqa: S608
    f"WHERE pg_try_advisory_lock(%s, {_KEY})), "
    f"taken AS (UPDATE {_TABLE} AS email SET queued_at = NULL FROM {_TABLE} AS before "
    f"WHERE email.id IN (SELECT id FROM held) AND before.id = email.id "
    f"AND email.status = (SELECT %s) RETURNING email.id, before.queued_at) "
    "SELECT held.id, taken.id IS NOT NULL, taken.queued_at "
    "FROM held LEFT JOIN taken ON taken.id = held.id"
)
"""Lock what no other worker holds, take off the broker's books what of it is pending, and say
which ids were locked, which were taken and when each taken one had been queued. The status is
compared with ``(SELECT %s)``, a value the planner cannot see: seeing 'pending', a planner whose
statistics date from a quiet hour (few pending rows) scanned the pending index, every pending
email against every id of the batch: 29 ms per claim with 2,000 pending, growing with both.
Blind to it, it goes by the ids: 0.3 ms."""
_REQUEUED = f"UPDATE {_TABLE} SET queued_at = now() WHERE id = ANY(%s) AND status = (SELECT %s)"  # noqa: S608
_RELEASE = f"SELECT pg_advisory_unlock(%s, {_KEY}) FROM unnest(%s::bigint[]) AS id"  # noqa: S608


@contextmanager
def claimed(email_ids: Sequence[int]) -> Iterator[dict[int, datetime | None]]:
    """The pending emails of ``email_ids`` that no other worker holds, each with when it had been
    queued, held until the block ends. Other databases (the embedded SQLite default) run tasks
    eagerly in one process: nothing to claim, nothing taken off the broker's books."""
    if connection.vendor != "postgresql":
        pending = OutboundEmail.objects.filter(pk__in=email_ids, status=_PENDING)
        yield dict(pending.values_list("pk", "queued_at"))
        return
    end_with_its_process()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(_CLAIM, [list(email_ids), LOCK_SPACE, _PENDING])
        rows = cursor.fetchall()
    locked = [email_id for email_id, _, _ in rows]
    taken = {email_id: queued_at for email_id, was_taken, queued_at in rows if was_taken}
    try:
        yield taken
    finally:
        with connection.cursor() as cursor:
            cursor.execute(_REQUEUED, [list(taken), _PENDING])
            cursor.execute("RESET synchronous_commit")
            cursor.execute(_RELEASE, [LOCK_SPACE, locked])


def unclaimed(email_ids: Iterable[int]) -> list[int]:
    """Those of ``email_ids`` that no worker holds at this moment."""
    email_ids = list(email_ids)
    if connection.vendor != "postgresql":
        return email_ids
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND classid = %s "
            "AND objsubid = 2 AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            [LOCK_SPACE],
        )
        held = {row[0] for row in cursor.fetchall()}
    return [email_id for email_id in email_ids if email_id % 2**31 not in held]
