"""Safe retries: a POST sent with an ``Idempotency-Key`` is answered once. The first request
inserts the key's row in its own transaction before it does anything, and stores its answer
there before it commits. A repeat finds the answer and gets it again, changing nothing. A repeat
sent while the first is still running waits on the row's unique index until the first commits,
then gets the first's answer; if the first failed (a server error, a rate limit), its row went
with its rollback and the repeat runs afresh. The same key with another body or endpoint is a
mistake in the client: 422. (docs/decisions/0010)"""

import hashlib
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from .auth import key_of
from .models import IdempotentRequest
from .problems import problem

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_LENGTH = 255
KEPT_FOR = timedelta(hours=24)  # a client retries within minutes; a day is generous


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _claim(api_key, key: str, fingerprint: str) -> IdempotentRequest | None:
    """Our new row, or None when a committed request already holds the key."""
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                api_key=api_key, key=key, fingerprint=fingerprint
            )
    except IntegrityError:
        return None


def _replay(earlier: IdempotentRequest, fingerprint: str) -> HttpResponse:
    if earlier.fingerprint != fingerprint:
        return problem(
            422,
            "idempotency-key-reused",
            "Idempotency key reused",
            f"This {HEADER} was first sent with another request; send a new key for a new request.",
        )
    response = HttpResponse(
        bytes(earlier.body), status=earlier.status_code, content_type=earlier.content_type
    )
    response[REPLAYED] = "true"
    return response


def _keeps(response: HttpResponse) -> bool:
    """Answers worth repeating: not a server error, nor a limit the client should wait out."""
    return response.status_code < 500 and response.status_code != 429


def idempotent(run):
    """Wrap an operation's view (``decorate_view``) so that its POSTs honour the header."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        key, api_key = request.headers.get(HEADER, ""), key_of(request)
        if not key or api_key is None or len(key) > MAX_LENGTH:
            return run(request, *args, **kwargs)
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            claimed = _claim(api_key, key, fingerprint)
            if claimed is None:
                earlier = IdempotentRequest.objects.get(api_key=api_key, key=key)
                return _replay(earlier, fingerprint)
            response = run(request, *args, **kwargs)
            if not _keeps(response):
                transaction.set_rollback(True)
                return response
            claimed.status_code = response.status_code
            claimed.content_type = response.get("Content-Type", "")
            claimed.body = response.content
            claimed.save(update_fields=["status_code", "content_type", "body"])
            return response

    return wrapper


def forget_old_answers() -> int:
    """Delete the answers older than ``KEPT_FOR``: their keys may then be used again."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
    return deleted
