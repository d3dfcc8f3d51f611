"""A fixed-window request limit per client IP, counted in the Django cache.

Shared by the pages a stranger can hammer (redemption links, registration, sign-in, password
reset). With Redis as the cache every web process counts against the same window. The limiter
fails open: a cache outage must not take the pages down with it, so while the cache is away every
request is served and each says so in the log (one line, not a traceback per request).
"""

import logging
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind RATELIMIT_TRUSTED_PROXIES proxies it is the address the
    outermost trusted proxy saw, taken from the right of X-Forwarded-For (the left is spoofable)."""
    proxies = settings.RATELIMIT_TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def is_limited(request: HttpRequest, scope: str, *, limit: int, period: int = 60) -> bool:
    """Count this request in the client's current window; True once it is over ``limit``."""
    return is_over_limit(client_ip(request), scope, limit=limit, period=period)


def is_over_limit(who: str, scope: str, *, limit: int, period: int = 60) -> bool:
    """Count one request of ``who`` (a client address, an API key) in its current window; True
    once it is over ``limit``."""
    window = int(time.time() // period)
    key = f"ratelimit:{scope}:{who}:{window}"
    try:
        cache.add(key, 0, timeout=period + 1)
        count = cache.incr(key)
    except Exception as error:  # any cache backend error: serve the page, refuse no one
        logger.warning("Rate limit cache unavailable; not limiting %s (%r)", scope, error)
        return False
    return count > limit


def rate_limit(
    scope: str,
    *,
    limit: Callable[[], int],
    period: int = 60,
    methods: tuple[str, ...] = (),
    template: str = "",
) -> Callable:
    """Decorate a view so that each client gets ``limit()`` requests per ``period`` seconds in
    ``scope`` (only ``methods`` count, all when empty); beyond that it gets a 429 with
    Retry-After, rendered from ``template`` when given. ``limit`` is read per request so tests
    and settings can change it."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            counted = not methods or request.method in methods
            if counted and is_limited(request, scope, limit=limit(), period=period):
                return too_many_requests(request, period=period, template=template)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def too_many_requests(request: HttpRequest, *, period: int, template: str) -> HttpResponse:
    if template:
        response = render(request, template, {"retry_after": period}, status=429)
    else:
        response = HttpResponse(
            "Too many requests; try again in a minute.", status=429, content_type="text/plain"
        )
    response["Retry-After"] = str(period)
    return response
