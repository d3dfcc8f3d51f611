"""Recording what happened to each email without waiting for the database each time.

A worker records an outcome the moment the mail server answers; waiting for PostgreSQL to
confirm it cost a quarter of the worker's time. On PostgreSQL the statement is sent at once and
its answer read just before the connection is next used: by the next outcome, or by any query
(an execute wrapper waits first), or when the batch ends. PostgreSQL executes and commits a
statement it has received whether or not the worker lives to read the answer, so an email is no
more likely to be sent twice than when the worker waited.

What an outcome means for the email's topic is announced once per batch (``Outcomes``), so that
a subscriber writes one statement for the batch, not one per email. Until then the row is marked
``unannounced``, in the outcome's own statement: should the worker die first, the sweep
announces it instead (``announce_outcomes``).
"""

import hashlib
import select
from collections.abc import Iterable, Sequence

from django.db import DatabaseError, transaction
from django.db import connection as db
from psycopg import pq

from .models import OutboundEmail
from .signals import DeliveryEvent, announce


def _prepared(sql: str) -> bytes:
    """The name of ``sql`` as a statement prepared on the session, preparing it the first time.
    The name is the text's digest, so a session that has it already (from an earlier batch) keeps
    it; the connection remembers what it prepared, and a new connection asks the session."""
    connection = db.connection
    name = f"outcome_{hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()}"
    prepared = connection.__dict__.setdefault("seatstore_prepared", set())
    if name not in prepared:
        with db.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [name])
            if not cursor.fetchone():
                cursor.execute(f"PREPARE {name} AS {sql}")
        prepared.add(name)
    return name.encode()


class OutcomeWriter:
    """Runs statements whose answer can wait, on PostgreSQL, for the length of a ``with``
    block."""

    def __init__(self):
        self._unanswered = False
        self._wrapper = db.execute_wrapper(self._answer_first)

    def __enter__(self) -> "OutcomeWriter":
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.wait()
        finally:
            self._wrapper.__exit__(*exc_info)

    def run(self, sql: str, params: Sequence) -> None:
        """Send ``sql`` (``$1``-style placeholders, parameters as text) and return at once. The
        statement is prepared on the session the first time: parsing and planning it again for
        every email was a quarter of what PostgreSQL spent on an outcome."""
        self.wait()
        db.ensure_connection()
        name = _prepared(sql)
        pgconn = db.connection.pgconn
        values = [None if value is None else str(value).encode() for value in params]
        with db.wrap_database_errors:
            pgconn.send_query_prepared(name, values)
            while pgconn.flush():
                select.select([], [pgconn.socket], [])
        self._unanswered = True

    def wait(self) -> None:
        """Read the answer to the statement sent last; raise if it failed."""
        if not self._unanswered:
            return
        self._unanswered = False
        pgconn = db.connection.pgconn
        error = None
        with db.wrap_database_errors:
            while (result := pgconn.get_result()) is not None:
                if result.status != pq.ExecStatus.COMMAND_OK:
                    error = (result.error_message or b"").decode(errors="replace")
        if error:
            raise DatabaseError(error)

    def _answer_first(self, execute, sql, params, many, context):
        self.wait()
        return execute(sql, params, many, context)


FIELDS = (
    "status",
    "attempts",
    "last_error",
    "sent_at",
    "provider_message_id",
    "queued_at",
    "unannounced",
)
"""What an outcome writes on the row."""
_ASSIGNMENTS = ", ".join(f"{field} = ${n}" for n, field in enumerate(FIELDS, 1))
_OUTCOME_SQL = (
    f"UPDATE {OutboundEmail._meta.db_table} SET {_ASSIGNMENTS} WHERE id = ${len(FIELDS) + 1}"  # noqa: S608
)
"""Names from the model, values as parameters: the outcome of one email."""
_EVENTS = {
    OutboundEmail.Status.SENT: DeliveryEvent.SENT,
    OutboundEmail.Status.FAILED: DeliveryEvent.FAILED,
}


class Outcomes:
    """Where a batch records how each of its emails ended: the row at once (on PostgreSQL without
    waiting for the answer), the announcement under its topic when the batch ends, for all of
    them in one transaction. That transaction also writes the outcome of the batch's last email
    (``last_id``), so that once none of a batch's emails is pending, every outcome has been
    announced."""

    def __init__(self, last_id: int | None = None):
        self._writer = OutcomeWriter() if db.vendor == "postgresql" else None
        self._last_id = last_id
        self._last: OutboundEmail | None = None
        self._ended: list[int] = []

    def __enter__(self) -> "Outcomes":
        if self._writer is not None:
            self._writer.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if self._writer is not None:
                self._writer.__exit__(*exc_info)
        finally:
            with transaction.atomic():
                if self._last is not None:
                    self._last.save(update_fields=FIELDS)
                announce_outcomes(self._ended)

    def record(self, email: OutboundEmail) -> None:
        """Write the outcome already set on ``email`` (its status and what goes with it)."""
        email.unannounced = bool(email.topic)
        if email.unannounced:
            self._ended.append(email.pk)
        if email.pk == self._last_id:
            self._last = email
        elif self._writer is not None:
            self._writer.run(_OUTCOME_SQL, [*(getattr(email, field) for field in FIELDS), email.pk])
        else:
            email.save(update_fields=FIELDS)


def announce_outcomes(email_ids: Iterable[int]) -> None:
    """Announce how these emails ended, those not announced yet: each once, even when a worker
    and the sweep try at the same time (the row locks make the second find nothing left)."""
    if not (email_ids := list(email_ids)):
        return
    with transaction.atomic():
        ended = list(
            OutboundEmail.objects.select_for_update()
            .filter(pk__in=email_ids, unannounced=True)
            .values_list("pk", "status", "topic")
        )
        if not ended:
            return
        OutboundEmail.objects.filter(pk__in=[pk for pk, _, _ in ended]).update(unannounced=False)
        for status, event in _EVENTS.items():
            announce(event, [topic for _, ended_as, topic in ended if ended_as == status])
