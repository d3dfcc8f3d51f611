"""The Redis cache, answering as an empty cache while Redis is away.

django-allauth keeps its rate-limit counters (failed sign-ins per account, reset emails per
address) in the default cache and would answer 500 on every sign-in while Redis is down. Reads
and writes of single keys here fail open instead: a read is a miss, a write is dropped, and an
``add`` (allauth's lock) succeeds, so every request is served and the limits let everyone through
until Redis is back, each time saying so in the log. Counters that count with ``incr``
(``core.ratelimit``) and bulk reads keep their errors: their callers log and fail open themselves.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _unavailable(operation: str, error: Exception) -> None:
    logger.warning("Rate limit cache unavailable; %s answered as a miss (%r)", operation, error)


class FailOpenRedisCache(RedisCache):
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as error:
            _unavailable("add", error)
            return True

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as error:
            _unavailable("get", error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNAVAILABLE as error:
            _unavailable("set", error)
            return None

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as error:
            _unavailable("delete", error)
            return False
