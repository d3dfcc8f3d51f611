"""Outcomes are sent without waiting for their answer, and read before anything else runs."""

import pytest
from django.db import DatabaseError, connection

from notifications.outcomes import OutcomeWriter

pytestmark = pytest.mark.postgres

NOTE = "UPDATE notifications_outboundemail SET last_error = $1, attempts = $2 WHERE id = $3"


def test_a_query_after_an_unanswered_outcome_sees_it(email):
    with OutcomeWriter() as writer:
        writer.run(NOTE, ["noted", 3, email.pk])
        email.refresh_from_db()
        assert (email.last_error, email.attempts) == ("noted", 3)


def test_the_batch_ends_with_every_outcome_answered(email):
    with OutcomeWriter() as writer:
        writer.run(NOTE, ["first", 1, email.pk])
        writer.run(NOTE, ["second", 2, email.pk])
    email.refresh_from_db()
    assert (email.last_error, email.attempts) == ("second", 2)


def test_an_outcome_the_database_refuses_is_raised(email):
    with pytest.raises(DatabaseError, match="attempts_check"), OutcomeWriter() as writer:
        writer.run(NOTE, ["impossible", -1, email.pk])


def statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements ORDER BY name")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_is_prepared_once_per_session_and_again_on_a_new_one(email):
    """Prepared on the session the first time; the next batch reuses it, and a session that has
    it without the connection remembering (a reconnect) neither fails nor loses the outcome."""
    with OutcomeWriter() as writer:
        writer.run(NOTE, ["first", 1, email.pk])
    prepared = statements()
    with OutcomeWriter() as writer:
        writer.run(NOTE, ["second", 2, email.pk])
    assert statements() == prepared
    assert any(NOTE in statement for statement in prepared)
    connection.connection.__dict__.pop("seatstore_prepared")
    with OutcomeWriter() as writer:
        writer.run(NOTE, ["third", 3, email.pk])
    email.refresh_from_db()
    assert (email.last_error, email.attempts) == ("third", 3)
