"""Each key has its own request limit per minute: beyond it, 429 with Retry-After. The limit is
counted in the cache and lets everyone through while the cache is down."""

from unittest import mock

from tests.support.api import api_client_for


def test_a_key_over_its_limit_gets_429_with_retry_after(api, agent, settings, clock):
    settings.API_RATE_LIMIT = 2
    assert [api.get("/orders").status_code for _ in range(2)] == [200, 200]
    refused = api.get("/orders")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused["Content-Type"] == "application/problem+json"
    assert "try again in 60 seconds" in refused.json()["detail"]

    assert api_client_for(agent).get("/orders").status_code == 200, "another key has its own"


def test_the_limit_lets_requests_through_while_the_cache_is_down(api, settings):
    settings.API_RATE_LIMIT = 1
    with mock.patch("core.ratelimit.cache.incr", side_effect=ConnectionError("Redis is down")):
        assert [api.get("/orders").status_code for _ in range(3)] == [200, 200, 200]
