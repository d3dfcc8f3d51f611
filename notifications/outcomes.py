"""Recording what happened to each email without waiting for the database each time.

A worker records an outcome the moment the mail server answers; waiting for PostgreSQL to
confirm it cost a quarter of the worker's time. On PostgreSQL the statement is sent at once and
its answer read just before the connection is next used: by the next outcome, or by any query
(an execute wrapper waits first), or when the batch ends. PostgreSQL executes and commits a
statement it has received whether or not the worker lives to read the answer, so an email is no
more likely to be sent twice than when the worker waited.
"""

import select
from collections.abc import Sequence

from django.db import DatabaseError
from django.db import connection as db
from psycopg import pq


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
        """Send ``sql`` (``$1``-style placeholders, parameters as text) and return at once."""
        self.wait()
        db.ensure_connection()
        pgconn = db.connection.pgconn
        values = [None if value is None else str(value).encode() for value in params]
        with db.wrap_database_errors:
            pgconn.send_query_params(sql.encode(), values)
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
