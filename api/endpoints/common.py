"""What every endpoint shares: the error answers it documents, and the parameters that recur."""

from ninja import Header, Path, Query

from ..idempotency import HEADER, MAX_LENGTH
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT
from ..problems import Problem

READ_ERRORS = {400: Problem, 401: Problem, 404: Problem, 422: Problem, 429: Problem}
WRITE_ERRORS = READ_ERRORS | {403: Problem, 409: Problem}


def idempotency_key():
    return Header(
        None,
        alias=HEADER,
        max_length=MAX_LENGTH,
        description="Any unique string, such as a UUID: a retry with the same key gets the "
        "first answer and changes nothing.",
    )


def limit():
    return Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")


def cursor():
    return Query(None, max_length=100, description="`next_cursor` of the previous page.")


NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL: refuse it rather than fail on it
MAX_ID = 2**63 - 1  # a bigint: a larger id cannot exist, and must not reach the database


def object_id():
    return Path(..., ge=1, le=MAX_ID)
