"""Who calls: ``Authorization: Bearer <API key>``. The key acts as its user; each key has its own
rate limit (``core.ratelimit``, open while the cache is down)."""

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from core.ratelimit import is_over_limit

from .keys import find_key, note_use
from .models import ApiKey
from .problems import RateLimited

PERIOD = 60
_UNREAD = object()


def key_of(request: HttpRequest) -> ApiKey | None:
    """The live key the request carries, read once per request."""
    found = getattr(request, "_api_key", _UNREAD)
    if found is _UNREAD:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        found = find_key(token.strip()) if scheme.lower() == "bearer" else None
        request._api_key = found
    return found


class ApiKeyAuth(HttpBearer):
    """Authenticates by API key, then counts the request against the key's limit."""

    def __call__(self, request: HttpRequest) -> ApiKey | None:
        key = key_of(request)
        if key is None:
            return None
        if is_over_limit(key.prefix, "api", limit=settings.API_RATE_LIMIT, period=PERIOD):
            raise RateLimited(retry_after=PERIOD)
        note_use(key)
        return key

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return key_of(request)
