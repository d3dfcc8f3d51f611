"""Calling the Campus callback as Campus does: a JSON event, signed with the shared secret."""

import json
import time
import uuid
from datetime import datetime

from django.utils import timezone

from campus.callback import sign

SECRET = "campus-test-secret-0123456789-abcdefghijklmnop"
URL = "/campus/callback/"


def event(enrollment, status: str, result: str = "none", **fields) -> dict:
    """A progress event of ``enrollment`` with a fresh id, happening now unless told."""
    occurred_at = fields.pop("occurred_at", timezone.now())
    if isinstance(occurred_at, datetime):
        occurred_at = occurred_at.isoformat()
    return {
        "event_id": str(uuid.uuid4()),
        "enrollment": str(enrollment.public_id),
        "status": status,
        "result": result,
        "occurred_at": occurred_at,
        **fields,
    }


def post_signed(client, body, *, secret: str = SECRET, timestamp: int | None = None, **headers):
    """POST ``body`` (a dict, or raw bytes) signed as Campus signs it."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "HTTP_X_CAMPUS_TIMESTAMP": stamp,
        "HTTP_X_CAMPUS_SIGNATURE": sign(secret, stamp, raw),
        **headers,
    }
    return client.post(URL, raw, content_type="application/json", **headers)
