"""Cursor (keyset) pagination: a page is ``WHERE id > last ORDER BY id LIMIT n``, an index range
that costs the same on the first page and the millionth seat, where an offset would read and
discard every row before it. The cursor is opaque to clients."""

import base64
import binascii

from django.db.models import QuerySet
from ninja import Schema
from ninja.errors import HttpError

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind == "id" and value.isdigit() and int(value) < 2**63:
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise HttpError(400, "That cursor is not one this API gave; start again without it.")


class Page(Schema):
    next_cursor: str | None = None


def page(
    queryset: QuerySet, *, cursor: str | None, limit: int, after: int = 0
) -> tuple[list, str | None]:
    """The rows after the cursor (or after id ``after``), and the cursor of the next page."""
    start = decode(cursor) if cursor else after
    rows = list(queryset.filter(pk__gt=start).order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode(rows[-1].pk) if more else None
